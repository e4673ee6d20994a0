// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: devices. probe/release, groups, reserved regions, ATS, and
 * attach of every domain type through the shared layer's protocol
 * (domain/attach.c, Documentation/architecture.rst), around the PASID
 * entry switch of vtd_pe_install().
 */
#include <linux/bitfield.h>
#include <linux/pci.h>
#include <linux/pci-ats.h>
#include <linux/slab.h>

#include "vtd.h"

#define VTD_IOAPIC_START	0xfee00000UL
#define VTD_IOAPIC_SIZE		0x100000UL

static struct vtd_unit *vtd_unit_for_pci(struct pci_dev *pdev)
{
	u16 seg = pci_domain_nr(pdev->bus);
	unsigned int i;

	for (i = 0; i < VTD_MAX_UNITS; i++) {
		struct vtd_unit *unit = vtd_unit_from_instance(i);

		if (unit && unit->reg && !unit->drhd.include_all &&
		    vtd_scope_match_pci(unit->drhd.scopes, unit->drhd.nscopes,
					seg, unit->drhd.segment, pdev))
			return unit;
	}
	for (i = 0; i < VTD_MAX_UNITS; i++) {
		struct vtd_unit *unit = vtd_unit_from_instance(i);

		if (unit && unit->reg && unit->drhd.include_all &&
		    unit->drhd.segment == seg)
			return unit;
	}
	return NULL;
}

/*
 * A device's PASID tables go back to the allocator only when its context
 * entry is known gone from the unit (@err 0); otherwise the unit may still
 * walk them: they are leaked, like a page-table page whose invalidation
 * failed.
 */
static void vtd_dev_free_tables(struct vtd_dev *vdev, int err)
{
	if (err) {
		pr_err_ratelimited("alist_vtd %s: context entry of %04x not invalidated (%d): PASID tables leaked\n",
				   vdev->unit->name, vdev->sid, err);
		return;
	}
	free_page((unsigned long)vdev->pasid_table);
	free_page((unsigned long)vdev->pasid_dir);
}

static struct vtd_dev *vtd_dev_alloc(struct vtd_unit *unit,
				     struct pci_dev *pdev)
{
	struct vtd_dev *vdev;
	int ret;

	vdev = kzalloc_obj(*vdev);
	if (!vdev)
		return ERR_PTR(-ENOMEM);
	vdev->unit = unit;
	vdev->pdev = pdev;
	vdev->sid = pci_dev_id(pdev);
	/*
	 * PFSID in device-TLB descriptors: the physical function's source ID
	 * only with device-TLB throttling (ECAP.DIT); without it the field is
	 * reserved and must be 0 (QEMU rejects the descriptor with IQE).
	 */
	if (unit->ecap & VTD_ECAP_DIT)
		vdev->pfsid = pci_dev_id(pci_physfn(pdev));
	INIT_LIST_HEAD(&vdev->node);
	INIT_LIST_HEAD(&vdev->dom_node);
	if ((unit->ecap & VTD_ECAP_DT) && pdev->ats_cap &&
	    pci_ats_supported(pdev)) {
		u16 cap;

		pci_read_config_word(pdev, pdev->ats_cap + PCI_ATS_CAP, &cap);
		vdev->ats = true;
		vdev->ats_qdep = PCI_ATS_CAP_QDEP(cap) ?: PCI_ATS_MAX_QDEP;
	}
	vdev->pasid_dir = (u64 *)get_zeroed_page(GFP_KERNEL);
	vdev->pasid_table = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (!vdev->pasid_dir || !vdev->pasid_table) {
		ret = -ENOMEM;
		goto err_free_tables;
	}
	vtd_flush_cache(unit, vdev->pasid_table, PAGE_SIZE);
	/* Directory entry 0: PASIDs 0-63, present */
	vdev->pasid_dir[0] = virt_to_phys(vdev->pasid_table) | VTD_ENTRY_P;
	vtd_flush_cache(unit, vdev->pasid_dir, PAGE_SIZE);
	ret = vtd_unit_ctx_install(unit, vdev);
	if (ret)
		goto err_free_tables;
	return vdev;

err_free_tables:
	/* -ENOMEM: no entry written; any other error: the unit may have seen it */
	vtd_dev_free_tables(vdev, ret == -ENOMEM ? 0 : ret);
	kfree(vdev);
	return ERR_PTR(ret);
}

