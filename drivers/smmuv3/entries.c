// SPDX-License-Identifier: GPL-2.0
/*
 * The stream table (linear, or two levels with 256-STE leaves allocated on
 * demand), the STE and CD builders, and entry updates that never let the
 * SMMU see a torn entry.
 *
 * Update rule (smmuv3_ste_write()): an entry is 8 words and the SMMU may
 * read it at any time, but it reads each 64-bit word atomically. So:
 *  - if one word differs, write it and invalidate (CFGI_STE + CMD_SYNC);
 *  - otherwise first make word 0 say "abort" (an abort STE uses no other
 *    word) and invalidate, then write words 1..7, then word 0, and
 *    invalidate again. The SMMU sees the old entry, then abort, then the
 *    new entry: DMA during the switch is refused, never misdirected.
 * A CD is switched the same way with V=0 as the intermediate state.
 */
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/io-pgtable.h>
#include <kunit/visibility.h>

#include "smmuv3.h"

static unsigned int smmuv3_l2_entries(void)
{
	return 1U << SMMUV3_L1_SPLIT;
}

/**
 * smmuv3_strtab_l1_bits() - log2 of the level-1 entries of a 2-level table
 * @sid_bits: the StreamID width the SMMU reports
 *
 * One entry per level-2 table of 256 STEs, at most 2^17 of them (1 MiB of
 * descriptors, as Linux): a 32-bit StreamID space would otherwise ask for
 * 128 MiB of contiguous coherent memory. StreamIDs beyond what this covers
 * are refused when a device is probed.
 *
 * No lock needed.
 * Return: the number of StreamID bits above the split that level 1 covers.
 */
VISIBLE_IF_KUNIT unsigned int smmuv3_strtab_l1_bits(unsigned int sid_bits)
{
	if (sid_bits <= SMMUV3_L1_SPLIT)
		return 0;
	return min_t(unsigned int, sid_bits - SMMUV3_L1_SPLIT, SMMUV3_L1_MAX_LOG2);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_strtab_l1_bits);

/**
 * smmuv3_strtab_init() - allocate the stream table and program its base
 * @smmu: the SMMU, disabled
 *
 * Two levels when IDR0.ST_LEVEL says so (level-2 tables come later, from
 * smmuv3_strtab_prepare_sid()), else a linear table of every StreamID with
 * every STE set to abort.
 *
 * Context: probe; no lock needed.
 * Return: 0 or -ENOMEM.
 */
int smmuv3_strtab_init(struct smmuv3_device *smmu)
{
	u32 cfg;
	size_t size;

	mutex_init(&smmu->strtab_lock);
	mutex_init(&smmu->entry_lock);
	if (smmu->features & SMMUV3_FEAT_2LVL_STRTAB) {
		unsigned int l1_bits = smmuv3_strtab_l1_bits(smmu->sid_bits);

		if (l1_bits + SMMUV3_L1_SPLIT < smmu->sid_bits)
			dev_warn(smmu->dev,
				 "stream table covers %u of %u StreamID bits\n",
				 l1_bits + SMMUV3_L1_SPLIT, smmu->sid_bits);
		/* From here on the StreamIDs the table covers */
		smmu->sid_bits = l1_bits + SMMUV3_L1_SPLIT;
		smmu->num_l1 = 1U << l1_bits;
		size = (size_t)smmu->num_l1 * sizeof(u64);
		smmu->strtab = dmam_alloc_coherent(smmu->dev, size, &smmu->strtab_dma,
						   GFP_KERNEL);
		smmu->l2 = devm_kcalloc(smmu->dev, smmu->num_l1, sizeof(*smmu->l2),
					GFP_KERNEL);
		smmu->l2_dma = devm_kcalloc(smmu->dev, smmu->num_l1, sizeof(*smmu->l2_dma),
					    GFP_KERNEL);
		if (!smmu->strtab || !smmu->l2 || !smmu->l2_dma)
			return -ENOMEM;
		cfg = FIELD_PREP(SMMUV3_STRTAB_CFG_FMT, SMMUV3_STRTAB_FMT_2LVL) |
		      FIELD_PREP(SMMUV3_STRTAB_CFG_LOG2SIZE, smmu->sid_bits) |
		      FIELD_PREP(SMMUV3_STRTAB_CFG_SPLIT, SMMUV3_L1_SPLIT);
	} else {
		u64 abort[SMMUV3_STE_DWORDS];
		unsigned int i, j;

		size = ((size_t)SMMUV3_STE_DWORDS * 8) << smmu->sid_bits;
		smmu->strtab = dmam_alloc_coherent(smmu->dev, size, &smmu->strtab_dma,
						   GFP_KERNEL);
		if (!smmu->strtab)
			return -ENOMEM;
		smmuv3_ste_abort(abort);
		for (i = 0; i < (1U << smmu->sid_bits); i++)
			for (j = 0; j < SMMUV3_STE_DWORDS; j++)
				smmu->strtab[i * SMMUV3_STE_DWORDS + j] = cpu_to_le64(abort[j]);
		cfg = FIELD_PREP(SMMUV3_STRTAB_CFG_FMT, SMMUV3_STRTAB_FMT_LINEAR) |
		      FIELD_PREP(SMMUV3_STRTAB_CFG_LOG2SIZE, smmu->sid_bits);
	}
	writeq_relaxed(SMMUV3_STRTAB_BASE_RA | (smmu->strtab_dma & SMMUV3_STRTAB_BASE_ADDR),
		       smmu->base + SMMUV3_STRTAB_BASE);
	writel_relaxed(cfg, smmu->base + SMMUV3_STRTAB_BASE_CFG);
	return 0;
}

