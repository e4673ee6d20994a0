/* SPDX-License-Identifier: GPL-2.0 */
/*
 * InvPlan: the encoding decisions of one request, made once before the
 * walk because they are the same for every tag of a kind: per IOTLB range
 * the exact cover or one wider command (@wide), or the whole tag; for
 * device TLBs the exact cover (at most @max_cmds per device), the hull of
 * all ranges, or everything. Documentation/core-invalidation.rst, "Cover
 * policy".
 */
#ifndef ALIST_CORE_INV_PLAN_H
#define ALIST_CORE_INV_PLAN_H

#include "base/bits.h"
#include "inv/block_cover.h"
#include "inv/cover_policy.h"
#include "inv/range_set.h"

namespace alist {

struct InvPlan {
	static constexpr unsigned kFullOrder = 52;	/* a device TLB's whole space */

	bool tlb_whole;		/* IOTLB kinds: one whole-tag command */
	bool atc_full;		/* device TLBs: invalidate everything */
	bool atc_hull;		/* device TLBs: one span, hull_base/hull_order */
	bool leaf;		/* IH (VT-d) / Leaf (SMMUv3) */
	alist_u8 ttl;		/* SMMUv3 RIL TTL hint, 0 = none */
	alist_u8 unit_shift;	/* IOTLB commands count units of 2^unit_shift pages */
	alist_u8 hull_order;	/* log2 pages */
	alist_u32 wide;		/* IOTLB kinds: bit i, range i takes one wider command */
	alist_u64 hull_base;	/* first page, aligned to 2^hull_order */

	bool Wide(alist_u32 range) const { return (wide >> range) & 1; }

	/* Decide atc_full, atc_hull and the hull from @rs. */
	ALIST_ALWAYS_INLINE void PlanAtc(const RangeSet &rs, alist_u32 max_cmds,
					 const CoverPolicy &policy)
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
};

static_assert(RangeSet::kCapacity <= 32, "InvPlan::wide has a bit per range");

} // namespace alist

#endif /* ALIST_CORE_INV_PLAN_H */