static void vtd_dev_free(struct vtd_dev *vdev)
{
	vtd_dev_free_tables(vdev, vtd_unit_ctx_clear(vdev->unit, vdev));
	kfree(vdev);
}

/* The IOTLB invalidation that goes with a PASID entry of type @pgtt */
static void vtd_desc_pe_iotlb(struct alist_cmd *d, struct vtd_unit *unit,
			      unsigned int pgtt, u16 did)
{
	if (pgtt == VTD_PGTT_FS || pgtt == VTD_PGTT_PT)
		vtd_desc_piotlb_all(d, did, 0);
	else
		vtd_desc_iotlb_dsi(d, unit->cap, did);
}

/**
 * vtd_pe_install() - replace a device's RID2PASID (PASID 0) entry
 * @vdev: the device
 * @pe: the new entry (8 quadwords), or NULL for a non-present one
 *
 * A present entry is first made non-present and its caches invalidated:
 * PASID cache, then the IOTLB as the VT-d specification's guidance for a
 * torn-down entry asks (Linux's intel/pasid.c applies it the same way):
 * PASID-selective PASID-based IOTLB for first-stage and pass-through
 * entries, domain-selective IOTLB for second-stage and nested ones (their
 * second-stage translations are tagged by DID alone); then the device
 * TLB. One wait covers the three: the unit executes its queue in order,
 * which Linux's own batches of IOTLB and device-TLB descriptors rely on.
 * This teardown leaves every tag and device TLB of the old domain's
 * targets clean, so leaving its list flushes nothing more
 * (alist_attach_detach()).
 *
 * A unit without caching mode (CAP.CM) caches no non-present entry: the
 * new entry needs no invalidation. With it, the entry gets those of a
 * present one (PASID cache and IOTLB), as Linux gives it.
 *
 * Context: process; does not sleep. Caller holds the unit's ctx_lock,
 * which orders every writer of the unit's PASID entries.
 * Return: 0, or the first error of the queue (the entry is written all
 * the same).
 */
VISIBLE_IF_KUNIT int vtd_pe_install(struct vtd_dev *vdev, const u64 *pe)
{
	struct vtd_unit *unit = vdev->unit;
	u64 *slot = vdev->pasid_table;
	struct alist_cmd d[3];
	unsigned int n = 0;
	u64 old0 = READ_ONCE(slot[0]);
	int ret = 0, i;
	u16 did;

	lockdep_assert_held(&unit->ctx_lock);
	if (old0 & VTD_ENTRY_P) {
		did = FIELD_GET(VTD_PE1_DID, READ_ONCE(slot[1]));
		WRITE_ONCE(slot[0], old0 & ~VTD_ENTRY_P);
		vtd_flush_cache(unit, slot, 64);
		vtd_desc_pc_pasid(&d[n++], did, 0);
		vtd_desc_pe_iotlb(&d[n++], unit, FIELD_GET(VTD_PE0_PGTT, old0),
				  did);
		if (vdev->ats_enabled)
			vtd_desc_devtlb_all(&d[n++], vdev->sid, vdev->pfsid,
					    vdev->ats_qdep);
		ret = vtd_qi_submit(unit, d, n, true);
	}
	if (!pe) {
		for (i = 1; i < 8; i++)
			WRITE_ONCE(slot[i], 0);
		vtd_flush_cache(unit, slot, 64);
		return ret;
	}
	for (i = 7; i >= 1; i--)
		WRITE_ONCE(slot[i], pe[i]);
	vtd_flush_cache(unit, slot, 64);
	dma_wmb();
	WRITE_ONCE(slot[0], pe[0]);
	vtd_flush_cache(unit, slot, 64);
	if (!unit->caching_mode)
		return ret;
	did = FIELD_GET(VTD_PE1_DID, pe[1]);
	vtd_desc_pc_pasid(&d[0], did, 0);
	vtd_desc_pe_iotlb(&d[1], unit, FIELD_GET(VTD_PE0_PGTT, pe[0]), did);
	return vtd_qi_submit(unit, d, 2, true) ?: ret;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_pe_install);

