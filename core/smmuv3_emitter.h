/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Smmuv3Emitter: ARM SMMUv3 invalidation commands.
 *
 *  TLBI_NH_VA     dw0: NUM[16:12], SCALE[24:20], VMID[47:32], ASID[63:48]
 *                 dw1: Leaf[0], TTL[9:8], TG[11:10], VA[63:12]
 *  TLBI_S2_IPA    as NH_VA without ASID; IPA[51:12]
 *  TLBI_NH_ASID   ASID, VMID      TLBI_S12_VMALL / TLBI_NH_ALL: VMID
 *  ATC_INV        dw0: Global[9], SSV[11], SSID[31:12], SID[63:32]
 *                 dw1: SIZE[5:0] (log2 4 KiB pages, 52 = all), ADDR[63:12]
 *  CMD_SYNC       dw0: CS[13:12] (0 none, 1 IRQ); the driver polls CONS
 *
 * Range invalidation (IDR3.RIL): TG = (granule_lg2 - 10) / 2 selects the
 * unit, one command covers (NUM + 1) << SCALE units from VA (RilCover).
 * TTL names the leaf level when the request knows it. NUM = SCALE = TTL = 0
 * with TG != 0 is reserved: a single unit without a TTL is sent in the
 * non-range form (TG = 0), which names exactly that unit.
 * Without RIL each command names one unit; the unit is the larger of the
 * granule and the unmapped leaf size.
 *
 * Sync rules: TLBIs complete before ATC_INV (else the device may refetch a
 * stale translation from the SMMU TLB), and a stage-2 TLBI completes before
 * the nested stage-1 clear. Those syncs are emitted only when both sides are
 * present in the instance; TLBI_NH_ALL for a VMID is skipped when the same
 * call already sent TLBI_S12_VMALL for it (that clears stage 1 too).
 */
#ifndef ALIST_CORE_SMMUV3_EMITTER_H
#define ALIST_CORE_SMMUV3_EMITTER_H

#include <alist/inv.h>
#include <alist/target.h>

#include "atc_cover.h"
#include "inv_plan.h"
#include "inv_request.h"
#include "range_walk.h"
#include "ril_cover.h"
#include "smmuv3_cmd.h"
#include "walk_state.h"

namespace alist {

class Smmuv3Emitter {
public:
	using Params = alist_smmuv3_params;
	using C = Smmuv3Cmd;

	/* --- command encoders ---------------------------------------------- */

	static alist_cmd NhAll(alist_u32 vmid)
	{
		return alist_cmd{{C::kTlbiNhAll | Field(vmid, 47, 32), 0, 0, 0}};
	}

	static alist_cmd NhAsid(alist_u32 asid, alist_u32 vmid)
	{
		return alist_cmd{{C::kTlbiNhAsid | Field(vmid, 47, 32) | Field(asid, 63, 48),
				  0, 0, 0}};
	}

	static alist_cmd S12Vmall(alist_u32 vmid)
	{
		return alist_cmd{{C::kTlbiS12Vmall | Field(vmid, 47, 32), 0, 0, 0}};
	}

	/*
	 * A TLBI by address. @dw0 carries the opcode and tag fields; @tg is the
	 * TG field (0: non-range form), @num the granule count - 1.
	 */
	static alist_cmd TlbiVa(alist_u64 dw0, alist_u64 addr, alist_u64 addr_mask,
				unsigned tg, unsigned num, unsigned scale,
				unsigned ttl, bool leaf)
	{
		return alist_cmd{{dw0 | Field(num, 16, 12) | Field(scale, 24, 20),
				  (leaf ? C::kLeaf : 0) | Field(ttl, 9, 8) | Field(tg, 11, 10) |
				  (addr & addr_mask), 0, 0}};
	}

	static alist_cmd AtcInv(alist_u32 sid, alist_u32 pasid, alist_u64 pfn,
				unsigned order)
	{
		alist_u64 dw0 = C::kAtcInv | Field(sid, 63, 32);

		if (pasid != ALIST_NO_PASID)
			dw0 |= C::kAtcSsv | Field(pasid, 31, 12);
		return alist_cmd{{dw0, Field(order, 5, 0) | (pfn << 12), 0, 0}};
	}

	static alist_cmd Sync(unsigned cs)
	{
		return alist_cmd{{C::kSync | Field(cs, 13, 12), 0, 0, 0}};
	}

