// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: unit bring-up and device attach of alist_vtd against recording
 * units (their queue records descriptors and their register commands;
 * no hardware is touched) and stand-in devices (a KUnit device whose
 * IOMMU private data is a struct vtd_dev on a recording unit). The driver
 * code under test is the real one: vtd_unit_start()/vtd_unit_stop(), the
 * attach functions, the PASID-entry switch, enforce_cache_coherency(),
 * iotlb_sync() through iommu_map()/iommu_unmap(), the device release, and
 * the queue's resubmission after an invalidation time-out (QEMU never
 * raises ITE; the recorder stands in for it), and the wait for queue
 * space against registers in plain memory.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "../drivers/vtd/vtd.h"

/* QEMU 10.0 second-stage CAP (SAGAW 3 and 4 levels, MGAW 48) */
#define A_CAP	0xd2008c222f0606ULL
#define A_ECAP	(VTD_ECAP_SMTS | VTD_ECAP_SLTS | VTD_ECAP_FLTS | \
		 VTD_ECAP_NEST | VTD_ECAP_QI | VTD_ECAP_PT | VTD_ECAP_SMPWC | \
		 VTD_ECAP_SC)
#define A_REC	512

#define PE0_P		BIT_ULL(0)
#define PE1_PGSNP	BIT_ULL(24)

static struct vtd_unit *rec_unit(struct kunit *test, u64 cap, u64 ecap)
{
	struct alist_recorder *rec;
	struct alist_rec_entry *e;
	struct vtd_unit *unit;

	/* kzalloc: vtd_unit_remove() frees a unit */
	unit = kzalloc_obj(*unit);
	KUNIT_ASSERT_NOT_NULL(test, unit);
	rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	e = kunit_kcalloc(test, A_REC, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	alist_rec_init(rec, e, A_REC, vtd_desc_type);
	unit->cap = cap;
	unit->ecap = ecap;
	vtd_unit_init_params(unit);
	unit->agaw = 2;
	unit->ndids = 65536;
	unit->coherent = true;
	unit->recorder = rec;
	ida_init(&unit->did_ida);
	mutex_init(&unit->ctx_lock);
	raw_spin_lock_init(&unit->qi_lock);
	spin_lock_init(&unit->fault_lock);
	INIT_LIST_HEAD(&unit->bound);
	KUNIT_ASSERT_EQ(test, vtd_unit_slot_get(unit), 0);
	snprintf(unit->name, sizeof(unit->name), "krec%u", unit->index);
	return unit;
}

static void rec_unit_enable(struct kunit *test, struct vtd_unit *unit)
{
	KUNIT_ASSERT_EQ(test, vtd_qi_enable(unit), 0);
}

static void rec_unit_free(struct vtd_unit *unit)
{
	vtd_qi_disable(unit);
	vtd_unit_slot_put(unit);
	ida_destroy(&unit->did_ida);
	kfree(unit);
}

static void rec_reset(struct vtd_unit *unit)
{
	alist_rec_reset(unit->recorder);
	alist_rec_fail_syncs(unit->recorder, 0, 0);
}

static unsigned int rec_type(struct vtd_unit *unit, unsigned int i)
{
	return alist_rec_op(unit->recorder, i);
}

/* Index of the first recorded descriptor of @type from @from on, or -1 */
static int rec_find(struct vtd_unit *unit, unsigned int type,
		    unsigned int from)
{
	return alist_rec_find_op(unit->recorder, type, from);
}

/* Index of the first PASID-selective PASID-cache invalidation of @did */
static int rec_find_pc_did(struct vtd_unit *unit, u16 did)
{
	const struct alist_cmd *c;
	unsigned int i;

	for (i = 0; i < alist_rec_len(unit->recorder); i++) {
		c = alist_rec_at(unit->recorder, i);
		if (vtd_desc_type(c) == VTD_DESC_TYPE_PC &&
		    ((c->w[0] >> 4) & 3) == 1 &&
		    ((c->w[0] >> 16) & 0xffff) == did)
			return i;
	}
	return -1;
}

/* Index of the first GCMD marker with TE as @on, or -1 */
static int rec_find_te(struct vtd_unit *unit, bool on)
{
	unsigned int i;
	u64 gcmd;

	for (i = 0; i < alist_rec_len(unit->recorder); i++)
		if (alist_rec_is_mark(unit->recorder, i, VTD_REC_MARK_GCMD,
				      &gcmd) &&
		    !!(gcmd & VTD_GCMD_TE) == on)
			return i;
	return -1;
}

struct fake {
	struct device *dev;
	struct vtd_dev *vdev;
};

static void fake_dev(struct kunit *test, struct vtd_unit *unit, u16 sid,
		     struct fake *f)
{
	char name[32];

	snprintf(name, sizeof(name), "alist-vtd-fake-%04x", sid);
	f->dev = kunit_device_register(test, name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->dev));
	f->dev->iommu = kunit_kzalloc(test, sizeof(*f->dev->iommu),
				      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->dev->iommu);
	/* kzalloc and pages: vtd_release_device() frees them */
	f->vdev = kzalloc_obj(*f->vdev);
	KUNIT_ASSERT_NOT_NULL(test, f->vdev);
	f->vdev->unit = unit;
	f->vdev->sid = sid;
	INIT_LIST_HEAD(&f->vdev->node);
	INIT_LIST_HEAD(&f->vdev->dom_node);
	f->vdev->pasid_dir = (u64 *)get_zeroed_page(GFP_KERNEL);
	f->vdev->pasid_table = (u64 *)get_zeroed_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->vdev->pasid_dir);
	KUNIT_ASSERT_NOT_NULL(test, f->vdev->pasid_table);
	f->dev->iommu->priv = f->vdev;
}

static int attach(struct iommu_domain *domain, struct fake *f)
{
	return domain->ops->attach_dev(domain, f->dev, NULL);
}

/* The domain's enforce_cache_coherency() op, as iommufd calls it */
static bool enforce_cc(struct vtd_domain *d)
{
	return d->domain.ops->enforce_cache_coherency(&d->domain);
}

/* An attach expected to be refused; undone should it succeed */
static void expect_refused(struct kunit *test, struct iommu_domain *domain,
			   struct fake *f, int err)
{
	int ret = attach(domain, f);

	KUNIT_EXPECT_EQ(test, ret, err);
	if (!ret)
		attach(&vtd_blocked_domain, f);
}

static void fake_release(struct fake *f)
{
	attach(&vtd_blocked_domain, f);
	f->dev->iommu = NULL;
	vtd_dev_release(f->vdev);
}

/*
 * Item: the IOTLB flush a torn-down PASID entry gets follows its type:
 * PASID-based (type 6) for pass-through and first stage, domain-selective
 * (type 2) for second stage and nested.
 */