/*
 * After the commit: the entry is switched whatever the invalidation
 * reports. A time-out is the hardware's or an ATS device's that does not
 * answer (a device must not be able to trigger a WARN): logged. Any other
 * error is this driver's bug: WARN.
 */
static void vtd_pe_switch(struct vtd_dev *vdev, const u64 *pe)
{
	int ret;

	mutex_lock(&vdev->unit->ctx_lock);
	ret = vtd_pe_install(vdev, pe);
	mutex_unlock(&vdev->unit->ctx_lock);

	if (ret == -ETIMEDOUT)
		pr_err_ratelimited("alist_vtd %s: PASID entry of %04x switched, invalidation timed out\n",
				   vdev->unit->name, vdev->sid);
	else
		WARN(ret, "alist_vtd %s: PASID entry of %04x switched, invalidation reported %d\n",
		     vdev->unit->name, vdev->sid, ret);
}

/**
 * vtd_domain_snoop_devices() - set PGSNP in the entries of attached devices
 * @d: a first-stage domain whose force_snoop was just set
 *
 * Context: process. Caller holds @d->lock; takes each device's unit's
 * ctx_lock for its entry.
 * Return: nothing; a failed invalidation is logged.
 */
void vtd_domain_snoop_devices(struct vtd_domain *d)
{
	struct vtd_dev *vdev;

	lockdep_assert_held(&d->lock);
	list_for_each_entry(vdev, &d->devices, dom_node) {
		struct vtd_unit *unit = vdev->unit;
		u64 *slot = vdev->pasid_table;
		u16 did = FIELD_GET(VTD_PE1_DID, READ_ONCE(slot[1]));
		struct alist_cmd c[3];
		unsigned int n = 0;
		int ret;

		mutex_lock(&unit->ctx_lock);
		WRITE_ONCE(slot[1], READ_ONCE(slot[1]) | VTD_PE1_PGSNP);
		vtd_flush_cache(unit, slot, 64);
		vtd_desc_pc_pasid(&c[n++], did, 0);
		vtd_desc_piotlb_all(&c[n++], did, 0);
		if (vdev->ats_enabled)
			vtd_desc_devtlb_all(&c[n++], vdev->sid, vdev->pfsid,
					    vdev->ats_qdep);
		ret = vtd_qi_submit(unit, c, n, true);
		mutex_unlock(&unit->ctx_lock);
		if (ret)
			pr_err("alist_vtd %s: page-snoop switch of %04x not invalidated\n",
			       unit->name, vdev->sid);
	}
}

static void vtd_pe_identity(struct vtd_dev *vdev, u64 pe[8])
{
	struct vtd_pe_cfg cfg = {
		.pgtt = VTD_PGTT_PT,
		.did = VTD_DID_IDENTITY,
		.aw = vdev->unit->agaw,
		.pwsnp = vdev->unit->ecap & VTD_ECAP_SMPWC,
	};

	vtd_pasid_entry_build(pe, &cfg);
}

static void vtd_pe_domain(struct vtd_dev *vdev, struct vtd_domain *d,
			  u64 pe[8])
{
	struct vtd_unit *unit = vdev->unit;
	struct vtd_pe_cfg cfg = {
		.did = d->did[unit->index],
		.aw = unit->agaw,
		.pwsnp = unit->ecap & VTD_ECAP_SMPWC,
		.pgsnp = d->force_snoop,
	};
	struct pt_iommu_vtdss_hw_info ss;
	struct pt_iommu_x86_64_hw_info fs;

	switch (d->kind) {
	case VTD_DOM_SS:
		pt_iommu_vtdss_hw_info(&d->sspt, &ss);
		cfg.pgtt = VTD_PGTT_SS;
		cfg.ssptptr = ss.ssptptr;
		cfg.aw = ss.aw;
		break;
	case VTD_DOM_FS:
		pt_iommu_x86_64_hw_info(&d->fspt, &fs);
		cfg.pgtt = VTD_PGTT_FS;
		cfg.fsptptr = fs.gcr3_pt;
		cfg.flpm = fs.levels == 5 ? 1 : 0;
		break;
	case VTD_DOM_NESTED:
		pt_iommu_vtdss_hw_info(&d->parent->sspt, &ss);
		cfg.pgtt = VTD_PGTT_NESTED;
		cfg.ssptptr = ss.ssptptr;
		cfg.aw = ss.aw;
		cfg.fsptptr = d->s1.pgtbl_addr;
		cfg.flpm = d->s1.addr_width == 57 ? 1 : 0;
		cfg.sre = d->s1.flags & IOMMU_VTD_S1_SRE;
		cfg.wpe = d->s1.flags & IOMMU_VTD_S1_WPE;
		cfg.eafe = d->s1.flags & IOMMU_VTD_S1_EAFE;
		cfg.pgsnp = READ_ONCE(d->parent->force_snoop);
		break;
	}
	vtd_pasid_entry_build(pe, &cfg);
}

