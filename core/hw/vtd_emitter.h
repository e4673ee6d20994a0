/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VtdEmitter: VT-d scalable-mode invalidation descriptors (fields in
 * <alist/hw/vtd_desc.h>; the upper 128 bits are zero) and the plan of
 * their covers. The QI runs in order: one wait per instance suffices.
 * Documentation/core-invalidation.rst, "Encodings".
 */
#ifndef ALIST_CORE_VTD_EMITTER_H
#define ALIST_CORE_VTD_EMITTER_H

#include <alist/inv.h>
#include <alist/target.h>

#include "inv/inv_plan.h"
#include "inv/inv_request.h"

namespace alist {

class VtdEmitter {
public:
	using Params = alist_vtd_params;
	static constexpr alist_u8 kFormat = 1;

	/* --- descriptor encoders ------------------------------------------ */

	static alist_cmd IotlbDomain(const Params &p, alist_u32 did);
	static alist_cmd IotlbPage(const Params &p, alist_u32 did, alist_u64 pfn,
				   unsigned am, bool ih);
	static alist_cmd PasidIotlbAll(alist_u32 did, alist_u32 pasid);
	static alist_cmd PasidIotlbPage(alist_u32 did, alist_u32 pasid, alist_u64 pfn,
					unsigned am, bool ih);
	/* Device-TLB: 2^@order pages at @pfn (aligned), type 8 with a PASID; 52: all. */
	static alist_cmd Atc(const alist_target &t, alist_u64 pfn, unsigned order);

	/* --- batcher interface (Batcher::Fill) -------------------------- */

	/* AM is a 6-bit field. */
	static bool ParamsValid(const Params &p) { return p.mamv < 64; }
	/* The IOTLB part of the plan; the device-TLB part when a walk meets one. */
	static void MakePlan(const Params &p, const InvRequest &req, InvPlan *plan);
	static void PlanAtc(const Params &p, const InvRequest &req, InvPlan *plan)
	{
		plan->PlanAtc(req.ranges, p.max_devtlb_cmds, CoverPolicy(p.cost));
	}

	static constexpr alist_u32 kKinds =
		ALIST_BIT(ALIST_KIND_VTD_IOTLB) | ALIST_BIT(ALIST_KIND_VTD_PIOTLB) |
		ALIST_BIT(ALIST_KIND_ATC) | ALIST_BIT(ALIST_KIND_ATC_FULL);
	/* In-order QI: nothing inside an instance needs a wait. */
	static constexpr bool kSyncBeforeAtc = false;

	/* An IOTLB target as one whole-DID (all-in-PASID) descriptor. */
	static alist_cmd Whole(const Params &p, const alist_target &t);
	/*
	 * The page-selective descriptor at @cur for [cur, last] of range
	 * @range: pages of it covered (a wide range's hull covers it all).
	 */
	static alist_u64 Tlb(const Params &p, const InvPlan &plan, const alist_target &t,
			     alist_u32 range, alist_u64 cur, alist_u64 last, alist_cmd *c);
};

} // namespace alist

#endif /* ALIST_CORE_VTD_EMITTER_H */