static void vtd_pe_flush_type_test(struct kunit *test)
{
	struct vtd_unit *unit = rec_unit(test, A_CAP, A_ECAP);
	struct vtd_domain *ss, *fs;
	struct fake f;
	int i;

	rec_unit_enable(test, unit);
	fake_dev(test, unit, 0x0010, &f);

	/* Identity, then blocked: what vfio-pci claiming a device does */
	KUNIT_ASSERT_EQ(test, attach(&vtd_identity_domain, &f), 0);
	rec_reset(unit);
	KUNIT_ASSERT_EQ(test, attach(&vtd_blocked_domain, &f), 0);
	i = rec_find(unit, VTD_DESC_TYPE_PC, 0);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, rec_type(unit, i + 1), VTD_DESC_TYPE_PIOTLB);
	KUNIT_EXPECT_EQ(test, (alist_rec_at(unit->recorder, i + 1)->w[0] >> 16) & 0xffff,
			(u64)VTD_DID_IDENTITY);
	KUNIT_EXPECT_EQ(test, rec_find(unit, VTD_DESC_TYPE_IOTLB, 0), -1);

	/* Second stage, then blocked: domain-selective IOTLB */
	ss = vtd_paging_alloc(unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ss));
	KUNIT_ASSERT_EQ(test, attach(&ss->domain, &f), 0);
	rec_reset(unit);
	KUNIT_ASSERT_EQ(test, attach(&vtd_blocked_domain, &f), 0);
	i = rec_find(unit, VTD_DESC_TYPE_PC, 0);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, rec_type(unit, i + 1), VTD_DESC_TYPE_IOTLB);
	KUNIT_EXPECT_EQ(test, rec_find(unit, VTD_DESC_TYPE_PIOTLB, i), -1);
	vtd_domain_free(&ss->domain);

	/* First stage, then blocked: PASID-based IOTLB */
	unit->first_stage = true;
	fs = vtd_paging_alloc(unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fs));
	KUNIT_ASSERT_EQ(test, attach(&fs->domain, &f), 0);
	rec_reset(unit);
	KUNIT_ASSERT_EQ(test, attach(&vtd_blocked_domain, &f), 0);
	i = rec_find(unit, VTD_DESC_TYPE_PC, 0);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, rec_type(unit, i + 1), VTD_DESC_TYPE_PIOTLB);
	vtd_domain_free(&fs->domain);
	unit->first_stage = false;

	fake_release(&f);
	rec_unit_free(unit);
}

/* The nested row of the same table, through vtd_pe_install() itself */
static void vtd_pe_flush_nested_test(struct kunit *test)
{
	struct vtd_unit *unit = rec_unit(test, A_CAP, A_ECAP);
	struct vtd_pe_cfg cfg = {
		.pgtt = VTD_PGTT_NESTED, .did = 0x33, .aw = 2,
		.ssptptr = 0x1000, .fsptptr = 0x2000,
	};
	struct fake f;
	u64 pe[8];
	int i;

	rec_unit_enable(test, unit);
	fake_dev(test, unit, 0x0011, &f);
	vtd_pasid_entry_build(pe, &cfg);
	mutex_lock(&unit->ctx_lock);
	KUNIT_EXPECT_EQ(test, vtd_pe_install(f.vdev, pe), 0);
	rec_reset(unit);
	KUNIT_EXPECT_EQ(test, vtd_pe_install(f.vdev, NULL), 0);
	mutex_unlock(&unit->ctx_lock);
	i = rec_find(unit, VTD_DESC_TYPE_PC, 0);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, rec_type(unit, i + 1), VTD_DESC_TYPE_IOTLB);
	KUNIT_EXPECT_EQ(test, (alist_rec_at(unit->recorder, i + 1)->w[0] >> 16) & 0xffff,
			0x33ULL);
	fake_release(&f);
	rec_unit_free(unit);
}

/* The teardown of an entry of @did: PASID cache, @iotlb, [device TLB], wait */
static void expect_teardown(struct kunit *test, struct vtd_unit *unit, u16 did,
			    unsigned int iotlb, bool devtlb)
{
	struct alist_recorder *rec = unit->recorder;
	unsigned int i = 0;

	KUNIT_EXPECT_EQ(test, alist_rec_submits(rec), 1U);
	KUNIT_ASSERT_EQ(test, alist_rec_len(rec), devtlb ? 4U : 3U);
	KUNIT_EXPECT_EQ(test, rec_find_pc_did(unit, did), 0);
	KUNIT_EXPECT_EQ(test, rec_type(unit, ++i), iotlb);
	KUNIT_EXPECT_EQ(test, (alist_rec_at(rec, i)->w[0] >> 16) & 0xffff,
			(u64)did);
	if (devtlb)
		KUNIT_EXPECT_EQ(test, rec_type(unit, ++i), VTD_DESC_TYPE_DEVTLB);
	KUNIT_EXPECT_EQ(test, rec_type(unit, ++i), VTD_DESC_TYPE_WAIT);
}

/*
 * Item: an entry switch sends what the specification asks and no more.
 * Without caching mode a first attach sends nothing (no non-present entry
 * is cached); a replace and a detach send the old entry's teardown (PASID
 * cache, IOTLB and device TLB of the old DID, one wait) and nothing for
 * the list the device leaves, which that teardown left clean. With
 * caching mode the new entry gets its PASID cache and IOTLB invalidation.
 */
static void vtd_attach_invalidations_test(struct kunit *test)
{
	struct vtd_unit *unit = rec_unit(test, A_CAP, A_ECAP);
	struct vtd_domain *a, *b;
	struct fake f;
	u16 did;

	rec_unit_enable(test, unit);
	fake_dev(test, unit, 0x0013, &f);
	/* ATS on, as probe gives it: a device-TLB target on the list */
	f.vdev->ats_enabled = true;
	f.vdev->ats_qdep = 8;
	a = vtd_paging_alloc(unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	b = vtd_paging_alloc(unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));

	rec_reset(unit);
	KUNIT_ASSERT_EQ(test, attach(&a->domain, &f), 0);
	KUNIT_EXPECT_EQ(test, alist_rec_len(unit->recorder), 0U);

	did = a->did[unit->index];
	rec_reset(unit);
	KUNIT_ASSERT_EQ(test, attach(&b->domain, &f), 0);
	expect_teardown(test, unit, did, VTD_DESC_TYPE_IOTLB, true);

	did = b->did[unit->index];
	rec_reset(unit);
	KUNIT_ASSERT_EQ(test, attach(&vtd_blocked_domain, &f), 0);
	expect_teardown(test, unit, did, VTD_DESC_TYPE_IOTLB, true);

	unit->caching_mode = true;
	rec_reset(unit);
	KUNIT_ASSERT_EQ(test, attach(&a->domain, &f), 0);
	KUNIT_EXPECT_EQ(test, alist_rec_submits(unit->recorder), 1U);
	KUNIT_ASSERT_EQ(test, alist_rec_len(unit->recorder), 3U);
	KUNIT_EXPECT_EQ(test, rec_find_pc_did(unit, a->did[unit->index]), 0);
	KUNIT_EXPECT_EQ(test, rec_type(unit, 1), VTD_DESC_TYPE_IOTLB);
	KUNIT_EXPECT_EQ(test, rec_type(unit, 2), VTD_DESC_TYPE_WAIT);
	KUNIT_ASSERT_EQ(test, attach(&vtd_blocked_domain, &f), 0);
	unit->caching_mode = false;

	f.vdev->ats_enabled = false;
	fake_release(&f);
	vtd_domain_free(&a->domain);
	vtd_domain_free(&b->domain);
	rec_unit_free(unit);
}

