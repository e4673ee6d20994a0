// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SMMUv3 driver's command encoders and its command queue in
 * recording mode. Expected words come from the SMMUv3 command layouts:
 * opcode in bits [7:0] of dword 0, StreamID in [63:32]; CFGI_STE_RANGE's
 * Range in dword 1 [4:0]; CMD_SYNC is opcode 0x46 with CS in [13:12].
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../drivers/smmuv3/smmuv3.h"

static struct smmuv3_device *cmd_fake_smmu(struct kunit *test)
{
	struct smmuv3_device *smmu = kunit_kzalloc(test, sizeof(*smmu), GFP_KERNEL);
	struct alist_recorder *rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);
	struct alist_rec_entry *e = kunit_kcalloc(test, 16, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, smmu);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_ASSERT_NOT_NULL(test, e);
	alist_rec_init(rec, e, 16, smmuv3_cmd_opcode);
	smmu->rec = rec;
	return smmu;
}

static void cmd_cfgi_ste(struct kunit *test)
{
	struct alist_cmd c;

	smmuv3_cmd_cfgi_ste(&c, 0x8);
	KUNIT_EXPECT_EQ(test, c.w[0], 0x0000000800000003ULL);
	KUNIT_EXPECT_EQ(test, c.w[1], 0ULL);
	smmuv3_cmd_cfgi_ste(&c, 0xffffffff);
	KUNIT_EXPECT_EQ(test, c.w[0], 0xffffffff00000003ULL);
	KUNIT_EXPECT_EQ(test, c.w[2] | c.w[3], 0ULL);
}

static void cmd_cfgi_all(struct kunit *test)
{
	struct alist_cmd c;

	smmuv3_cmd_cfgi_all(&c);
	KUNIT_EXPECT_EQ(test, c.w[0], 0x4ULL);
	KUNIT_EXPECT_EQ(test, c.w[1], 0x1fULL);
}

static void cmd_submit_sync(struct kunit *test)
{
	struct smmuv3_device *smmu = cmd_fake_smmu(test);
	struct alist_cmd c[2] = {};

	smmuv3_cmd_cfgi_ste(&c[0], 1);
	smmuv3_cmd_cfgi_ste(&c[1], 2);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, c, 2, true), 0);
	KUNIT_ASSERT_EQ(test, alist_rec_len(smmu->rec), 3U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(smmu->rec), 1U);
	KUNIT_EXPECT_EQ(test, alist_rec_at(smmu->rec, 0)->w[0], 0x0000000100000003ULL);
	KUNIT_EXPECT_EQ(test, alist_rec_at(smmu->rec, 1)->w[0], 0x0000000200000003ULL);
	/* CMD_SYNC, CS = SIG_NONE: completion is found by polling CONS */
	KUNIT_EXPECT_EQ(test, alist_rec_at(smmu->rec, 2)->w[0], 0x46ULL);
	KUNIT_EXPECT_EQ(test, alist_rec_at(smmu->rec, 2)->w[1], 0ULL);
	KUNIT_EXPECT_EQ(test, smmu->cmdq_cmds, 2ULL);
	KUNIT_EXPECT_EQ(test, smmu->cmdq_syncs, 1ULL);
}

static void cmd_submit_nosync(struct kunit *test)
{
	struct smmuv3_device *smmu = cmd_fake_smmu(test);
	struct alist_cmd c;

	smmuv3_cmd_cfgi_all(&c);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, &c, 1, false), 0);
	KUNIT_EXPECT_EQ(test, alist_rec_len(smmu->rec), 1U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(smmu->rec), 0U);
	/* Nothing at all: no command, no sync */
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, NULL, 0, false), 0);
	KUNIT_EXPECT_EQ(test, alist_rec_len(smmu->rec), 1U);
}

static void cmd_sync_error(struct kunit *test)
{
	struct smmuv3_device *smmu = cmd_fake_smmu(test);

	alist_rec_fail_syncs(smmu->rec, 1, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, smmuv3_sync_ste(smmu, 0x42), -ETIMEDOUT);
	KUNIT_ASSERT_EQ(test, alist_rec_len(smmu->rec), 2U);
	KUNIT_EXPECT_EQ(test, alist_rec_at(smmu->rec, 0)->w[0], 0x0000004200000003ULL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.cfgi), 1LL);
	/* One-shot: the next sync succeeds */
	KUNIT_EXPECT_EQ(test, smmuv3_sync_ste(smmu, 0x42), 0);
}

/*
 * Two-level stream table sizing: 8 bytes per level-1 entry, at most 2^17
 * entries (1 MiB), never 128 MiB for a 32-bit StreamID space.
 */
static void cmd_strtab_l1_bits(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, smmuv3_strtab_l1_bits(32), 17U);
	KUNIT_EXPECT_EQ(test, smmuv3_strtab_l1_bits(26), 17U);
	KUNIT_EXPECT_EQ(test, smmuv3_strtab_l1_bits(25), 17U);
	KUNIT_EXPECT_EQ(test, smmuv3_strtab_l1_bits(24), 16U);
	KUNIT_EXPECT_EQ(test, smmuv3_strtab_l1_bits(16), 8U);	/* QEMU */
	KUNIT_EXPECT_EQ(test, smmuv3_strtab_l1_bits(8), 0U);
	KUNIT_EXPECT_EQ(test, smmuv3_strtab_l1_bits(5), 0U);
	KUNIT_EXPECT_LE(test, (8UL << smmuv3_strtab_l1_bits(32)), (unsigned long)SZ_1M);
}

static struct kunit_case smmuv3_cmd_cases[] = {
	KUNIT_CASE(cmd_strtab_l1_bits),
	KUNIT_CASE(cmd_cfgi_ste),
	KUNIT_CASE(cmd_cfgi_all),
	KUNIT_CASE(cmd_submit_sync),
	KUNIT_CASE(cmd_submit_nosync),
	KUNIT_CASE(cmd_sync_error),
	{}
};

static struct kunit_suite smmuv3_cmd_suite = {
	.name = "alist_smmuv3_cmd",
	.test_cases = smmuv3_cmd_cases,
};

kunit_test_suite(smmuv3_cmd_suite);