static unsigned int vtd_dev_targets(struct vtd_dev *vdev, struct vtd_domain *d,
				    struct alist_target *t)
{
	struct vtd_unit *unit = vdev->unit;
	unsigned int n = 0;

	memset(t, 0, VTD_DEV_TARGETS * sizeof(*t));
	t[n].instance = unit->index;
	t[n].kind = d->kind == VTD_DOM_SS ? ALIST_KIND_VTD_IOTLB :
					    ALIST_KIND_VTD_PIOTLB;
	t[n].tag = d->did[unit->index];
	t[n++].pasid = ALIST_NO_PASID;
	if (vdev->ats_enabled) {
		t[n].instance = unit->index;
		t[n].kind = ALIST_KIND_ATC;
		t[n].atc_qdep = vdev->ats_qdep >= 32 ? 0 : vdev->ats_qdep;
		t[n].pasid = ALIST_NO_PASID;
		t[n].sid = vdev->sid;
		t[n++].pfsid = vdev->pfsid;
	}
	return n;
}

/*
 * Take @vdev off its domain's lists, after vtd_pe_switch(): the teardown
 * of its old entry left what its targets name clean.
 */
static void vtd_dev_leave(struct vtd_dev *vdev)
{
	struct vtd_domain *old = vdev->domain;

	if (!old)
		return;
	lockdep_assert_held(&old->lock);
	alist_attach_detach(old->list,
			    old->kind == VTD_DOM_NESTED ? old->parent->list : NULL,
			    vdev->targets, vdev->ntargets);
	vtd_domain_did_put(old, vdev->unit);
	list_del_init(&vdev->dom_node);
	vdev->domain = NULL;
	vdev->ntargets = 0;
}

/*
 * Lower address first: two replaces in opposite directions cannot
 * deadlock. Either may be NULL or both the same.
 */
static void vtd_domain_lock_pair(struct vtd_domain *a, struct vtd_domain *b)
{
	if (!a || a == b) {
		a = b;
		b = NULL;
	}
	if (a && b && a > b)
		swap(a, b);
	if (a)
		mutex_lock(&a->lock);
	if (b)
		mutex_lock_nested(&b->lock, SINGLE_DEPTH_NESTING);
}

static void vtd_domain_unlock_pair(struct vtd_domain *a, struct vtd_domain *b)
{
	if (a)
		mutex_unlock(&a->lock);
	if (b && b != a)
		mutex_unlock(&b->lock);
}

/*
 * Leaving the DMA API domain: keep its list's reserve for the way back,
 * which must not fail (taken when the device leaves, kept while away).
 * Return: 0, or -ENOMEM when it could not be taken.
 */
static int vtd_keep_way_back(struct vtd_dev *vdev)
{
	struct vtd_domain *d = vdev->domain;

	if (!d || d->kind == VTD_DOM_NESTED || !iommu_is_dma_domain(&d->domain))
		return 0;
	return alist_attach_reserve(d->list, vdev->ntargets);
}

