// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the nested paths of alist_vtd (QEMU 10.0 has no nesting) run
 * against a recording queue: a unit whose queued-invalidation submit
 * records descriptors instead of writing hardware. The driver code under
 * test is the real one: nested allocation with all its checks, user
 * invalidation through the core's array walker, the S2 parent flush
 * reaching nested domain IDs. User arrays live in real user memory
 * (kunit_vm_mmap()). Plus queue-error recovery on the real unit.
 */
#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../drivers/vtd/vtd.h"

/*
 * QEMU 10.0 second-stage CAP; ECAP with nesting, both stages and coherent
 * walks (no device to do cache maintenance through) added
 */
#define T_CAP	0xd2008c222f0606ULL
#define T_ECAP	(VTD_ECAP_SMTS | VTD_ECAP_SLTS | VTD_ECAP_FLTS | \
		 VTD_ECAP_NEST | VTD_ECAP_QI | VTD_ECAP_SRS | VTD_ECAP_EAFS | \
		 VTD_ECAP_PT | VTD_ECAP_SMPWC)

struct nest_ctx {
	struct vtd_unit *unit;
	struct alist_recorder rec;
	struct vtd_domain *parent;
	unsigned long ubuf;
};

static int nest_init(struct kunit *test)
{
	struct nest_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct alist_rec_entry *e;
	struct vtd_unit *unit;

	KUNIT_ASSERT_NOT_NULL(test, c);
	unit = kunit_kzalloc(test, sizeof(*unit), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, unit);
	c->unit = unit;
	e = kunit_kcalloc(test, 256, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	alist_rec_init(&c->rec, e, 256, vtd_desc_type);
	snprintf(unit->name, sizeof(unit->name), "kunit");
	unit->cap = T_CAP;
	unit->ecap = T_ECAP;
	vtd_unit_init_params(unit);
	unit->agaw = 2;
	unit->ndids = 65536;
	unit->recorder = &c->rec;
	ida_init(&unit->did_ida);
	mutex_init(&unit->ctx_lock);
	raw_spin_lock_init(&unit->qi_lock);
	spin_lock_init(&unit->fault_lock);
	INIT_LIST_HEAD(&unit->bound);
	KUNIT_ASSERT_EQ(test, vtd_unit_slot_get(unit), 0);
	KUNIT_ASSERT_EQ(test, vtd_qi_enable(unit), 0);

	c->parent = vtd_paging_alloc(unit, NULL, IOMMU_HWPT_ALLOC_NEST_PARENT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->parent));
	c->ubuf = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
				PROT_READ | PROT_WRITE,
				MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, c->ubuf, 0UL, "no user memory");
	test->priv = c;
	return 0;
}

static void nest_exit(struct kunit *test)
{
	struct nest_ctx *c = test->priv;

	if (!c)
		return;
	if (!IS_ERR_OR_NULL(c->parent))
		vtd_domain_free(&c->parent->domain);
	vtd_qi_disable(c->unit);
	vtd_unit_slot_put(c->unit);
	ida_destroy(&c->unit->did_ida);
}

static void rec_reset(struct nest_ctx *c)
{
	alist_rec_reset(&c->rec);
}

static struct vtd_domain *nest_alloc(struct kunit *test, struct nest_ctx *c,
				     const struct iommu_hwpt_vtd_s1 *s1,
				     size_t len, u32 flags, unsigned int type)
{
	struct iommu_user_data data = {
		.type = type,
		.uptr = (void __user *)(c->ubuf),
		.len = len,
	};
	u8 zero[64] = {};

	KUNIT_ASSERT_EQ(test, copy_to_user(data.uptr, zero, sizeof(zero)), 0);
	KUNIT_ASSERT_EQ(test, copy_to_user(data.uptr, s1, sizeof(*s1)), 0);
	return vtd_nested_alloc(c->unit, &c->parent->domain, flags, &data);
}

