// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: the check of a nested domain's stage-1 configuration (struct
 * iommu_hwpt_vtd_s1, from user space) against the unit's capabilities, a
 * pure function of the two. In a file of its own that includes nothing
 * but bit and uAPI definitions, so the fuzz target host/fuzz/vtd_s1.c
 * builds this very file on the host.
 */
#include <linux/align.h>
#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/sizes.h>
#include <uapi/linux/iommufd.h>

#include "vtd_hw.h"

#define VTD_S1_FLAGS	(IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_EAFE | IOMMU_VTD_S1_WPE)

/**
 * vtd_s1_check() - check a nested domain's stage-1 configuration
 * @s1: the configuration, as copied from user space
 * @cap: the unit's CAP register
 * @ecap: the unit's ECAP register (a unit that nests: vtd_nested_alloc())
 *
 * Every field of @s1 is checked: no reserved bit, only the stage-1 flags
 * the uAPI defines and only those the unit supports (SRE needs
 * ECAP.SRS, EAFE needs ECAP.EAFS), a 4-level (48-bit) or, with
 * CAP.FS5LP, 5-level (57-bit) table, at a non-zero page-aligned address
 * the unit can reach (below 2^MGAW).
 *
 * Context: any. No lock needed.
 * Return: 0; -EOPNOTSUPP for reserved bits, unknown or unsupported flags
 * and a 5-level table without FS5LP; -EINVAL for a bad address width or
 * table address.
 */
int vtd_s1_check(const struct iommu_hwpt_vtd_s1 *s1, u64 cap, u64 ecap)
{
	unsigned int mgaw;

	if (s1->__reserved || (s1->flags & ~VTD_S1_FLAGS))
		return -EOPNOTSUPP;
	if ((s1->flags & IOMMU_VTD_S1_SRE) && !(ecap & VTD_ECAP_SRS))
		return -EOPNOTSUPP;
	if ((s1->flags & IOMMU_VTD_S1_EAFE) && !(ecap & VTD_ECAP_EAFS))
		return -EOPNOTSUPP;
	if (s1->addr_width != 48 && s1->addr_width != 57)
		return -EINVAL;
	if (s1->addr_width == 57 && !(cap & VTD_CAP_FS5LP))
		return -EOPNOTSUPP;
	mgaw = FIELD_GET(VTD_CAP_MGAW, cap) + 1;
	if (!s1->pgtbl_addr || !IS_ALIGNED(s1->pgtbl_addr, SZ_4K) ||
	    (mgaw < 64 && s1->pgtbl_addr >> mgaw))
		return -EINVAL;
	return 0;
}
