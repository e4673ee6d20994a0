// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the vSMMU invalidation path and the domain invalidation path,
 * both against the recording queue.
 *
 * vSMMU arrays live in real user memory (kunit_vm_mmap()). A guest command
 * comes out with the vSMMU's VMID forced and its vSID translated; the whole
 * array is one batch with one CMD_SYNC; a bad entry stops the array, its
 * index comes back in entry_num, and only the valid prefix is issued.
 */
#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "../drivers/smmuv3/smmuv3.h"

#define VI_VMID		0x33ULL
#define VI_VSID		0x42ULL
#define VI_PSID		0x8ULL
#define VI_REC_CAP	256

#define OP_TLBI_NH_ALL	0x10ULL
#define OP_TLBI_NH_ASID	0x11ULL
#define OP_TLBI_NH_VA	0x12ULL
#define OP_TLBI_S2_IPA	0x2aULL
#define OP_NSNH_ALL	0x30ULL
#define OP_CFGI_CD	0x05ULL
#define OP_ATC_INV	0x40ULL
#define OP_SYNC		0x46ULL

struct vi_ctx {
	struct smmuv3_device *smmu;
	struct smmuv3_viommu *vsmmu;
	void __user *ubuf;
};

static void vi_exit(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;

	if (ctx && ctx->vsmmu && ctx->vsmmu->shared.ids)
		alist_viommu_destroy(&ctx->vsmmu->shared);
}

static int vi_init(struct kunit *test)
{
	struct vi_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct alist_recorder *rec;
	struct alist_rec_entry *e;
	unsigned long uaddr;
	int ret;

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	ctx->smmu = kunit_kzalloc(test, sizeof(*ctx->smmu), GFP_KERNEL);
	rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);
	ctx->vsmmu = kunit_kzalloc(test, sizeof(*ctx->vsmmu), GFP_KERNEL);
	if (!ctx->smmu || !rec || !ctx->vsmmu)
		return -ENOMEM;
	e = kunit_kcalloc(test, VI_REC_CAP, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	alist_rec_init(rec, e, VI_REC_CAP, smmuv3_cmd_opcode);
	ctx->smmu->rec = rec;
	ctx->smmu->instance = 3;
	ctx->smmu->params.ril = 1;
	ctx->smmu->params.tg_lg2 = 12;
	ctx->smmu->params.max_tlbi_cmds = 512;
	ctx->smmu->params.max_atc_cmds = 16;
	ctx->vsmmu->smmu = ctx->smmu;
	ctx->vsmmu->vmid = VI_VMID;
	ret = alist_viommu_init(&ctx->vsmmu->shared);
	if (ret)
		return ret;
	ret = alist_vid_map(&ctx->vsmmu->shared, VI_VSID, VI_PSID);
	if (ret)
		return ret;
	uaddr = kunit_vm_mmap(test, NULL, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(uaddr))
		return (int)uaddr;
	ctx->ubuf = (void __user *)uaddr;
	return 0;
}

/* Copy @n commands of @len bytes each to user memory and run them. */
static int vi_run(struct kunit *test, const void *cmds, size_t len, u32 n, u32 *num,
		  unsigned int type)
{
	struct vi_ctx *ctx = test->priv;
	struct iommu_user_data_array array = {
		.type = type,
		.uptr = ctx->ubuf,
		.entry_len = len,
		.entry_num = n,
	};
	int ret;

	KUNIT_ASSERT_LE(test, len * n, 4 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, copy_to_user(ctx->ubuf, cmds, len * n), 0UL);
	ret = smmuv3_viommu_invalidate(ctx->vsmmu, &array);
	*num = array.entry_num;
	return ret;
}

static const struct alist_cmd *vi_rec(struct kunit *test, unsigned int i)
{
	struct vi_ctx *ctx = test->priv;

	return alist_rec_at(ctx->smmu->rec, i);
}