static const struct iommu_hwpt_vtd_s1 good_s1 = {
	.pgtbl_addr = 0x10000000,
	.addr_width = 48,
};

static void vtd_nest_alloc_good_test(struct kunit *test)
{
	struct nest_ctx *c = test->priv;
	struct iommu_hwpt_vtd_s1 s1 = good_s1;
	struct vtd_domain *d;

	d = nest_alloc(test, c, &s1, sizeof(s1), 0, IOMMU_HWPT_DATA_VTD_S1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(d));
	KUNIT_EXPECT_EQ(test, d->domain.type, IOMMU_DOMAIN_NESTED);
	KUNIT_EXPECT_PTR_EQ(test, d->parent, c->parent);
	KUNIT_EXPECT_EQ(test, d->s1.pgtbl_addr, 0x10000000ULL);
	vtd_domain_free(&d->domain);

	/* All supported flags; a longer struct with zero tail is accepted */
	s1.flags = IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_EAFE | IOMMU_VTD_S1_WPE;
	d = nest_alloc(test, c, &s1, sizeof(s1), 0, IOMMU_HWPT_DATA_VTD_S1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(d));
	/* Attached on a unit without SRS or EAFS, as another unit may be: refused */
	KUNIT_EXPECT_EQ(test, vtd_domain_compatible(d, c->unit), 0);
	c->unit->ecap &= ~VTD_ECAP_SRS;
	KUNIT_EXPECT_EQ(test, vtd_domain_compatible(d, c->unit), -EINVAL);
	c->unit->ecap |= VTD_ECAP_SRS;
	c->unit->ecap &= ~VTD_ECAP_EAFS;
	KUNIT_EXPECT_EQ(test, vtd_domain_compatible(d, c->unit), -EINVAL);
	c->unit->ecap = T_ECAP;
	vtd_domain_free(&d->domain);
	/* Nothing reached the queue */
	KUNIT_EXPECT_EQ(test, alist_rec_len(&c->rec), 0U);
}

#define EXPECT_ALLOC_ERR(test, c, s1, len, flags, type, err)		\
	do {								\
		struct kunit *__t = (test);				\
		struct vtd_domain *__d = nest_alloc(__t, c, s1, len,	\
						    flags, type);	\
									\
		KUNIT_EXPECT_EQ(__t, PTR_ERR_OR_ZERO(__d), err);	\
		if (!IS_ERR(__d))					\
			vtd_domain_free(&__d->domain);			\
	} while (0)