/**
 * vtd_attach_paging() - attach a paging or nested domain to a device
 * @domain: the domain
 * @dev: the device
 * @old: the domain it had (unused: the driver tracks its own)
 *
 * Every error comes before the commit and leaves the device on its old
 * domain. A device's first attach, and its way back to a DMA API domain,
 * allocate nothing: the list's reserve and the domain's ID on its home
 * unit (vtd_paging_alloc()) were taken before.
 *
 * Context: process; the group mutex is held. Takes the locks of the old
 * and the new domain for the whole switch, the unit's ctx_lock for the
 * PASID entry.
 * Return: 0; -EINVAL when the domain does not fit the unit (see
 * vtd_domain_compatible()); -ENOSPC without a free domain ID; -ENOMEM.
 */
int vtd_attach_paging(struct iommu_domain *domain, struct device *dev,
		      struct iommu_domain *old)
{
	struct vtd_dev *vdev = dev_iommu_priv_get(dev);
	struct vtd_domain *d = to_vtd_domain(domain);
	struct alist_target t[VTD_DEV_TARGETS];
	struct vtd_domain *prev = vdev->domain;
	struct vtd_unit *unit = vdev->unit;
	struct alist_txn txn;
	unsigned int n;
	u64 pe[8];
	int ret;

	ret = vtd_domain_compatible(d, unit);
	if (ret)
		return ret;
	if (prev == d)
		return 0;
	vtd_domain_lock_pair(prev, d);
	/* Again under d->lock: enforce_cache_coherency() may have run */
	ret = vtd_domain_compatible(d, unit);
	if (ret)
		goto out_unlock;
	ret = vtd_domain_did_get(d, unit);
	if (ret)
		goto out_unlock;
	ret = vtd_keep_way_back(vdev);
	if (ret)
		goto err_put_did;
	n = vtd_dev_targets(vdev, d, t);
	ret = alist_attach_prepare(d->list, d->kind == VTD_DOM_NESTED ?
				   d->parent->list : NULL, t, n, &txn);
	if (ret)
		goto err_put_did;
	alist_attach_commit(&txn);
	vtd_pe_domain(vdev, d, pe);
	vtd_pe_switch(vdev, pe);
	vtd_dev_leave(vdev);
	vdev->domain = d;
	list_add_tail(&vdev->dom_node, &d->devices);
	vdev->identity = false;
	memcpy(vdev->targets, t, sizeof(t));
	vdev->ntargets = n;
	vtd_domain_unlock_pair(prev, d);
	return 0;

err_put_did:
	vtd_domain_did_put(d, unit);
out_unlock:
	vtd_domain_unlock_pair(prev, d);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_attach_paging);

/*
 * Identity (@pe) or blocked (NULL): no targets, and the reserve of the way
 * back is only tried (without it the way back allocates): nothing can fail.
 */
static int vtd_attach_fixed(struct vtd_dev *vdev, const u64 *pe)
{
	struct vtd_domain *prev = vdev->domain;

	vtd_domain_lock_pair(prev, NULL);
	vtd_keep_way_back(vdev);
	vtd_pe_switch(vdev, pe);
	vtd_dev_leave(vdev);
	vdev->identity = !!pe;
	vtd_domain_unlock_pair(prev, NULL);
	return 0;
}

static int vtd_attach_identity(struct iommu_domain *domain, struct device *dev,
			       struct iommu_domain *old)
{
	struct vtd_dev *vdev = dev_iommu_priv_get(dev);
	u64 pe[8];

	/* Refused before anything changes; def_domain_type avoids it */
	if (!(vdev->unit->ecap & VTD_ECAP_PT))
		return -EINVAL;
	vtd_pe_identity(vdev, pe);
	return vtd_attach_fixed(vdev, pe);
}

static int vtd_attach_blocked(struct iommu_domain *domain, struct device *dev,
			      struct iommu_domain *old)
{
	return vtd_attach_fixed(dev_iommu_priv_get(dev), NULL);
}

/* Blocked and identity attach allocate nothing and do not fail */
struct iommu_domain vtd_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &(const struct iommu_domain_ops) {
		.attach_dev = vtd_attach_blocked,
	},
};
EXPORT_SYMBOL_IF_KUNIT(vtd_blocked_domain);

struct iommu_domain vtd_identity_domain = {
	.type = IOMMU_DOMAIN_IDENTITY,
	.ops = &(const struct iommu_domain_ops) {
		.attach_dev = vtd_attach_identity,
	},
};
EXPORT_SYMBOL_IF_KUNIT(vtd_identity_domain);

