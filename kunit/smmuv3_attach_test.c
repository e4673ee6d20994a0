// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: attach against the recording queue. The order of one switch
 * (the new domain's list published before the STE changes, the old one
 * left and its tag flushed after), a failed invalidation after the publish
 * (the attach still completes and returns 0, with a warning), the blocked
 * domain (never fails), the cache-coherency rule (CANWBS only), and the
 * locks each step holds (the SMMU's entry_lock for the STE switch only).
 * Nested domains: a translating vSTE needs a vDEVICE first, and which
 * events go to the vSMMU's vEVENTQ, with what record.
 * The first attach and the way back to it allocate nothing.
 */
#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <uapi/linux/iommufd.h>
#include <linux/lockdep.h>
#include <linux/slab.h>

#include "../drivers/smmuv3/smmuv3.h"

#define AT_SID		2
#define AT_CD_DMA	0x12345640ULL
#define AT_SNAPS	8
#define OP_S12_VMALL	0x28ULL
#define OP_CFGI_STE	0x03ULL
#define OP_SYNC		0x46ULL
#define OP_ATC_INV	0x40ULL

struct at_snap {
	unsigned int on_new;	/* entries on the new domain's list */
	unsigned int on_old;	/* entries on the old domain's list */
	u64 ste2;		/* STE word 2 (the VMID) */
	bool entry_locked;	/* this thread holds the SMMU's entry_lock */
	bool old_locked;	/* the old domain's lock is taken */
	bool new_locked;	/* the new domain's lock is taken */
};

struct at_ctx {
	struct smmuv3_device *smmu;
	struct smmuv3_master *master;
	struct device *dev;
	struct smmuv3_domain *d[2];
	struct alist_list *watch_new;
	struct alist_list *watch_old;
	struct smmuv3_domain *dom_new;
	struct smmuv3_domain *dom_old;
	struct at_snap snap[AT_SNAPS];
	unsigned int nsnap;
};

static unsigned int at_count(struct alist_list *list)
{
	const struct alist_view *view;
	unsigned int n = 0;

	if (!list)
		return 0;
	view = alist_list_read_begin(list);
	alist_view_entries(view, &n);
	alist_list_read_end();
	return n;
}

/* Held by this thread (lockdep), or by anyone without lockdep. */
static bool at_held(struct mutex *m)
{
	if (IS_ENABLED(CONFIG_LOCKDEP))
		return lockdep_is_held_type(m, -1);
	return mutex_is_locked(m);
}

static void at_on_sync(void *priv)
{
	struct at_ctx *ctx = priv;
	struct at_snap *s;

	if (ctx->nsnap >= AT_SNAPS)
		return;
	s = &ctx->snap[ctx->nsnap++];
	s->on_new = at_count(ctx->watch_new);
	s->on_old = at_count(ctx->watch_old);
	s->ste2 = le64_to_cpu(smmuv3_ste_ptr(ctx->smmu, AT_SID)[2]);
	s->entry_locked = at_held(&ctx->smmu->entry_lock);
	s->old_locked = ctx->dom_old && mutex_is_locked(&ctx->dom_old->lock);
	s->new_locked = ctx->dom_new && mutex_is_locked(&ctx->dom_new->lock);
}

static struct smmuv3_domain *at_domain(struct kunit *test, struct at_ctx *ctx, u32 vmid)
{
	struct smmuv3_domain *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	d->smmu = ctx->smmu;
	d->stage = SMMUV3_STAGE_S2;
	d->tag = vmid;
	d->params = ctx->smmu->params;
	d->domain.type = IOMMU_DOMAIN_UNMANAGED;
	d->domain.ops = &smmuv3_paging_ops;
	d->cfg.arm_lpae_s2_cfg.vttbr = 0x40001000;
	d->cfg.arm_lpae_s2_cfg.vtcr.tsz = 20;
	d->list = alist_attach_list_alloc(SMMUV3_MAX_TARGETS);
	KUNIT_ASSERT_NOT_NULL(test, d->list);
	mutex_init(&d->lock);
	return d;
}

static void at_exit(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;
	unsigned int i;

	if (!ctx)
		return;
	if (ctx->master && ctx->master->num_targets) {
		/* Leave the lists empty before they are freed. */
		memset(ctx->master->attach, 0, sizeof(*ctx->master->attach));
		ctx->master->attach->domain = &smmuv3_blocked_domain;
		smmuv3_ste_abort(ctx->master->attach->ste);
		alist_rec_fail_syncs(ctx->smmu->rec, 0, 0);
		smmuv3_master_install(ctx->master, ctx->master->attach);
	}
	for (i = 0; i < ARRAY_SIZE(ctx->d); i++)
		if (ctx->d[i])
			alist_list_free(ctx->d[i]->list);
	if (ctx->dev)
		ctx->dev->iommu = NULL;
	if (ctx->smmu)
		xa_destroy(&ctx->smmu->streams);
}

/* A recording SMMU with a linear table of 8 STEs, all valid and abort */
static struct smmuv3_device *at_smmu(struct kunit *test, struct at_ctx *ctx)
{
	struct smmuv3_device *smmu = kunit_kzalloc(test, sizeof(*smmu), GFP_KERNEL);
	struct alist_recorder *rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);
	struct alist_rec_entry *e = kunit_kcalloc(test, 32, sizeof(*e), GFP_KERNEL);
	unsigned int i;

	if (!smmu || !rec || !e)
		return NULL;
	alist_rec_init(rec, e, 32, smmuv3_cmd_opcode);
	alist_rec_on_sync(rec, at_on_sync, ctx);
	smmu->rec = rec;
	smmu->instance = 3;
	smmu->features = SMMUV3_FEAT_NESTING | SMMUV3_FEAT_COHERENT | SMMUV3_FEAT_FWB;
	smmu->vmid_bits = 16;
	smmu->params.tg_lg2 = 12;
	smmu->params.max_tlbi_cmds = 512;
	smmu->params.max_atc_cmds = 16;
	smmu->sid_bits = 3;
	mutex_init(&smmu->entry_lock);
	mutex_init(&smmu->vevent_lock);
	xa_init(&smmu->streams);
	smmu->strtab = kunit_kcalloc(test, 8 * SMMUV3_STE_DWORDS, sizeof(__le64), GFP_KERNEL);
	if (!smmu->strtab)
		return NULL;
	for (i = 0; i < 8; i++)
		smmu->strtab[i * SMMUV3_STE_DWORDS] = cpu_to_le64(SMMUV3_STE0_V);
	return smmu;
}