static void vtd_nest_alloc_bad_test(struct kunit *test)
{
	struct nest_ctx *c = test->priv;
	struct iommu_hwpt_vtd_s1 s1 = good_s1;
	struct iommu_user_data data = {
		.type = IOMMU_HWPT_DATA_VTD_S1, .uptr = NULL, .len = sizeof(s1),
	};
	struct vtd_domain *plain;
	size_t n = sizeof(s1);

	/* Flags, data type */
	EXPECT_ALLOC_ERR(test, c, &s1, n, IOMMU_HWPT_ALLOC_PASID,
			 IOMMU_HWPT_DATA_VTD_S1, -EOPNOTSUPP);
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_ARM_SMMUV3,
			 -EOPNOTSUPP);
	/* Struct too short (ends before __reserved) or longer than known */
	EXPECT_ALLOC_ERR(test, c, &s1, 16, 0, IOMMU_HWPT_DATA_VTD_S1, -EINVAL);
	EXPECT_ALLOC_ERR(test, c, &s1, n + 8, 0, IOMMU_HWPT_DATA_VTD_S1,
			 -EINVAL);
	/* Reserved and unknown flags */
	s1.__reserved = 1;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1,
			 -EOPNOTSUPP);
	s1 = good_s1;
	s1.flags = 1ULL << 3;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1,
			 -EOPNOTSUPP);
	s1.flags = 1ULL << 63;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1,
			 -EOPNOTSUPP);
	/* Address width */
	s1 = good_s1;
	s1.addr_width = 39;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1, -EINVAL);
	s1.addr_width = 0;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1, -EINVAL);
	s1.addr_width = 57;	/* no CAP.FS5LP */
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1,
			 -EOPNOTSUPP);
	/* Table address: zero, unaligned, beyond MGAW (48 bits) */
	s1 = good_s1;
	s1.pgtbl_addr = 0;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1, -EINVAL);
	s1.pgtbl_addr = 0x10000800;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1, -EINVAL);
	s1.pgtbl_addr = 1ULL << 48;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1, -EINVAL);
	/* Stage-1 features the unit lacks */
	s1 = good_s1;
	s1.flags = IOMMU_VTD_S1_SRE;
	c->unit->ecap &= ~VTD_ECAP_SRS;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1,
			 -EOPNOTSUPP);
	s1.flags = IOMMU_VTD_S1_EAFE;
	c->unit->ecap &= ~VTD_ECAP_EAFS;
	EXPECT_ALLOC_ERR(test, c, &s1, n, 0, IOMMU_HWPT_DATA_VTD_S1,
			 -EOPNOTSUPP);
	/* A unit without nesting (QEMU 10.0) refuses everything */
	c->unit->ecap = T_ECAP & ~VTD_ECAP_NEST;
	EXPECT_ALLOC_ERR(test, c, &good_s1, n, 0, IOMMU_HWPT_DATA_VTD_S1,
			 -EOPNOTSUPP);
	c->unit->ecap = T_ECAP;
	/* Parent that is not a nest parent, and no parent */
	plain = vtd_paging_alloc(c->unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(plain));
	data.uptr = (void __user *)(c->ubuf);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vtd_nested_alloc(c->unit, &plain->domain,
						       0, &data)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vtd_nested_alloc(c->unit, NULL, 0,
						       &data)), -EINVAL);
	vtd_domain_free(&plain->domain);
	/* User memory that faults */
	data.uptr = (void __user *)(c->ubuf + PAGE_SIZE * 64);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vtd_nested_alloc(c->unit,
						       &c->parent->domain, 0,
						       &data)), -EFAULT);
	KUNIT_EXPECT_EQ(test, alist_rec_len(&c->rec), 0U);
}

/* A nested domain with one (recording) device target attached */
static struct vtd_domain *nest_attached(struct kunit *test, struct nest_ctx *c,
					struct alist_target *t)
{
	struct vtd_domain *d;
	struct alist_txn txn;
	int ret;

	d = nest_alloc(test, c, &good_s1, sizeof(good_s1), 0,
		       IOMMU_HWPT_DATA_VTD_S1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(d));
	mutex_lock(&d->lock);
	ret = vtd_domain_did_get(d, c->unit);
	mutex_unlock(&d->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	memset(t, 0, sizeof(*t));
	t->instance = c->unit->index;
	t->kind = ALIST_KIND_VTD_PIOTLB;
	t->tag = d->did[c->unit->index];
	t->pasid = ALIST_NO_PASID;
	/* The shared layer takes the core's update lock itself */
	ret = alist_attach_prepare(d->list, c->parent->list, t, 1, &txn);
	KUNIT_ASSERT_EQ(test, ret, 0);
	alist_attach_commit(&txn);
	return d;
}

static void nest_detach(struct nest_ctx *c, struct vtd_domain *d,
			struct alist_target *t)
{
	struct alist_target rep[2];

