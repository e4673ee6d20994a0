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
	void PlanAtc(const RangeSet &rs, alist_u32 max_cmds, const CoverPolicy &policy);
};

static_assert(RangeSet::kCapacity <= 32, "InvPlan::wide has a bit per range");

} // namespace alist

#endif /* ALIST_CORE_INV_PLAN_H */