/**
 * smmuv3_strtab_prepare_sid() - make sure a StreamID has an STE in memory
 * @smmu: the SMMU
 * @sid: the StreamID
 *
 * Two-level tables: allocates the level-2 table covering @sid (every STE
 * abort) and publishes it in its level-1 descriptor.
 *
 * Context: may sleep. Takes strtab_lock.
 * Return: 0, -ERANGE for a StreamID beyond the table, -ENOMEM.
 */
int smmuv3_strtab_prepare_sid(struct smmuv3_device *smmu, u32 sid)
{
	unsigned int l1 = sid >> SMMUV3_L1_SPLIT, i, j;
	u64 abort[SMMUV3_STE_DWORDS];
	dma_addr_t dma;
	__le64 *l2;
	int ret = 0;

	if (smmu->sid_bits < 32 && sid >= (1U << smmu->sid_bits))
		return -ERANGE;
	if (!(smmu->features & SMMUV3_FEAT_2LVL_STRTAB))
		return 0;

	mutex_lock(&smmu->strtab_lock);
	if (smmu->l2[l1])
		goto out_unlock;
	l2 = dmam_alloc_coherent(smmu->dev, (size_t)smmuv3_l2_entries() * 64, &dma,
				 GFP_KERNEL);
	if (!l2) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	smmuv3_ste_abort(abort);
	for (i = 0; i < smmuv3_l2_entries(); i++)
		for (j = 0; j < SMMUV3_STE_DWORDS; j++)
			l2[i * SMMUV3_STE_DWORDS + j] = cpu_to_le64(abort[j]);
	smmu->l2_dma[l1] = dma;
	/* The STEs are visible before the descriptor that points at them. */
	dma_wmb();
	WRITE_ONCE(smmu->strtab[l1],
		   cpu_to_le64(FIELD_PREP(SMMUV3_L1_SPAN, SMMUV3_L1_SPLIT + 1) |
			       (dma & SMMUV3_L1_L2PTR)));
	smmu->l2[l1] = l2;
out_unlock:
	mutex_unlock(&smmu->strtab_lock);
	return ret;
}

/**
 * smmuv3_ste_ptr() - the STE of a StreamID
 * @smmu: the SMMU
 * @sid: a StreamID prepared with smmuv3_strtab_prepare_sid()
 *
 * No lock needed (level-2 tables are never freed while the SMMU lives).
 * Return: the 8 words of the STE.
 */
__le64 *smmuv3_ste_ptr(struct smmuv3_device *smmu, u32 sid)
{
	if (!(smmu->features & SMMUV3_FEAT_2LVL_STRTAB))
		return smmu->strtab + (size_t)sid * SMMUV3_STE_DWORDS;
	return smmu->l2[sid >> SMMUV3_L1_SPLIT] +
	       (size_t)(sid & (smmuv3_l2_entries() - 1)) * SMMUV3_STE_DWORDS;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_ste_ptr);

/**
 * smmuv3_ste_abort() - build an STE that aborts every transaction
 * @ste: 8 words, written whole
 *
 * No lock needed.
 */
void smmuv3_ste_abort(u64 *ste)
{
	memset(ste, 0, SMMUV3_STE_DWORDS * sizeof(u64));
	ste[0] = SMMUV3_STE0_V | FIELD_PREP(SMMUV3_STE0_CFG, SMMUV3_STE_CFG_ABORT);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_ste_abort);

/**
 * smmuv3_ste_bypass() - build an STE that lets transactions through
 * @ste: 8 words, written whole
 *
 * Shareability is taken from the incoming transaction. No lock needed.
 */
