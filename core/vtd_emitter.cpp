// SPDX-License-Identifier: GPL-2.0
#include "vtd_emitter.h"

namespace alist {

void VtdEmitter::MakePlan(const Params &p, const InvRequest &req, InvPlan *out)
{
	const RangeSet &rs = req.ranges;
	/* Written in place: a copy would reload what was just stored. */
	InvPlan &plan = *out;

	plan = InvPlan{};

	plan.leaf = req.leaf;
	if (rs.all() || !p.psi) {
		plan.tlb_whole = true;
	} else if (rs.size() == 1 && p.max_iotlb_cmds &&
		   BlockCover::NextOrder(rs[0].first, rs[0].last, MaxAm(p)) ==
			   BlockCover::HullOrder(rs[0].first, rs[0].last) &&
		   (rs[0].first & LowMask(BlockCover::HullOrder(rs[0].first, rs[0].last))) == 0) {
		/*
		 * One aligned block (PlanOneBlock() takes it when every
		 * budget allows): one descriptor per tag, built once.
		 */
		unsigned am = BlockCover::HullOrder(rs[0].first, rs[0].last);

		plan.tlb_one = true;
		plan.tlb_addr = rs[0].first << 12;
		plan.tlb_bits = static_cast<alist_u16>(PageQw1(0, am, req.leaf));
	} else {
		/* Cost per tag: the exact cover's descriptors. */
		alist_u64 cost = 0;

		for (unsigned i = 0; i < rs.size() && cost <= p.max_iotlb_cmds; i++)
			cost += BlockCover::Count(rs[i].first, rs[i].last, MaxAm(p),
						  p.max_iotlb_cmds);
		plan.tlb_whole = cost > p.max_iotlb_cmds;
	}
	AtcCover::Plan(rs, p.max_devtlb_cmds, &plan);
	plan.SetAllOne();
}

} // namespace alist