/* A device of StreamID AT_SID behind @smmu, on the blocked domain */
static struct smmuv3_master *at_master(struct kunit *test, struct smmuv3_device *smmu,
				       const char *name, struct device **devp)
{
	struct smmuv3_master *master = kunit_kzalloc(test, sizeof(*master), GFP_KERNEL);
	struct dev_iommu *di = kunit_kzalloc(test, sizeof(*di), GFP_KERNEL);
	struct device *dev;

	if (!master || !di)
		return NULL;
	dev = kunit_device_register(test, name);
	if (IS_ERR(dev))
		return NULL;
	master->smmu = smmu;
	master->dev = dev;
	master->sids = kunit_kzalloc(test, sizeof(u32), GFP_KERNEL);
	master->cd = kunit_kzalloc(test, SMMUV3_CD_DWORDS * sizeof(u64), GFP_KERNEL);
	master->attach = kunit_kzalloc(test, sizeof(*master->attach), GFP_KERNEL);
	if (!master->sids || !master->cd || !master->attach)
		return NULL;
	master->sids[0] = AT_SID;
	master->num_sids = 1;
	master->cd_dma = AT_CD_DMA;
	master->domain = &smmuv3_blocked_domain;
	di->priv = master;
	dev->iommu = di;
	*devp = dev;
	return master;
}

static int at_init(struct kunit *test)
{
	struct at_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	ctx->smmu = at_smmu(test, ctx);
	if (!ctx->smmu)
		return -ENOMEM;
	ctx->master = at_master(test, ctx->smmu, "alist-smmuv3-attach", &ctx->dev);
	if (!ctx->master)
		return -ENOMEM;
	ctx->d[0] = at_domain(test, ctx, 5);
	ctx->d[1] = at_domain(test, ctx, 6);
	return 0;
}

static void at_reset_rec(struct at_ctx *ctx)
{
	alist_rec_reset(ctx->smmu->rec);
	ctx->nsnap = 0;
}

/* Attach to @d through the domain's own attach_dev. */
static int at_attach(struct at_ctx *ctx, struct smmuv3_domain *d)
{
	return d->domain.ops->attach_dev(&d->domain, ctx->dev, ctx->master->domain);
}

static void attach_order(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;
	struct alist_recorder *rec = ctx->smmu->rec;

	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[0]), 0);
	at_reset_rec(ctx);
	ctx->watch_old = ctx->d[0]->list;
	ctx->watch_new = ctx->d[1]->list;
	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[1]), 0);

	/* One STE word (the VMID): CFGI_STE + sync; then VMID 5 flushed */
	KUNIT_ASSERT_EQ(test, alist_rec_len(rec), 4U);
	KUNIT_EXPECT_EQ(test, alist_rec_at(rec, 0)->w[0], OP_CFGI_STE | ((u64)AT_SID << 32));
	KUNIT_EXPECT_EQ(test, alist_rec_at(rec, 1)->w[0], OP_SYNC);
	KUNIT_EXPECT_EQ(test, alist_rec_at(rec, 2)->w[0] & 0xff, OP_S12_VMALL);
	KUNIT_EXPECT_EQ(test, (alist_rec_at(rec, 2)->w[0] >> 32) & 0xffff, 5ULL);
	KUNIT_EXPECT_EQ(test, alist_rec_at(rec, 3)->w[0], OP_SYNC);
	KUNIT_ASSERT_EQ(test, ctx->nsnap, 2U);
	/* The STE switch: already on the new list, still on the old one */
	KUNIT_EXPECT_EQ(test, ctx->snap[0].ste2 & 0xffff, 6ULL);
	KUNIT_EXPECT_EQ(test, ctx->snap[0].on_new, 1U);
	KUNIT_EXPECT_EQ(test, ctx->snap[0].on_old, 1U);
	/* The flush of the old tag: the old list no longer has the device */
	KUNIT_EXPECT_EQ(test, ctx->snap[1].on_new, 1U);
	KUNIT_EXPECT_EQ(test, ctx->snap[1].on_old, 0U);
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->domain, &ctx->d[1]->domain);
}