/*
 * Item: after commit nothing fails. The switch's invalidation fails (a
 * queue error): a WARN, the attach returns 0 and the device is on the new
 * domain; blocked and identity attach succeed all the same. When it times
 * out (every wait aborted: a unit or an ATS device that does not answer)
 * the same, logged without a WARN: a device must not trigger one.
 */
static void vtd_attach_after_commit_test(struct kunit *test)
{
	/* Caching mode: every switch, the first included, invalidates */
	struct vtd_unit *unit = rec_unit(test, A_CAP | VTD_CAP_CM, A_ECAP);
	struct vtd_domain *ss;
	struct fake f;

	rec_unit_enable(test, unit);
	fake_dev(test, unit, 0x0012, &f);
	ss = vtd_paging_alloc(unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ss));

	kunit_warning_suppress(test) {
		alist_rec_fail_syncs(unit->recorder, 1000, -EIO);
		KUNIT_EXPECT_EQ(test, attach(&ss->domain, &f), 0);
		KUNIT_EXPECT_PTR_EQ(test, f.vdev->domain, ss);
		KUNIT_EXPECT_TRUE(test, READ_ONCE(f.vdev->pasid_table[0]) &
					PE0_P);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
		KUNIT_EXPECT_EQ(test, attach(&vtd_blocked_domain, &f), 0);
		KUNIT_EXPECT_NULL(test, f.vdev->domain);
		KUNIT_EXPECT_FALSE(test, READ_ONCE(f.vdev->pasid_table[0]) &
					 PE0_P);
		KUNIT_EXPECT_EQ(test, attach(&vtd_identity_domain, &f), 0);
		KUNIT_EXPECT_TRUE(test, f.vdev->identity);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 3);

		alist_rec_fail_syncs(unit->recorder, 1000, -EAGAIN);
		KUNIT_EXPECT_EQ(test, attach(&ss->domain, &f), 0);
		KUNIT_EXPECT_PTR_EQ(test, f.vdev->domain, ss);
		KUNIT_EXPECT_EQ(test, attach(&vtd_blocked_domain, &f), 0);
		KUNIT_EXPECT_NULL(test, f.vdev->domain);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 3);
		alist_rec_fail_syncs(unit->recorder, 0, 0);
	}
	fake_release(&f);
	vtd_domain_free(&ss->domain);
	rec_unit_free(unit);
}

/*
 * Items: attach checks the domain against the unit (SAGAW, nesting, snoop
 * control once forced) before anything changes; NEST_PARENT needs
 * ECAP.NEST.
 */
static void vtd_attach_compat_test(struct kunit *test)
{
	u64 cap3 = (A_CAP & ~VTD_CAP_SAGAW) | FIELD_PREP(VTD_CAP_SAGAW, 2);
	struct vtd_unit *a = rec_unit(test, A_CAP, A_ECAP);
	struct vtd_unit *b = rec_unit(test, cap3, A_ECAP & ~VTD_ECAP_SC);
	struct vtd_unit *c = rec_unit(test, A_CAP,
				      A_ECAP & ~(VTD_ECAP_NEST | VTD_ECAP_SC));
	struct vtd_domain *d, *np;
	struct fake fb, fc;

	rec_unit_enable(test, a);
	rec_unit_enable(test, b);
	rec_unit_enable(test, c);
	fake_dev(test, b, 0x0020, &fb);
	fake_dev(test, c, 0x0021, &fc);

	/* 4-level table from A on B, which walks only 3 levels */
	d = vtd_paging_alloc(a, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(d));
	KUNIT_EXPECT_EQ(test, vtd_domain_compatible(d, a), 0);
	expect_refused(test, &d->domain, &fb, -EINVAL);
	KUNIT_EXPECT_NULL(test, fb.vdev->domain);
	KUNIT_EXPECT_EQ(test, alist_rec_len(b->recorder), 0U);
	/* Snoop forced on A's domain: C has no snoop control */
	KUNIT_EXPECT_TRUE(test, enforce_cc(d));
	expect_refused(test, &d->domain, &fc, -EINVAL);
	KUNIT_EXPECT_EQ(test, alist_rec_len(c->recorder), 0U);
	vtd_domain_free(&d->domain);

	/* NEST_PARENT: refused without ECAP.NEST, and not attachable there */
	np = vtd_paging_alloc(c, NULL, IOMMU_HWPT_ALLOC_NEST_PARENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(np), -EOPNOTSUPP);
	np = vtd_paging_alloc(a, NULL, IOMMU_HWPT_ALLOC_NEST_PARENT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(np));
	expect_refused(test, &np->domain, &fc, -EINVAL);
	KUNIT_EXPECT_NULL(test, fc.vdev->domain);
	vtd_domain_free(&np->domain);

	fake_release(&fb);
	fake_release(&fc);
	rec_unit_free(c);
	rec_unit_free(b);
	rec_unit_free(a);
}

/*
 * Item: enforce_cache_coherency() answers for the units the domain is on
 * (another unit without snoop control does not matter), and a
 * first-stage domain's attached devices get PGSNP.
 */
