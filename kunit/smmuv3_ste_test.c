// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: STE and CD builders against words worked out from the SMMUv3
 * STE/CD layouts, the update sequence (at every CMD_SYNC the entry is the
 * old one, an abort entry, or the new one: never a mix), and the vSTE
 * validator.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../drivers/smmuv3/smmuv3.h"

#define STE_SNAPS 4

struct ste_watch {
	__le64 *slot;
	u64 snap[STE_SNAPS][SMMUV3_STE_DWORDS];
	unsigned int n;
};

static void ste_on_sync(void *priv)
{
	struct ste_watch *w = priv;
	unsigned int i;

	if (w->n >= STE_SNAPS)
		return;
	for (i = 0; i < SMMUV3_STE_DWORDS; i++)
		w->snap[w->n][i] = le64_to_cpu(w->slot[i]);
	w->n++;
}

static struct smmuv3_device *ste_fake_smmu(struct kunit *test, struct ste_watch *w)
{
	struct smmuv3_device *smmu = kunit_kzalloc(test, sizeof(*smmu), GFP_KERNEL);
	struct alist_recorder *rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);
	struct alist_rec_entry *e = kunit_kcalloc(test, 16, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, smmu);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_ASSERT_NOT_NULL(test, e);
	alist_rec_init(rec, e, 16, smmuv3_cmd_opcode);
	alist_rec_on_sync(rec, ste_on_sync, w);
	smmu->rec = rec;
	smmu->features = SMMUV3_FEAT_NESTING | SMMUV3_FEAT_COHERENT;
	mutex_init(&smmu->entry_lock);
	return smmu;
}

/* A stage-2 domain: 44-bit IPA (T0SZ 20), SL0 1, WB, ISH, 4K, PS 44 bits */
static void ste_s2_domain(struct smmuv3_domain *d, u32 vmid)
{
	memset(d, 0, sizeof(*d));
	d->stage = SMMUV3_STAGE_S2;
	d->tag = vmid;
	d->cfg.arm_lpae_s2_cfg.vttbr = 0x40001000;
	d->cfg.arm_lpae_s2_cfg.vtcr.tsz = 20;
	d->cfg.arm_lpae_s2_cfg.vtcr.sl = 1;
	d->cfg.arm_lpae_s2_cfg.vtcr.irgn = 1;
	d->cfg.arm_lpae_s2_cfg.vtcr.orgn = 1;
	d->cfg.arm_lpae_s2_cfg.vtcr.sh = 3;
	d->cfg.arm_lpae_s2_cfg.vtcr.tg = 0;
	d->cfg.arm_lpae_s2_cfg.vtcr.ps = 4;
}

static void ste_abort_bypass(struct kunit *test)
{
	u64 ste[SMMUV3_STE_DWORDS];
	unsigned int i;

	smmuv3_ste_abort(ste);
	KUNIT_EXPECT_EQ(test, ste[0], 0x1ULL);		/* V, Config 0b000 */
	for (i = 1; i < SMMUV3_STE_DWORDS; i++)
		KUNIT_EXPECT_EQ(test, ste[i], 0ULL);
	smmuv3_ste_bypass(ste);
	KUNIT_EXPECT_EQ(test, ste[0], 0x9ULL);		/* V, Config 0b100 */
	KUNIT_EXPECT_EQ(test, ste[1], 1ULL << 44);	/* SHCFG incoming */
}

static void ste_s1(struct kunit *test)
{
	u64 ste[SMMUV3_STE_DWORDS];

	smmuv3_ste_s1(ste, 0x12345640, 0);
	/* V, Config 0b101, S1ContextPtr, S1Fmt 0, S1CDMax 0 */
	KUNIT_EXPECT_EQ(test, ste[0], 0x1234564bULL);
	/* S1CIR = S1COR = WBRA (1), S1CSH = ISH (3) */
	KUNIT_EXPECT_EQ(test, ste[1], 0xd4ULL);
	KUNIT_EXPECT_EQ(test, ste[2], 0ULL);
	KUNIT_EXPECT_EQ(test, ste[3], 0ULL);
	/* Stalls configurable per stream: S1STALLD (bit 27) turns them off */
	smmuv3_ste_s1(ste, 0x12345640, SMMUV3_FEAT_STALLS);
	KUNIT_EXPECT_EQ(test, ste[1], 0x80000d4ULL);
}