/* Commands of @rec with @vmid in bits 47:32, and whether a CMD_SYNC ends it */
static unsigned int at_vmid_cmds(struct alist_recorder *rec, u64 vmid, bool *synced)
{
	unsigned int i, n = 0, len = alist_rec_len(rec);

	for (i = 0; i < len; i++)
		if ((alist_rec_at(rec, i)->w[0] & 0xff) != OP_SYNC &&
		    ((alist_rec_at(rec, i)->w[0] >> 32) & 0xffff) == vmid)
			n++;
	*synced = len && alist_rec_at(rec, len - 1)->w[0] == OP_SYNC;
	return n;
}

static void at_instance_put(void *smmu)
{
	smmuv3_instance_put(smmu);
}

/*
 * One stage-2 domain on two SMMUs: the domain is made for SMMU A, a device
 * behind SMMU B attaches to it as well. Its list then has a target on
 * each, and one flush reaches both queues, each with its own CMD_SYNC;
 * the domain's parameters narrow to what both can take (RIL only on A
 * here). B with a VMID too narrow for the domain's tag is refused.
 */
static void attach_span_two_smmus(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;
	struct smmuv3_domain *d = ctx->d[0];
	struct smmuv3_device *a = ctx->smmu, *b = at_smmu(test, ctx);
	struct iommu_domain *blocked;
	struct smmuv3_master *mb;
	struct device *devb;
	bool synced;

	KUNIT_ASSERT_NOT_NULL(test, b);
	mb = at_master(test, b, "alist-smmuv3-attach-b", &devb);
	KUNIT_ASSERT_NOT_NULL(test, mb);
	/* Both published: the flush finds B by its instance */
	KUNIT_ASSERT_EQ(test, smmuv3_instance_get(a), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, at_instance_put, a), 0);
	KUNIT_ASSERT_EQ(test, smmuv3_instance_get(b), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, at_instance_put, b), 0);
	d->cfg.coherent_walk = true;
	a->params.ril = 1;
	d->params.ril = 1;

	b->vmid_bits = 2;
	KUNIT_EXPECT_EQ(test, d->domain.ops->attach_dev(&d->domain, devb, mb->domain), -EINVAL);
	KUNIT_EXPECT_EQ(test, at_count(d->list), 0U);
	KUNIT_EXPECT_EQ(test, d->params.ril, 1);
	b->vmid_bits = 16;

	KUNIT_ASSERT_EQ(test, at_attach(ctx, d), 0);
	KUNIT_ASSERT_EQ(test, d->domain.ops->attach_dev(&d->domain, devb, mb->domain), 0);
	KUNIT_EXPECT_EQ(test, at_count(d->list), 2U);
	KUNIT_EXPECT_EQ(test, d->params.ril, 0);
	/* B's STE points at the domain's tables with its VMID */
	KUNIT_EXPECT_EQ(test, le64_to_cpu(smmuv3_ste_ptr(b, AT_SID)[2]) & 0xffff, 5ULL);

	alist_rec_reset(a->rec);
	alist_rec_reset(b->rec);
	KUNIT_EXPECT_EQ(test, smmuv3_inv_range(d, 0x10000, 0x10fff, 12, true), 0);
	KUNIT_EXPECT_GE(test, at_vmid_cmds(a->rec, 5, &synced), 1U);
	KUNIT_EXPECT_TRUE(test, synced);
	KUNIT_EXPECT_GE(test, at_vmid_cmds(b->rec, 5, &synced), 1U);
	KUNIT_EXPECT_TRUE(test, synced);

	/* B leaves: only A's target stays, and VMID 5 is flushed on B */
	alist_rec_reset(b->rec);
	blocked = &smmuv3_blocked_domain;
	KUNIT_ASSERT_EQ(test, blocked->ops->attach_dev(blocked, devb, mb->domain), 0);
	KUNIT_EXPECT_EQ(test, at_count(d->list), 1U);
	KUNIT_EXPECT_GE(test, at_vmid_cmds(b->rec, 5, &synced), 1U);
	xa_destroy(&b->streams);
	devb->iommu = NULL;
}

/* A CMD_SYNC fails after the publish: the attach completes all the same. */
static void attach_fail_after_commit(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;
	int ret;

	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[0]), 0);
	at_reset_rec(ctx);
	alist_rec_fail_syncs(ctx->smmu->rec, 1, -ETIMEDOUT);
	kunit_warning_suppress(test) {
		ret = at_attach(ctx, ctx->d[1]);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->domain, &ctx->d[1]->domain);
	KUNIT_EXPECT_EQ(test, at_count(ctx->d[0]->list), 0U);
	KUNIT_EXPECT_EQ(test, at_count(ctx->d[1]->list), 1U);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(smmuv3_ste_ptr(ctx->smmu, AT_SID)[2]) & 0xffff, 6ULL);
	/* The old tag is still left clean */
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 4U);
}

/* Blocked: no allocation, no targets, nothing that can fail. */
static void attach_blocked(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;
	struct iommu_domain *blocked = &smmuv3_blocked_domain;
	int ret;

	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[0]), 0);
	at_reset_rec(ctx);
	alist_rec_fail_syncs(ctx->smmu->rec, 1, -ETIMEDOUT);
	kunit_warning_suppress(test) {
		ret = blocked->ops->attach_dev(blocked, ctx->dev, &ctx->d[0]->domain);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->domain, blocked);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(smmuv3_ste_ptr(ctx->smmu, AT_SID)[0]), 0x1ULL);
	KUNIT_EXPECT_EQ(test, at_count(ctx->d[0]->list), 0U);
	KUNIT_EXPECT_EQ(test, ctx->master->num_targets, 0U);
}