	alist_lock();
	alist_nest_detach(d->list, c->parent->list, t, 1, rep);
	alist_unlock();
	mutex_lock(&d->lock);
	vtd_domain_did_put(d, c->unit);
	mutex_unlock(&d->lock);
	vtd_domain_free(&d->domain);
}

static int user_inv(struct nest_ctx *c, struct vtd_domain *d,
		    const struct iommu_hwpt_vtd_s1_invalidate *e,
		    unsigned int n, size_t entry_len, u32 *num)
{
	struct iommu_user_data_array a = {
		.type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.uptr = (void __user *)(c->ubuf),
		.entry_len = entry_len,
		.entry_num = n,
	};
	u8 *tmp;
	unsigned int i;
	int ret;

	tmp = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < n && (i + 1) * entry_len <= PAGE_SIZE; i++)
		memcpy(tmp + i * entry_len, &e[i],
		       min(entry_len, sizeof(e[i])));
	ret = copy_to_user(a.uptr, tmp, PAGE_SIZE) ? -EFAULT : 0;
	kfree(tmp);
	if (ret)
		return ret;
	ret = vtd_nested_invalidate_user(&d->domain, &a);
	*num = a.entry_num;
	return ret;
}

static void vtd_nest_user_inv_test(struct kunit *test)
{
	struct nest_ctx *c = test->priv;
	struct iommu_hwpt_vtd_s1_invalidate e[5] = {
		{ .addr = 0x100000, .npages = 1,
		  .flags = IOMMU_VTD_INV_FLAGS_LEAF },
		{ .addr = 0x101000, .npages = 1 },
		{ .addr = 0x400000, .npages = 16 },
		{ .addr = 0x800000, .npages = 2 },
	};
	struct alist_target t;
	struct vtd_domain *d;
	unsigned int i;
	u32 num;
	u16 did;

	d = nest_attached(test, c, &t);
	did = d->did[c->unit->index];
	rec_reset(c);
	KUNIT_ASSERT_EQ(test, user_inv(c, d, e, 4, sizeof(e[0]), &num), 0);
	KUNIT_EXPECT_EQ(test, num, 4U);
	/* One batch, one wait, for the whole array */
	KUNIT_EXPECT_EQ(test, alist_rec_submits(&c->rec), 1U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(&c->rec), 1U);
	KUNIT_ASSERT_GE(test, alist_rec_len(&c->rec), 2U);
	KUNIT_EXPECT_EQ(test, alist_rec_at(&c->rec, alist_rec_len(&c->rec) - 1)->w[0] & 0xf, 5ULL);
	for (i = 0; i + 1 < alist_rec_len(&c->rec); i++) {
		/* PASID-based IOTLB with the nested DID, PASID 0 */
		KUNIT_EXPECT_EQ(test, alist_rec_at(&c->rec, i)->w[0] & 0xf, 6ULL);
		KUNIT_EXPECT_EQ(test, (alist_rec_at(&c->rec, i)->w[0] >> 16) & 0xffff,
				(u64)did);
	}
	/*
	 * Adjacent pages merged (entries 0 and 1: one leaf, one not, so no
	 * IH), page-selective with the AM of each block
	 */
	KUNIT_ASSERT_EQ(test, alist_rec_len(&c->rec), 4U);
	KUNIT_EXPECT_EQ(test, alist_rec_at(&c->rec, 0)->w[1], 0x100000ULL | 1);
	KUNIT_EXPECT_EQ(test, alist_rec_at(&c->rec, 1)->w[1], 0x400000ULL | 4);
	KUNIT_EXPECT_EQ(test, alist_rec_at(&c->rec, 2)->w[1], 0x800000ULL | 1);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, (alist_rec_at(&c->rec, i)->w[0] >> 4) & 3,
				(u64)VTD_PIOTLB_PSI);

	/* Everything: addr 0, npages U64_MAX */
	rec_reset(c);
	e[0].addr = 0;
	e[0].npages = U64_MAX;
	KUNIT_EXPECT_EQ(test, user_inv(c, d, e, 1, sizeof(e[0]), &num), 0);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(&c->rec), 1U);
	KUNIT_ASSERT_EQ(test, alist_rec_len(&c->rec), 2U);
	/* One descriptor: every non-global entry of the PASID */
	KUNIT_EXPECT_EQ(test, (alist_rec_at(&c->rec, 0)->w[0] >> 4) & 3,
			(u64)VTD_PIOTLB_ALL);

	/* A type probe does nothing */
	rec_reset(c);
	KUNIT_EXPECT_EQ(test, user_inv(c, d, e, 0, sizeof(e[0]), &num), 0);
	KUNIT_EXPECT_EQ(test, num, 0U);
	KUNIT_EXPECT_EQ(test, alist_rec_len(&c->rec), 0U);

	/*
	 * The wait fails: the entries were merged into one request, so none
	 * is known done (entry_num 0) and the queue's errno comes back, also
	 * when an entry was bad; the queue serves the next array.
	 */
	rec_reset(c);
	e[0].addr = 0x100000;
	e[0].npages = 1;
	alist_rec_fail_syncs(&c->rec, 1, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, user_inv(c, d, e, 2, sizeof(e[0]), &num), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, num, 0U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(&c->rec), 1U);
	e[1].flags = 1U << 31;
	alist_rec_fail_syncs(&c->rec, 1, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, user_inv(c, d, e, 2, sizeof(e[0]), &num), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, num, 0U);
	KUNIT_EXPECT_EQ(test, user_inv(c, d, e, 2, sizeof(e[0]), &num), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, num, 1U);
	e[1].flags = 0;
	KUNIT_EXPECT_EQ(test, user_inv(c, d, e, 2, sizeof(e[0]), &num), 0);
	KUNIT_EXPECT_EQ(test, num, 2U);

	/* An S2 unmap on the parent reaches the nested DID (IOTLB by DID) */
	{
		struct alist_inv_cursor cur;

		rec_reset(c);
		alist_inv_cursor_init(&cur, ALIST_INV_LEAF, PAGE_SHIFT);
		alist_inv_cursor_add_range(&cur, 0x200000, 0x200fff);
		alist_flush(&VTD_QUEUE(c->parent), c->parent->list, &cur);
		KUNIT_EXPECT_EQ(test, alist_rec_syncs(&c->rec), 1U);
		KUNIT_ASSERT_EQ(test, alist_rec_len(&c->rec), 2U);
		KUNIT_EXPECT_EQ(test, alist_rec_at(&c->rec, 0)->w[0] & 0xf, 2ULL);
		KUNIT_EXPECT_EQ(test, (alist_rec_at(&c->rec, 0)->w[0] >> 16) & 0xffff,
				(u64)did);
	}
	nest_detach(c, d, &t);
}