static void vtd_enforce_cc_test(struct kunit *test)
{
	struct vtd_unit *a = rec_unit(test, A_CAP, A_ECAP);
	struct vtd_unit *b = rec_unit(test, A_CAP, A_ECAP & ~VTD_ECAP_SC);
	struct vtd_domain *fs, *ss;
	struct fake fa, fb;
	int i;

	rec_unit_enable(test, a);
	rec_unit_enable(test, b);
	fake_dev(test, a, 0x0030, &fa);
	fake_dev(test, b, 0x0031, &fb);
	a->first_stage = true;
	b->first_stage = true;

	fs = vtd_paging_alloc(a, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fs));
	KUNIT_ASSERT_EQ(test, attach(&fs->domain, &fa), 0);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(fa.vdev->pasid_table[1]) &
				 PE1_PGSNP);
	rec_reset(a);
	KUNIT_EXPECT_TRUE(test, enforce_cc(fs));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(fa.vdev->pasid_table[1]) &
				PE1_PGSNP);
	/* The change is invalidated: PASID cache and the PASID's IOTLB */
	i = rec_find(a, VTD_DESC_TYPE_PC, 0);
	KUNIT_EXPECT_GE(test, i, 0);
	KUNIT_EXPECT_GE(test, rec_find(a, VTD_DESC_TYPE_PIOTLB, 0), 0);
	KUNIT_EXPECT_EQ(test, attach(&vtd_blocked_domain, &fa), 0);
	vtd_domain_free(&fs->domain);

	/* A domain on B, which has no snoop control, cannot force it */
	fs = vtd_paging_alloc(b, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fs));
	KUNIT_ASSERT_EQ(test, attach(&fs->domain, &fb), 0);
	KUNIT_EXPECT_FALSE(test, enforce_cc(fs));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(fb.vdev->pasid_table[1]) &
				 PE1_PGSNP);
	KUNIT_EXPECT_EQ(test, attach(&vtd_blocked_domain, &fb), 0);
	vtd_domain_free(&fs->domain);

	/* Second stage on A: forced, and new attaches get PGSNP */
	a->first_stage = false;
	b->first_stage = false;
	ss = vtd_paging_alloc(a, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ss));
	KUNIT_EXPECT_TRUE(test, enforce_cc(ss));
	KUNIT_ASSERT_EQ(test, attach(&ss->domain, &fa), 0);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(fa.vdev->pasid_table[1]) &
				PE1_PGSNP);
	KUNIT_EXPECT_EQ(test, attach(&vtd_blocked_domain, &fa), 0);
	vtd_domain_free(&ss->domain);

	fake_release(&fa);
	fake_release(&fb);
	rec_unit_free(b);
	rec_unit_free(a);
}

/*
 * Item: translation goes on only after bound devices have their entries,
 * and off before they lose them (the marker of the GCMD write against
 * the PASID-cache invalidations of the entries).
 */
static void vtd_unit_start_order_test(struct kunit *test)
{
	struct pci_dev *pdev = pci_get_domain_bus_and_slot(0, 0, 0);
	struct vtd_unit *unit;
	int pc, te;

	if (!pdev)
		kunit_skip(test, "no PCI device 0000:00:00.0 to stand in");
	/* Caching mode: the new identity entry gets its invalidation */
	unit = rec_unit(test, A_CAP | VTD_CAP_CM, A_ECAP);
	unit->test_bound = &pdev;
	unit->test_nbound = 1;

	KUNIT_ASSERT_EQ(test, vtd_unit_start(unit), 0);
	KUNIT_EXPECT_TRUE(test, !list_empty(&unit->bound));
	/* The identity entry's PASID-cache invalidation, then TE */
	te = rec_find_te(unit, true);
	pc = rec_find_pc_did(unit, VTD_DID_IDENTITY);
	KUNIT_ASSERT_GE(test, te, 0);
	KUNIT_ASSERT_GE(test, pc, 0);
	KUNIT_EXPECT_LT(test, pc, te);
	KUNIT_EXPECT_TRUE(test, unit->gcmd & VTD_GCMD_TE);

	rec_reset(unit);
	vtd_unit_stop(unit);
	te = rec_find_te(unit, false);
	pc = rec_find_pc_did(unit, VTD_DID_IDENTITY);
	KUNIT_ASSERT_GE(test, te, 0);
	KUNIT_ASSERT_GE(test, pc, 0);
	KUNIT_EXPECT_LT(test, te, pc);
	KUNIT_EXPECT_TRUE(test, list_empty(&unit->bound));
	vtd_unit_remove(unit);

	/* No pass-through: the unit is not started, TE never goes on */
	unit = rec_unit(test, A_CAP, A_ECAP & ~VTD_ECAP_PT);
	unit->test_bound = &pdev;
	unit->test_nbound = 1;
	KUNIT_EXPECT_EQ(test, vtd_unit_start(unit), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, rec_find_te(unit, true), -1);
	vtd_unit_stop(unit);
	vtd_unit_remove(unit);
	pci_dev_put(pdev);
}

/*
 * Item: a wait aborted by an invalidation time-out is resubmitted with
 * its descriptors; one that keeps being aborted ends in -ETIMEDOUT.
 */
static void vtd_qi_ite_resubmit_test(struct kunit *test)
{
	struct vtd_unit *unit = rec_unit(test, A_CAP, A_ECAP);
	struct alist_cmd d;

	rec_unit_enable(test, unit);
	vtd_desc_iotlb_dsi(&d, unit->cap, 0x44);
	rec_reset(unit);
	alist_rec_fail_syncs(unit->recorder, 1, -EAGAIN);
	KUNIT_EXPECT_EQ(test, vtd_qi_submit(unit, &d, 1, true), 0);
	KUNIT_EXPECT_EQ(test, alist_rec_submits(unit->recorder), 2U);
	KUNIT_ASSERT_EQ(test, alist_rec_len(unit->recorder), 4U);
	KUNIT_EXPECT_EQ(test, alist_rec_at(unit->recorder, 2)->w[0], d.w[0]);
	KUNIT_EXPECT_EQ(test, rec_type(unit, 3), VTD_DESC_TYPE_WAIT);

	rec_reset(unit);
	alist_rec_fail_syncs(unit->recorder, 100, -EAGAIN);
	KUNIT_EXPECT_EQ(test, vtd_qi_submit(unit, &d, 1, true), -ETIMEDOUT);
	KUNIT_EXPECT_GT(test, alist_rec_submits(unit->recorder), 1U);
	KUNIT_EXPECT_LT(test, alist_rec_submits(unit->recorder), 100U);
	alist_rec_fail_syncs(unit->recorder, 0, 0);
	rec_unit_free(unit);

	/* The abort test of the hardware path */
	KUNIT_EXPECT_FALSE(test, vtd_qi_wait_aborted(5, 7, 7, 0));
	KUNIT_EXPECT_TRUE(test, vtd_qi_wait_aborted(5, 7, 8, 4));
	KUNIT_EXPECT_FALSE(test, vtd_qi_wait_aborted(5, 7, 8, 5));
	KUNIT_EXPECT_FALSE(test, vtd_qi_wait_aborted(5, 7, 8, 6));
	KUNIT_EXPECT_TRUE(test, vtd_qi_wait_aborted(5, 7, 9, 6));
	/* Wrapping status values and generations */
	KUNIT_EXPECT_TRUE(test, vtd_qi_wait_aborted(2, U32_MAX, 0, U32_MAX));
	KUNIT_EXPECT_FALSE(test, vtd_qi_wait_aborted(2, U32_MAX, 0, 3));
}

