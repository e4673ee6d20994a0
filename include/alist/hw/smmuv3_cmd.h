/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMMUv3 command queue entries (SMMUv3 spec, chapter 4): opcodes and field
 * positions of the 128-bit commands, defined once for the core's emitter
 * and user-command validator (core/hw, core/nest) and the driver's own
 * commands (drivers/smmuv3). Dword 0 is w[0], dword 1 is w[1]. Masks are
 * 64-bit constants for Put()/FIELD_PREP().
 */
#ifndef ALIST_HW_SMMUV3_CMD_H
#define ALIST_HW_SMMUV3_CMD_H

#include <alist/hw/bits.h>

/* Opcodes, dword 0 [7:0] */
#define SMMUV3_CMD_OP			ALIST_GENMASK_ULL(7, 0)
#define SMMUV3_OP_CFGI_STE		0x03
#define SMMUV3_OP_CFGI_ALL		0x04	/* CFGI_STE_RANGE, Range 31 */
#define SMMUV3_OP_CFGI_CD		0x05
#define SMMUV3_OP_CFGI_CD_ALL		0x06
#define SMMUV3_OP_TLBI_NH_ALL		0x10
#define SMMUV3_OP_TLBI_NH_ASID		0x11
#define SMMUV3_OP_TLBI_NH_VA		0x12
#define SMMUV3_OP_TLBI_NH_VAA		0x13
#define SMMUV3_OP_TLBI_S12_VMALL	0x28
#define SMMUV3_OP_TLBI_S2_IPA		0x2a
#define SMMUV3_OP_TLBI_NSNH_ALL		0x30
#define SMMUV3_OP_ATC_INV		0x40
#define SMMUV3_OP_SYNC			0x46

/* Dword 0 fields */
#define SMMUV3_CMD0_ATC_GLOBAL		ALIST_BIT_ULL(9)	/* ATC_INV */
#define SMMUV3_CMD0_SSV			ALIST_BIT_ULL(11)	/* ATC_INV */
#define SMMUV3_CMD0_NUM			ALIST_GENMASK_ULL(16, 12)	/* TLBI */
#define SMMUV3_CMD0_SCALE		ALIST_GENMASK_ULL(24, 20)	/* TLBI */
#define SMMUV3_CMD0_VMID		ALIST_GENMASK_ULL(47, 32)	/* TLBI */
#define SMMUV3_CMD0_ASID		ALIST_GENMASK_ULL(63, 48)	/* TLBI */
#define SMMUV3_CMD0_SSID		ALIST_GENMASK_ULL(31, 12)	/* CFGI, ATC_INV */
#define SMMUV3_CMD0_SID			ALIST_GENMASK_ULL(63, 32)	/* CFGI, ATC_INV */
#define SMMUV3_CMD0_SYNC_CS		ALIST_GENMASK_ULL(13, 12)	/* SYNC */

/* Dword 1 fields */
#define SMMUV3_CMD1_LEAF		ALIST_BIT_ULL(0)		/* TLBI, CFGI */
#define SMMUV3_CMD1_RANGE		ALIST_GENMASK_ULL(4, 0)		/* CFGI_STE_RANGE */
#define SMMUV3_CMD1_TTL			ALIST_GENMASK_ULL(9, 8)		/* TLBI */
#define SMMUV3_CMD1_TG			ALIST_GENMASK_ULL(11, 10)	/* TLBI */
#define SMMUV3_CMD1_VA			ALIST_GENMASK_ULL(63, 12)	/* TLBI VA */
#define SMMUV3_CMD1_IPA			ALIST_GENMASK_ULL(51, 12)	/* TLBI IPA */
#define SMMUV3_CMD1_ATC_SIZE		ALIST_GENMASK_ULL(5, 0)		/* ATC_INV */
#define SMMUV3_CMD1_ATC_ADDR		ALIST_GENMASK_ULL(63, 12)	/* ATC_INV */
/* ATC_INV size that covers the whole address space */
#define SMMUV3_ATC_SIZE_ALL		52

#endif /* ALIST_HW_SMMUV3_CMD_H */
