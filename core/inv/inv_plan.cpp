// SPDX-License-Identifier: GPL-2.0
#include "inv/inv_plan.h"

#include "inv/block_cover.h"

namespace alist {

void InvPlan::PlanAtc(const RangeSet &rs, alist_u32 max_cmds)
{
	atc_full = rs.all();
	atc_hull = false;
	if (rs.all() || rs.empty())
		return;

	if (BlockCover::Count(rs, kFullOrder, max_cmds) <= max_cmds)
		return;

	alist_u64 first = rs[0].first;
	unsigned order = BlockCover::HullOrder(first, rs[rs.size() - 1].last);

	if (order >= kFullOrder) {
		atc_full = true;
		return;
	}
	atc_hull = true;
	hull_order = static_cast<alist_u8>(order);
	hull_base = first & ~LowMask(order);
}

} // namespace alist