static void vtd_nest_user_inv_bad_test(struct kunit *test)
{
	struct nest_ctx *c = test->priv;
	struct iommu_hwpt_vtd_s1_invalidate e[3] = {
		{ .addr = 0x100000, .npages = 1 },
		{ .addr = 0x200000, .npages = 1 },
		{ .addr = 0x300000, .npages = 1 },
	};
	struct iommu_user_data_array a = {
		.type = 5, .entry_len = sizeof(e[0]), .entry_num = 1,
	};
	struct alist_target t;
	struct vtd_domain *d;
	u32 num;

	d = nest_attached(test, c, &t);

	/* Wrong array type: nothing handled */
	rec_reset(c);
	a.uptr = (void __user *)(c->ubuf);
	KUNIT_EXPECT_EQ(test, vtd_nested_invalidate_user(&d->domain, &a),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, a.entry_num, 0U);
	KUNIT_EXPECT_EQ(test, alist_rec_len(&c->rec), 0U);

	/* Each bad field in entry 1: entry 0 executed, index 1 reported */
#define BAD_ENTRY(field, val, err)					\
	do {								\
		struct iommu_hwpt_vtd_s1_invalidate b[3];		\
									\
		memcpy(b, e, sizeof(b));				\
		b[1].field = val;					\
		rec_reset(c);						\
		KUNIT_EXPECT_EQ(test, user_inv(c, d, b, 3, sizeof(b[0]), \
					       &num), err);		\
		KUNIT_EXPECT_EQ(test, num, 1U);				\
		KUNIT_EXPECT_EQ(test, alist_rec_syncs(&c->rec), 1U);		\
		KUNIT_EXPECT_EQ(test, alist_rec_submits(&c->rec), 1U);		\
		/* Entry 0's page and the wait: nothing of entry 2 */	\
		KUNIT_ASSERT_EQ(test, alist_rec_len(&c->rec), 2U);	\
		KUNIT_EXPECT_EQ(test, alist_rec_at(&c->rec, 0)->w[1],	\
				0x100000ULL);				\
	} while (0)

	BAD_ENTRY(__reserved, 1, -EOPNOTSUPP);
	BAD_ENTRY(flags, 2, -EOPNOTSUPP);
	BAD_ENTRY(flags, 1U << 31, -EOPNOTSUPP);
	BAD_ENTRY(addr, 0x200800, -EINVAL);
	BAD_ENTRY(npages, 0, -EINVAL);
	BAD_ENTRY(npages, U64_MAX, -EINVAL);	/* U64_MAX needs addr 0 */
#undef BAD_ENTRY

	/* Bad first entry: nothing executed, no wait */
	{
		struct iommu_hwpt_vtd_s1_invalidate b = e[0];

		b.flags = 4;
		rec_reset(c);
		KUNIT_EXPECT_EQ(test, user_inv(c, d, &b, 1, sizeof(b), &num),
				-EOPNOTSUPP);
		KUNIT_EXPECT_EQ(test, num, 0U);
		KUNIT_EXPECT_EQ(test, alist_rec_len(&c->rec), 0U);
	}

	/* entry_len: shorter than the minimum; zero */
	rec_reset(c);
	KUNIT_EXPECT_EQ(test, user_inv(c, d, e, 3, 8, &num), -EINVAL);
	KUNIT_EXPECT_EQ(test, num, 0U);
	KUNIT_EXPECT_EQ(test, user_inv(c, d, e, 3, 0, &num), -EINVAL);
	KUNIT_EXPECT_EQ(test, alist_rec_len(&c->rec), 0U);

	/* Longer entries: zero tail accepted, non-zero tail is -E2BIG */
	rec_reset(c);
	KUNIT_EXPECT_EQ(test, user_inv(c, d, e, 3, sizeof(e[0]) + 8, &num), 0);
	KUNIT_EXPECT_EQ(test, num, 3U);
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(&c->rec), 1U);
	{
		u8 one = 1;

		KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)(c->ubuf +
					2 * (sizeof(e[0]) + 8) + sizeof(e[0])),
					&one, 1), 0);
		a.type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1;
		a.entry_len = sizeof(e[0]) + 8;
		a.entry_num = 3;
		rec_reset(c);
		KUNIT_EXPECT_EQ(test, vtd_nested_invalidate_user(&d->domain,
								 &a), -E2BIG);
		KUNIT_EXPECT_EQ(test, a.entry_num, 2U);
		KUNIT_EXPECT_EQ(test, alist_rec_syncs(&c->rec), 1U);
		/* Entries 0 and 1, then the wait */
		KUNIT_EXPECT_EQ(test, alist_rec_len(&c->rec), 3U);
	}

	/* Array running off the mapped user page: -EFAULT at that index */
	a.type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1;
	a.uptr = (void __user *)(c->ubuf + PAGE_SIZE - sizeof(e[0]));
	KUNIT_ASSERT_EQ(test, copy_to_user(a.uptr, &e[0], sizeof(e[0])), 0);
	a.entry_len = sizeof(e[0]);
	a.entry_num = 3;
	rec_reset(c);
	KUNIT_EXPECT_EQ(test, vtd_nested_invalidate_user(&d->domain, &a),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, a.entry_num, 1U);
	/* Entry 0 executed: its page and the wait */
	KUNIT_EXPECT_EQ(test, alist_rec_syncs(&c->rec), 1U);
	KUNIT_ASSERT_EQ(test, alist_rec_len(&c->rec), 2U);
	KUNIT_EXPECT_EQ(test, alist_rec_at(&c->rec, 0)->w[1], 0x100000ULL);

	/* A paging domain has no user invalidation */
	KUNIT_EXPECT_EQ(test, vtd_nested_invalidate_user(&c->parent->domain,
							 &a), -EINVAL);
	nest_detach(c, d, &t);
}