static void ste_s2(struct kunit *test)
{
	struct smmuv3_domain d;
	u64 ste[SMMUV3_STE_DWORDS];

	ste_s2_domain(&d, 0x12);
	smmuv3_ste_s2(ste, &d, 0x12);
	KUNIT_EXPECT_EQ(test, ste[0], 0xdULL);		/* V, Config 0b110 */
	KUNIT_EXPECT_EQ(test, ste[1], 0ULL);
	/* VMID, T0SZ, SL0, IR0, OR0, SH0, TG, PS, AA64, S2PTW (54), S2R */
	KUNIT_EXPECT_EQ(test, ste[2], 0x044c355400000012ULL);
	KUNIT_EXPECT_EQ(test, ste[3], 0x40001000ULL);
	/* A table built for S2FWB: S2FWB is word 1 bit 25 (STE bit 89) */
	d.cfg.quirks = IO_PGTABLE_QUIRK_ARM_S2FWB;
	smmuv3_ste_s2(ste, &d, 0x12);
	KUNIT_EXPECT_EQ(test, ste[1], 0x2000000ULL);
	KUNIT_EXPECT_EQ(test, ste[2], 0x044c355400000012ULL);
}

/*
 * Nested STEs: the vSTE words a guest writes, the physical STE words 0-2
 * worked out from the STE layout. Word 2 is the parent's stage 2 with the
 * vSMMU's VMID 0x33 (S2PTW, S2R, AA64 included); word 3 its table.
 */
#define NEST_W2		0x044c355400000033ULL
#define NEST_S1(ptr)	(0x1ULL | (5ULL << 1) | (ptr))
#define NEST_NESTED(p)	(0x1ULL | (7ULL << 1) | (p))
#define MEV		BIT_ULL(19)
#define S1STALLD	BIT_ULL(27)

struct nest_case {
	const char *name;
	u64 vste[2];
	u32 features;
	u64 ste[3];
};

static const struct nest_case nest_cases[] = {
	{ "stage 1", { NEST_S1(0x4004000), 0xd4 }, 0,
	  { NEST_NESTED(0x4004000), 0xd4 | MEV, NEST_W2 } },
	{ "stage 1, EATS dropped", { NEST_S1(0x4004000), 0xd4 | (1ULL << 28) }, SMMUV3_FEAT_ATS,
	  { NEST_NESTED(0x4004000), 0xd4 | MEV, NEST_W2 } },
	/* S1CDMax 0: S1Fmt and S1DSS are ignored by the SMMU, written as 0 */
	{ "S1Fmt, S1DSS ignored", { NEST_S1(0x4004000) | (1ULL << 4), 0xd4 | 2 }, 0,
	  { NEST_NESTED(0x4004000), 0xd4 | MEV, NEST_W2 } },
	/* S1CDMax 4: substreams, S1Fmt and S1DSS kept */
	{ "substreams", { NEST_S1(0x4004000) | (1ULL << 4) | (4ULL << 59), 0xd4 | 2 }, 0,
	  { NEST_NESTED(0x4004000) | (1ULL << 4) | (4ULL << 59), 0xd4 | 2 | MEV, NEST_W2 } },
	/* Stalls configurable: always disabled, whatever the guest asked */
	{ "stalls forced off", { NEST_S1(0x4004000), 0xd4 }, SMMUV3_FEAT_STALLS,
	  { NEST_NESTED(0x4004000), 0xd4 | S1STALLD | MEV, NEST_W2 } },
	{ "S1STALLD kept", { NEST_S1(0x4004000), 0xd4 | S1STALLD }, SMMUV3_FEAT_STALLS,
	  { NEST_NESTED(0x4004000), 0xd4 | S1STALLD | MEV, NEST_W2 } },
	/* Bypass: the parent's stage 2 alone, stage-1 fields dropped */
	{ "bypass", { 0x1 | (4ULL << 1), 0 }, 0, { 0xd, 0, NEST_W2 } },
	{ "bypass, stage-1 fields", { 0x1 | (4ULL << 1) | 0x4004000, 0xd4 }, 0,
	  { 0xd, 0, NEST_W2 } },
	{ "abort", { 0x1, 0 }, 0, { 0x1, 0, 0 } },
	{ "abort, stage-1 fields", { 0x1 | 0x4004000, 0xd4 }, 0, { 0x1, 0, 0 } },
	{ "V=0", { 0, 0 }, 0, { 0x1, 0, 0 } },
	{ "V=0, stage 1", { (5ULL << 1) | 0x4004000, 0xd4 }, 0, { 0x1, 0, 0 } },
};