static void vi_translate(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;
	const u64 cmds[][2] = {
		/* guest VMID 7 is replaced, ASID and VA kept */
		{ OP_TLBI_NH_VA | (7ULL << 32) | (5ULL << 48), 0x2000000 | 1 },
		{ OP_CFGI_CD | (VI_VSID << 32), 1 },
		{ OP_NSNH_ALL, 0 },
		{ OP_TLBI_NH_ASID | (5ULL << 48), 0 },
	};
	u32 num;

	KUNIT_ASSERT_EQ(test, vi_run(test, cmds, 16, 4, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), 0);
	KUNIT_EXPECT_EQ(test, num, 4U);
	KUNIT_ASSERT_EQ(test, alist_rec_len(ctx->smmu->rec), 5U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(ctx->smmu->rec), 1U);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 0)->w[0],
			OP_TLBI_NH_VA | (VI_VMID << 32) | (5ULL << 48));
	KUNIT_EXPECT_EQ(test, vi_rec(test, 0)->w[1], 0x2000001ULL);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 1)->w[0], OP_CFGI_CD | (VI_PSID << 32));
	KUNIT_EXPECT_EQ(test, vi_rec(test, 1)->w[1], 1ULL);
	/* TLBI_NSNH_ALL becomes TLBI_NH_ALL of this vSMMU's VMID */
	KUNIT_EXPECT_EQ(test, vi_rec(test, 2)->w[0], OP_TLBI_NH_ALL | (VI_VMID << 32));
	KUNIT_EXPECT_EQ(test, vi_rec(test, 3)->w[0],
			OP_TLBI_NH_ASID | (VI_VMID << 32) | (5ULL << 48));
	KUNIT_EXPECT_EQ(test, vi_rec(test, 4)->w[0], OP_SYNC);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->smmu->stats.user_inv), 1LL);
}

/*
 * What vi_bad_cases refuses on this 8-bit-ASID SMMU without substreams or
 * DS passes on one that has them (the driver derives user_caps from IDR0,
 * IDR1 and IDR5 at probe).
 */
static void vi_wide_smmu(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;
	const u64 cmds[][2] = {
		{ OP_TLBI_NH_ASID | (0x100ULL << 48), 0 },
		{ OP_TLBI_NH_VA | (0x8005ULL << 48), 0x2000000 },
		{ OP_CFGI_CD | (VI_VSID << 32) | (1ULL << 12), 0 },
		{ OP_TLBI_NH_VA | (1ULL << 12), 0x2000000 | (2ULL << 10) | (1ULL << 8) },
	};
	u32 num;

	ctx->smmu->params.user_caps = ALIST_SMMUV3_USER_ASID16 | ALIST_SMMUV3_USER_SSID |
				      ALIST_SMMUV3_USER_DS;
	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 16, 4, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), 0);
	KUNIT_EXPECT_EQ(test, num, 4U);
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 5U);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 2)->w[0],
			OP_CFGI_CD | (VI_PSID << 32) | (1ULL << 12));
}

/* 200 commands: one batch, one sync (never a sync per N commands) */
static void vi_one_sync(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;
	u64 (*cmds)[2] = kunit_kcalloc(test, 200, sizeof(*cmds), GFP_KERNEL);
	unsigned int i;
	u32 num;

	KUNIT_ASSERT_NOT_NULL(test, cmds);
	for (i = 0; i < 200; i++)
		cmds[i][0] = OP_TLBI_NH_ASID | ((u64)i << 48);
	KUNIT_ASSERT_EQ(test, vi_run(test, cmds, 16, 200, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), 0);
	KUNIT_EXPECT_EQ(test, num, 200U);
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 201U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(ctx->smmu->rec), 1U);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 200)->w[0], OP_SYNC);
}

struct vi_bad {
	const char *name;
	u64 bad[2];
	int ret;
};

