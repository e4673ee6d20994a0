/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VtdEmitter: Intel VT-d scalable-mode invalidation descriptors (256-bit
 * QI descriptors; the upper 128 bits are zero for every type used here).
 *
 *  IOTLB (type 2)        qw0: G[5:4] (2 domain, 3 page), DW[6], DR[7],
 *                             DID[31:16]
 *                        qw1: AM[5:0], IH[6], ADDR[63:12]
 *  PASID-IOTLB (type 6)  qw0: G[5:4] (2 all-in-PASID, 3 page-in-PASID),
 *                             DID[31:16], PASID[51:32]
 *                        qw1: AM[5:0], IH[6], ADDR[63:12]
 *  Device-TLB (type 3)   qw0: PFSID[3:0]@[15:12], QDEP[20:16], SID[47:32],
 *                             PFSID[15:4]@[63:52]
 *                        qw1: S[0], ADDR[63:12]
 *  PASID dev-TLB (type 8) qw0: QDEP[8:4], PFSID[3:0]@[15:12], SID[31:16],
 *                             PASID[51:32], PFSID[15:4]@[63:52]
 *                        qw1: S[11], ADDR[63:12]
 *  Wait (type 5)         qw0: SW[5], STATUS_DATA[63:32]; qw1: address
 *
 * Device-TLB sizes follow PCIe ATS: S=0 is one page; S=1 with the address
 * bits below the span's top bit set to 1 and that bit 0 names 2^order pages.
 *
 * The QI processes descriptors in order, so one wait descriptor at the end
 * of an instance's batch covers the IOTLB and device-TLB descriptors before
 * it: no sync before the device TLBs (unlike SMMUv3).
 */
#ifndef ALIST_CORE_VTD_EMITTER_H
#define ALIST_CORE_VTD_EMITTER_H

#include <alist/inv.h>
#include <alist/target.h>

#include "atc_cover.h"
#include "bits.h"
#include "block_cover.h"
#include "inv_plan.h"
#include "inv_request.h"
#include "range_walk.h"
#include "walk_state.h"

namespace alist {

class VtdEmitter {
public:
	using Params = alist_vtd_params;

	static constexpr alist_u64 kTypeIotlb = 2;
	static constexpr alist_u64 kTypeDevTlb = 3;
	static constexpr alist_u64 kTypeWait = 5;
	static constexpr alist_u64 kTypePasidIotlb = 6;
	static constexpr alist_u64 kTypePasidDevTlb = 8;
	static constexpr alist_u64 kGranDomain = 2;	/* also all-in-PASID */
	static constexpr alist_u64 kGranPage = 3;
	static constexpr alist_u64 kWaitSW = 1ull << 5;

	/* --- descriptor encoders ------------------------------------------ */

	static alist_cmd IotlbDomain(const Params &p, alist_u32 did)
	{
		return alist_cmd{{kTypeIotlb | Field(kGranDomain, 5, 4) | Drain(p) |
				  Field(did, 31, 16), 0, 0, 0}};
	}

	static alist_cmd IotlbPage(const Params &p, alist_u32 did, alist_u64 pfn,
				   unsigned am, bool ih)
	{
		return alist_cmd{{kTypeIotlb | Field(kGranPage, 5, 4) | Drain(p) |
				  Field(did, 31, 16),
				  PageQw1(pfn, am, ih), 0, 0}};
	}

	static alist_cmd PasidIotlbAll(alist_u32 did, alist_u32 pasid)
	{
		return alist_cmd{{kTypePasidIotlb | Field(kGranDomain, 5, 4) |
				  Field(did, 31, 16) | Field(pasid, 51, 32), 0, 0, 0}};
	}

	static alist_cmd PasidIotlbPage(alist_u32 did, alist_u32 pasid,
					alist_u64 pfn, unsigned am, bool ih)
	{
		return alist_cmd{{kTypePasidIotlb | Field(kGranPage, 5, 4) |
				  Field(did, 31, 16) | Field(pasid, 51, 32),
				  PageQw1(pfn, am, ih), 0, 0}};
	}

	/* Quadword 1 of both page-selective IOTLB forms. */
	static constexpr alist_u64 PageQw1(alist_u64 pfn, unsigned am, bool ih)
	{
		return Field(am, 5, 0) | Field(ih, 6, 6) | (pfn << 12);
	}