static void map_2m_of_4k(struct kunit *test, struct vtd_domain *d,
			 struct page *pg)
{
	unsigned long iova;

	for (iova = SZ_2M; iova < 2 * SZ_2M; iova += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, iommu_map(&d->domain, iova,
						page_to_phys(pg), PAGE_SIZE,
						IOMMU_READ, GFP_KERNEL), 0);
}

/*
 * Item: page-table pages unlinked by an unmap are not freed when the
 * invalidation did not complete; they are leaked and counted.
 */
static void vtd_iotlb_sync_leak_test(struct kunit *test)
{
	struct vtd_unit *unit = rec_unit(test, A_CAP, A_ECAP);
	struct page *pg = alloc_page(GFP_KERNEL);
	struct vtd_domain *ss;
	struct fake f;
	s64 leaked;

	KUNIT_ASSERT_NOT_NULL(test, pg);
	rec_unit_enable(test, unit);
	fake_dev(test, unit, 0x0040, &f);
	ss = vtd_paging_alloc(unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ss));
	ss->domain.type = IOMMU_DOMAIN_UNMANAGED;
	KUNIT_ASSERT_EQ(test, attach(&ss->domain, &f), 0);

	/* 2 MiB of 4 KiB pages: a last-level table the unmap frees */
	map_2m_of_4k(test, ss, pg);
	leaked = atomic64_read(&vtd_sync_stats.leaked_pages);
	alist_rec_fail_syncs(unit->recorder, 1000, -EAGAIN);
	KUNIT_EXPECT_EQ(test, iommu_unmap(&ss->domain, SZ_2M, SZ_2M),
			(size_t)SZ_2M);
	alist_rec_fail_syncs(unit->recorder, 0, 0);
	KUNIT_EXPECT_GE(test, atomic64_read(&vtd_sync_stats.leaked_pages),
			leaked + 1);

	/* A completed invalidation frees them */
	map_2m_of_4k(test, ss, pg);
	leaked = atomic64_read(&vtd_sync_stats.leaked_pages);
	KUNIT_EXPECT_EQ(test, iommu_unmap(&ss->domain, SZ_2M, SZ_2M),
			(size_t)SZ_2M);
	KUNIT_EXPECT_EQ(test, atomic64_read(&vtd_sync_stats.leaked_pages), leaked);

	fake_release(&f);
	vtd_domain_free(&ss->domain);
	rec_unit_free(unit);
	__free_page(pg);
}

/* The granularity of the first IOTLB descriptor on @unit, or -1 */
static int rec_iotlb_gran(struct vtd_unit *unit)
{
	int i = rec_find(unit, VTD_DESC_TYPE_IOTLB, 0);

	if (i < 0)
		return -1;
	return FIELD_GET(VTD_DESC_GRAN, alist_rec_at(unit->recorder, i)->w[0]);
}

/*
 * Item: each unit's invalidation parameters come from its own CAP, and a
 * domain attached on two units uses what is valid on both: no
 * page-selective invalidation when one unit lacks PSI, the smaller MAMV,
 * draining and caching mode when one unit has them. They stay narrowed
 * when the unit leaves.
 */
static void vtd_unit_params_test(struct kunit *test)
{
	u64 cap_b = (A_CAP & ~(VTD_CAP_PSI | VTD_CAP_MAMV | VTD_CAP_DRD |
			       VTD_CAP_DWD)) |
		    FIELD_PREP(VTD_CAP_MAMV, 5) | VTD_CAP_CM;
	struct vtd_unit *a = rec_unit(test, A_CAP, A_ECAP);
	struct vtd_unit *b = rec_unit(test, cap_b, A_ECAP);
	struct page *pg = alloc_page(GFP_KERNEL);
	struct vtd_domain *ss;
	struct fake fa, fb;
	u64 dr_dw = VTD_DESC_DR | VTD_DESC_DW;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, pg);
	/* Per unit, from its CAP (A: QEMU's, PSI with MAMV 18, DRD, DWD) */
	KUNIT_EXPECT_EQ(test, a->params.psi, 1);
	KUNIT_EXPECT_EQ(test, a->params.mamv, 18);
	KUNIT_EXPECT_EQ(test, a->params.drain_read, 1);
	KUNIT_EXPECT_EQ(test, a->params.drain_write, 1);
	KUNIT_EXPECT_FALSE(test, a->caching_mode);
	KUNIT_EXPECT_EQ(test, b->params.psi, 0);
	KUNIT_EXPECT_EQ(test, b->params.mamv, 5);
	KUNIT_EXPECT_EQ(test, b->params.drain_read, 0);
	KUNIT_EXPECT_EQ(test, b->params.drain_write, 0);
	KUNIT_EXPECT_TRUE(test, b->caching_mode);
	KUNIT_EXPECT_EQ(test, b->params.max_iotlb_cmds,
			vtd_params_default.max_iotlb_cmds);

	rec_unit_enable(test, a);
	rec_unit_enable(test, b);
	fake_dev(test, a, 0x0050, &fa);
	fake_dev(test, b, 0x0051, &fb);
	ss = vtd_paging_alloc(a, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ss));
	ss->domain.type = IOMMU_DOMAIN_UNMANAGED;

	/* On A alone: A's parameters; no flush on map, page-selective unmap */
	KUNIT_ASSERT_EQ(test, attach(&ss->domain, &fa), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&ss->params, &a->params,
				     sizeof(ss->params)), 0);
	KUNIT_EXPECT_FALSE(test, ss->caching_mode);
	rec_reset(a);
	KUNIT_ASSERT_EQ(test, iommu_map(&ss->domain, SZ_4M, page_to_phys(pg),
					PAGE_SIZE, IOMMU_READ, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, alist_rec_len(a->recorder), 0U);
	KUNIT_EXPECT_EQ(test, iommu_unmap(&ss->domain, SZ_4M, PAGE_SIZE),
			(size_t)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, rec_iotlb_gran(a), VTD_IOTLB_PSI);
	i = rec_find(a, VTD_DESC_TYPE_IOTLB, 0);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, alist_rec_at(a->recorder, i)->w[0] & dr_dw, dr_dw);

	/* On A and B: what both take */
	KUNIT_ASSERT_EQ(test, attach(&ss->domain, &fb), 0);
	KUNIT_EXPECT_EQ(test, ss->params.psi, 0);
	KUNIT_EXPECT_EQ(test, ss->params.mamv, 5);
	KUNIT_EXPECT_EQ(test, ss->params.drain_read, 1);
	KUNIT_EXPECT_EQ(test, ss->params.drain_write, 1);
	KUNIT_EXPECT_EQ(test, ss->params.max_iotlb_cmds,
			vtd_params_default.max_iotlb_cmds);
	KUNIT_EXPECT_EQ(test, ss->params.max_devtlb_cmds,
			vtd_params_default.max_devtlb_cmds);
	KUNIT_EXPECT_TRUE(test, ss->caching_mode);
	/* B caches non-present entries: a map is invalidated, on both units */
	rec_reset(a);
	rec_reset(b);
	KUNIT_ASSERT_EQ(test, iommu_map(&ss->domain, SZ_4M, page_to_phys(pg),
					PAGE_SIZE, IOMMU_READ, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, rec_iotlb_gran(a), VTD_IOTLB_DSI);
	KUNIT_EXPECT_EQ(test, rec_iotlb_gran(b), VTD_IOTLB_DSI);
	/* B has no PSI: domain-selective on A too */
	rec_reset(a);
	rec_reset(b);
	KUNIT_EXPECT_EQ(test, iommu_unmap(&ss->domain, SZ_4M, PAGE_SIZE),
			(size_t)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, rec_iotlb_gran(a), VTD_IOTLB_DSI);
	KUNIT_EXPECT_EQ(test, rec_iotlb_gran(b), VTD_IOTLB_DSI);
	KUNIT_EXPECT_EQ(test, alist_rec_count_op(a->recorder,
						 VTD_DESC_TYPE_IOTLB), 1U);
	KUNIT_EXPECT_EQ(test, alist_rec_count_op(b->recorder,
						 VTD_DESC_TYPE_IOTLB), 1U);

	/* B leaves: the parameters stay what both take */
	KUNIT_EXPECT_EQ(test, attach(&vtd_blocked_domain, &fb), 0);
	KUNIT_EXPECT_EQ(test, ss->params.psi, 0);
	KUNIT_EXPECT_EQ(test, ss->params.mamv, 5);
	KUNIT_EXPECT_TRUE(test, ss->caching_mode);

	KUNIT_EXPECT_EQ(test, attach(&vtd_blocked_domain, &fa), 0);
	vtd_domain_free(&ss->domain);
	fake_release(&fa);
	fake_release(&fb);
	rec_unit_free(b);
	rec_unit_free(a);
	__free_page(pg);
}