/*
 * A nest parent made on another SMMU: S2FWB on one with FWB, whose vSMMU
 * takes non-CANWBS devices because stage 2 forces coherency there.
 */
static void compat_nest_parent_fwb(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;
	struct smmuv3_domain *d = ctx->d[0];
	struct smmuv3_device *b = at_smmu(test, ctx);

	KUNIT_ASSERT_NOT_NULL(test, b);
	d->cfg.coherent_walk = true;
	b->features &= ~SMMUV3_FEAT_FWB;
	KUNIT_EXPECT_TRUE(test, smmuv3_domain_compatible(d, b));
	d->nest_parent = true;
	KUNIT_EXPECT_TRUE(test, smmuv3_domain_compatible(d, b));
	b->features |= SMMUV3_FEAT_FWB;
	KUNIT_EXPECT_FALSE(test, smmuv3_domain_compatible(d, b));
	d->cfg.quirks |= IO_PGTABLE_QUIRK_ARM_S2FWB;
	KUNIT_EXPECT_TRUE(test, smmuv3_domain_compatible(d, b));
	/* Not a nest parent: any S2 table of the FWB SMMU's format */
	d->nest_parent = false;
	d->cfg.quirks = 0;
	KUNIT_EXPECT_TRUE(test, smmuv3_domain_compatible(d, b));
}

/*
 * A device leaving a domain has its ATC invalidated while its entry is
 * still on the list (an unmap meanwhile still reaches it), and the tag
 * that left after: ATC_INV + sync with both entries on, then S12_VMALL.
 */
static void attach_leave_atc_first(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;
	struct smmuv3_device *smmu = ctx->smmu;
	struct alist_recorder *rec = smmu->rec;
	struct alist_list *list = ctx->d[0]->list;
	struct alist_target t[2];
	struct alist_txn txn;

	memset(t, 0, sizeof(t));
	t[0].instance = smmu->instance;
	t[0].kind = ALIST_KIND_SMMU_S2;
	t[0].tag = 5;
	t[0].pasid = ALIST_NO_PASID;
	t[1].instance = smmu->instance;
	t[1].kind = ALIST_KIND_ATC;
	t[1].sid = AT_SID;
	t[1].pasid = ALIST_NO_PASID;
	KUNIT_ASSERT_EQ(test, alist_attach_prepare(list, NULL, t, 2, &txn), 0);
	alist_attach_commit(&txn);
	KUNIT_ASSERT_EQ(test, at_count(list), 2U);

	at_reset_rec(ctx);
	ctx->watch_old = list;
	alist_attach_leave(&SMMUV3_QUEUE(smmu, &smmu->params), list, NULL, t, 2);
	KUNIT_ASSERT_EQ(test, alist_rec_len(rec), 4U);
	KUNIT_EXPECT_EQ(test, alist_rec_at(rec, 0)->w[0] & 0xff, OP_ATC_INV);
	KUNIT_EXPECT_EQ(test, (alist_rec_at(rec, 0)->w[0] >> 32) & 0xffff,
			(u64)AT_SID);
	KUNIT_EXPECT_EQ(test, alist_rec_at(rec, 1)->w[0], OP_SYNC);
	KUNIT_EXPECT_EQ(test, alist_rec_at(rec, 2)->w[0] & 0xff, OP_S12_VMALL);
	KUNIT_EXPECT_EQ(test, alist_rec_at(rec, 3)->w[0], OP_SYNC);
	KUNIT_ASSERT_EQ(test, ctx->nsnap, 2U);
	KUNIT_EXPECT_EQ(test, ctx->snap[0].on_old, 2U);
	KUNIT_EXPECT_EQ(test, ctx->snap[1].on_old, 0U);
	/* The report: both entries left (four commands: no second ATC_INV) */
	KUNIT_EXPECT_EQ(test, t[0].users, 0U);
	KUNIT_EXPECT_EQ(test, t[1].users, 0U);
}

/*
 * ENFORCE_CACHE_COHERENCY: only for CANWBS devices, FWB or not, and
 * enforce_cache_coherency() agrees with it.
 */
static void attach_cache_coherency(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;
	struct smmuv3_domain *d = ctx->d[0];
	const struct iommu_domain_ops *ops = d->domain.ops;

	/* An FWB table: the old rule said yes here */
	d->cfg.quirks = IO_PGTABLE_QUIRK_ARM_S2FWB;
	KUNIT_EXPECT_FALSE(test, smmuv3_iommu_ops.capable(ctx->dev,
							  IOMMU_CAP_ENFORCE_CACHE_COHERENCY));
	KUNIT_ASSERT_EQ(test, at_attach(ctx, d), 0);
	KUNIT_EXPECT_FALSE(test, ops->enforce_cache_coherency(&d->domain));
	KUNIT_EXPECT_FALSE(test, d->enforce_cc);

	/* A CANWBS device: capable, and the domain can enforce */
	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[1]), 0);
	ctx->master->canwbs = true;
	KUNIT_EXPECT_TRUE(test, smmuv3_iommu_ops.capable(ctx->dev,
							 IOMMU_CAP_ENFORCE_CACHE_COHERENCY));
	KUNIT_ASSERT_EQ(test, at_attach(ctx, d), 0);
	KUNIT_EXPECT_TRUE(test, ops->enforce_cache_coherency(&d->domain));

	/* Then a device that is not CANWBS is refused; nothing changes */
	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[1]), 0);
	ctx->master->canwbs = false;
	at_reset_rec(ctx);
	KUNIT_EXPECT_EQ(test, at_attach(ctx, d), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->domain, &ctx->d[1]->domain);
	KUNIT_EXPECT_EQ(test, at_count(d->list), 0U);
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 0U);
}

