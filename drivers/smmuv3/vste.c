// SPDX-License-Identifier: GPL-2.0
/*
 * alist_smmuv3: the check of a guest's STE fragment (the words 0 and 1 of
 * IOMMU_HWPT_DATA_ARM_SMMUV3), a pure function of those words and of the
 * SMMU's properties. In a file of its own that includes nothing but bit
 * definitions, so the fuzz target host/fuzz/smmuv3_vste.c builds this very
 * file on the host.
 */
#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <kunit/visibility.h>

#include "smmuv3_hw.h"

#define SMMUV3_VSTE0_ALLOWED	(SMMUV3_STE0_V | SMMUV3_STE0_CFG | SMMUV3_STE0_S1FMT | \
				 SMMUV3_STE0_S1CTXPTR | SMMUV3_STE0_S1CDMAX)
#define SMMUV3_VSTE1_ALLOWED	(SMMUV3_STE1_S1DSS | SMMUV3_STE1_S1CIR | \
				 SMMUV3_STE1_S1COR | SMMUV3_STE1_S1CSH | \
				 SMMUV3_STE1_S1STALLD | SMMUV3_STE1_EATS)

/* EATS: 0 (no ATS) or 1 (full ATS) when the SMMU has ATS; 2 and 3 never. */
static bool smmuv3_vste_eats_ok(const u64 *vste, u32 features)
{
	switch (FIELD_GET(SMMUV3_STE1_EATS, vste[1])) {
	case 0:
		return true;
	case 1:
		return features & SMMUV3_FEAT_ATS;
	default:
		return false;
	}
}

/**
 * smmuv3_vste_validate() - check a user STE fragment
 * @vste: words 0 and 1, CPU order
 * @ipa_bits: the nest parent's input (IPA) size
 * @ssid_bits: SMMU_IDR1.SSIDSIZE, as IOMMU_GET_HW_INFO reports it
 * @features: the SMMU's SMMUV3_FEAT_*
 *
 * The guest owns V, Config, S1Fmt, S1ContextPtr, S1CDMax, S1DSS,
 * S1CIR/COR/CSH, S1STALLD and EATS; any other bit is refused. Within
 * those, what the architecture ignores is accepted (and not passed on,
 * see smmuv3_ste_nested()); what it calls ILLEGAL is refused:
 *  - V=0: everything else is ignored;
 *  - Config abort: every other field is ignored;
 *  - Config bypass: the stage-1 fields are ignored; EATS is checked;
 *  - Config stage-1 translate: S1CDMax above SSIDSIZE is ILLEGAL; with
 *    S1CDMax 0, S1Fmt and S1DSS are ignored, else their reserved values
 *    (3) are ILLEGAL, and so are two-level CD tables (S1Fmt 1, 2) without
 *    SMMU_IDR0.CD2L; S1STALLD is ILLEGAL unless stalling is configurable
 *    (SMMU_IDR0.STALL_MODEL 0b00), which HW_INFO never says (see
 *    smmuv3_hw_info()): S1STALLD is always refused;
 *  - Config 1-3 (reserved) is ILLEGAL; stage 2 and nested (6, 7) belong
 *    to the host;
 *  - EATS: 0, or 1 on an SMMU with ATS.
 * Two policies of this driver go further: S1CSH 1 (reserved, the walk's
 * shareability would be unpredictable) and a CD pointer outside the IPA
 * space (every CD fetch would fault) are refused.
 *
 * No lock needed.
 * Return: 0, or -EIO for any refused content (the uAPI's errno).
 */
int smmuv3_vste_validate(const u64 *vste, unsigned int ipa_bits, unsigned int ssid_bits,
			 u32 features)
{
	u64 cfg = FIELD_GET(SMMUV3_STE0_CFG, vste[0]);
	u64 cdmax = FIELD_GET(SMMUV3_STE0_S1CDMAX, vste[0]);

	if ((vste[0] & ~SMMUV3_VSTE0_ALLOWED) || (vste[1] & ~SMMUV3_VSTE1_ALLOWED))
		return -EIO;
	if (!(vste[0] & SMMUV3_STE0_V))
		return 0;
	switch (cfg) {
	case SMMUV3_STE_CFG_ABORT:
		return 0;
	case SMMUV3_STE_CFG_BYPASS:
		return smmuv3_vste_eats_ok(vste, features) ? 0 : -EIO;
	case SMMUV3_STE_CFG_S1:
		break;
	default:
		return -EIO;
	}
	if (cdmax > ssid_bits)
		return -EIO;
	if (cdmax && (FIELD_GET(SMMUV3_STE0_S1FMT, vste[0]) == 3 ||
		      FIELD_GET(SMMUV3_STE1_S1DSS, vste[1]) == 3))
		return -EIO;
	if (cdmax && FIELD_GET(SMMUV3_STE0_S1FMT, vste[0]) &&
	    !(features & SMMUV3_FEAT_CD2L))
		return -EIO;
	if (vste[1] & SMMUV3_STE1_S1STALLD)
		return -EIO;
	if (FIELD_GET(SMMUV3_STE1_S1CSH, vste[1]) == 1)
		return -EIO;
	if (ipa_bits < 64 && (vste[0] & SMMUV3_STE0_S1CTXPTR) >> ipa_bits)
		return -EIO;
	return smmuv3_vste_eats_ok(vste, features) ? 0 : -EIO;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_vste_validate);