/* The last-level second-stage entry of @iova, walked from the table top */
static u64 ss_leaf(struct vtd_domain *d, u64 iova)
{
	struct pt_iommu_vtdss_hw_info ss;
	u64 *table, e = 0;
	int lvl;

	pt_iommu_vtdss_hw_info(&d->sspt, &ss);
	table = phys_to_virt(ss.ssptptr);
	for (lvl = ss.aw + 1; lvl >= 0; lvl--) {
		e = READ_ONCE(table[(iova >> (12 + 9 * lvl)) & 511]);
		if (!lvl || !(e & 3))
			break;
		table = phys_to_virt(e & GENMASK_ULL(51, 12));
	}
	return e;
}

/*
 * Item: erratum 772415 (reported for every unit): a nest parent never
 * holds a read-only mapping (-EINVAL, nothing mapped, as in Linux); a
 * plain second-stage domain does.
 */
static void vtd_nest_parent_no_readonly_test(struct kunit *test)
{
	struct vtd_unit *unit = rec_unit(test, A_CAP, A_ECAP);
	struct page *pg = alloc_page(GFP_KERNEL);
	struct vtd_domain *np, *ss;

	KUNIT_ASSERT_NOT_NULL(test, pg);
	np = vtd_paging_alloc(unit, NULL, IOMMU_HWPT_ALLOC_NEST_PARENT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(np));
	ss = vtd_paging_alloc(unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ss));
	np->domain.type = IOMMU_DOMAIN_UNMANAGED;
	ss->domain.type = IOMMU_DOMAIN_UNMANAGED;
	KUNIT_EXPECT_EQ(test, iommu_map(&np->domain, SZ_4M, page_to_phys(pg),
					PAGE_SIZE, IOMMU_READ, GFP_KERNEL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ss_leaf(np, SZ_4M) & 3, 0ULL);
	KUNIT_ASSERT_EQ(test, iommu_map(&np->domain, SZ_4M, page_to_phys(pg),
					PAGE_SIZE, IOMMU_READ | IOMMU_WRITE,
					GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iommu_map(&ss->domain, SZ_4M, page_to_phys(pg),
					PAGE_SIZE, IOMMU_READ, GFP_KERNEL), 0);
	/* R is bit 0, W bit 1 */
	KUNIT_EXPECT_EQ(test, ss_leaf(np, SZ_4M) & 3, 3ULL);
	KUNIT_EXPECT_EQ(test, ss_leaf(np, SZ_4M) & GENMASK_ULL(51, 12),
			(u64)page_to_phys(pg));
	KUNIT_EXPECT_EQ(test, ss_leaf(ss, SZ_4M) & 3, 1ULL);
	iommu_unmap(&np->domain, SZ_4M, PAGE_SIZE);
	iommu_unmap(&ss->domain, SZ_4M, PAGE_SIZE);
	vtd_domain_free(&np->domain);
	vtd_domain_free(&ss->domain);
	rec_unit_free(unit);
	__free_page(pg);
}

struct release_ctx {
	struct fake *f;
	struct completion started;
	struct completion done;
};

static int grace_release_thread(void *arg)
{
	struct release_ctx *r = arg;

	complete(&r->started);
	vtd_dev_release(r->f->vdev);
	complete(&r->done);
	return 0;
}

/*
 * Item: release_device() waits for a grace period: a flush that read the
 * attach list before the device left it may still be sending it
 * device-TLB invalidations (an RCU reader, held here).
 */
static void vtd_release_grace_test(struct kunit *test)
{
	struct vtd_unit *unit = rec_unit(test, A_CAP, A_ECAP);
	struct release_ctx r;
	struct task_struct *t;
	bool early, started;
	struct fake f;
	int i;

	rec_unit_enable(test, unit);
	fake_dev(test, unit, 0x0050, &f);
	KUNIT_ASSERT_EQ(test, attach(&vtd_blocked_domain, &f), 0);
	r.f = &f;
	init_completion(&r.started);
	init_completion(&r.done);

	f.dev->iommu = NULL;
	t = kthread_create(grace_release_thread, &r, "alist-vtd-release");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	rcu_read_lock();
	wake_up_process(t);
	/* The release began inside the read section (bounded: -smp 2) */
	for (i = 0; i < 1000 && !completion_done(&r.started); i++)
		mdelay(1);
	started = completion_done(&r.started);
	mdelay(200);
	early = completion_done(&r.done);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, started);
	KUNIT_EXPECT_FALSE(test, early);
	wait_for_completion(&r.done);
	rec_unit_free(unit);
}

