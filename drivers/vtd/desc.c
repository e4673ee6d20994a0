// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: encoders for the invalidation descriptors the driver emits
 * itself (configuration caches, whole-tag flushes) and builders for the
 * scalable-mode root, context and PASID table entries. Pure functions:
 * KUnit checks them against values worked out from the VT-d spec.
 *
 * The ranged IOTLB, PASID-IOTLB and device-TLB descriptors of the unmap
 * path come from the core (alist_vtd_inv_fill()).
 */
#include <linux/bitfield.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "vtd.h"

static void vtd_desc_clear(struct alist_cmd *d)
{
	memset(d, 0, sizeof(*d));
}

static u64 vtd_desc_drain(u64 cap)
{
	u64 v = 0;

	if (cap & VTD_CAP_DRD)
		v |= VTD_DESC_DR;
	if (cap & VTD_CAP_DWD)
		v |= VTD_DESC_DW;
	return v;
}

/**
 * vtd_desc_cc_global() - context-cache invalidation, global
 * @d: the descriptor
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_desc_cc_global(struct alist_cmd *d)
{
	vtd_desc_clear(d);
	d->w[0] = VTD_DESC_TYPE_CC | FIELD_PREP(VTD_DESC_GRAN, VTD_CC_GLOBAL);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_desc_cc_global);

/**
 * vtd_desc_pc_pasid() - PASID-cache invalidation of one PASID of a domain
 * @d: the descriptor
 * @did: domain ID
 * @pasid: the PASID
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_desc_pc_pasid(struct alist_cmd *d, u16 did, u32 pasid)
{
	vtd_desc_clear(d);
	d->w[0] = VTD_DESC_TYPE_PC | FIELD_PREP(VTD_DESC_GRAN, VTD_PC_PASID_SEL) |
		  FIELD_PREP(VTD_DESC_DID, did) |
		  FIELD_PREP(VTD_DESC_PASID, pasid);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_desc_pc_pasid);

/**
 * vtd_desc_pc_global() - PASID-cache invalidation, global
 * @d: the descriptor
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_desc_pc_global(struct alist_cmd *d)
{
	vtd_desc_clear(d);
	d->w[0] = VTD_DESC_TYPE_PC | FIELD_PREP(VTD_DESC_GRAN, VTD_PC_GLOBAL);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_desc_pc_global);

/**
 * vtd_desc_iotlb_global() - IOTLB invalidation, global
 * @d: the descriptor
 * @cap: the unit's CAP (read/write drain)
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_desc_iotlb_global(struct alist_cmd *d, u64 cap)
{
	vtd_desc_clear(d);
	d->w[0] = VTD_DESC_TYPE_IOTLB |
		  FIELD_PREP(VTD_DESC_GRAN, VTD_IOTLB_GLOBAL) |
		  vtd_desc_drain(cap);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_desc_iotlb_global);

/**
 * vtd_desc_iotlb_dsi() - IOTLB invalidation of one domain
 * @d: the descriptor
 * @cap: the unit's CAP (read/write drain)
 * @did: domain ID
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_desc_iotlb_dsi(struct alist_cmd *d, u64 cap, u16 did)
{
	vtd_desc_clear(d);
	d->w[0] = VTD_DESC_TYPE_IOTLB | FIELD_PREP(VTD_DESC_GRAN, VTD_IOTLB_DSI) |
		  vtd_desc_drain(cap) | FIELD_PREP(VTD_DESC_DID, did);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_desc_iotlb_dsi);

/**
 * vtd_desc_piotlb_all() - PASID-based IOTLB invalidation of one PASID
 * @d: the descriptor
 * @did: domain ID
 * @pasid: the PASID
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_desc_piotlb_all(struct alist_cmd *d, u16 did, u32 pasid)
{
	vtd_desc_clear(d);
	d->w[0] = VTD_DESC_TYPE_PIOTLB | FIELD_PREP(VTD_DESC_GRAN, VTD_PIOTLB_ALL) |
		  FIELD_PREP(VTD_DESC_DID, did) |
		  FIELD_PREP(VTD_DESC_PASID, pasid);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_desc_piotlb_all);

/**
 * vtd_desc_devtlb_all() - device-TLB invalidation of everything
 * @d: the descriptor
 * @sid: the device's source ID
 * @pfsid: its physical function's source ID
 * @qdep: ATS invalidate queue depth (32 or more is encoded as 0)
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_desc_devtlb_all(struct alist_cmd *d, u16 sid, u16 pfsid, u8 qdep)
{
	vtd_desc_clear(d);
	if (qdep >= 32)
		qdep = 0;
	d->w[0] = VTD_DESC_TYPE_DEVTLB |
		  FIELD_PREP(VTD_DEVTLB_PFSID_LO, pfsid & 0xf) |
		  FIELD_PREP(VTD_DEVTLB_QDEP, qdep) |
		  FIELD_PREP(VTD_DEVTLB_SID, sid) |
		  FIELD_PREP(VTD_DEVTLB_PFSID_HI, pfsid >> 4);
	d->w[1] = VTD_DEVTLB_ALL_ADDR | VTD_DEVTLB_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_desc_devtlb_all);

/**
 * vtd_root_entry_set() - fill the scalable-mode root entry of a bus
 * @root: the root table (256 entries of 128 bits)
 * @bus: the bus number
 * @lo: context table of devfn 0-127 (0: not present)
 * @hi: context table of devfn 128-255 (0: not present)
 *
 * Context: caller owns the table.
 * Return: nothing.
 */