/*
 * The nested sequence of the fail-nth sweep: allocate a nested domain from
 * user data at the start of the user page, take its DID, attach one target
 * under the parent, invalidate the user array at offset 512, detach, free.
 * *@step is the step a failure came from; everything before it is undone.
 */
static int nest_fnth_seq(struct nest_ctx *c, unsigned int nent, int *step)
{
	struct iommu_user_data data = {
		.type = IOMMU_HWPT_DATA_VTD_S1,
		.uptr = (void __user *)(c->ubuf),
		.len = sizeof(good_s1),
	};
	struct iommu_user_data_array a = {
		.type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.uptr = (void __user *)(c->ubuf + 512),
		.entry_len = sizeof(struct iommu_hwpt_vtd_s1_invalidate),
		.entry_num = nent,
	};
	struct alist_target t = {};
	struct alist_txn txn;
	struct vtd_domain *d;
	int ret;

	*step = 1;
	d = vtd_nested_alloc(c->unit, &c->parent->domain, 0, &data);
	if (IS_ERR(d))
		return PTR_ERR(d);
	*step = 2;
	mutex_lock(&d->lock);
	ret = vtd_domain_did_get(d, c->unit);
	mutex_unlock(&d->lock);
	if (ret)
		goto out_free;
	t.instance = c->unit->index;
	t.kind = ALIST_KIND_VTD_PIOTLB;
	t.tag = d->did[c->unit->index];
	t.pasid = ALIST_NO_PASID;
	*step = 3;
	ret = alist_attach_prepare(d->list, c->parent->list, &t, 1, &txn);
	if (ret) {
		mutex_lock(&d->lock);
		vtd_domain_did_put(d, c->unit);
		mutex_unlock(&d->lock);
		goto out_free;
	}
	alist_attach_commit(&txn);
	*step = 4;
	ret = vtd_nested_invalidate_user(&d->domain, &a);
	nest_detach(c, d, &t);
	return ret;

out_free:
	vtd_domain_free(&d->domain);
	return ret;
}