void smmuv3_ste_bypass(u64 *ste)
{
	memset(ste, 0, SMMUV3_STE_DWORDS * sizeof(u64));
	ste[0] = SMMUV3_STE0_V | FIELD_PREP(SMMUV3_STE0_CFG, SMMUV3_STE_CFG_BYPASS);
	ste[1] = FIELD_PREP(SMMUV3_STE1_SHCFG, SMMUV3_STE_SHCFG_INCOMING);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_ste_bypass);

static void smmuv3_ste_s1_attrs(u64 *ste)
{
	/* Table walks: inner/outer write-back read-allocate, inner shareable */
	ste[1] |= FIELD_PREP(SMMUV3_STE1_S1CIR, 1) | FIELD_PREP(SMMUV3_STE1_S1COR, 1) |
		  FIELD_PREP(SMMUV3_STE1_S1CSH, 3);
}

/**
 * smmuv3_ste_s1() - build a stage-1 STE over a one-entry CD table
 * @ste: 8 words, written whole
 * @cd_dma: bus address of the CD table (S1Fmt linear, S1CDMax 0)
 * @features: the SMMU's SMMUV3_FEAT_*
 *
 * Where stalling is configurable per stream (SMMUV3_FEAT_STALLS), S1STALLD
 * turns it off: this driver never resumes a stalled transaction, so a
 * stall fault would hang the device. No lock needed.
 */
void smmuv3_ste_s1(u64 *ste, dma_addr_t cd_dma, u32 features)
{
	memset(ste, 0, SMMUV3_STE_DWORDS * sizeof(u64));
	ste[0] = SMMUV3_STE0_V | FIELD_PREP(SMMUV3_STE0_CFG, SMMUV3_STE_CFG_S1) |
		 (cd_dma & SMMUV3_STE0_S1CTXPTR);
	smmuv3_ste_s1_attrs(ste);
	if (features & SMMUV3_FEAT_STALLS)
		ste[1] |= SMMUV3_STE1_S1STALLD;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_ste_s1);

static void smmuv3_ste_s2_words(u64 *ste, const struct smmuv3_domain *d, u32 vmid)
{
	const typeof(d->cfg.arm_lpae_s2_cfg.vtcr) *vtcr = &d->cfg.arm_lpae_s2_cfg.vtcr;

	ste[2] = FIELD_PREP(SMMUV3_STE2_S2VMID, vmid) |
		 FIELD_PREP(SMMUV3_STE2_S2T0SZ, vtcr->tsz) |
		 FIELD_PREP(SMMUV3_STE2_S2SL0, vtcr->sl) |
		 FIELD_PREP(SMMUV3_STE2_S2IR0, vtcr->irgn) |
		 FIELD_PREP(SMMUV3_STE2_S2OR0, vtcr->orgn) |
		 FIELD_PREP(SMMUV3_STE2_S2SH0, vtcr->sh) |
		 FIELD_PREP(SMMUV3_STE2_S2TG, vtcr->tg) |
		 FIELD_PREP(SMMUV3_STE2_S2PS, vtcr->ps) |
		 SMMUV3_STE2_S2AA64 | SMMUV3_STE2_S2PTW | SMMUV3_STE2_S2R;
	/* A table built for S2FWB: its attributes override stage 1's. */
	if (d->cfg.quirks & IO_PGTABLE_QUIRK_ARM_S2FWB)
		ste[1] |= SMMUV3_STE1_S2FWB;
	ste[3] = d->cfg.arm_lpae_s2_cfg.vttbr & SMMUV3_STE3_S2TTB;
}

/**
 * smmuv3_ste_s2() - build a stage-2 STE
 * @ste: 8 words, written whole
 * @d: a stage-2 domain
 * @vmid: the VMID to tag its translations with
 *
 * Faults are recorded (S2R); a stage-1 table walk that stage 2 maps to
 * Device memory faults (S2PTW) instead of reaching MMIO. No lock needed.
 */
void smmuv3_ste_s2(u64 *ste, const struct smmuv3_domain *d, u32 vmid)
{
	memset(ste, 0, SMMUV3_STE_DWORDS * sizeof(u64));
	ste[0] = SMMUV3_STE0_V | FIELD_PREP(SMMUV3_STE0_CFG, SMMUV3_STE_CFG_S2);
	smmuv3_ste_s2_words(ste, d, vmid);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_ste_s2);