struct drain_ctx {
	void __iomem *reg;
	u64 iqh;
};

static int drain_thread(void *arg)
{
	struct drain_ctx *c = arg;

	/* Busy: a sleeping timer may be moved to the CPU spinning irqs-off */
	mdelay(20);
	writeq(c->iqh, c->reg + VTD_REG_IQH);
	return 0;
}

/*
 * A unit whose registers are a page of plain memory, with its queue and
 * status words: the queue's code runs on it, the test plays the hardware.
 * The caller frees unit->qi (free_page()).
 */
static struct vtd_unit *mem_reg_unit(struct kunit *test)
{
	struct vtd_unit *unit = kunit_kzalloc(test, sizeof(*unit), GFP_KERNEL);
	void *regs = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, unit);
	KUNIT_ASSERT_NOT_NULL(test, regs);
	snprintf(unit->name, sizeof(unit->name), "kfake");
	unit->reg = (void __iomem *)regs;
	unit->coherent = true;
	raw_spin_lock_init(&unit->qi_lock);
	unit->qi_status = kunit_kzalloc(test, 2 * sizeof(u32), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, unit->qi_status);
	unit->qi_dummy = unit->qi_status + 1;
	unit->qi = (struct alist_cmd *)get_zeroed_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, unit->qi);
	return unit;
}

/*
 * Item: an error seen while waiting for queue space belongs to other
 * submissions: the waiter's descriptors are still queued. The registers
 * are plain memory here: the queue is full (IQH one past the tail) with
 * ITE set in FSTS, and a thread moves IQH after 20 ms as a draining unit
 * would.
 */
static void vtd_qi_space_ite_test(struct kunit *test)
{
	struct vtd_unit *unit = mem_reg_unit(test);
	struct drain_ctx dc;
	struct task_struct *t;
	struct alist_cmd d;
	unsigned int other;
	int ret;

	unit->qi_tail = 5;
	unit->qi_head_seen = 6;
	writeq(6 << 5, unit->reg + VTD_REG_IQH);
	writel(VTD_FSTS_ITE, unit->reg + VTD_REG_FSTS);
	dc.reg = unit->reg;
	dc.iqh = 5 << 5;
	t = kthread_create(drain_thread, &dc, "alist-vtd-drain");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* The submitter spins with interrupts off: the drain runs elsewhere */
	migrate_disable();
	other = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (other >= nr_cpu_ids) {
		migrate_enable();
		kthread_stop(t);
		free_page((unsigned long)unit->qi);
		kunit_skip(test, "needs a second CPU");
	}
	kthread_bind(t, other);
	wake_up_process(t);

	vtd_desc_iotlb_dsi(&d, A_CAP, 0x55);
	ret = vtd_qi_submit(unit, &d, 1, false);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, unit->qi[5].w[0], d.w[0]);
	KUNIT_EXPECT_EQ(test, readq(unit->reg + VTD_REG_IQT), 6ULL << 5);
	/* Joined before the registers go: the thread is done after 20 ms */
	msleep(50);
	free_page((unsigned long)unit->qi);
}

/*
 * Item: a submission with room counted from the head seen last reads no
 * register. The registers are plain memory: IQH claims a full queue, the
 * head seen last an empty one. Reading IQH would wait for room until the
 * queue's time-out and fail; counted from the head seen, the descriptor
 * goes in at once.
 */
static void vtd_qi_space_head_seen_test(struct kunit *test)
{
	struct vtd_unit *unit = mem_reg_unit(test);
	struct alist_cmd d;

	unit->qi_tail = 5;
	unit->qi_head_seen = 5;
	writeq(6 << 5, unit->reg + VTD_REG_IQH);
	vtd_desc_iotlb_dsi(&d, A_CAP, 0x55);
	KUNIT_EXPECT_EQ(test, vtd_qi_submit(unit, &d, 1, false), 0);
	KUNIT_EXPECT_EQ(test, unit->qi[5].w[0], d.w[0]);
	KUNIT_EXPECT_EQ(test, readq(unit->reg + VTD_REG_IQT), 6ULL << 5);
	KUNIT_EXPECT_EQ(test, atomic64_read(&unit->cnt.timeouts), 0LL);
	free_page((unsigned long)unit->qi);
}

struct locked_attach {
	struct fake *f;
	struct vtd_domain *d;
	int ret;
	struct completion done;
};

static int locked_attach_thread(void *arg)
{
	struct locked_attach *a = arg;

	a->ret = attach(&a->d->domain, a->f);
	complete(&a->done);
	return 0;
}

static unsigned int list_entries(struct alist_list *list)
{
	const struct alist_view *view;
	unsigned int n = 0;

	view = alist_list_read_begin(list);
	alist_view_entries(view, &n);
	alist_list_read_end();
	return n;
}

/*
 * Item: the locks of an attach. The PASID entry is written under the
 * unit's ctx_lock (vtd_pe_install() asserts it): with the lock held here,
 * an attach in a thread commits its list (the shared layer's update lock
 * is not the entry's) and then waits, holding its domain's lock, with the
 * entry untouched; released, it completes.
 */
static void vtd_attach_locks_test(struct kunit *test)
{
	struct vtd_unit *unit = rec_unit(test, A_CAP, A_ECAP);
	bool pe_early, done_early, dom_locked;
	struct locked_attach a = { .ret = -1 };
	unsigned int published, i;
	struct task_struct *t;
	struct vtd_domain *ss;
	struct fake f;

	rec_unit_enable(test, unit);
	fake_dev(test, unit, 0x0060, &f);
	ss = vtd_paging_alloc(unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ss));
	a.f = &f;
	a.d = ss;
	init_completion(&a.done);

	mutex_lock(&unit->ctx_lock);
	t = kthread_run(locked_attach_thread, &a, "alist-vtd-attach");
	if (IS_ERR(t)) {
		mutex_unlock(&unit->ctx_lock);
		KUNIT_FAIL(test, "no thread: %ld", PTR_ERR(t));
		return;
	}
	for (i = 0; i < 250 && !list_entries(ss->list); i++)
		msleep(20);
	/* Time enough to write the entry, would the attach not wait */
	msleep(100);
	published = list_entries(ss->list);
	pe_early = READ_ONCE(f.vdev->pasid_table[0]) & PE0_P;
	done_early = completion_done(&a.done);
	dom_locked = mutex_is_locked(&ss->lock);
	mutex_unlock(&unit->ctx_lock);
	wait_for_completion(&a.done);

	KUNIT_EXPECT_EQ(test, published, 1U);
	KUNIT_EXPECT_FALSE(test, pe_early);
	KUNIT_EXPECT_FALSE(test, done_early);
	KUNIT_EXPECT_TRUE(test, dom_locked);
	KUNIT_EXPECT_EQ(test, a.ret, 0);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(f.vdev->pasid_table[0]) & PE0_P);
	KUNIT_EXPECT_PTR_EQ(test, f.vdev->domain, ss);
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&ss->lock));
	fake_release(&f);
	vtd_domain_free(&ss->domain);
	rec_unit_free(unit);
}