static const struct vi_bad vi_bad_cases[] = {
	{ "unknown opcode", { 0x99, 0 }, -EIO },
	{ "TLBI_S2_IPA (host only)", { OP_TLBI_S2_IPA, 0x1000 }, -EIO },
	{ "CMD_SYNC", { OP_SYNC, 0 }, -EIO },
	{ "NH_ASID reserved bit", { OP_TLBI_NH_ASID | (1ULL << 8), 0 }, -EIO },
	{ "NH_ASID dword 1", { OP_TLBI_NH_ASID, 1 }, -EIO },
	{ "NH_VA range without TG", { OP_TLBI_NH_VA | (1ULL << 12), 0x1000 }, -EIO },
	{ "NH_VA TG without range", { OP_TLBI_NH_VA, 0x1000 | (1ULL << 10) }, -EIO },
	{ "CFGI_CD unknown vSID", { OP_CFGI_CD | (0x1234ULL << 32), 0 }, -EIO },
	{ "CFGI_CD dword 1 bit 1", { OP_CFGI_CD | (VI_VSID << 32), 2 }, -EIO },
	{ "ATC_INV without ATS", { OP_ATC_INV | (VI_VSID << 32), 0 }, -EIO },
	/* Fields this SMMU (8-bit ASIDs, no substreams, no DS) lacks, as Linux */
	{ "NH_ASID 16-bit ASID", { OP_TLBI_NH_ASID | (0x100ULL << 48), 0 }, -EIO },
	{ "NH_VA 16-bit ASID", { OP_TLBI_NH_VA | (0x8005ULL << 48), 0x2000000 }, -EIO },
	{ "CFGI_CD SSID", { OP_CFGI_CD | (VI_VSID << 32) | (1ULL << 12), 0 }, -EIO },
	{ "NH_VA TG 16K, TTL 1 without DS",
	  { OP_TLBI_NH_VA | (1ULL << 12), 0x2000000 | (2ULL << 10) | (1ULL << 8) }, -EIO },
};

static void vi_bad_desc(const struct vi_bad *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vi_bad, vi_bad_cases, vi_bad_desc);

/* [good, good, bad, good]: index 2, the two good ones issued + one sync */
static void vi_bad_entry(struct kunit *test)
{
	const struct vi_bad *c = test->param_value;
	struct vi_ctx *ctx = test->priv;
	u64 cmds[4][2] = {
		{ OP_TLBI_NH_ALL, 0 },
		{ OP_TLBI_NH_ASID | (9ULL << 48), 0 },
		{ c->bad[0], c->bad[1] },
		{ OP_TLBI_NH_ALL, 0 },
	};
	u32 num;

	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 16, 4, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), c->ret);
	KUNIT_EXPECT_EQ(test, num, 2U);
	KUNIT_ASSERT_EQ(test, alist_rec_len(ctx->smmu->rec), 3U);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 1)->w[0],
			OP_TLBI_NH_ASID | (VI_VMID << 32) | (9ULL << 48));
	KUNIT_EXPECT_EQ(test, vi_rec(test, 2)->w[0], OP_SYNC);
}

static void vi_bad_first(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;
	u64 cmds[1][2] = { { 0x99, 0 } };
	u32 num;

	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 16, 1, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), -EIO);
	KUNIT_EXPECT_EQ(test, num, 0U);
	/* Nothing valid: no command and no sync */
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 0U);
}

static void vi_array_rules(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;
	u64 cmds[2][3] = {
		{ OP_TLBI_NH_ALL, 0, 0 },
		{ OP_TLBI_NH_ALL, 0, 0 },
	};
	u32 num;

	/* entry_num 0: a type probe */
	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 16, 0, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), 0);
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 0U);
	/* wrong type */
	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 16, 1, &num, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, num, 0U);
	/* entries shorter than a command */
	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 8, 1, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), -EINVAL);
	/* longer entries: zero tail fine, non-zero tail E2BIG at its index */
	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 24, 2, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), 0);
	KUNIT_EXPECT_EQ(test, num, 2U);
	cmds[1][2] = 1;
	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 24, 2, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), -E2BIG);
	KUNIT_EXPECT_EQ(test, num, 1U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(ctx->smmu->rec), 2U);
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 5U);
}

static void vi_fault(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;
	struct iommu_user_data_array array = {
		.type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
		/* the last page of the mapping holds entry 0; entry 1 is beyond */
		.uptr = ctx->ubuf + 4 * PAGE_SIZE - 16,
		.entry_len = 16,
		.entry_num = 2,
	};
	u64 cmd[2] = { OP_TLBI_NH_ALL, 0 };

	KUNIT_ASSERT_EQ(test, copy_to_user(array.uptr, cmd, 16), 0UL);
	KUNIT_EXPECT_EQ(test, smmuv3_viommu_invalidate(ctx->vsmmu, &array), -EFAULT);
	KUNIT_EXPECT_EQ(test, array.entry_num, 1U);
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 2U);
}

