/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One invalidation target of a domain: where a cache of translations for
 * that domain may live and how to name it to the hardware.
 *
 * A domain's attach list is a sorted array of these. The sort key is
 * (instance, kind, tag, vmid, pasid, sid): entries of one IOMMU instance are
 * adjacent (one queue, one sync), IOTLB kinds sort before the device-TLB
 * kinds (the order the hardware requires), and identical targets are
 * adjacent so they collapse into one entry with a reference count.
 */
#ifndef ALIST_TARGET_H
#define ALIST_TARGET_H

#include "types.h"

/* Same value as the kernel's IOMMU_NO_PASID: requests without a PASID. */
#define ALIST_NO_PASID 0u

/*
 * enum alist_kind - what cache a target names, in emission order.
 * @ALIST_KIND_VTD_IOTLB: VT-d IOTLB descriptor by DID. Second-stage domains,
 *	and on a nest parent the DIDs of its nested domains (an S2 change must
 *	drop their combined translations).
 * @ALIST_KIND_VTD_PIOTLB: VT-d PASID-based IOTLB descriptor by DID + PASID
 *	(first-stage and nested stage-1 domains).
 * @ALIST_KIND_SMMU_S1: SMMUv3 stage-1 by ASID (and VMID for a nested S1):
 *	TLBI_NH_VA, or TLBI_NH_ASID for the whole tag.
 * @ALIST_KIND_SMMU_S2: SMMUv3 stage-2 by VMID: TLBI_S2_IPA, or
 *	TLBI_S12_VMALL for the whole tag.
 * @ALIST_KIND_SMMU_S1_CLEAR: on a nest parent, the VMID of nested users:
 *	TLBI_NH_ALL once the S2 invalidation has completed.
 * @ALIST_KIND_ATC: a device TLB (ATS), ranged invalidation by SID + PASID.
 * @ALIST_KIND_ATC_FULL: a device TLB invalidated whole (a nest parent
 *	changed; which nested translations it fed is unknown).
 */
enum alist_kind {
	ALIST_KIND_VTD_IOTLB,
	ALIST_KIND_VTD_PIOTLB,
	ALIST_KIND_SMMU_S1,
	ALIST_KIND_SMMU_S2,
	ALIST_KIND_SMMU_S1_CLEAR,
	ALIST_KIND_ATC,
	ALIST_KIND_ATC_FULL,
	ALIST_KIND_COUNT,
};

/**
 * struct alist_target - one invalidation target
 * @instance: the driver's number for the IOMMU instance (its queue)
 * @kind: enum alist_kind
 * @atc_qdep: VT-d device-TLB invalidate queue depth (0 means 32)
 * @reserved: must be zero
 * @tag: VT-d domain ID, SMMUv3 ASID or VMID
 * @vmid: SMMUv3 stage-1 under a vSMMU: the VMID; otherwise 0
 * @pasid: PASID / SubstreamID, or ALIST_NO_PASID
 * @sid: ATC kinds: the requester ID (VT-d) or StreamID (SMMUv3)
 * @pfsid: VT-d device-TLB: the physical function's source ID
 * @users: references; owned by the core, 0 marks a dead entry
 */
struct alist_target {
	alist_u32 instance;
	alist_u8 kind;
	alist_u8 atc_qdep;
	alist_u16 reserved;
	alist_u32 tag;
	alist_u32 vmid;
	alist_u32 pasid;
	alist_u32 sid;
	alist_u32 pfsid;
	alist_u32 users;
};

ALIST_STATIC_ASSERT(sizeof(struct alist_target) == 32,
		    "struct alist_target layout is shared by C and C++");

/**
 * alist_kind_is_atc() - is a target kind a device TLB?
 * @kind: enum alist_kind
 *
 * Context: any.
 * Return: 1 for ALIST_KIND_ATC and ALIST_KIND_ATC_FULL, else 0.
 */
static inline int alist_kind_is_atc(unsigned int kind)
{
	return kind == ALIST_KIND_ATC || kind == ALIST_KIND_ATC_FULL;
}

#endif /* ALIST_TARGET_H */