/*
 * The locks of a replace, seen at each CMD_SYNC: the STE switch runs under
 * the SMMU's entry_lock (smmuv3_ste_write() asserts it; an unlocked writer
 * fails here too) and under no domain's lock; the flush of the old tag
 * runs under none of them. A non-CANWBS master is counted on the domain
 * it joins and uncounted on the one it left, under their locks.
 */
static void attach_locks(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[0]), 0);
	KUNIT_EXPECT_EQ(test, ctx->d[0]->non_canwbs, 1U);
	at_reset_rec(ctx);
	ctx->dom_old = ctx->d[0];
	ctx->dom_new = ctx->d[1];
	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[1]), 0);

	KUNIT_ASSERT_EQ(test, ctx->nsnap, 2U);
	/* Sync of the STE switch */
	KUNIT_EXPECT_TRUE(test, ctx->snap[0].entry_locked);
	KUNIT_EXPECT_FALSE(test, ctx->snap[0].old_locked);
	KUNIT_EXPECT_FALSE(test, ctx->snap[0].new_locked);
	/* Sync of the old tag's flush, after the switch */
	KUNIT_EXPECT_FALSE(test, ctx->snap[1].entry_locked);
	KUNIT_EXPECT_FALSE(test, ctx->snap[1].old_locked);
	KUNIT_EXPECT_FALSE(test, ctx->snap[1].new_locked);
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&ctx->smmu->entry_lock));
	KUNIT_EXPECT_EQ(test, ctx->d[0]->non_canwbs, 0U);
	KUNIT_EXPECT_EQ(test, ctx->d[1]->non_canwbs, 1U);
}

#define AT_VSID		0x42U
#define AT_CDPTR	0x40000000ULL
#define AT_VSTE_S1	(SMMUV3_STE0_V | FIELD_PREP(SMMUV3_STE0_CFG, SMMUV3_STE_CFG_S1) | AT_CDPTR)
#define AT_VSTE_BYPASS	(SMMUV3_STE0_V | FIELD_PREP(SMMUV3_STE0_CFG, SMMUV3_STE_CFG_BYPASS))

/* A vSMMU over d[0], one nested domain of it, a vDEVICE for the master */
struct at_nest {
	struct smmuv3_viommu vsmmu;
	struct smmuv3_nested nd;
	struct smmuv3_vdevice vdev;
};

static struct at_nest *at_nest(struct kunit *test, struct at_ctx *ctx, u64 vste0)
{
	struct at_nest *n = kunit_kzalloc(test, sizeof(*n), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, n);
	n->vsmmu.smmu = ctx->smmu;
	n->vsmmu.parent = ctx->d[0];
	n->vsmmu.vmid = 9;
	n->nd.viommu = &n->vsmmu;
	n->nd.ste[0] = vste0;
	n->nd.domain.type = IOMMU_DOMAIN_NESTED;
	n->nd.list = alist_list_alloc();
	KUNIT_ASSERT_NOT_NULL(test, n->nd.list);
	n->vdev.core.viommu = &n->vsmmu.core;
	n->vdev.vsid = AT_VSID;
	return n;
}

static int at_attach_nested(struct at_ctx *ctx, struct at_nest *n)
{
	return smmuv3_attach_nested(&n->nd.domain, ctx->dev, ctx->master->domain);
}

/* Back on a paging domain: the nested lists are empty and can go. */
static void at_nest_done(struct kunit *test, struct at_ctx *ctx, struct at_nest *n)
{
	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[1]), 0);
	alist_list_free(n->nd.list);
}

/*
 * A translating vSTE names the device by its vSID (CFGI_CD, events): as
 * Linux, no attach before the vDEVICE (-ENOENT, nothing changed). Abort
 * and bypass need none.
 */
static void attach_nested_needs_vdev(struct kunit *test)
{
	struct at_ctx *ctx = test->priv;
	struct at_nest *s1 = at_nest(test, ctx, AT_VSTE_S1);
	struct at_nest *other = at_nest(test, ctx, AT_VSTE_S1);
	struct at_nest *bypass = at_nest(test, ctx, AT_VSTE_BYPASS);
	struct at_nest *abort = at_nest(test, ctx, SMMUV3_STE0_V);
	u64 cfg;

	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[1]), 0);
	at_reset_rec(ctx);
	KUNIT_EXPECT_EQ(test, at_attach_nested(ctx, s1), -ENOENT);
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->domain, &ctx->d[1]->domain);
	KUNIT_EXPECT_EQ(test, alist_rec_len(ctx->smmu->rec), 0U);
	KUNIT_EXPECT_EQ(test, at_count(s1->nd.list), 0U);

	/* A vDEVICE on another vSMMU does not count */
	ctx->master->vdev = &other->vdev;
	KUNIT_EXPECT_EQ(test, at_attach_nested(ctx, s1), -ENOENT);
	ctx->master->vdev = NULL;

	KUNIT_EXPECT_EQ(test, at_attach_nested(ctx, bypass), 0);
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->vsmmu, &bypass->vsmmu);
	KUNIT_EXPECT_EQ(test, at_attach_nested(ctx, abort), 0);

	ctx->master->vdev = &s1->vdev;
	KUNIT_EXPECT_EQ(test, at_attach_nested(ctx, s1), 0);
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->domain, &s1->nd.domain);
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->vsmmu, &s1->vsmmu);
	/* FIELD_GET() inside KUNIT_EXPECT expands beyond sparse's limit */
	cfg = FIELD_GET(SMMUV3_STE0_CFG,
			le64_to_cpu(smmuv3_ste_ptr(ctx->smmu, AT_SID)[0]));
	KUNIT_EXPECT_EQ(test, cfg, (u64)SMMUV3_STE_CFG_NESTED);

	at_nest_done(test, ctx, s1);
	KUNIT_EXPECT_NULL(test, ctx->master->vsmmu);
	ctx->master->vdev = NULL;
	alist_list_free(other->nd.list);
	alist_list_free(bypass->nd.list);
	alist_list_free(abort->nd.list);
}