/* The lowest free DID of the unit: the same as long as none leaked */
static int nest_free_did(struct nest_ctx *c)
{
	int did = ida_alloc(&c->unit->did_ida, GFP_KERNEL);

	if (did >= 0)
		ida_free(&c->unit->did_ida, did);
	return did;
}

/*
 * fail-nth over the nested VT-d path, which QEMU's unit cannot run: for
 * N = 1, 2, ... the N-th injection point of this thread fails
 * (current->fail_nth, what /proc/thread-self/fail-nth sets; the guest's
 * selftest sets failslab and fail_page_alloc to count GFP_KERNEL), until
 * the sequence meets none. A failing step returns -ENOMEM, -ENOSPC or
 * -EFAULT, and only because of the fault; what it built is undone (no
 * DID left taken; kmemleak at the end of the run for the rest); a
 * successful invalidation reached the queue with its wait.
 */
static void vtd_nest_fail_nth_test(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	struct iommu_hwpt_vtd_s1_invalidate e[2] = {
		{ .addr = 0x100000, .npages = 1 },
		{ .addr = 0x400000, .npages = 16 },
	};
	struct nest_ctx *c = test->priv;
	unsigned int n, left = 0, failed = 0, absorbed = 0;
	int did0, ret, step;

	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)c->ubuf, &good_s1,
					   sizeof(good_s1)), 0);
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)(c->ubuf + 512), e,
					   sizeof(e)), 0);
	did0 = nest_free_did(c);
	KUNIT_ASSERT_GE(test, did0, 0);
	for (n = 1; n <= 5000; n++) {
		rec_reset(c);
		WRITE_ONCE(current->fail_nth, n);
		ret = nest_fnth_seq(c, ARRAY_SIZE(e), &step);
		left = READ_ONCE(current->fail_nth);
		WRITE_ONCE(current->fail_nth, 0);
		if (ret) {
			KUNIT_ASSERT_EQ_MSG(test, left, 0U,
					    "N=%u step %d: %d with no fault", n,
					    step, ret);
			KUNIT_ASSERT_TRUE_MSG(test, ret == -ENOMEM ||
					      ret == -ENOSPC || ret == -EFAULT,
					      "N=%u step %d: %d", n, step, ret);
			failed++;
		} else {
			KUNIT_ASSERT_EQ_MSG(test, alist_rec_syncs(&c->rec), 1U,
					    "N=%u", n);
			absorbed += !left;
		}
		KUNIT_ASSERT_EQ_MSG(test, nest_free_did(c), did0,
				    "N=%u step %d: a DID was left taken", n,
				    step);
		if (left)
			break;
	}
	KUNIT_ASSERT_NE(test, left, 0U);
	kunit_info(test, "fail-nth nested VT-d: %u points (%u failed with an errno, %u absorbed)\n",
		   n - left, failed, absorbed);