static void vi_sync_timeout(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;
	u64 (*cmds)[2] = kunit_kcalloc(test, 200, sizeof(*cmds), GFP_KERNEL);
	unsigned int i;
	u32 num;

	KUNIT_ASSERT_NOT_NULL(test, cmds);
	for (i = 0; i < 200; i++)
		cmds[i][0] = OP_TLBI_NH_ASID | ((u64)i << 48);
	/*
	 * The array's one CMD_SYNC fails: no entry is known done, entry_num
	 * is 0 (the VMM may issue them all again), the queue's errno.
	 */
	alist_rec_fail_syncs(ctx->smmu->rec, 1, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 16, 200, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, num, 0U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(ctx->smmu->rec), 1U);
	/* The queue serves the next array (the recorder emptied first) */
	alist_rec_reset(ctx->smmu->rec);
	KUNIT_EXPECT_EQ(test, vi_run(test, cmds, 16, 200, &num,
				     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3), 0);
	KUNIT_EXPECT_EQ(test, num, 200U);
}

/*
 * Which SMMUs may offer a vSMMU: both stages, and S2FWB or a CANWBS device;
 * the allow_noncoherent_viommu parameter relaxes the last rule on a
 * coherent SMMU only, and says so (the caller taints).
 */
static void vi_allowed(struct kunit *test)
{
	const u32 nest = SMMUV3_FEAT_NESTING | SMMUV3_FEAT_COHERENT;
	bool taint;

	/* QEMU's SMMU: neither S2FWB nor CANWBS */
	KUNIT_EXPECT_FALSE(test, smmuv3_viommu_allowed(nest, false, false, &taint));
	KUNIT_EXPECT_FALSE(test, taint);
	KUNIT_EXPECT_TRUE(test, smmuv3_viommu_allowed(nest, false, true, &taint));
	KUNIT_EXPECT_TRUE(test, taint);
	/* S2FWB or CANWBS: allowed, no taint, parameter or not */
	KUNIT_EXPECT_TRUE(test, smmuv3_viommu_allowed(nest | SMMUV3_FEAT_FWB, false, false,
						      &taint));
	KUNIT_EXPECT_FALSE(test, taint);
	KUNIT_EXPECT_TRUE(test, smmuv3_viommu_allowed(nest, true, true, &taint));
	KUNIT_EXPECT_FALSE(test, taint);
	/* No nesting, or a non-coherent SMMU with the parameter: never */
	KUNIT_EXPECT_FALSE(test, smmuv3_viommu_allowed(SMMUV3_FEAT_S2 | SMMUV3_FEAT_FWB,
						       true, true, &taint));
	KUNIT_EXPECT_FALSE(test, smmuv3_viommu_allowed(SMMUV3_FEAT_NESTING, false, true,
						       &taint));
	KUNIT_EXPECT_FALSE(test, taint);
}

static struct kunit_case smmuv3_viommu_cases[] = {
	KUNIT_CASE(vi_allowed),
	KUNIT_CASE(vi_translate),
	KUNIT_CASE(vi_wide_smmu),
	KUNIT_CASE(vi_one_sync),
	KUNIT_CASE_PARAM(vi_bad_entry, vi_bad_gen_params),
	KUNIT_CASE(vi_bad_first),
	KUNIT_CASE(vi_array_rules),
	KUNIT_CASE(vi_fault),
	KUNIT_CASE(vi_sync_timeout),
	{}
};

static struct kunit_suite smmuv3_viommu_suite = {
	.name = "alist_smmuv3_viommu",
	.init = vi_init,
	.exit = vi_exit,
	.test_cases = smmuv3_viommu_cases,
};

/*
 * Domain invalidation: an unmap of one page of a stage-1 domain is one
 * TLBI_NH_VA and one CMD_SYNC; a nest parent with a nested user is
 * TLBI_S2_IPA, sync, TLBI_NH_ALL of the VMID, sync; a tag that left a
 * list is flushed whole.
 */
static struct smmuv3_domain *inv_domain(struct kunit *test, struct smmuv3_device *smmu)
{
	struct smmuv3_domain *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	d->smmu = smmu;
	d->params = smmu->params;
	d->list = alist_list_alloc();
	KUNIT_ASSERT_NOT_NULL(test, d->list);
	return d;
}