/**
 * smmuv3_ste_nested() - build the STE of a nested domain
 * @ste: 8 words, written whole
 * @vste: the validated user STE words 0 and 1 (smmuv3_vste_validate())
 * @parent: the stage-2 nest parent
 * @vmid: the vSMMU's VMID
 * @features: the SMMU's SMMUV3_FEAT_*
 *
 * Abort (or V=0) gives an abort STE; bypass gives the parent's stage 2
 * alone (stage-1 fields, ignored there, are dropped); stage-1 translate
 * gives nested S1+S2 with the user's CD table pointer (an IPA) and its
 * stage-1 attributes, less EATS (no device has ATS enabled here).
 * Without substreams (S1CDMax 0) S1Fmt and S1DSS are ignored by the SMMU
 * and written as 0. Nested STEs merge their events
 * (MEV: a guest cannot flood the event queue with one stream) and, where
 * stalling is configurable, disable it (S1STALLD): nothing here resumes a
 * stalled transaction. No lock needed.
 */
void smmuv3_ste_nested(u64 *ste, const u64 *vste, const struct smmuv3_domain *parent,
		       u32 vmid, u32 features)
{
	u64 cfg = FIELD_GET(SMMUV3_STE0_CFG, vste[0]);
	u64 s1_0 = SMMUV3_STE0_S1CTXPTR;
	/*
	 * Not EATS: this driver enables ATS on no device and puts no ATC on
	 * the parent's list, so translated requests must not pass stage 2.
	 */
	u64 s1_1 = SMMUV3_STE1_S1CIR | SMMUV3_STE1_S1COR | SMMUV3_STE1_S1CSH |
		   SMMUV3_STE1_S1STALLD;

	if (!(vste[0] & SMMUV3_STE0_V) || cfg == SMMUV3_STE_CFG_ABORT) {
		smmuv3_ste_abort(ste);
		return;
	}
	smmuv3_ste_s2(ste, parent, vmid);
	if (cfg == SMMUV3_STE_CFG_BYPASS)
		return;
	if (FIELD_GET(SMMUV3_STE0_S1CDMAX, vste[0])) {
		s1_0 |= SMMUV3_STE0_S1FMT | SMMUV3_STE0_S1CDMAX;
		s1_1 |= SMMUV3_STE1_S1DSS;
	}
	ste[0] = SMMUV3_STE0_V | FIELD_PREP(SMMUV3_STE0_CFG, SMMUV3_STE_CFG_NESTED) |
		 (vste[0] & s1_0);
	ste[1] |= (vste[1] & s1_1) | SMMUV3_STE1_MEV;
	if (features & SMMUV3_FEAT_STALLS)
		ste[1] |= SMMUV3_STE1_S1STALLD;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_ste_nested);

/**
 * smmuv3_cd_s1() - build the CD of a stage-1 domain
 * @cd: 8 words, written whole
 * @d: a stage-1 domain
 *
 * AArch64 CD, TTB0 only (EPD1), A=1 (aborts reported as aborts, QEMU
 * requires it), R=1 (faults recorded), ASET=1 (ASID not shared with a CPU).
 * No lock needed.
 * Return: 0, or -EINVAL if @d is not a stage-1 domain.
 */
int smmuv3_cd_s1(u64 *cd, const struct smmuv3_domain *d)
{
	const typeof(d->cfg.arm_lpae_s1_cfg) *s1;

	if (d->stage != SMMUV3_STAGE_S1)
		return -EINVAL;
	s1 = &d->cfg.arm_lpae_s1_cfg;
	memset(cd, 0, SMMUV3_CD_DWORDS * sizeof(u64));
	cd[0] = FIELD_PREP(SMMUV3_CD0_T0SZ, s1->tcr.tsz) |
		FIELD_PREP(SMMUV3_CD0_TG0, s1->tcr.tg) |
		FIELD_PREP(SMMUV3_CD0_IR0, s1->tcr.irgn) |
		FIELD_PREP(SMMUV3_CD0_OR0, s1->tcr.orgn) |
		FIELD_PREP(SMMUV3_CD0_SH0, s1->tcr.sh) |
		SMMUV3_CD0_EPD1 | SMMUV3_CD0_V |
		FIELD_PREP(SMMUV3_CD0_IPS, s1->tcr.ips) |
		SMMUV3_CD0_AA64 | SMMUV3_CD0_R | SMMUV3_CD0_A | SMMUV3_CD0_ASET |
		FIELD_PREP(SMMUV3_CD0_ASID, d->tag);
	cd[1] = s1->ttbr & SMMUV3_CD1_TTB0;
	cd[3] = s1->mair;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_cd_s1);

static void smmuv3_entry_set(__le64 *slot, const u64 *val, unsigned int from,
			     unsigned int to)
{
	unsigned int i;

	for (i = from; i < to; i++)
		WRITE_ONCE(slot[i], cpu_to_le64(val[i]));
}