	/*
	 * Device-TLB invalidation of 2^@order pages at @pfn (aligned); type 8
	 * when the target has a PASID. Order 52 is the whole address space.
	 */
	static alist_cmd DevTlb(const alist_target &t, alist_u64 pfn, unsigned order)
	{
		alist_u64 qw1[2];

		DevTlbQw1(pfn, order, qw1);
		return AtcCmd(t, qw1[0], qw1[1]);
	}

	/*
	 * Quadword 1 of both device-TLB forms for 2^@order pages at @pfn:
	 * @qw1[0] for type 3 (S in bit 0), @qw1[1] for type 8 (S in bit 11).
	 */
	static void DevTlbQw1(alist_u64 pfn, unsigned order, alist_u64 qw1[2])
	{
		alist_u64 addr = pfn;
		bool s = order != 0;

		if (s)
			addr |= (1ull << (order - 1)) - 1;
		addr <<= 12;
		qw1[0] = addr | (s ? 1ull : 0);
		qw1[1] = addr | (s ? 1ull << 11 : 0);
	}

	/* Status write only: SW+IF aborts QEMU 10.0.2, FN alone is refused. */
	static alist_cmd Wait(alist_u64 status_addr, alist_u32 data)
	{
		return alist_cmd{{kTypeWait | kWaitSW | Field(data, 63, 32),
				  status_addr & ~3ull, 0, 0}};
	}

	/* --- batcher interface --------------------------------------------- */

	/* AM is a 6-bit field. */
	static bool ParamsValid(const Params &p) { return p.mamv < 64; }
	/* The plan for any request (out of line; PlanOneBlock() first). */
	static void MakePlan(const Params &p, const InvRequest &req, InvPlan *plan);

	/*
	 * The plan's common case, inline: one gathered range that is one
	 * aligned power-of-two block a PSI can name, so one descriptor per
	 * tag and one per device TLB, both the block itself (MakePlan()
	 * reaches the same plan). False, and @plan untouched, otherwise.
	 */
	static ALIST_ALWAYS_INLINE bool PlanOneBlock(const Params &p, const InvRequest &req,
						     InvPlan *plan)
	{
		const RangeSet &rs = req.ranges;

		if (rs.size() != 1 || !p.psi || !p.max_iotlb_cmds || !p.max_devtlb_cmds)
			return false;

		alist_u64 first = rs[0].first, last = rs[0].last;
		unsigned order = BlockCover::HullOrder(first, last);

		if (last - first != LowMask(order) || (first & LowMask(order)) ||
		    order > MaxAm(p))
			return false;
		*plan = InvPlan{};
		plan->leaf = req.leaf;
		plan->tlb_one = true;
		plan->tlb_addr = first << 12;
		plan->tlb_bits = static_cast<alist_u16>(PageQw1(0, order, req.leaf));
		plan->atc_hull = true;
		plan->hull_order = static_cast<alist_u8>(order);
		plan->hull_base = first;
		plan->SetAllOne();
		return true;
	}

	static bool KindValid(alist_u8 kind)
	{
		constexpr alist_u32 kKinds = 1u << ALIST_KIND_VTD_IOTLB |
					     1u << ALIST_KIND_VTD_PIOTLB |
					     1u << ALIST_KIND_ATC | 1u << ALIST_KIND_ATC_FULL;

		return kind < 32 && (kKinds >> kind & 1);
	}

	static bool IsAtc(alist_u8 kind)
	{
		return kind == ALIST_KIND_ATC || kind == ALIST_KIND_ATC_FULL;
	}

	/* Same command: IOTLB by DID; PASID-IOTLB by DID and PASID. */
	static bool SameTag(const alist_target &a, const alist_target &b)
	{
		return a.tag == b.tag &&
		       (a.kind != ALIST_KIND_VTD_PIOTLB || a.pasid == b.pasid);
	}

	/* In-order QI: nothing inside an instance needs a wait. */
	static bool NeedSyncBefore(alist_u8, const InstanceFlags &) { return false; }
	static void NoteEmitting(alist_u8, InstanceFlags &f) { f.Set(InstanceFlags::kPending); }
	static bool Covered(const InvPlan &, const alist_target *, alist_u32)
	{
		return false;
	}

	/*
	 * DevTlb() split for devices sharing one span: the address quadword of
	 * both descriptor types, computed once per run of devices.
	 */
	static void AtcWords(const AtcCover::Block &b, alist_u64 w[2])
	{
		DevTlbQw1(b.base, b.order, w);
	}