/* What smmuv3_vevent_report() was given, and what it answers */
static struct {
	unsigned int calls;
	struct smmuv3_viommu *vsmmu;
	struct iommu_vevent_arm_smmuv3 vevt;
	int ret;
} at_vev;

static int at_vevent_stub(struct smmuv3_viommu *vsmmu, struct iommu_vevent_arm_smmuv3 *vevt)
{
	at_vev.calls++;
	at_vev.vsmmu = vsmmu;
	at_vev.vevt = *vevt;
	return at_vev.ret;
}

#define AT_EVT1		0x0000001200000007ULL	/* stage 1: S2 (bit 39) clear */
#define AT_EVT2		0x0000000002000123ULL	/* input address */
#define AT_EVT3		0x0000000004321000ULL

static bool at_evt(struct at_ctx *ctx, u8 type, u32 sid, u64 w1)
{
	u64 evt[SMMUV3_EVT_DWORDS] = {
		type | (0x5ULL << 12) | ((u64)sid << 32), w1, AT_EVT2, AT_EVT3,
	};

	return smmuv3_evt_to_user(ctx->smmu, evt);
}

/*
 * Stage-1 faults and configuration errors of a nested device with a
 * vDEVICE go to its vSMMU: the raw record, little-endian, the vSID in the
 * StreamID field. Stage-2 faults, other types, unknown StreamIDs, devices
 * without a vDEVICE or not nested stay with the host, and so does an event
 * of a vSMMU without a vEVENTQ (-EOPNOTSUPP). A vEVENTQ that could not
 * take it (-ENOMEM: iommufd reports the loss) still took it.
 */
static void vevent_route(struct kunit *test)
{
	static const u8 user_types[] = { 0x04, 0x06, 0x08, 0x0a, 0x10, 0x11, 0x12, 0x13 };
	static const u8 host_types[] = { 0x01, 0x02, 0x03, 0x05, 0x07, 0x09, 0x0b, 0x14,
					 0x20, 0x21, 0x25 };
	struct at_ctx *ctx = test->priv;
	struct at_nest *n = at_nest(test, ctx, AT_VSTE_S1);
	u64 vents = atomic64_read(&ctx->smmu->stats.vevents);
	unsigned int i;

	memset(&at_vev, 0, sizeof(at_vev));
	kunit_activate_static_stub(test, smmuv3_vevent_report, at_vevent_stub);
	KUNIT_ASSERT_EQ(test, xa_insert(&ctx->smmu->streams, AT_SID, ctx->master, GFP_KERNEL), 0);
	ctx->master->vdev = &n->vdev;

	/* Paging domain, vDEVICE or not: the host's */
	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[1]), 0);
	KUNIT_EXPECT_FALSE(test, at_evt(ctx, 0x10, AT_SID, AT_EVT1));

	KUNIT_ASSERT_EQ(test, at_attach_nested(ctx, n), 0);
	KUNIT_ASSERT_TRUE(test, at_evt(ctx, 0x10, AT_SID, AT_EVT1));
	KUNIT_EXPECT_EQ(test, at_vev.calls, 1U);
	KUNIT_EXPECT_PTR_EQ(test, at_vev.vsmmu, &n->vsmmu);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(at_vev.vevt.evt[0]),
			0x10 | (0x5ULL << 12) | ((u64)AT_VSID << 32));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(at_vev.vevt.evt[1]), AT_EVT1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(at_vev.vevt.evt[2]), AT_EVT2);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(at_vev.vevt.evt[3]), AT_EVT3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->smmu->stats.vevents), vents + 1);

	for (i = 0; i < ARRAY_SIZE(user_types); i++) {
		at_vev.calls = 0;
		KUNIT_EXPECT_TRUE_MSG(test, at_evt(ctx, user_types[i], AT_SID, AT_EVT1),
				      "type 0x%02x", user_types[i]);
		KUNIT_EXPECT_EQ(test, at_vev.calls, 1U);
	}
	at_vev.calls = 0;
	for (i = 0; i < ARRAY_SIZE(host_types); i++)
		KUNIT_EXPECT_FALSE_MSG(test, at_evt(ctx, host_types[i], AT_SID, AT_EVT1),
				       "type 0x%02x", host_types[i]);
	/* Stage 2 is the host's */
	KUNIT_EXPECT_FALSE(test, at_evt(ctx, 0x10, AT_SID, AT_EVT1 | BIT_ULL(39)));
	/* A StreamID of no master */
	KUNIT_EXPECT_FALSE(test, at_evt(ctx, 0x10, AT_SID + 1, AT_EVT1));
	KUNIT_EXPECT_EQ(test, at_vev.calls, 0U);

	/* No vEVENTQ: the host logs it; a lost one is still the guest's */
	at_vev.ret = -EOPNOTSUPP;
	KUNIT_EXPECT_FALSE(test, at_evt(ctx, 0x10, AT_SID, AT_EVT1));
	at_vev.ret = -ENOMEM;
	KUNIT_EXPECT_TRUE(test, at_evt(ctx, 0x10, AT_SID, AT_EVT1));
	at_vev.ret = 0;

	/* The vDEVICE gone: the host's again */
	ctx->master->vdev = NULL;
	at_vev.calls = 0;
	KUNIT_EXPECT_FALSE(test, at_evt(ctx, 0x10, AT_SID, AT_EVT1));
	KUNIT_EXPECT_EQ(test, at_vev.calls, 0U);

	at_nest_done(test, ctx, n);
	xa_erase(&ctx->smmu->streams, AT_SID);
}