/**
 * vtd_def_domain_type() - the default domain a device needs
 * @dev: the device
 *
 * Context: process; called by the IOMMU core.
 * Return: IOMMU_DOMAIN_DMA on a unit without pass-through (ECAP.PT), so
 * the core never asks for identity there; else 0 (the core decides).
 */
int vtd_def_domain_type(struct device *dev)
{
	struct vtd_dev *vdev = dev_iommu_priv_get(dev);

	if (vdev && !(vdev->unit->ecap & VTD_ECAP_PT))
		return IOMMU_DOMAIN_DMA;
	return 0;
}

/**
 * vtd_probe_device() - take a PCI device in a unit's scope
 * @dev: the device; one that has a driver keeps its identity entry
 *
 * Context: process; called by the IOMMU core.
 * Return: the unit's IOMMU, ERR_PTR(-ENODEV) for devices that are not
 * ours, or another ERR_PTR.
 */
struct iommu_device *vtd_probe_device(struct device *dev)
{
	struct pci_dev *pdev;
	struct vtd_unit *unit;
	struct vtd_dev *vdev;

	if (!dev_is_pci(dev) || dev->driver)
		return ERR_PTR(-ENODEV);
	pdev = to_pci_dev(dev);
	unit = vtd_unit_for_pci(pdev);
	/*
	 * Registering one unit probes every device of the bus: those of a
	 * unit not started yet wait for its own registration.
	 */
	if (!unit || !READ_ONCE(unit->registered))
		return ERR_PTR(-ENODEV);
	vdev = vtd_dev_alloc(unit, pdev);
	if (IS_ERR(vdev))
		return ERR_CAST(vdev);
	if (vdev->ats && !pci_enable_ats(pdev, PAGE_SHIFT))
		vdev->ats_enabled = true;
	dev_iommu_priv_set(dev, vdev);
	dev_info(dev, "alist_vtd: on %s%s\n", unit->name,
		 vdev->ats_enabled ? ", ATS enabled" : "");
	return &unit->iommu;
}

/**
 * vtd_dev_release() - free a device's state once no flush can reach it
 * @vdev: the device, already on the blocked domain (its targets left)
 *
 * A flush that read its old domain's list before may still be sending it
 * device-TLB invalidations (RCU readers): a grace period passes before
 * ATS goes off and the device's memory goes.
 *
 * Context: process; sleeps (synchronize_rcu()). The group mutex is held.
 * Return: nothing.
 */
VISIBLE_IF_KUNIT void vtd_dev_release(struct vtd_dev *vdev)
{
	synchronize_rcu();
	if (vdev->ats_enabled)
		pci_disable_ats(vdev->pdev);
	vtd_dev_free(vdev);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_dev_release);

/**
 * vtd_release_device() - forget a device
 * @dev: the device, already attached to the blocked (release) domain
 *
 * Context: process; called by the IOMMU core. Sleeps (a grace period).
 * Return: nothing.
 */
void vtd_release_device(struct device *dev)
{
	struct vtd_dev *vdev = dev_iommu_priv_get(dev);

	/*
	 * No dev_iommu_priv_set(dev, NULL): the core frees dev->iommu right
	 * after this, and calls it without iommu_probe_device_lock when it
	 * removes the devices of an unregistered unit (the init's error
	 * path), where setting priv warns.
	 */
	vtd_dev_release(vdev);
}

/**
 * vtd_device_group() - the device's IOMMU group
 * @dev: a PCI device
 *
 * Context: process; called by the IOMMU core.
 * Return: pci_device_group().
 */
struct iommu_group *vtd_device_group(struct device *dev)
{
	return pci_device_group(dev);
}

/**
 * vtd_get_resv_regions() - RMRRs naming the device, and the interrupt range
 * @dev: the device
 * @head: list to add to
 *
 * Context: process; called by the IOMMU core.
 * Return: nothing.
 */