	/* TG field value for a granule, 0 if not a granule. */
	static unsigned TgField(unsigned granule_lg2)
	{
		switch (granule_lg2) {
		case 12: return 1;
		case 14: return 2;
		case 16: return 3;
		default: return 0;
		}
	}

	/* --- batcher interface --------------------------------------------- */

	static bool ParamsValid(const Params &p)
	{
		return TgField(p.tg_lg2) != 0 && p.reserved == 0;
	}
	static void MakePlan(const Params &p, const InvRequest &req, InvPlan *plan);
	/* RIL TTL for a leaf of 2^granule_lg2 bytes with a 2^tg_lg2 granule. */
	static unsigned Ttl(unsigned tg_lg2, unsigned granule_lg2);
	/*
	 * MakePlan()'s fast path: [first, last] (pages) as one TLBI into
	 * @plan (tlb_one and its fields); false if it needs more commands.
	 */
	static bool PlanOne(const Params &p, alist_u64 first, alist_u64 last, InvPlan *plan);

	static bool KindValid(alist_u8 kind)
	{
		constexpr alist_u32 kKinds = 1u << ALIST_KIND_SMMU_S1 | 1u << ALIST_KIND_SMMU_S2 |
					     1u << ALIST_KIND_SMMU_S1_CLEAR |
					     1u << ALIST_KIND_ATC | 1u << ALIST_KIND_ATC_FULL;

		return kind < 32 && (kKinds >> kind & 1);
	}

	static bool IsAtc(alist_u8 kind)
	{
		return kind == ALIST_KIND_ATC || kind == ALIST_KIND_ATC_FULL;
	}

	/* Same command: S1 by ASID and VMID; S2 and S1 clear by VMID. */
	static bool SameTag(const alist_target &a, const alist_target &b)
	{
		return a.tag == b.tag && (a.kind != ALIST_KIND_SMMU_S1 || a.vmid == b.vmid);
	}

	static bool NeedSyncBefore(alist_u8 kind, const InstanceFlags &f)
	{
		if (IsAtc(kind))
			return f.tlbi();
		return kind == ALIST_KIND_SMMU_S1_CLEAR && f.s2();
	}

	static void NoteEmitting(alist_u8 kind, InstanceFlags &f)
	{
		f.Set(static_cast<alist_u8>(InstanceFlags::kPending |
					    (IsAtc(kind) ? 0 : InstanceFlags::kTlbi) |
					    (kind == ALIST_KIND_SMMU_S2 ? InstanceFlags::kS2 : 0)));
	}

	/*
	 * A nested-S1 clear already done by this call: the plan flushed stage 2
	 * whole and a live S2 target of the same VMID on the same instance
	 * precedes entry @idx (S2 sorts before S1_CLEAR).
	 */
	static bool Covered(const InvPlan &plan, const alist_target *t, alist_u32 idx)
	{
		if (t[idx].kind != ALIST_KIND_SMMU_S1_CLEAR || !plan.tlb_whole)
			return false;
		return S2Precedes(t, idx);
	}

	/* AtcInv() split for devices sharing one span: dword 1 in @w[0]. */
	static void AtcWords(const AtcCover::Block &b, alist_u64 w[2])
	{
		w[0] = AtcInv(0, ALIST_NO_PASID, b.base, b.order).w[1];
		w[1] = 0;
	}

	/* @w0 is AtcWords()' dword 1; @w1 is unused. */
	static ALIST_ALWAYS_INLINE alist_cmd AtcCmd(const alist_target &t, alist_u64 w0,
						    alist_u64)
	{
		alist_cmd c = AtcInv(t.sid, t.pasid, 0, 0);

		c.w[1] = w0;
		return c;
	}

