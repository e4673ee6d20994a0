/* SPDX-License-Identifier: GPL-2.0 */
/*
 * InvPlan: the encoding decisions of one request, made once before the
 * walk from the request and the unit parameters (they are the same for
 * every tag of a kind).
 *
 * IOTLB kinds are flushed whole when the request is "all" or when the
 * exact ranged encoding would cost more commands per tag than the
 * emitter's threshold. Device TLBs (PCIe ATS: one command names one
 * naturally aligned power-of-two span of 4 KiB pages, up to the whole
 * 2^52-page space) have a middle step, PlanAtc():
 *  - exact: the fewest aligned blocks covering every range, when that is
 *    at most @max_cmds commands per device;
 *  - hull: otherwise the smallest aligned block containing all ranges, one
 *    command per device, over-invalidating the gaps;
 *  - full: for "all", or when the hull is the whole space anyway.
 */
#ifndef ALIST_CORE_INV_PLAN_H
#define ALIST_CORE_INV_PLAN_H

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
	alist_u64 hull_base;	/* first page, aligned to 2^hull_order */

	/* Decide atc_full, atc_hull and the hull from @rs. */
	void PlanAtc(const RangeSet &rs, alist_u32 max_cmds);
};

} // namespace alist

#endif /* ALIST_CORE_INV_PLAN_H */