/*
 * HW_INFO is what a guest will believe: STALL_MODEL 0b00 becomes 0b01,
 * since nested STEs force S1STALLD; everything else as read; no flags.
 */
static void hw_info_stall_model(struct kunit *test)
{
	static const u32 stall[] = { SMMUV3_STALL_MODEL_BOTH, SMMUV3_STALL_MODEL_NONE };
	struct at_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stall); i++) {
		enum iommu_hw_info_type type = IOMMU_HW_INFO_TYPE_DEFAULT;
		u32 idr0 = SMMUV3_IDR0_S1P | SMMUV3_IDR0_S2P | SMMUV3_IDR0_ASID16 |
			   FIELD_PREP(SMMUV3_IDR0_TTF, 2) |
			   FIELD_PREP(SMMUV3_IDR0_STALL_MODEL, stall[i]);
		struct iommu_hw_info_arm_smmuv3 *info;
		u32 len = 0, want;

		ctx->smmu->idr[0] = idr0;
		ctx->smmu->idr[1] = 0x00e7c180;
		info = smmuv3_hw_info(ctx->dev, &len, &type);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(info));
		KUNIT_EXPECT_EQ(test, len, (u32)sizeof(*info));
		KUNIT_EXPECT_EQ(test, type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
		KUNIT_EXPECT_EQ(test, info->flags, 0U);
		want = (idr0 & ~SMMUV3_IDR0_STALL_MODEL) |
		       FIELD_PREP(SMMUV3_IDR0_STALL_MODEL, SMMUV3_STALL_MODEL_NONE);
		KUNIT_EXPECT_EQ(test, info->idr[0], want);
		KUNIT_EXPECT_EQ(test, info->idr[1], 0x00e7c180U);
		kfree(info);
	}
}

#ifdef CONFIG_FAULT_INJECTION
/* Attach @dev (on @old) to @dom with the thread's first injection point failing. */
static int at_dev_attach_nth1(struct iommu_domain *dom, struct device *dev,
			      struct iommu_domain *old, unsigned int *left)
{
	int ret;

	WRITE_ONCE(current->fail_nth, 1);
	ret = dom->ops->attach_dev(dom, dev, old);
	*left = READ_ONCE(current->fail_nth);
	WRITE_ONCE(current->fail_nth, 0);
	return ret;
}

/* The same for the context's device. */
static int at_attach_nth1(struct at_ctx *ctx, struct iommu_domain *dom,
			  unsigned int *left)
{
	return at_dev_attach_nth1(dom, ctx->dev, ctx->master->domain, left);
}

/* Does the thread's fail-nth reach a GFP_KERNEL allocation (failslab)? */
static bool at_gfp_kernel_fails(void)
{
	void *p;

	WRITE_ONCE(current->fail_nth, 1);
	p = kmalloc(16, GFP_KERNEL);
	WRITE_ONCE(current->fail_nth, 0);
	kfree(p);
	return !p;
}
#endif

/*
 * The IOMMU core lets neither a device's first attach fail nor its return
 * to the default domain (IOMMU_SET_DOMAIN_MUST_SUCCEED): with the first
 * allocation of the thread failing (current->fail_nth), both succeed and
 * meet no injection point, and the way back is kept on the way out, to a
 * paging domain or to blocked (which never fails for it).
 */