	/*
	 * @t's command when the plan makes it exactly one (whole tag, the
	 * plan's one TLBI, an S1 clear, an ATC_INV's single span); false
	 * otherwise.
	 */
	static ALIST_ALWAYS_INLINE bool One(const Params &, const InvPlan &plan,
					    const alist_target &t, alist_cmd *c)
	{
		switch (t.kind) {
		case ALIST_KIND_SMMU_S1:
			if (plan.tlb_whole)
				*c = NhAsid(t.tag, t.vmid);
			else if (plan.tlb_one)
				*c = PlannedTlbi(plan, C::kTlbiNhVa | Field(t.vmid, 47, 32) |
							       Field(t.tag, 63, 48),
						 C::kVaMask);
			else
				return false;
			return true;
		case ALIST_KIND_SMMU_S2:
			if (plan.tlb_whole)
				*c = S12Vmall(t.tag);
			else if (plan.tlb_one)
				*c = PlannedTlbi(plan, C::kTlbiS2Ipa | Field(t.tag, 47, 32),
						 C::kIpaMask);
			else
				return false;
			return true;
		case ALIST_KIND_SMMU_S1_CLEAR:
			*c = NhAll(t.tag);
			return true;
		default:
			break;
		}

		AtcCover::Block b;

		if (!AtcCover::Single(plan, t.kind == ALIST_KIND_ATC_FULL, &b))
			return false;
		*c = AtcInv(t.sid, t.pasid, b.base, b.order);
		return true;
	}

	template <class Sink>
	static bool EmitTarget(const Params &p, const InvPlan &plan,
			       const RangeSet &rs, const alist_target &t,
			       EmitPos &pos, Sink &sink)
	{
		alist_cmd one;

		if (One(p, plan, t, &one))
			return sink.Emit(t.instance, one);
		switch (t.kind) {
		case ALIST_KIND_SMMU_S1:
			return EmitRange(p, plan, rs, C::kTlbiNhVa | Field(t.vmid, 47, 32) |
					 Field(t.tag, 63, 48), C::kVaMask, t.instance, pos, sink);
		case ALIST_KIND_SMMU_S2:
			return EmitRange(p, plan, rs, C::kTlbiS2Ipa | Field(t.tag, 47, 32),
					 C::kIpaMask, t.instance, pos, sink);
		default:
			break;
		}

		AtcCover::Block b;

		while (AtcCover::Peek(rs, pos, &b)) {
			if (!sink.Emit(t.instance, AtcInv(t.sid, t.pasid, b.base, b.order)))
				return false;
			AtcCover::Advance(rs, pos, b);
		}
		return true;
	}

private:
	/* The plan's one TLBI, as EmitRange() would build it, with @dw0's tag. */
	static alist_cmd PlannedTlbi(const InvPlan &plan, alist_u64 dw0, alist_u64 addr_mask)
	{
		return alist_cmd{{dw0 | plan.tlb_dw0, plan.tlb_bits | (plan.tlb_addr & addr_mask),
				  0, 0}};
	}

	/* The nested-S1 clear's binary search (Covered()'s slow half). */
	static bool S2Precedes(const alist_target *t, alist_u32 idx);

	template <class Sink>
	static bool EmitRange(const Params &p, const InvPlan &plan, const RangeSet &rs,
			      alist_u64 dw0, alist_u64 addr_mask, alist_u32 instance,
			      EmitPos &pos, Sink &sink)
	{
		unsigned shift = plan.step_lg2 - RangeSet::kPageShift;

		if (pos.cur == RangeWalk::kUnset) {
			pos.range = 0;
			pos.cur = rs[0].first >> shift;
		}
		while (pos.range < rs.size()) {
			RangeWalk::Span s = RangeWalk::At(rs, pos.range, shift);
			alist_u64 addr = pos.cur << plan.step_lg2;
			alist_u64 units = 1;
			alist_cmd c;

			if (p.ril) {
				RilCover::Chunk k = RilCover::Next(s.last - pos.cur + 1);

				units = static_cast<alist_u64>(k.num) << k.scale;
				if (units == 1 && !plan.ttl)
					c = TlbiVa(dw0, addr, addr_mask, 0, 0, 0, 0, plan.leaf);
				else
					c = TlbiVa(dw0, addr, addr_mask, TgField(p.tg_lg2),
						   k.num - 1, k.scale, plan.ttl, plan.leaf);
			} else {
				c = TlbiVa(dw0, addr, addr_mask, 0, 0, 0, 0, plan.leaf);
			}
			if (!sink.Emit(instance, c))
				return false;
			if (s.last - pos.cur + 1 == units) {
				pos.range = s.next;
				if (pos.range < rs.size())
					pos.cur = rs[pos.range].first >> shift;
			} else {
				pos.cur += units;
			}
		}
		return true;
	}
};

} // namespace alist

#endif /* ALIST_CORE_SMMUV3_EMITTER_H */