#else
	kunit_skip(test, "no CONFIG_FAULT_INJECTION");
#endif
}

static struct kunit_case vtd_nest_cases[] = {
	KUNIT_CASE(vtd_nest_alloc_good_test),
	KUNIT_CASE(vtd_nest_alloc_bad_test),
	KUNIT_CASE(vtd_nest_user_inv_test),
	KUNIT_CASE(vtd_nest_user_inv_bad_test),
	KUNIT_CASE(vtd_nest_fail_nth_test),
	{}
};

static struct kunit_suite vtd_nest_suite = {
	.name = "alist_vtd_nest",
	.init = nest_init,
	.exit = nest_exit,
	.test_cases = vtd_nest_cases,
};

/* Queue-error recovery on the real unit (skipped without one) */
static void vtd_qi_iqe_recovery_test(struct kunit *test)
{
	struct vtd_unit *unit = NULL;
	struct alist_cmd bad = {}, good;
	unsigned int i;
	u64 iqe;

	for (i = 0; i < VTD_MAX_UNITS && !unit; i++) {
		unit = vtd_unit_from_instance(i);
		if (unit && (unit->recorder || !unit->reg))
			unit = NULL;
	}
	if (!unit)
		kunit_skip(test, "no VT-d unit driven by alist_vtd");
	iqe = atomic64_read(&unit->cnt.iqe);
	/* Type 0xf is not a descriptor: the unit stops with IQE */
	bad.w[0] = 0xf;
	KUNIT_EXPECT_EQ(test, vtd_qi_submit(unit, &bad, 1, true), -EIO);
	KUNIT_EXPECT_EQ(test, atomic64_read(&unit->cnt.iqe), iqe + 1);
	/* The queue runs again */
	vtd_desc_iotlb_dsi(&good, unit->cap, 0xfff0);
	KUNIT_EXPECT_EQ(test, vtd_qi_submit(unit, &good, 1, true), 0);
	KUNIT_EXPECT_EQ(test, vtd_qi_submit(unit, NULL, 0, true), 0);
	KUNIT_EXPECT_EQ(test, readl(unit->reg + VTD_REG_FSTS) &
			(VTD_FSTS_IQE | VTD_FSTS_ITE | VTD_FSTS_ICE), 0U);
}

static struct kunit_case vtd_qi_cases[] = {
	KUNIT_CASE(vtd_qi_iqe_recovery_test),
	{}
};

static struct kunit_suite vtd_qi_suite = {
	.name = "alist_vtd_qi",
	.test_cases = vtd_qi_cases,
};

kunit_test_suites(&vtd_nest_suite, &vtd_qi_suite);