static void inv_unmap_s1(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;
	struct smmuv3_domain *d = inv_domain(test, ctx->smmu);
	struct alist_target t = {
		.instance = 3, .kind = ALIST_KIND_SMMU_S1, .tag = 7, .pasid = ALIST_NO_PASID,
	};
	struct alist_txn txn;

	alist_lock();
	KUNIT_ASSERT_EQ(test, alist_list_prepare_attach(d->list, &t, 1, &txn), 0);
	alist_list_commit_attach(&txn);
	alist_unlock();

	KUNIT_EXPECT_EQ(test, smmuv3_inv_range(d, 0x2000000, 0x2000fff, 12, true), 0);
	KUNIT_ASSERT_EQ(test, alist_rec_len(ctx->smmu->rec), 2U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(ctx->smmu->rec), 1U);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 0)->w[0] & 0xff, OP_TLBI_NH_VA);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 0)->w[0] >> 48, 7ULL);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 0)->w[1] & ~0xfffULL, 0x2000000ULL);

	alist_lock();
	alist_list_detach(d->list, &t, 1);
	alist_unlock();
	KUNIT_EXPECT_EQ(test, t.users, 0U);
	/* Nobody left: no command at all */
	KUNIT_EXPECT_EQ(test, smmuv3_inv_range(d, 0x2000000, 0x2000fff, 12, true), 0);
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 2U);
	/* The tag that left is flushed whole */
	smmuv3_flush_targets(ctx->smmu, &t, 1);
	KUNIT_ASSERT_EQ(test, alist_rec_len(ctx->smmu->rec), 4U);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 2)->w[0], OP_TLBI_NH_ASID | (7ULL << 48));
	KUNIT_EXPECT_EQ(test, vi_rec(test, 3)->w[0], OP_SYNC);
	alist_list_free(d->list);
}

static void inv_unmap_nest_parent(struct kunit *test)
{
	struct vi_ctx *ctx = test->priv;
	struct smmuv3_domain *parent = inv_domain(test, ctx->smmu);
	struct alist_list *nested = alist_list_alloc();
	struct alist_target t = {
		.instance = 3, .kind = ALIST_KIND_SMMU_S1, .vmid = VI_VMID,
		.pasid = ALIST_NO_PASID,
	};
	struct alist_target report[2];
	struct alist_txn txn;

	KUNIT_ASSERT_NOT_NULL(test, nested);
	alist_lock();
	KUNIT_ASSERT_EQ(test, alist_nest_prepare_attach(nested, parent->list, &t, 1, &txn), 0);
	alist_list_commit_attach(&txn);
	alist_unlock();

	KUNIT_EXPECT_EQ(test, smmuv3_inv_range(parent, 0x4000000, 0x4000fff, 12, true), 0);
	KUNIT_ASSERT_EQ(test, alist_rec_len(ctx->smmu->rec), 4U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(ctx->smmu->rec), 2U);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 0)->w[0] & 0xff, OP_TLBI_S2_IPA);
	KUNIT_EXPECT_EQ(test, (vi_rec(test, 0)->w[0] >> 32) & 0xffff, VI_VMID);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 1)->w[0], OP_SYNC);
	KUNIT_EXPECT_EQ(test, vi_rec(test, 2)->w[0], OP_TLBI_NH_ALL | (VI_VMID << 32));
	KUNIT_EXPECT_EQ(test, vi_rec(test, 3)->w[0], OP_SYNC);

	alist_lock();
	KUNIT_EXPECT_EQ(test, alist_nest_detach(nested, parent->list, &t, 1, report), 2U);
	alist_unlock();
	alist_list_free(nested);
	alist_list_free(parent->list);
}

static struct kunit_case smmuv3_inv_cases[] = {
	KUNIT_CASE(inv_unmap_s1),
	KUNIT_CASE(inv_unmap_nest_parent),
	{}
};

static struct kunit_suite smmuv3_inv_suite = {
	.name = "alist_smmuv3_inv",
	.init = vi_init,
	.exit = vi_exit,
	.test_cases = smmuv3_inv_cases,
};

kunit_test_suites(&smmuv3_viommu_suite, &smmuv3_inv_suite);
