/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alist_vtd: the unit's registers and the ACPI DMAR table as the driver
 * keeps it, and the pure functions that read untrusted input: the DMAR
 * table (dmar.c) and a nested domain's stage-1 configuration from user
 * space (s1_check.c).
 *
 * Only linux/bits.h and linux/types.h: this header and those files also
 * build on the host against the kernel's tools/include, for the fuzz
 * targets of host/fuzz/ (Documentation/testing.rst).
 */
#ifndef ALIST_VTD_HW_H
#define ALIST_VTD_HW_H

#include <linux/bits.h>
#include <linux/types.h>

/* What the driver keeps of the DMAR table, at most */
#define VTD_MAX_UNITS		8
#define VTD_MAX_SCOPES		16
#define VTD_MAX_RMRRS		8
#define VTD_MAX_PATH		4

/* Register offsets (VT-d spec, chapter 11) */
#define VTD_REG_VER		0x00
#define VTD_REG_CAP		0x08
#define VTD_REG_ECAP		0x10
#define VTD_REG_GCMD		0x18
#define VTD_REG_GSTS		0x1c
#define VTD_REG_RTADDR		0x20
#define VTD_REG_FSTS		0x34
#define VTD_REG_FECTL		0x38
#define VTD_REG_IQH		0x80
#define VTD_REG_IQT		0x88
#define VTD_REG_IQA		0x90

/* GCMD / GSTS bits */
#define VTD_GCMD_TE		BIT(31)
#define VTD_GCMD_SRTP		BIT(30)
#define VTD_GCMD_QIE		BIT(26)
#define VTD_GCMD_IRE		BIT(25)

#define VTD_RTADDR_SMT		BIT_ULL(10)
#define VTD_IQA_DW		BIT_ULL(11)
#define VTD_FECTL_IM		BIT(31)

/* FSTS */
#define VTD_FSTS_PFO		BIT(0)
#define VTD_FSTS_PPF		BIT(1)
#define VTD_FSTS_IQE		BIT(4)
#define VTD_FSTS_ICE		BIT(5)
#define VTD_FSTS_ITE		BIT(6)
#define VTD_FSTS_FRI		GENMASK(15, 8)

/* CAP fields */
#define VTD_CAP_ND		GENMASK_ULL(2, 0)
#define VTD_CAP_SAGAW		GENMASK_ULL(12, 8)
#define VTD_CAP_MGAW		GENMASK_ULL(21, 16)
#define VTD_CAP_FRO		GENMASK_ULL(33, 24)
#define VTD_CAP_SLLPS		GENMASK_ULL(37, 34)
#define VTD_CAP_PSI		BIT_ULL(39)
#define VTD_CAP_NFR		GENMASK_ULL(47, 40)
#define VTD_CAP_MAMV		GENMASK_ULL(53, 48)
#define VTD_CAP_DWD		BIT_ULL(54)
#define VTD_CAP_DRD		BIT_ULL(55)
#define VTD_CAP_FS1GP		BIT_ULL(56)
#define VTD_CAP_FS5LP		BIT_ULL(60)
#define VTD_CAP_CM		BIT_ULL(7)

/* ECAP fields */
#define VTD_ECAP_C		BIT_ULL(0)
#define VTD_ECAP_QI		BIT_ULL(1)
#define VTD_ECAP_DT		BIT_ULL(2)
#define VTD_ECAP_PT		BIT_ULL(6)
#define VTD_ECAP_SC		BIT_ULL(7)
#define VTD_ECAP_NEST		BIT_ULL(26)
#define VTD_ECAP_SRS		BIT_ULL(31)
#define VTD_ECAP_EAFS		BIT_ULL(34)
#define VTD_ECAP_DIT		BIT_ULL(41)
#define VTD_ECAP_SMTS		BIT_ULL(43)
#define VTD_ECAP_SLTS		BIT_ULL(46)
#define VTD_ECAP_FLTS		BIT_ULL(47)
#define VTD_ECAP_SMPWC		BIT_ULL(48)

/* Root, context and PASID table entries: present bit, table pointers */
#define VTD_ENTRY_P		BIT_ULL(0)
#define VTD_PTR_MASK		GENMASK_ULL(63, 12)
#define VTD_CE_DTE		BIT_ULL(2)
#define VTD_CE_PDTS		GENMASK_ULL(11, 9)
#define VTD_PE0_AW		GENMASK_ULL(4, 2)
#define VTD_PE0_PGTT		GENMASK_ULL(8, 6)
#define VTD_PE1_DID		GENMASK_ULL(15, 0)
#define VTD_PE1_PWSNP		BIT_ULL(23)
#define VTD_PE1_PGSNP		BIT_ULL(24)
#define VTD_PE2_SRE		BIT_ULL(0)
#define VTD_PE2_FLPM		GENMASK_ULL(3, 2)
#define VTD_PE2_WPE		BIT_ULL(4)
#define VTD_PE2_EAFE		BIT_ULL(7)

/* PASID entry translation types (PGTT) */
#define VTD_PGTT_FS		1
#define VTD_PGTT_SS		2
#define VTD_PGTT_NESTED		3
#define VTD_PGTT_PT		4

/* ------------------------------------------------------------------ */
/* DMAR table (dmar.c) */

/**
 * struct vtd_scope - one device scope entry of a DRHD or RMRR
 * @type: ACPI_DMAR_SCOPE_TYPE_* (1 endpoint, 2 bridge, 3 IOAPIC, 4 HPET...)
 * @bus: the start bus
 * @npath: number of (device, function) hops
 * @path: the hops, as devfn
 */
struct vtd_scope {
	u8 type;
	u8 bus;
	u8 npath;
	u8 path[VTD_MAX_PATH];
};

/**
 * struct vtd_drhd - one DMA remapping hardware unit definition
 * @base: register base address
 * @size: register set size in bytes
 * @segment: PCI segment
 * @include_all: INCLUDE_PCI_ALL
 * @nscopes: number of @scopes
 * @scopes: the device scopes
 */
struct vtd_drhd {
	u64 base;
	u64 size;
	u16 segment;
	bool include_all;
	u8 nscopes;
	struct vtd_scope scopes[VTD_MAX_SCOPES];
};

/**
 * struct vtd_rmrr - one reserved memory region
 * @base: first byte
 * @last: last byte (inclusive)
 * @segment: PCI segment
 * @nscopes: number of @scopes
 * @scopes: the devices that keep DMA to it
 */
struct vtd_rmrr {
	u64 base;
	u64 last;
	u16 segment;
	u8 nscopes;
	struct vtd_scope scopes[VTD_MAX_SCOPES];
};

/**
 * struct vtd_dmar_info - what the DMAR table describes
 * @haw: host address width (bits): the table's field plus one, up to 256
 * @flags: the table flags
 * @ndrhd: number of @drhd
 * @drhd: the remapping units
 * @nrmrr: number of @rmrr
 * @rmrr: the reserved memory regions
 */
struct vtd_dmar_info {
	u16 haw;
	u8 flags;
	u8 ndrhd;
	struct vtd_drhd drhd[VTD_MAX_UNITS];
	u8 nrmrr;
	struct vtd_rmrr rmrr[VTD_MAX_RMRRS];
};

int vtd_dmar_parse(const void *table, size_t len, struct vtd_dmar_info *info);

/* ------------------------------------------------------------------ */
/* Nested domains (s1_check.c) */

struct iommu_hwpt_vtd_s1;

int vtd_s1_check(const struct iommu_hwpt_vtd_s1 *s1, u64 cap, u64 ecap);

#endif /* ALIST_VTD_HW_H */