static void nest_case_desc(const struct nest_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nest, nest_cases, nest_case_desc);

static void ste_nested(struct kunit *test)
{
	const struct nest_case *c = test->param_value;
	struct smmuv3_domain d;
	u64 ste[SMMUV3_STE_DWORDS];
	unsigned int i;

	ste_s2_domain(&d, 0x12);
	smmuv3_ste_nested(ste, c->vste, &d, 0x33, c->features);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, ste[i], c->ste[i], "word %u", i);
	KUNIT_EXPECT_EQ(test, ste[3], c->ste[2] ? 0x40001000ULL : 0ULL);
	for (i = 4; i < SMMUV3_STE_DWORDS; i++)
		KUNIT_EXPECT_EQ(test, ste[i], 0ULL);
}

static void ste_cd_s1(struct kunit *test)
{
	struct smmuv3_domain d = { .stage = SMMUV3_STAGE_S1, .tag = 0x77 };
	u64 cd[SMMUV3_CD_DWORDS];

	d.cfg.arm_lpae_s1_cfg.ttbr = 0x40002000;
	d.cfg.arm_lpae_s1_cfg.mair = 0xff;
	d.cfg.arm_lpae_s1_cfg.tcr.tsz = 16;
	d.cfg.arm_lpae_s1_cfg.tcr.tg = 0;
	d.cfg.arm_lpae_s1_cfg.tcr.irgn = 1;
	d.cfg.arm_lpae_s1_cfg.tcr.orgn = 1;
	d.cfg.arm_lpae_s1_cfg.tcr.sh = 3;
	d.cfg.arm_lpae_s1_cfg.tcr.ips = 4;
	KUNIT_ASSERT_EQ(test, smmuv3_cd_s1(cd, &d), 0);
	/* T0SZ 16, IR0/OR0 1, SH0 3, EPD1, V, IPS 4, AA64, R, A, ASET, ASID */
	KUNIT_EXPECT_EQ(test, cd[0], 0x0077e204c0003510ULL);
	KUNIT_EXPECT_EQ(test, cd[1], 0x40002000ULL);
	KUNIT_EXPECT_EQ(test, cd[2], 0ULL);
	KUNIT_EXPECT_EQ(test, cd[3], 0xffULL);

	d.stage = SMMUV3_STAGE_S2;
	KUNIT_EXPECT_EQ(test, smmuv3_cd_s1(cd, &d), -EINVAL);
}

static bool ste_equal(const u64 *a, const u64 *b)
{
	return !memcmp(a, b, SMMUV3_STE_DWORDS * sizeof(u64));
}

