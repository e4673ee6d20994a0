/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alist_smmuv3: the architecture's layouts the driver uses (registers,
 * stream table entries, context descriptors, event records), the feature
 * bits derived from them, and the pure functions that read untrusted
 * content in those layouts: a guest's STE fragment (vste.c) and the
 * event records the SMMU writes (evt.c).
 *
 * Only linux/bits.h and linux/types.h: this header and those files also
 * build on the host against the kernel's tools/include, for the fuzz
 * targets of host/fuzz/ (Documentation/testing.rst).
 */
#ifndef ALIST_SMMUV3_HW_H
#define ALIST_SMMUV3_HW_H

#include <linux/bits.h>
#include <linux/types.h>

/* MMIO registers, page 0 */
#define SMMUV3_IDR0			0x00	/* IDR1..IDR5 follow, 4 bytes apart */
#define  SMMUV3_IDR0_S2P		BIT(0)
#define  SMMUV3_IDR0_S1P		BIT(1)
#define  SMMUV3_IDR0_TTF		GENMASK(3, 2)
#define  SMMUV3_IDR0_COHACC		BIT(4)
#define  SMMUV3_IDR0_ATS		BIT(10)
#define  SMMUV3_IDR0_ASID16		BIT(12)
#define  SMMUV3_IDR0_MSI		BIT(13)
#define  SMMUV3_IDR0_SEV		BIT(14)
#define  SMMUV3_IDR0_VMID16		BIT(18)
#define  SMMUV3_IDR0_CD2L		BIT(19)
#define  SMMUV3_IDR0_STALL_MODEL	GENMASK(25, 24)
#define   SMMUV3_STALL_MODEL_BOTH	0	/* stall or terminate, per STE */
#define   SMMUV3_STALL_MODEL_NONE	1
#define   SMMUV3_STALL_MODEL_FORCE	2
#define  SMMUV3_IDR0_ST_LEVEL		GENMASK(28, 27)
#define  SMMUV3_IDR1_SIDSIZE		GENMASK(5, 0)
#define  SMMUV3_IDR1_SSIDSIZE		GENMASK(10, 6)
#define  SMMUV3_IDR1_EVTQS		GENMASK(20, 16)
#define  SMMUV3_IDR1_CMDQS		GENMASK(25, 21)
#define  SMMUV3_IDR1_QUEUES_PRESET	BIT(29)
#define  SMMUV3_IDR1_TABLES_PRESET	BIT(30)
#define  SMMUV3_IDR3_FWB		BIT(8)
#define  SMMUV3_IDR3_RIL		BIT(10)
#define  SMMUV3_IDR5_OAS		GENMASK(2, 0)
#define  SMMUV3_IDR5_GRAN4K		BIT(4)
#define  SMMUV3_IDR5_GRAN16K		BIT(5)
#define  SMMUV3_IDR5_GRAN64K		BIT(6)
#define  SMMUV3_IDR5_DS			BIT(7)
#define SMMUV3_IIDR			0x18
#define SMMUV3_AIDR			0x1c
#define SMMUV3_CR0			0x20
#define  SMMUV3_CR0_SMMUEN		BIT(0)
#define  SMMUV3_CR0_EVTQEN		BIT(2)
#define  SMMUV3_CR0_CMDQEN		BIT(3)
#define  SMMUV3_CR0_ATSCHK		BIT(4)
#define SMMUV3_CR0ACK			0x24
#define SMMUV3_CR1			0x28
#define  SMMUV3_CR1_TABLE_SH		GENMASK(11, 10)
#define  SMMUV3_CR1_TABLE_OC		GENMASK(9, 8)
#define  SMMUV3_CR1_TABLE_IC		GENMASK(7, 6)
#define  SMMUV3_CR1_QUEUE_SH		GENMASK(5, 4)
#define  SMMUV3_CR1_QUEUE_OC		GENMASK(3, 2)
#define  SMMUV3_CR1_QUEUE_IC		GENMASK(1, 0)
#define  SMMUV3_CR1_CACHE_WB		1
#define  SMMUV3_CR1_SH_ISH		3
#define SMMUV3_CR2			0x2c
#define  SMMUV3_CR2_RECINVSID		BIT(1)
#define  SMMUV3_CR2_PTM			BIT(2)
#define SMMUV3_GBPA			0x44
#define  SMMUV3_GBPA_ABORT		BIT(20)
#define  SMMUV3_GBPA_UPDATE		BIT(31)
#define SMMUV3_IRQ_CTRL			0x50
#define  SMMUV3_IRQ_CTRL_GERROR		BIT(0)
#define  SMMUV3_IRQ_CTRL_EVTQ		BIT(2)
#define SMMUV3_IRQ_CTRLACK		0x54
#define SMMUV3_GERROR			0x60
#define SMMUV3_GERRORN			0x64
#define  SMMUV3_GERROR_CMDQ_ERR		BIT(0)
#define  SMMUV3_GERROR_EVTQ_ABT		BIT(2)
#define  SMMUV3_GERROR_ALL		GENMASK(8, 0)
#define SMMUV3_STRTAB_BASE		0x80
#define  SMMUV3_STRTAB_BASE_RA		BIT_ULL(62)
#define  SMMUV3_STRTAB_BASE_ADDR	GENMASK_ULL(51, 6)
#define SMMUV3_STRTAB_BASE_CFG		0x88
#define  SMMUV3_STRTAB_CFG_LOG2SIZE	GENMASK(5, 0)
#define  SMMUV3_STRTAB_CFG_SPLIT	GENMASK(10, 6)
#define  SMMUV3_STRTAB_CFG_FMT		GENMASK(17, 16)
#define  SMMUV3_STRTAB_FMT_LINEAR	0
#define  SMMUV3_STRTAB_FMT_2LVL		1
#define SMMUV3_CMDQ_BASE		0x90
#define SMMUV3_CMDQ_PROD		0x98
#define SMMUV3_CMDQ_CONS		0x9c
#define  SMMUV3_CMDQ_CONS_ERR		GENMASK(30, 24)
#define   SMMUV3_CERROR_NONE		0
#define   SMMUV3_CERROR_ILL		1
#define   SMMUV3_CERROR_ABT		2
#define   SMMUV3_CERROR_ATC_INV_SYNC	3
#define SMMUV3_EVTQ_BASE		0xa0
#define SMMUV3_EVTQ_PROD		0x100a8	/* page 1 */
#define SMMUV3_EVTQ_CONS		0x100ac	/* page 1 */
#define  SMMUV3_Q_BASE_RWA		BIT_ULL(62)
#define  SMMUV3_Q_BASE_ADDR		GENMASK_ULL(51, 5)
#define  SMMUV3_Q_BASE_LOG2SIZE		GENMASK_ULL(4, 0)
#define  SMMUV3_Q_OVF			BIT(31)
#define SMMUV3_MMIO_MIN_SIZE		0x20000

