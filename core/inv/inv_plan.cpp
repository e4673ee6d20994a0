// SPDX-License-Identifier: GPL-2.0
#include "inv/inv_plan.h"

#include "inv/block_cover.h"

namespace alist {

void InvPlan::PlanAtc(const RangeSet &rs, alist_u32 max_cmds, const CoverPolicy &policy)
{
	atc_full = rs.all();
	atc_hull = false;
	if (rs.all() || rs.empty())
		return;

	alist_u64 first = rs[0].first, exact = 0, pages = 0;
	unsigned order = BlockCover::HullOrder(first, rs[rs.size() - 1].last);

	for (unsigned i = 0; i < rs.size() && exact <= max_cmds; i++) {
		exact += BlockCover::Count(rs[i].first, rs[i].last, kFullOrder, max_cmds);
		pages += rs[i].last - rs[i].first + 1;
	}
	if (exact <= max_cmds) {
		/* A hull of the whole space is over-invalidation beyond measure. */
		alist_u64 over = order >= kFullOrder ? ~0ull : (1ull << order) - pages;

		if (!policy.DevWide(exact, over))
			return;
	}
	if (order >= kFullOrder) {
		atc_full = true;
		return;
	}
	atc_hull = true;
	hull_order = static_cast<alist_u8>(order);
	hull_base = first & ~LowMask(order);
}

} // namespace alist