/* Write @old, then switch to @new; check syncs and every snapshot. */
static void ste_switch(struct kunit *test, const u64 *old, const u64 *new,
		       unsigned int want_syncs)
{
	struct ste_watch *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct smmuv3_device *smmu;
	u64 abort[SMMUV3_STE_DWORDS];
	unsigned int i, j;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, w);
	smmu = ste_fake_smmu(test, w);
	w->slot = kunit_kzalloc(test, SMMUV3_STE_DWORDS * sizeof(__le64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w->slot);
	for (i = 0; i < SMMUV3_STE_DWORDS; i++)
		w->slot[i] = cpu_to_le64(old[i]);
	smmuv3_ste_abort(abort);

	mutex_lock(&smmu->entry_lock);
	ret = smmuv3_ste_write(smmu, 0x8, w->slot, new);
	mutex_unlock(&smmu->entry_lock);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, w->n, want_syncs);
	for (i = 0; i < w->n; i++) {
		bool is_old = ste_equal(w->snap[i], old);
		bool is_new = ste_equal(w->snap[i], new);
		bool is_abort = w->snap[i][0] == abort[0];

		KUNIT_EXPECT_TRUE_MSG(test, is_old || is_new || is_abort,
				      "torn entry at sync %u", i);
	}
	for (i = 0; i < SMMUV3_STE_DWORDS; i++)
		KUNIT_EXPECT_EQ(test, le64_to_cpu(w->slot[i]), new[i]);
	/* Every sync is CFGI_STE of the StreamID, then CMD_SYNC */
	for (j = 0; j + 1 < alist_rec_len(smmu->rec); j += 2) {
		KUNIT_EXPECT_EQ(test, alist_rec_at(smmu->rec, j)->w[0], 0x0000000800000003ULL);
		KUNIT_EXPECT_EQ(test, alist_rec_at(smmu->rec, j + 1)->w[0], 0x46ULL);
	}
	KUNIT_EXPECT_EQ(test, alist_rec_len(smmu->rec), 2 * want_syncs);
}

static void ste_write_sequences(struct kunit *test)
{
	u64 abort[SMMUV3_STE_DWORDS], bypass[SMMUV3_STE_DWORDS];
	u64 s2a[SMMUV3_STE_DWORDS], s2b[SMMUV3_STE_DWORDS], s1[SMMUV3_STE_DWORDS];
	u64 zero[SMMUV3_STE_DWORDS] = {};
	struct smmuv3_domain d;

	smmuv3_ste_abort(abort);
	smmuv3_ste_bypass(bypass);
	ste_s2_domain(&d, 1);
	smmuv3_ste_s2(s2a, &d, 1);
	smmuv3_ste_s2(s2b, &d, 2);
	smmuv3_ste_s1(s1, 0x12345640, 0);

	ste_switch(test, s2a, s2a, 0);		/* nothing changes */
	ste_switch(test, s2a, s2b, 1);		/* one word (the VMID) */
	ste_switch(test, abort, s2a, 1);	/* from abort: rest, then word 0 */
	ste_switch(test, zero, s2a, 2);		/* from V=0: abort first */
	ste_switch(test, s2a, s1, 2);		/* via abort */
	ste_switch(test, s1, bypass, 2);
	ste_switch(test, bypass, abort, 2);	/* words 0 and 1 differ */
}

static void ste_write_sync_error(struct kunit *test)
{
	struct ste_watch *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	u64 s1[SMMUV3_STE_DWORDS], s2[SMMUV3_STE_DWORDS];
	struct smmuv3_device *smmu;
	struct smmuv3_domain d;
	unsigned int i;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, w);
	smmu = ste_fake_smmu(test, w);
	w->slot = kunit_kzalloc(test, SMMUV3_STE_DWORDS * sizeof(__le64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w->slot);
	ste_s2_domain(&d, 1);
	smmuv3_ste_s2(s2, &d, 1);
	smmuv3_ste_s1(s1, 0x12345640, 0);
	for (i = 0; i < SMMUV3_STE_DWORDS; i++)
		w->slot[i] = cpu_to_le64(s2[i]);
	alist_rec_fail_syncs(smmu->rec, 1, -ETIMEDOUT);
	mutex_lock(&smmu->entry_lock);
	ret = smmuv3_ste_write(smmu, 0x8, w->slot, s1);
	mutex_unlock(&smmu->entry_lock);
	/*
	 * The abort step's sync fails: the sequence goes on (the attach is
	 * committed), the entry is never torn, the error is reported.
	 */
	KUNIT_EXPECT_EQ(test, ret, -ETIMEDOUT);
	KUNIT_ASSERT_EQ(test, w->n, 2U);
	KUNIT_EXPECT_EQ(test, w->snap[0][0], 0x1ULL);
	for (i = 0; i < SMMUV3_STE_DWORDS; i++) {
		KUNIT_EXPECT_EQ(test, w->snap[1][i], s1[i]);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(w->slot[i]), s1[i]);
	}
}

