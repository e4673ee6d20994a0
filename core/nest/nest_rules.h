/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NestRules: which targets a nested (stage-1) domain's target puts on its
 * nest parent's list, so that a stage-2 change reaches every cache that
 * may hold a combined translation.
 *
 *   on the nested list          on the parent list
 *   VTD_PIOTLB(DID, PASID)  ->  VTD_IOTLB(DID): IOTLB invalidation by the
 *                               nested DID drops combined entries; one
 *                               entry for all PASIDs of the DID
 *   SMMU_S1(ASID, VMID)     ->  SMMU_S2(VMID) and SMMU_S1_CLEAR(VMID)
 *   ATC(SID, PASID)         ->  ATC_FULL(SID): which nested translations
 *                               an S2 range fed is unknown, so all of it
 *
 * Other kinds do not belong on a nested domain's list (-EINVAL).
 */
#ifndef ALIST_CORE_NEST_RULES_H
#define ALIST_CORE_NEST_RULES_H

#include <alist/target.h>

namespace alist {

struct NestRules {
	/* Most parent targets one nested target derives. */
	static constexpr alist_u32 kMaxDerived = 2;

	/* 0, or -EINVAL if @nested is malformed or not a nested kind. */
	[[nodiscard]]
	static int Validate(const alist_target &nested);
	/* Parent targets @nested derives (0 if it is invalid). */
	static alist_u32 DerivedCount(const alist_target &nested);
	/* The @j-th parent target of @nested; false past DerivedCount(). */
	static bool Derive(const alist_target &nested, alist_u32 j, alist_target *out);
};

} // namespace alist

#endif /* ALIST_CORE_NEST_RULES_H */