static void attach_first_no_alloc(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	struct iommu_domain *blocked = &smmuv3_blocked_domain;
	struct at_ctx *ctx = test->priv;
	unsigned int left;

	/* Meaningful only where a GFP_KERNEL allocation is a point */
	if (!at_gfp_kernel_fails())
		kunit_skip(test, "failslab ignores GFP_KERNEL (ignore-gfp-wait)");

	KUNIT_EXPECT_EQ(test, at_attach_nth1(ctx, &ctx->d[0]->domain, &left), 0);
	KUNIT_EXPECT_EQ_MSG(test, left, 1U, "the first attach allocated");
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->domain, &ctx->d[0]->domain);
	KUNIT_EXPECT_EQ(test, at_count(ctx->d[0]->list), 1U);

	/*
	 * d[0] as the default (DMA API) domain: away to d[1] (may allocate),
	 * then back onto the empty list (no allocation)
	 */
	ctx->d[0]->domain.type = IOMMU_DOMAIN_DMA;
	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[1]), 0);
	KUNIT_EXPECT_EQ(test, at_count(ctx->d[0]->list), 0U);
	KUNIT_EXPECT_EQ(test, at_attach_nth1(ctx, &ctx->d[0]->domain, &left), 0);
	KUNIT_EXPECT_EQ_MSG(test, left, 1U, "the way back allocated");
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->domain, &ctx->d[0]->domain);
	KUNIT_EXPECT_EQ(test, at_count(ctx->d[0]->list), 1U);
	KUNIT_EXPECT_EQ(test, at_count(ctx->d[1]->list), 0U);

	/*
	 * Blocked leaves the default domain too: it tries the reserve and
	 * succeeds when it cannot be had (the way back then allocates) ...
	 */
	KUNIT_EXPECT_EQ(test, at_attach_nth1(ctx, blocked, &left), 0);
	KUNIT_EXPECT_EQ_MSG(test, left, 0U, "blocked did not try the reserve");
	KUNIT_EXPECT_PTR_EQ(test, ctx->master->domain, blocked);
	KUNIT_EXPECT_EQ(test, at_count(ctx->d[0]->list), 0U);
	KUNIT_ASSERT_EQ(test, at_attach(ctx, ctx->d[0]), 0);
	/* ... and with it, the way back from blocked allocates nothing */
	KUNIT_ASSERT_EQ(test, blocked->ops->attach_dev(blocked, ctx->dev,
						       &ctx->d[0]->domain), 0);
	KUNIT_EXPECT_EQ(test, at_attach_nth1(ctx, &ctx->d[0]->domain, &left), 0);
	KUNIT_EXPECT_EQ_MSG(test, left, 1U, "the way back from blocked allocated");
	KUNIT_EXPECT_EQ(test, at_count(ctx->d[0]->list), 1U);
#else
	kunit_skip(test, "no CONFIG_FAULT_INJECTION");
#endif
}

/*
 * Two devices of one group on their default domain (one SMMU: one tag,
 * two users) leave for blocked and come back: the first through the
 * list's reserve, the second finds the tag live and allocates nothing
 * (its user is added in place), with the thread's first allocation
 * failing each time.
 */
static void attach_group_way_back(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	struct iommu_domain *blocked = &smmuv3_blocked_domain;
	struct at_ctx *ctx = test->priv;
	struct smmuv3_domain *d = ctx->d[0];
	struct smmuv3_master *m2;
	struct device *dev2;
	unsigned int left;

	/* Meaningful only where a GFP_KERNEL allocation is a point */
	if (!at_gfp_kernel_fails())
		kunit_skip(test, "failslab ignores GFP_KERNEL (ignore-gfp-wait)");

	m2 = at_master(test, ctx->smmu, "alist-smmuv3-attach-2", &dev2);
	KUNIT_ASSERT_NOT_NULL(test, m2);
	m2->sids[0] = AT_SID + 1;
	d->domain.type = IOMMU_DOMAIN_DMA;
	KUNIT_ASSERT_EQ(test, at_attach(ctx, d), 0);
	KUNIT_ASSERT_EQ(test, d->domain.ops->attach_dev(&d->domain, dev2, m2->domain), 0);
	KUNIT_EXPECT_EQ(test, at_count(d->list), 1U);

	KUNIT_ASSERT_EQ(test, blocked->ops->attach_dev(blocked, ctx->dev, &d->domain), 0);
	KUNIT_ASSERT_EQ(test, blocked->ops->attach_dev(blocked, dev2, &d->domain), 0);
	KUNIT_EXPECT_EQ(test, at_count(d->list), 0U);

	KUNIT_EXPECT_EQ(test, at_attach_nth1(ctx, &d->domain, &left), 0);
	KUNIT_EXPECT_EQ_MSG(test, left, 1U, "the first device's way back allocated");
	KUNIT_EXPECT_EQ(test, at_dev_attach_nth1(&d->domain, dev2, m2->domain, &left), 0);
	KUNIT_EXPECT_EQ_MSG(test, left, 1U, "the second device's way back allocated");
	KUNIT_EXPECT_PTR_EQ(test, m2->domain, &d->domain);
	KUNIT_EXPECT_EQ(test, at_count(d->list), 1U);

	/* The second device off again before the lists go (at_exit) */
	KUNIT_EXPECT_EQ(test, blocked->ops->attach_dev(blocked, dev2, &d->domain), 0);
	KUNIT_EXPECT_EQ(test, at_count(d->list), 1U);
#else
	kunit_skip(test, "no CONFIG_FAULT_INJECTION");
#endif
}

static struct kunit_case smmuv3_attach_cases[] = {
	KUNIT_CASE(hw_info_stall_model),
	KUNIT_CASE(attach_nested_needs_vdev),
	KUNIT_CASE(vevent_route),
	KUNIT_CASE(attach_order),
	KUNIT_CASE(attach_locks),
	KUNIT_CASE(attach_fail_after_commit),
	KUNIT_CASE(attach_span_two_smmus),
	KUNIT_CASE(attach_blocked),
	KUNIT_CASE(attach_leave_atc_first),
	KUNIT_CASE(compat_nest_parent_fwb),
	KUNIT_CASE(attach_cache_coherency),
	KUNIT_CASE(attach_first_no_alloc),
	KUNIT_CASE(attach_group_way_back),
	{}
};

static struct kunit_suite smmuv3_attach_suite = {
	.name = "alist_smmuv3_attach",
	.init = at_init,
	.exit = at_exit,
	.test_cases = smmuv3_attach_cases,
};

kunit_test_suite(smmuv3_attach_suite);