static struct kunit_case smmuv3_ste_cases[] = {
	KUNIT_CASE(ste_abort_bypass),
	KUNIT_CASE(ste_s1),
	KUNIT_CASE(ste_s2),
	KUNIT_CASE_PARAM(ste_nested, nest_gen_params),
	KUNIT_CASE(ste_cd_s1),
	KUNIT_CASE(ste_write_sequences),
	KUNIT_CASE(ste_write_sync_error),
	{}
};

static struct kunit_suite smmuv3_ste_suite = {
	.name = "alist_smmuv3_ste",
	.test_cases = smmuv3_ste_cases,
};

/*
 * vSTE validator: words 0/1 as a guest writes them, on an SMMU with 8
 * SSID bits unless a case says otherwise (ssid 0 is QEMU's), a 44-bit IPA.
 * Ignored fields are accepted, ILLEGAL ones refused (policy in
 * Documentation/smmuv3.rst).
 */
struct vste_case {
	const char *name;
	u64 w0;
	u64 w1;
	u32 features;
	unsigned int ssid_bits;
	int ret;
};

#define VSTE_S1(ptr)	(0x1ULL | (5ULL << 1) | (ptr))
#define VSTE_BYPASS	(0x1ULL | (4ULL << 1))

static const struct vste_case vste_cases[] = {
	{ "V=0", 0, 0, 0, 8, 0 },
	{ "V=0 with stage-1 fields", (5ULL << 1) | 0x4000, 0xd4, 0, 8, 0 },
	{ "abort", 0x1, 0, 0, 8, 0 },
	{ "bypass", VSTE_BYPASS, 0, 0, 8, 0 },
	{ "stage 1", VSTE_S1(0x4004000), 0xd4, 0, 8, 0 },
	{ "stage 1, EATS with ATS", VSTE_S1(0x4004000), 1ULL << 28, SMMUV3_FEAT_ATS, 8, 0 },
	/* Ignored by the architecture: accepted */
	{ "S1Fmt with S1CDMax 0", VSTE_S1(0x4004000) | (1ULL << 4), 0, 0, 0, 0 },
	{ "S1Fmt 3 with S1CDMax 0", VSTE_S1(0x4004000) | (3ULL << 4), 0, 0, 0, 0 },
	{ "S1DSS with S1CDMax 0", VSTE_S1(0x4004000), 2, 0, 0, 0 },
	{ "S1DSS 3 with S1CDMax 0", VSTE_S1(0x4004000), 3, 0, 0, 0 },
	{ "bypass with a CD pointer", VSTE_BYPASS | 0x4000, 0, 0, 8, 0 },
	{ "bypass with S1CDMax, S1Fmt", VSTE_BYPASS | (1ULL << 59) | (1ULL << 4), 0, 0, 0, 0 },
	{ "bypass with S1CIR/COR/CSH, S1DSS", VSTE_BYPASS, 0xd4 | 1, 0, 8, 0 },
	{ "abort with S1CIR", 0x1, 1ULL << 2, 0, 8, 0 },
	{ "abort with everything", 0x1 | 0x4000 | (31ULL << 59) | (3ULL << 4),
	  0xd7 | (3ULL << 28), 0, 0, 0 },
	/* As the uAPI allows, within what HW_INFO says */
	{ "S1CDMax 8 of 8 SSID bits", VSTE_S1(0x4004000) | (8ULL << 59), 0, 0, 8, 0 },
	{ "S1CDMax, 2-level 4K", VSTE_S1(0x4004000) | (1ULL << 4) | (4ULL << 59), 2,
	  SMMUV3_FEAT_CD2L, 8, 0 },
	{ "S1CDMax, 2-level 64K", VSTE_S1(0x4004000) | (2ULL << 4) | (4ULL << 59), 1,
	  SMMUV3_FEAT_CD2L, 8, 0 },
	/* ILLEGAL or not the guest's */
	{ "Config stage 2", 0x1 | (6ULL << 1), 0, 0, 8, -EIO },
	{ "Config nested", 0x1 | (7ULL << 1), 0, 0, 8, -EIO },
	{ "Config reserved 1", 0x1 | (1ULL << 1), 0, 0, 8, -EIO },
	{ "Config reserved 3", 0x1 | (3ULL << 1), 0, 0, 8, -EIO },
	{ "word 0 bit 55", VSTE_S1(0x4004000) | (1ULL << 55), 0, 0, 8, -EIO },
	{ "S1CDMax above SSIDSIZE", VSTE_S1(0x4004000) | (9ULL << 59), 0, 0, 8, -EIO },
	{ "S1CDMax without substreams", VSTE_S1(0x4004000) | (1ULL << 59), 0, 0, 0, -EIO },
	{ "S1Fmt 3 with S1CDMax", VSTE_S1(0x4004000) | (3ULL << 4) | (1ULL << 59), 0, 0, 8,
	  -EIO },
	{ "S1DSS 3 with S1CDMax", VSTE_S1(0x4004000) | (1ULL << 59), 3, 0, 8, -EIO },
	{ "CD beyond IPA", VSTE_S1(1ULL << 45), 0, 0, 8, -EIO },
	{ "S1STALLD without stalls", VSTE_S1(0x4004000), 1ULL << 27, 0, 8, -EIO },
	/* HW_INFO says STALL_MODEL 0b01 there: the driver disables stalls */
	{ "S1STALLD, stalls configurable", VSTE_S1(0x4004000), 1ULL << 27,
	  SMMUV3_FEAT_STALLS, 8, -EIO },
	{ "2-level 4K CD table without CD2L", VSTE_S1(0x4004000) | (1ULL << 4) | (4ULL << 59),
	  0, 0, 8, -EIO },
	{ "2-level 64K CD table without CD2L", VSTE_S1(0x4004000) | (2ULL << 4) | (4ULL << 59),
	  0, SMMUV3_FEAT_STALLS, 8, -EIO },
	{ "S1CSH reserved", VSTE_S1(0x4004000), 1ULL << 6, 0, 8, -EIO },
	{ "EATS without ATS", VSTE_S1(0x4004000), 1ULL << 28, 0, 8, -EIO },
	{ "EATS 2", VSTE_S1(0x4004000), 2ULL << 28, SMMUV3_FEAT_ATS, 8, -EIO },
	{ "bypass, EATS without ATS", VSTE_BYPASS, 1ULL << 28, 0, 8, -EIO },
	{ "SHCFG", VSTE_S1(0x4004000), 1ULL << 44, 0, 8, -EIO },
	{ "STRW", VSTE_S1(0x4004000), 1ULL << 30, 0, 8, -EIO },
	{ "MEV", VSTE_S1(0x4004000), 1ULL << 19, 0, 8, -EIO },
	{ "abort with SHCFG", 0x1, 1ULL << 44, 0, 8, -EIO },
};

static void vste_case_desc(const struct vste_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vste, vste_cases, vste_case_desc);

static void vste_validate(struct kunit *test)
{
	const struct vste_case *c = test->param_value;
	u64 vste[2] = { c->w0, c->w1 };

	KUNIT_EXPECT_EQ(test, smmuv3_vste_validate(vste, 44, c->ssid_bits, c->features),
			c->ret);
}

static struct kunit_case smmuv3_vste_cases[] = {
	KUNIT_CASE_PARAM(vste_validate, vste_gen_params),
	{}
};

static struct kunit_suite smmuv3_vste_suite = {
	.name = "alist_smmuv3_vste",
	.test_cases = smmuv3_vste_cases,
};

kunit_test_suites(&smmuv3_ste_suite, &smmuv3_vste_suite);
