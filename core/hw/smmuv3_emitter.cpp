// SPDX-License-Identifier: GPL-2.0
#include "hw/smmuv3_emitter.h"

#include "base/bits.h"
#include "inv/ril_cover.h"
#include "hw/smmuv3_cmd.h"

namespace alist {

using C = Smmuv3Cmd;

alist_cmd Smmuv3Emitter::NhAll(alist_u32 vmid)
{
	return alist_cmd{{C::kTlbiNhAll | Put(C::kVmidMask, vmid), 0, 0, 0}};
}

alist_cmd Smmuv3Emitter::NhAsid(alist_u32 asid, alist_u32 vmid)
{
	return alist_cmd{{C::kTlbiNhAsid | Put(C::kVmidMask, vmid) | Put(C::kAsidMask, asid),
			  0, 0, 0}};
}

alist_cmd Smmuv3Emitter::S12Vmall(alist_u32 vmid)
{
	return alist_cmd{{C::kTlbiS12Vmall | Put(C::kVmidMask, vmid), 0, 0, 0}};
}

alist_cmd Smmuv3Emitter::TlbiVa(alist_u64 dw0, alist_u64 addr, alist_u64 addr_mask,
				unsigned tg, unsigned num, unsigned scale, unsigned ttl,
				bool leaf)
{
	return alist_cmd{{dw0 | Put(C::kNumMask, num) | Put(C::kScaleMask, scale),
			  (leaf ? C::kLeaf : 0) | Put(C::kTtlMask, ttl) | Put(C::kTgMask, tg) |
				  (addr & addr_mask), 0, 0}};
}

alist_cmd Smmuv3Emitter::AtcInv(alist_u32 sid, alist_u32 pasid, alist_u64 pfn, unsigned order)
{
	alist_u64 dw0 = C::kAtcInv | Put(C::kSidMask, sid);

	if (pasid != ALIST_NO_PASID)
		dw0 |= C::kAtcSsv | Put(C::kSsidMask, pasid);
	return alist_cmd{{dw0, Put(C::kAtcSizeMask, order) | Put(C::kAtcAddrMask, pfn), 0, 0}};
}

alist_cmd Smmuv3Emitter::Sync(unsigned cs)
{
	return alist_cmd{{C::kSync | Put(C::kSyncCsMask, cs), 0, 0, 0}};
}

unsigned Smmuv3Emitter::TgField(unsigned granule_lg2)
{
	bool valid = granule_lg2 == 12 || granule_lg2 == 14 || granule_lg2 == 16;

	return valid ? (granule_lg2 - 10) / 2 : 0;
}

unsigned Smmuv3Emitter::Ttl(unsigned tg_lg2, unsigned granule_lg2)
{
	/*
	 * Each level resolves tg - 3 bits; the last level maps the granule:
	 * level 3 for a granule leaf, 2 and 1 for blocks one and two levels
	 * up; 0 (no hint) for anything else.
	 */
	unsigned bits = tg_lg2 - 3, d = granule_lg2 - tg_lg2;

	if (granule_lg2 < tg_lg2)
		return 0;
	return d == 0 ? 3 : d == bits ? 2 : d == 2 * bits ? 1 : 0;
}

void Smmuv3Emitter::MakePlan(const Params &p, const InvRequest &req, InvPlan *plan)
{
	const RangeSet &rs = req.ranges;

	*plan = InvPlan{};
	plan->leaf = req.leaf;
	if (p.ril) {
		plan->step_lg2 = p.tg_lg2;
		plan->ttl = static_cast<alist_u8>(req.leaf ? Ttl(p.tg_lg2, req.granule_lg2) : 0);
	} else {
		/* One TLBI per leaf: each names the whole leaf entry. */
		plan->step_lg2 = req.granule_lg2 > p.tg_lg2 ? req.granule_lg2 : p.tg_lg2;
	}

	/* Cost per tag: the exact cover's commands, span by span. */
	alist_u64 cost = 0;

	for (alist_u32 i = 0; i < rs.size() && cost <= p.max_tlbi_cmds;) {
		RangeSet::Span s = rs.SpanAt(i, UnitShift(*plan));
		alist_u64 units = s.last - s.first + 1;

		cost += p.ril ? RilCover::Count(units, p.max_tlbi_cmds) : units;
		i = s.next;
	}
	plan->tlb_whole = rs.all() || cost > p.max_tlbi_cmds;
	plan->PlanAtc(rs, p.max_atc_cmds);
}

bool Smmuv3Emitter::Covered(const InvPlan &plan, const alist_target *t, alist_u32 idx)
{
	const alist_target &e = t[idx];

	if (e.kind != ALIST_KIND_SMMU_S1_CLEAR || !plan.tlb_whole)
		return false;
	/* Back over the S1 clears and the S2 targets of higher VMIDs. */
	for (alist_u32 i = idx; i-- > 0;) {
		const alist_target &m = t[i];

		if (m.instance != e.instance || m.kind < ALIST_KIND_SMMU_S2 ||
		    (m.kind == ALIST_KIND_SMMU_S2 && m.tag < e.tag))
			return false;
		if (m.kind == ALIST_KIND_SMMU_S2 && m.tag == e.tag &&
		    __atomic_load_n(&m.users, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

bool Smmuv3Emitter::Whole(const Params &p, const InvPlan &plan, const alist_target &t,
			  alist_cmd *c)
{
	if (t.kind == ALIST_KIND_SMMU_S1_CLEAR)
		*c = NhAll(t.tag);
	else if (!plan.tlb_whole)
		return false;
	else if (t.kind == ALIST_KIND_SMMU_S1)
		*c = NhAsid(t.tag, t.vmid);
	else
		*c = S12Vmall(t.tag);
	return true;
}

alist_u64 Smmuv3Emitter::Tlb(const Params &p, const InvPlan &plan, const alist_target &t,
			     alist_u64 cur, alist_u64 last, alist_cmd *c)
{
	bool s1 = t.kind == ALIST_KIND_SMMU_S1;
	alist_u64 dw0 = s1 ? C::kTlbiNhVa | Put(C::kVmidMask, t.vmid) | Put(C::kAsidMask, t.tag)
			   : C::kTlbiS2Ipa | Put(C::kVmidMask, t.tag);
	alist_u64 mask = s1 ? C::kVaMask : C::kIpaMask;
	alist_u64 addr = cur << plan.step_lg2;

	if (p.ril) {
		RilCover::Chunk k = RilCover::Next(last - cur + 1);
		alist_u64 units = static_cast<alist_u64>(k.num) << k.scale;

		if (units != 1 || plan.ttl) {
			*c = TlbiVa(dw0, addr, mask, TgField(p.tg_lg2), k.num - 1, k.scale,
				    plan.ttl, plan.leaf);
			return units;
		}
	}
	*c = TlbiVa(dw0, addr, mask, 0, 0, 0, 0, plan.leaf);
	return 1;
}

} // namespace alist
