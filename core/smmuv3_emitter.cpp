// SPDX-License-Identifier: GPL-2.0
#include "smmuv3_emitter.h"

namespace alist {

unsigned Smmuv3Emitter::Ttl(unsigned tg_lg2, unsigned granule_lg2)
{
	/*
	 * Each level resolves tg - 3 bits; the last level maps the granule:
	 * level 3 for a granule leaf, 2 and 1 for blocks one and two levels
	 * up; 0 (no hint) for anything else. Compared, not divided: this runs
	 * on every invalidation and a division costs tens of cycles.
	 */
	unsigned bits = tg_lg2 - 3;

	if (granule_lg2 < tg_lg2)
		return 0;

	unsigned d = granule_lg2 - tg_lg2;

	if (d == 0)
		return 3;
	if (d == bits)
		return 2;
	if (d == 2 * bits)
		return 1;
	return 0;
}

void Smmuv3Emitter::MakePlan(const Params &p, const InvRequest &req, InvPlan *out)
{
	const RangeSet &rs = req.ranges;
	/* Written in place: a copy would reload what was just stored. */
	InvPlan &plan = *out;

	plan = InvPlan{};

	plan.leaf = req.leaf;
	if (p.ril) {
		plan.step_lg2 = p.tg_lg2;
		plan.ttl = static_cast<alist_u8>(req.leaf ? Ttl(p.tg_lg2, req.granule_lg2) : 0);
	} else {
		/* One TLBI per leaf: each names the whole leaf entry. */
		plan.step_lg2 = req.granule_lg2 > p.tg_lg2 ? req.granule_lg2 : p.tg_lg2;
	}

	if (rs.all()) {
		plan.tlb_whole = true;
	} else if (rs.size() == 1 && p.max_tlbi_cmds &&
		   PlanOne(p, rs[0].first, rs[0].last, &plan)) {
		/* One command per tag, built once (plan.tlb_one). */
	} else if (!rs.empty()) {
		unsigned shift = plan.step_lg2 - RangeSet::kPageShift;
		alist_u64 cost = 0;

		for (alist_u32 i = 0; i < rs.size() && cost <= p.max_tlbi_cmds;) {
			RangeWalk::Span s = RangeWalk::At(rs, i, shift);
			alist_u64 units = s.last - s.first + 1;

			cost += p.ril ? RilCover::Count(units, p.max_tlbi_cmds) : units;
			i = s.next;
		}
		plan.tlb_whole = cost > p.max_tlbi_cmds;
	}
	AtcCover::Plan(rs, p.max_atc_cmds, &plan);
	plan.SetAllOne();
}

bool Smmuv3Emitter::PlanOne(const Params &p, alist_u64 first, alist_u64 last, InvPlan *plan)
{
	/* EmitRange() for a single span, when it makes exactly one command. */
	unsigned shift = plan->step_lg2 - RangeSet::kPageShift;
	alist_u64 cur = first >> shift;
	alist_u64 units = (last >> shift) - cur + 1;
	unsigned tg = 0, num = 0, scale = 0, ttl = 0;

	if (p.ril) {
		RilCover::Chunk k = RilCover::Next(units);

		if ((static_cast<alist_u64>(k.num) << k.scale) != units)
			return false;
		if (units != 1 || plan->ttl) {
			tg = TgField(p.tg_lg2);
			num = k.num - 1;
			scale = k.scale;
			ttl = plan->ttl;
		}
	} else if (units != 1) {
		return false;
	}
	plan->tlb_one = true;
	plan->tlb_addr = cur << plan->step_lg2;
	plan->tlb_dw0 = static_cast<alist_u32>(Field(num, 16, 12) | Field(scale, 24, 20));
	plan->tlb_bits = static_cast<alist_u16>((plan->leaf ? C::kLeaf : 0) | Field(ttl, 9, 8) |
						Field(tg, 11, 10));
	return true;
}

bool Smmuv3Emitter::S2Precedes(const alist_target *t, alist_u32 idx)
{
	const alist_target &e = t[idx];

	/* Lower bound of (instance, S2, vmid) in t[0, idx). */
	alist_u32 lo = 0, hi = idx;

	while (lo < hi) {
		alist_u32 mid = lo + (hi - lo) / 2;
		const alist_target &m = t[mid];
		bool less = m.instance != e.instance ? m.instance < e.instance :
			    m.kind != ALIST_KIND_SMMU_S2 ? m.kind < ALIST_KIND_SMMU_S2 :
			    m.tag < e.tag;

		if (less)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < idx; lo++) {
		const alist_target &m = t[lo];

		if (m.instance != e.instance || m.kind != ALIST_KIND_SMMU_S2 || m.tag != e.tag)
			return false;
		if (__atomic_load_n(&m.users, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

} // namespace alist