#ifdef CONFIG_FAULT_INJECTION
/* An attach with fail-nth armed at its first point; *@left 0: it was hit */
static int attach_nth1(struct iommu_domain *domain, struct fake *f,
		       unsigned int *left)
{
	int ret;

	WRITE_ONCE(current->fail_nth, 1);
	ret = attach(domain, f);
	*left = READ_ONCE(current->fail_nth);
	WRITE_ONCE(current->fail_nth, 0);
	return ret;
}

/* An attach with fail-nth armed at its first point: -EFAULT if one is hit */
static int attach_no_alloc(struct iommu_domain *domain, struct fake *f)
{
	unsigned int left;
	int ret = attach_nth1(domain, f, &left);

	return left == 1 ? ret : -EFAULT;
}
#endif

/*
 * Item: a device's first attach to the domain allocated for it, and its
 * return to that domain as its default (DMA API) domain, need nothing
 * new: the domain holds its ID on the device's unit from allocation to
 * free (did_home), and the list keeps its reserve while the device is
 * away. With the unit's other IDs taken, both still succeed, and with
 * fail-nth armed for each of them no allocation is even tried. Leaving
 * for blocked keeps the reserve as well, and never fails for it.
 */
static void vtd_default_domain_return_test(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	struct vtd_unit *unit = rec_unit(test, A_CAP, A_ECAP);
	struct vtd_domain *dflt, *other;
	unsigned int left;
	struct fake f;
	int hog;

	rec_unit_enable(test, unit);
	/* Two IDs: VTD_DID_FIRST and the one after */
	unit->ndids = VTD_DID_FIRST + 2;
	fake_dev(test, unit, 0x0068, &f);
	dflt = vtd_paging_alloc(unit, f.dev, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dflt));
	dflt->domain.type = IOMMU_DOMAIN_DMA;
	KUNIT_EXPECT_EQ(test, dflt->did[unit->index], (u16)VTD_DID_FIRST);
	other = vtd_paging_alloc(unit, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	hog = ida_alloc_range(&unit->did_ida, VTD_DID_FIRST, unit->ndids - 1,
			      GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, hog, VTD_DID_FIRST + 1);

	KUNIT_EXPECT_EQ(test, attach_no_alloc(&dflt->domain, &f), 0);
	KUNIT_EXPECT_PTR_EQ(test, f.vdev->domain, dflt);

	/* No ID left for another domain: refused, the device stays */
	KUNIT_EXPECT_EQ(test, attach(&other->domain, &f), -ENOSPC);
	KUNIT_EXPECT_PTR_EQ(test, f.vdev->domain, dflt);
	ida_free(&unit->did_ida, hog);
	KUNIT_ASSERT_EQ(test, attach(&other->domain, &f), 0);
	/* Away from it, the default domain still holds its ID */
	KUNIT_EXPECT_LT(test, ida_alloc_range(&unit->did_ida, VTD_DID_FIRST,
					      unit->ndids - 1, GFP_KERNEL), 0);

	KUNIT_EXPECT_EQ(test, attach_no_alloc(&dflt->domain, &f), 0);
	KUNIT_EXPECT_PTR_EQ(test, f.vdev->domain, dflt);

	/*
	 * Blocked leaves the default domain too: it tries the reserve and
	 * succeeds when it cannot be had (the way back then allocates) ...
	 */
	KUNIT_EXPECT_EQ(test, attach_nth1(&vtd_blocked_domain, &f, &left), 0);
	KUNIT_EXPECT_EQ_MSG(test, left, 0U, "blocked did not try the reserve");
	KUNIT_EXPECT_NULL(test, f.vdev->domain);
	KUNIT_ASSERT_EQ(test, attach(&dflt->domain, &f), 0);
	/* ... and with it, the way back from blocked allocates nothing */
	KUNIT_ASSERT_EQ(test, attach(&vtd_blocked_domain, &f), 0);
	KUNIT_EXPECT_EQ(test, attach_no_alloc(&dflt->domain, &f), 0);
	KUNIT_EXPECT_PTR_EQ(test, f.vdev->domain, dflt);

	fake_release(&f);
	vtd_domain_free(&other->domain);
	vtd_domain_free(&dflt->domain);
	/* Both IDs back */
	KUNIT_EXPECT_EQ(test, ida_alloc_range(&unit->did_ida, VTD_DID_FIRST,
					      unit->ndids - 1, GFP_KERNEL),
			VTD_DID_FIRST);
	rec_unit_free(unit);
#else
	kunit_skip(test, "no CONFIG_FAULT_INJECTION");
#endif
}

static struct kunit_case vtd_attach_cases[] = {
	KUNIT_CASE(vtd_pe_flush_type_test),
	KUNIT_CASE(vtd_pe_flush_nested_test),
	KUNIT_CASE(vtd_attach_invalidations_test),
	KUNIT_CASE(vtd_attach_after_commit_test),
	KUNIT_CASE(vtd_attach_locks_test),
	KUNIT_CASE(vtd_default_domain_return_test),
	KUNIT_CASE(vtd_attach_compat_test),
	KUNIT_CASE(vtd_enforce_cc_test),
	KUNIT_CASE(vtd_unit_start_order_test),
	KUNIT_CASE(vtd_qi_ite_resubmit_test),
	KUNIT_CASE(vtd_qi_space_ite_test),
	KUNIT_CASE(vtd_qi_space_head_seen_test),
	KUNIT_CASE(vtd_iotlb_sync_leak_test),
	KUNIT_CASE(vtd_unit_params_test),
	KUNIT_CASE(vtd_release_grace_test),
	KUNIT_CASE(vtd_nest_parent_no_readonly_test),
	{}
};

static struct kunit_suite vtd_attach_suite = {
	.name = "alist_vtd_attach",
	.test_cases = vtd_attach_cases,
};

kunit_test_suite(vtd_attach_suite);