	/* A device-TLB descriptor for @t with quadword 1 from DevTlbQw1(). */
	static ALIST_ALWAYS_INLINE alist_cmd AtcCmd(const alist_target &t, alist_u64 w0,
						    alist_u64 w1)
	{
		/* A 5-bit field: a depth of 32, also given as 0, encodes as 0. */
		alist_u64 qdep = t.atc_qdep;
		alist_u64 pfsid = Field(t.pfsid, 3, 0) << 12 |
				  Field(t.pfsid >> 4, 11, 0) << 52;

		if (t.pasid == ALIST_NO_PASID)
			return alist_cmd{{kTypeDevTlb | pfsid | Field(qdep, 20, 16) |
					  Field(t.sid, 47, 32), w0, 0, 0}};
		return alist_cmd{{kTypePasidDevTlb | Field(qdep, 8, 4) | pfsid |
				  Field(t.sid, 31, 16) | Field(t.pasid, 51, 32),
				  w1, 0, 0}};
	}

	/*
	 * @t's command when the plan makes it exactly one (whole tag, the
	 * plan's one block, a device TLB's single span); false otherwise.
	 */
	static ALIST_ALWAYS_INLINE bool One(const Params &p, const InvPlan &plan,
					    const alist_target &t, alist_cmd *c)
	{
		if (IsAtc(t.kind)) {
			AtcCover::Block b;

			if (!AtcCover::Single(plan, t.kind == ALIST_KIND_ATC_FULL, &b))
				return false;
			*c = DevTlb(t, b.base, b.order);
			return true;
		}

		bool pasid = t.kind == ALIST_KIND_VTD_PIOTLB;

		if (plan.tlb_whole) {
			*c = pasid ? PasidIotlbAll(t.tag, t.pasid) : IotlbDomain(p, t.tag);
			return true;
		}
		if (plan.tlb_one) {
			/* The plan's one block: what PasidIotlbPage/IotlbPage build. */
			alist_u64 qw0 = pasid ? kTypePasidIotlb | Field(t.pasid, 51, 32)
					      : kTypeIotlb | Drain(p);

			*c = alist_cmd{{qw0 | Field(kGranPage, 5, 4) | Field(t.tag, 31, 16),
					plan.tlb_bits | plan.tlb_addr, 0, 0}};
			return true;
		}
		return false;
	}

	/*
	 * Emit @t's commands from @pos on. Returns false when the sink is full
	 * (@pos says where to resume), true when the target is complete.
	 */
	template <class Sink>
	static bool EmitTarget(const Params &p, const InvPlan &plan,
			       const RangeSet &rs, const alist_target &t,
			       EmitPos &pos, Sink &sink)
	{
		alist_cmd one;

		if (One(p, plan, t, &one))
			return sink.Emit(t.instance, one);
		if (IsAtc(t.kind)) {
			AtcCover::Block b;

			while (AtcCover::Peek(rs, pos, &b)) {
				if (!sink.Emit(t.instance, DevTlb(t, b.base, b.order)))
					return false;
				AtcCover::Advance(rs, pos, b);
			}
			return true;
		}

		bool pasid = t.kind == ALIST_KIND_VTD_PIOTLB;

		if (pos.cur == RangeWalk::kUnset) {
			pos.range = 0;
			pos.cur = rs[0].first;
		}
		while (pos.range < rs.size()) {
			alist_u64 last = rs[pos.range].last;
			unsigned am = BlockCover::NextOrder(pos.cur, last, MaxAm(p));
			alist_cmd c = pasid ? PasidIotlbPage(t.tag, t.pasid, pos.cur, am, plan.leaf)
					    : IotlbPage(p, t.tag, pos.cur, am, plan.leaf);

			if (!sink.Emit(t.instance, c))
				return false;
			if (last - pos.cur + 1 == (1ull << am)) {
				if (++pos.range < rs.size())
					pos.cur = rs[pos.range].first;
			} else {
				pos.cur += 1ull << am;
			}
		}
		return true;
	}

	static unsigned MaxAm(const Params &p)
	{
		return p.mamv > AtcCover::kFullOrder ? AtcCover::kFullOrder : p.mamv;
	}

private:
	static alist_u64 Drain(const Params &p)
	{
		return (p.drain_write ? 1ull << 6 : 0) | (p.drain_read ? 1ull << 7 : 0);
	}
};

} // namespace alist

#endif /* ALIST_CORE_VTD_EMITTER_H */