void vtd_get_resv_regions(struct device *dev, struct list_head *head)
{
	struct pci_dev *pdev = to_pci_dev(dev);
	struct iommu_resv_region *r;
	unsigned int i;

	for (i = 0; i < vtd_dmar.nrmrr; i++) {
		const struct vtd_rmrr *rm = &vtd_dmar.rmrr[i];

		if (!vtd_scope_match_pci(rm->scopes, rm->nscopes,
					 pci_domain_nr(pdev->bus), rm->segment,
					 pdev))
			continue;
		r = iommu_alloc_resv_region(rm->base, rm->last - rm->base + 1,
					    IOMMU_READ | IOMMU_WRITE,
					    IOMMU_RESV_DIRECT, GFP_KERNEL);
		if (r)
			list_add_tail(&r->list, head);
	}
	r = iommu_alloc_resv_region(VTD_IOAPIC_START, VTD_IOAPIC_SIZE,
				    IOMMU_WRITE | IOMMU_MMIO, IOMMU_RESV_MSI,
				    GFP_KERNEL);
	if (r)
		list_add_tail(&r->list, head);
}

/* Give @pdev, which has a driver, its identity entry on @unit. */
static int vtd_unit_keep_dev(struct vtd_unit *unit, struct pci_dev *pdev)
{
	struct vtd_dev *vdev;
	u64 pe[8];
	int ret;

	vdev = vtd_dev_alloc(unit, pdev);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	list_add_tail(&vdev->node, &unit->bound);
	vtd_pe_identity(vdev, pe);
	mutex_lock(&unit->ctx_lock);
	ret = vtd_pe_install(vdev, pe);
	mutex_unlock(&unit->ctx_lock);
	if (ret)
		return ret;
	pci_info(pdev, "alist_vtd: has driver %s, kept in identity on %s\n",
		 pdev->dev.driver ? pdev->dev.driver->name : "(test)",
		 unit->name);
	return 0;
}

/**
 * vtd_unit_keep_bound() - identity for devices that have a driver at load
 * @unit: the unit, translation still off
 *
 * Their drivers keep DMAing with physical addresses once translation is
 * on. A unit without pass-through (ECAP.PT) is not started instead, so
 * their DMA is never blocked. A recording unit (KUnit) takes the devices
 * the test names (@unit->test_bound) instead of walking PCI.
 *
 * Context: process, module init.
 * Return: 0; -EOPNOTSUPP when a device must be kept and the unit has no
 * pass-through; -ENOMEM or an invalidation's error. Devices kept before
 * an error are on @unit->bound for vtd_unit_free_bound().
 */
int vtd_unit_keep_bound(struct vtd_unit *unit)
{
	struct pci_dev *pdev = NULL;
	unsigned int i;
	int ret;

	if (alist_recording(unit->recorder)) {
		for (i = 0; i < unit->test_nbound; i++) {
			pdev = unit->test_bound[i];
			if (!(unit->ecap & VTD_ECAP_PT))
				return -EOPNOTSUPP;
			ret = vtd_unit_keep_dev(unit, pdev);
			if (ret)
				return ret;
		}
		return 0;
	}
	for_each_pci_dev(pdev) {
		if (!pdev->dev.driver || vtd_unit_for_pci(pdev) != unit)
			continue;
		if (!(unit->ecap & VTD_ECAP_PT)) {
			pci_err(pdev, "alist_vtd: has driver %s and %s has no pass-through: unit not started (load alist_vtd before drivers bind)\n",
				pdev->dev.driver->name, unit->name);
			pci_dev_put(pdev);
			return -EOPNOTSUPP;
		}
		ret = vtd_unit_keep_dev(unit, pdev);
		if (ret) {
			pci_dev_put(pdev);
			return ret;
		}
	}
	return 0;
}

/**
 * vtd_unit_free_bound() - undo vtd_unit_keep_bound()
 * @unit: the unit
 *
 * Context: process, module init failure or exit.
 * Return: nothing.
 */
void vtd_unit_free_bound(struct vtd_unit *unit)
{
	struct vtd_dev *vdev, *tmp;

	list_for_each_entry_safe(vdev, tmp, &unit->bound, node) {
		list_del(&vdev->node);
		mutex_lock(&unit->ctx_lock);
		vtd_pe_install(vdev, NULL);
		mutex_unlock(&unit->ctx_lock);
		vtd_dev_free(vdev);
	}
}