/*
 * Sync callback of the update sequence: makes the writes so far visible
 * to the SMMU and invalidates its cached copy of the entry.
 */
typedef int (*smmuv3_entry_sync_fn)(void *arg);

/*
 * A failed sync does not stop the sequence: the caller has committed to
 * the new entry (the attach cannot be undone), each step is safe on its
 * own whatever the SMMU cached, and the first error is returned.
 */
static int smmuv3_entry_update(__le64 *slot, const u64 *target, u64 breaking_word0,
			       smmuv3_entry_sync_fn sync, void *arg)
{
	unsigned int i, diff = 0, last = 0;
	int ret = 0;

	for (i = 0; i < SMMUV3_STE_DWORDS; i++) {
		if (le64_to_cpu(READ_ONCE(slot[i])) != target[i]) {
			diff++;
			last = i;
		}
	}
	if (!diff)
		return 0;
	if (diff == 1) {
		smmuv3_entry_set(slot, target, last, last + 1);
		dma_wmb();
		return sync(arg);
	}
	/* Step 1: an entry that uses word 0 only. */
	if (le64_to_cpu(READ_ONCE(slot[0])) != breaking_word0) {
		WRITE_ONCE(slot[0], cpu_to_le64(breaking_word0));
		dma_wmb();
		ret = sync(arg);
	}
	/* Step 2: the other words, then word 0. */
	smmuv3_entry_set(slot, target, 1, SMMUV3_STE_DWORDS);
	dma_wmb();
	WRITE_ONCE(slot[0], cpu_to_le64(target[0]));
	dma_wmb();
	return sync(arg) ?: ret;
}

struct smmuv3_ste_ref {
	struct smmuv3_device *smmu;
	u32 sid;
};

static int smmuv3_ste_sync(void *arg)
{
	struct smmuv3_ste_ref *ref = arg;

	return smmuv3_sync_ste(ref->smmu, ref->sid);
}

/**
 * smmuv3_ste_write() - switch an STE to a new value without tearing
 * @smmu: the SMMU
 * @sid: the StreamID (for CFGI_STE)
 * @slot: its STE in the stream table
 * @target: the new 8 words
 *
 * The update rule at the top of this file, with CFGI_STE + CMD_SYNC.
 *
 * Context: may sleep. Caller holds @smmu->entry_lock: two interleaved
 * sequences would tear the entry.
 * Return: 0 or the first error of a CMD_SYNC; the new entry is in memory
 * either way.
 */
int smmuv3_ste_write(struct smmuv3_device *smmu, u32 sid, __le64 *slot,
		     const u64 *target)
{
	struct smmuv3_ste_ref ref = { .smmu = smmu, .sid = sid };
	u64 abort[SMMUV3_STE_DWORDS];

	lockdep_assert_held(&smmu->entry_lock);
	smmuv3_ste_abort(abort);
	return smmuv3_entry_update(slot, target, abort[0], smmuv3_ste_sync, &ref);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_ste_write);

/* The CD is used by every StreamID of the master: invalidate them all. */
static int smmuv3_cd_sync(void *arg)
{
	struct smmuv3_master *master = arg;
	struct alist_cmd cmd[4];
	u64 span = SMMUV3_SPAN_NONE;
	unsigned int i, n = 0;
	int ret = 0, err;

	for (i = 0; i < master->num_sids; i++) {
		smmuv3_cmd_cfgi_ste(&cmd[n++], master->sids[i]);
		atomic64_inc(&master->smmu->stats.cfgi);
		if (n == ARRAY_SIZE(cmd) || i + 1 == master->num_sids) {
			err = smmuv3_cmdq_submit_span(master->smmu, cmd, n,
						      i + 1 == master->num_sids, &span);
			if (err && !ret)
				ret = err;
			n = 0;
		}
	}
	return ret;
}

/**
 * smmuv3_cd_write() - switch a master's context descriptor without tearing
 * @master: the master; its STEs point at its CD table
 * @cd: the new 8 words
 *
 * V=0 is the intermediate state (see the top of this file). At each step
 * every StreamID of the master is invalidated (CFGI_STE, Leaf=0, covers
 * its CDs), with one CMD_SYNC.
 *
 * Context: may sleep. Caller holds the master's SMMU's entry_lock.
 * Return: 0 or the first error of a CMD_SYNC; the new CD is in memory
 * either way.
 */
int smmuv3_cd_write(struct smmuv3_master *master, const u64 *cd)
{
	lockdep_assert_held(&master->smmu->entry_lock);
	return smmuv3_entry_update(master->cd, cd, 0, smmuv3_cd_sync, master);
}