/* Stream table */
#define SMMUV3_STE_DWORDS		8
#define SMMUV3_CD_DWORDS		8
#define SMMUV3_L1_SPLIT			8	/* 256 STEs per level-2 table */
#define SMMUV3_L1_MAX_LOG2		17	/* level-1 entries, at most (1 MiB) */
#define  SMMUV3_L1_SPAN			GENMASK_ULL(4, 0)
#define  SMMUV3_L1_L2PTR		GENMASK_ULL(51, 6)

#define SMMUV3_STE0_V			BIT_ULL(0)
#define SMMUV3_STE0_CFG			GENMASK_ULL(3, 1)
#define  SMMUV3_STE_CFG_ABORT		0
#define  SMMUV3_STE_CFG_BYPASS		4
#define  SMMUV3_STE_CFG_S1		5
#define  SMMUV3_STE_CFG_S2		6
#define  SMMUV3_STE_CFG_NESTED		7
#define SMMUV3_STE0_S1FMT		GENMASK_ULL(5, 4)
#define SMMUV3_STE0_S1CTXPTR		GENMASK_ULL(51, 6)
#define SMMUV3_STE0_S1CDMAX		GENMASK_ULL(63, 59)
#define SMMUV3_STE1_S1DSS		GENMASK_ULL(1, 0)
#define SMMUV3_STE1_S1CIR		GENMASK_ULL(3, 2)
#define SMMUV3_STE1_S1COR		GENMASK_ULL(5, 4)
#define SMMUV3_STE1_S1CSH		GENMASK_ULL(7, 6)
#define SMMUV3_STE1_MEV			BIT_ULL(19)
#define SMMUV3_STE1_S2FWB		BIT_ULL(25)
#define SMMUV3_STE1_S1STALLD		BIT_ULL(27)
#define SMMUV3_STE1_EATS		GENMASK_ULL(29, 28)
#define SMMUV3_STE1_SHCFG		GENMASK_ULL(45, 44)
#define  SMMUV3_STE_SHCFG_INCOMING	1
#define SMMUV3_STE2_S2VMID		GENMASK_ULL(15, 0)
#define SMMUV3_STE2_S2T0SZ		GENMASK_ULL(37, 32)
#define SMMUV3_STE2_S2SL0		GENMASK_ULL(39, 38)
#define SMMUV3_STE2_S2IR0		GENMASK_ULL(41, 40)
#define SMMUV3_STE2_S2OR0		GENMASK_ULL(43, 42)
#define SMMUV3_STE2_S2SH0		GENMASK_ULL(45, 44)
#define SMMUV3_STE2_S2TG		GENMASK_ULL(47, 46)
#define SMMUV3_STE2_S2PS		GENMASK_ULL(50, 48)
#define SMMUV3_STE2_S2AA64		BIT_ULL(51)
#define SMMUV3_STE2_S2PTW		BIT_ULL(54)
#define SMMUV3_STE2_S2R			BIT_ULL(58)
#define SMMUV3_STE3_S2TTB		GENMASK_ULL(51, 4)