void vtd_root_entry_set(u64 *root, unsigned int bus, phys_addr_t lo,
			phys_addr_t hi)
{
	root[bus * 2] = lo ? (lo & VTD_PTR_MASK) | VTD_ENTRY_P : 0;
	root[bus * 2 + 1] = hi ? (hi & VTD_PTR_MASK) | VTD_ENTRY_P : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_root_entry_set);

/**
 * vtd_ctx_entry_build() - a present scalable-mode context entry
 * @ce: the 256-bit entry
 * @pasid_dir: the PASID directory
 * @pdts: PASID directory size: 2^(@pdts + 7) entries
 * @dte: device-TLB (ATS) enable
 *
 * RID_PASID is 0 (requests without PASID use PASID 0), faults are
 * reported (FPD clear), PASID-tagged requests are not enabled.
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_ctx_entry_build(u64 ce[4], phys_addr_t pasid_dir, unsigned int pdts,
			 bool dte)
{
	ce[0] = (pasid_dir & VTD_PTR_MASK) | FIELD_PREP(VTD_CE_PDTS, pdts) |
		(dte ? VTD_CE_DTE : 0) | VTD_ENTRY_P;
	ce[1] = 0;
	ce[2] = 0;
	ce[3] = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_ctx_entry_build);

/**
 * vtd_pasid_entry_build() - a present scalable-mode PASID table entry
 * @pe: the 512-bit entry
 * @cfg: its contents
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_pasid_entry_build(u64 pe[8], const struct vtd_pe_cfg *cfg)
{
	memset(pe, 0, 8 * sizeof(u64));
	pe[0] = VTD_ENTRY_P | FIELD_PREP(VTD_PE0_AW, cfg->aw) |
		FIELD_PREP(VTD_PE0_PGTT, cfg->pgtt);
	if (cfg->pgtt == VTD_PGTT_SS || cfg->pgtt == VTD_PGTT_NESTED)
		pe[0] |= cfg->ssptptr & VTD_PTR_MASK;
	pe[1] = FIELD_PREP(VTD_PE1_DID, cfg->did) |
		(cfg->pwsnp ? VTD_PE1_PWSNP : 0) |
		(cfg->pgsnp ? VTD_PE1_PGSNP : 0);
	if (cfg->pgtt == VTD_PGTT_FS || cfg->pgtt == VTD_PGTT_NESTED)
		pe[2] = (cfg->fsptptr & VTD_PTR_MASK) |
			FIELD_PREP(VTD_PE2_FLPM, cfg->flpm) |
			(cfg->sre ? VTD_PE2_SRE : 0) |
			(cfg->wpe ? VTD_PE2_WPE : 0) |
			(cfg->eafe ? VTD_PE2_EAFE : 0);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_pasid_entry_build);