/* Context descriptor (AArch64) */
#define SMMUV3_CD0_T0SZ			GENMASK_ULL(5, 0)
#define SMMUV3_CD0_TG0			GENMASK_ULL(7, 6)
#define SMMUV3_CD0_IR0			GENMASK_ULL(9, 8)
#define SMMUV3_CD0_OR0			GENMASK_ULL(11, 10)
#define SMMUV3_CD0_SH0			GENMASK_ULL(13, 12)
#define SMMUV3_CD0_EPD1			BIT_ULL(30)
#define SMMUV3_CD0_V			BIT_ULL(31)
#define SMMUV3_CD0_IPS			GENMASK_ULL(34, 32)
#define SMMUV3_CD0_AA64			BIT_ULL(41)
#define SMMUV3_CD0_R			BIT_ULL(45)
#define SMMUV3_CD0_A			BIT_ULL(46)
#define SMMUV3_CD0_ASET			BIT_ULL(47)
#define SMMUV3_CD0_ASID			GENMASK_ULL(63, 48)
#define SMMUV3_CD1_TTB0			GENMASK_ULL(51, 4)

/* Event queue records */
#define SMMUV3_EVT_DWORDS		4
#define SMMUV3_EVT0_TYPE		GENMASK_ULL(7, 0)
#define SMMUV3_EVT0_SID			GENMASK_ULL(63, 32)
#define SMMUV3_EVT1_S2			BIT_ULL(39)
#define SMMUV3_EVT_C_BAD_STE		0x04
#define SMMUV3_EVT_F_STREAM_DISABLED	0x06
#define SMMUV3_EVT_C_BAD_SUBSTREAMID	0x08
#define SMMUV3_EVT_C_BAD_CD		0x0a
#define SMMUV3_EVT_F_TRANSLATION	0x10
#define SMMUV3_EVT_F_ADDR_SIZE		0x11
#define SMMUV3_EVT_F_ACCESS		0x12
#define SMMUV3_EVT_F_PERMISSION		0x13

/* Driver features derived from the ID registers */
#define SMMUV3_FEAT_S1			BIT(0)
#define SMMUV3_FEAT_S2			BIT(1)
#define SMMUV3_FEAT_COHERENT		BIT(2)
#define SMMUV3_FEAT_2LVL_STRTAB		BIT(3)
#define SMMUV3_FEAT_RIL			BIT(4)
#define SMMUV3_FEAT_FWB			BIT(5)
#define SMMUV3_FEAT_ATS			BIT(6)
#define SMMUV3_FEAT_MSI			BIT(7)
#define SMMUV3_FEAT_SEV			BIT(8)
#define SMMUV3_FEAT_STALLS		BIT(9)	/* STALL_MODEL 0b00: S1STALLD legal */
#define SMMUV3_FEAT_CD2L		BIT(10)	/* two-level CD tables */
#define SMMUV3_FEAT_DS			BIT(11)	/* 52-bit VA/IPA with 4K/16K granules */
#define SMMUV3_FEAT_NESTING		(SMMUV3_FEAT_S1 | SMMUV3_FEAT_S2)

struct iommu_vevent_arm_smmuv3;

/* vste.c */
int smmuv3_vste_validate(const u64 *vste, unsigned int ipa_bits, unsigned int ssid_bits,
			 u32 features);

/**
 * struct smmuv3_evt - what the driver makes of an event record
 * @type: the event type (word 0, bits [7:0])
 * @sid: the StreamID (word 0, bits [63:32])
 * @fault: a translation, address-size, access or permission fault: counted
 *	in the faults statistic when the host keeps the event
 * @user: the guest's to handle when the device is nested under a vSMMU
 *	that holds its vDEVICE: one of the types struct
 *	iommu_vevent_arm_smmuv3 lists, and not a stage-2 fault (S2 clear:
 *	the host owns stage 2)
 */
struct smmuv3_evt {
	u8 type;
	u32 sid;
	bool fault;
	bool user;
};

/* evt.c */
void smmuv3_evt_decode(const u64 *evt, struct smmuv3_evt *e);
void smmuv3_evt_vevent(const u64 *evt, u32 vsid, struct iommu_vevent_arm_smmuv3 *vevt);

#endif /* ALIST_SMMUV3_HW_H */
