// SPDX-License-Identifier: GPL-2.0
/*
 * Devices behind the SMMU: fwspec StreamIDs, probe/release, groups,
 * reserved regions, and attach of every domain type through the shared
 * layer's protocol (domain/attach.c, Documentation/architecture.rst),
 * around the STE/CD switch of smmuv3_master_switch().
 */
#include <linux/dma-mapping.h>
#include <linux/of_iommu.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <kunit/visibility.h>

#include "smmuv3.h"

/* Exported by the IOMMU core (CONFIG_IOMMU_DMA); its header is private */
void iommu_dma_get_resv_regions(struct device *dev, struct list_head *list);

/* Drop the master from the lists of its current domain. */
static void smmuv3_master_leave(struct smmuv3_master *master)
{
	struct smmuv3_domain *cc = master->cc_domain;
	struct smmuv3_device *smmu = master->smmu;

	if (cc && !master->canwbs) {
		mutex_lock(&cc->lock);
		cc->non_canwbs--;
		mutex_unlock(&cc->lock);
	}
	master->cc_domain = NULL;
	alist_attach_leave(&SMMUV3_QUEUE(smmu, &smmu->params), master->list,
			   master->parent_list, master->targets,
			   master->num_targets);
	master->num_targets = 0;
	master->list = NULL;
	master->parent_list = NULL;
}

/* After the commit: a failed CMD_SYNC WARNs, the entries are switched */
static void smmuv3_master_switch(struct smmuv3_master *master,
				 const struct smmuv3_attach *a)
{
	struct smmuv3_device *smmu = master->smmu;
	unsigned int i;
	int ret = 0, err;

	mutex_lock(&smmu->entry_lock);
	if (a->has_cd)
		ret = smmuv3_cd_write(master, a->cd);
	for (i = 0; i < master->num_sids; i++) {
		err = smmuv3_ste_write(smmu, master->sids[i],
				       smmuv3_ste_ptr(smmu, master->sids[i]), a->ste);
		if (err && !ret)
			ret = err;
	}
	mutex_unlock(&smmu->entry_lock);
	WARN(ret, "alist_smmuv3: %s: STE/CD invalidation failed after commit: %d\n",
	     dev_name(master->dev), ret);
}

/**
 * smmuv3_master_install() - switch a master to a new domain
 * @master: the master
 * @a: the new domain's entries and targets
 *
 * Every error comes before the commit and leaves the master on its old
 * domain. A device's first attach, and its way back to a DMA API domain,
 * allocate nothing (the lists' reserves, kept when it leaves). Blocked
 * and identity (@a->n 0) never fail.
 *
 * Context: may sleep. The caller holds the group mutex, which serializes
 * the attaches of @master. Takes the lock of @a's cc_domain up to the
 * commit, the SMMU's entry_lock for the switch, then its vevent_lock for
 * the master's vSMMU, the old cc_domain's lock for its count; the shared
 * layer takes the core's update lock.
 * Return: 0; -EINVAL when @a's domain enforces cache coherency and the
 * master is not CANWBS; -ENOMEM keeping the old list's reserve; an error
 * of the core's prepare (-ENOMEM, ...). On error nothing changed.
 */
VISIBLE_IF_KUNIT int smmuv3_master_install(struct smmuv3_master *master,
					   struct smmuv3_attach *a)
{
	struct smmuv3_domain *cc = a->cc_domain;
	struct alist_txn txn;
	int ret = 0;

	/* The check and the count under one hold: enforce_cc cannot slip in */
	if (cc)
		mutex_lock(&cc->lock);
	if (cc && cc->enforce_cc && !master->canwbs) {
		ret = -EINVAL;
		goto out_unlock;
	}
	/*
	 * Leaving the DMA API domain: keep the reserve of the way back. For
	 * blocked and identity (no targets), which must not fail, it is only
	 * tried: without it the way back allocates.
	 */
	if (master->list && !master->parent_list && master->list != a->list &&
	    iommu_is_dma_domain(master->domain)) {
		ret = alist_attach_reserve(master->list, master->num_targets);
		if (ret && a->n)
			goto out_unlock;
	}
	ret = alist_attach_prepare(a->list, a->parent_list, a->t, a->n, &txn);
	if (ret)
		goto out_unlock;
	if (cc && !master->canwbs)
		cc->non_canwbs++;
	alist_attach_commit(&txn);
	if (cc)
		mutex_unlock(&cc->lock);
	smmuv3_master_switch(master, a);
	/* Events of the new STE go to the new domain's vSMMU, if any. */
	mutex_lock(&master->smmu->vevent_lock);
	master->vsmmu = a->vsmmu;
	mutex_unlock(&master->smmu->vevent_lock);
	smmuv3_master_leave(master);
	memcpy(master->targets, a->t, sizeof(a->t[0]) * a->n);
	master->num_targets = a->n;
	master->list = a->list;
	master->parent_list = a->parent_list;
	master->domain = a->domain;
	master->cc_domain = cc;
	return 0;

out_unlock:
	if (cc)
		mutex_unlock(&cc->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_master_install);

static void smmuv3_target_init(struct alist_target *t, struct smmuv3_device *smmu,
			       enum alist_kind kind, u32 tag, u32 vmid)
{
	memset(t, 0, sizeof(*t));
	t->instance = smmu->instance;
	t->kind = kind;
	t->tag = tag;
	t->vmid = vmid;
	t->pasid = ALIST_NO_PASID;
}

/**
 * smmuv3_attach_paging() - attach a device to a paging domain
 * @domain: a stage-1 or stage-2 domain of the device's SMMU, or of
 *	another one it is compatible with (smmuv3_domain_compatible())
 * @dev: the device
 * @old: the domain it leaves (unused: the master records it)
 *
 * The domain's invalidation parameters narrow to the device's SMMU before
 * anything is published (an unmap meanwhile must not send it a command it
 * cannot take); a later failure leaves them narrowed: still correct, at
 * worst more commands.
 *
 * Context: may sleep. Called with the group mutex held; takes the locks
 * of smmuv3_master_install().
 * Return: 0; -EINVAL for a domain its SMMU cannot walk, or for a non-CANWBS
 * device on a domain that enforces cache coherency; -ENOMEM. On error the
 * device stays on its old domain. Once the new domain is published the
 * attach succeeds (see smmuv3_master_install()).
 */
int smmuv3_attach_paging(struct iommu_domain *domain, struct device *dev,
			 struct iommu_domain *old)
{
	struct smmuv3_master *master = dev_iommu_priv_get(dev);
	struct smmuv3_domain *d = to_smmuv3_domain(domain);
	struct smmuv3_attach *a = master->attach;

	if (!smmuv3_domain_compatible(d, master->smmu))
		return -EINVAL;
	smmuv3_domain_params_add(d, master->smmu);
	memset(a, 0, sizeof(*a));
	a->domain = domain;
	a->cc_domain = d;
	a->list = d->list;
	a->n = 1;
	if (d->stage == SMMUV3_STAGE_S1) {
		smmuv3_cd_s1(a->cd, d);
		a->has_cd = true;
		smmuv3_ste_s1(a->ste, master->cd_dma, master->smmu->features);
		smmuv3_target_init(&a->t[0], master->smmu, ALIST_KIND_SMMU_S1, d->tag, 0);
	} else {
		smmuv3_ste_s2(a->ste, d, d->tag);
		smmuv3_target_init(&a->t[0], master->smmu, ALIST_KIND_SMMU_S2, d->tag, 0);
	}
	return smmuv3_master_install(master, a);
}

/**
 * smmuv3_attach_nested() - attach a device to a nested domain
 * @domain: a nested domain of the device's SMMU
 * @dev: the device
 * @old: the domain it leaves (unused: the master records it)
 *
 * The STE nests the user's stage 1 over the parent's stage 2 tagged with
 * the vSMMU's VMID; the parent's list gains SMMU_S2 and SMMU_S1_CLEAR for
 * that VMID, so unmaps on the parent reach the nested translations. A
 * stage-1 translating vSTE needs the device's vDEVICE on the vSMMU first
 * (as Linux): CFGI_CD and ATC_INV name the device by its vSID, and its
 * events carry it. An abort or bypass vSTE does not.
 *
 * Context: may sleep. Called with the group mutex held; takes the SMMU's
 * vevent_lock to look at the vDEVICE, then the locks of
 * smmuv3_master_install().
 * Return: as smmuv3_attach_paging(); -ENOENT for a translating vSTE on a
 * device without a vDEVICE on the vSMMU.
 */
int smmuv3_attach_nested(struct iommu_domain *domain, struct device *dev,
			 struct iommu_domain *old)
{
	struct smmuv3_master *master = dev_iommu_priv_get(dev);
	struct smmuv3_nested *nd = to_smmuv3_nested(domain);
	struct smmuv3_viommu *vsmmu = nd->viommu;
	struct smmuv3_attach *a = master->attach;

	bool has_vdev;

	if (vsmmu->smmu != master->smmu)
		return -EINVAL;
	mutex_lock(&master->smmu->vevent_lock);
	has_vdev = master->vdev && smmuv3_vdev_viommu(master->vdev) == vsmmu;
	mutex_unlock(&master->smmu->vevent_lock);
	if (!has_vdev && (nd->ste[0] & SMMUV3_STE0_V) &&
	    FIELD_GET(SMMUV3_STE0_CFG, nd->ste[0]) == SMMUV3_STE_CFG_S1)
		return -ENOENT;
	memset(a, 0, sizeof(*a));
	a->domain = domain;
	a->vsmmu = vsmmu;
	a->cc_domain = vsmmu->parent;
	smmuv3_ste_nested(a->ste, nd->ste, vsmmu->parent, vsmmu->vmid,
			  vsmmu->smmu->features);
	a->list = nd->list;
	a->parent_list = vsmmu->parent->list;
	a->n = 1;
	smmuv3_target_init(&a->t[0], vsmmu->smmu, ALIST_KIND_SMMU_S1, 0, vsmmu->vmid);
	return smmuv3_master_install(master, a);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_attach_nested);

/*
 * Identity and blocked: the scratch is the master's, there are no targets
 * to prepare, and the reserve of the way back is only tried: nothing can
 * fail.
 */
static int smmuv3_attach_fixed(struct iommu_domain *domain, struct device *dev,
			       void (*build)(u64 *ste))
{
	struct smmuv3_master *master = dev_iommu_priv_get(dev);
	struct smmuv3_attach *a = master->attach;

	memset(a, 0, sizeof(*a));
	a->domain = domain;
	build(a->ste);
	return smmuv3_master_install(master, a);
}

static int smmuv3_attach_identity(struct iommu_domain *domain, struct device *dev,
				  struct iommu_domain *old)
{
	return smmuv3_attach_fixed(domain, dev, smmuv3_ste_bypass);
}

static int smmuv3_attach_blocked(struct iommu_domain *domain, struct device *dev,
				 struct iommu_domain *old)
{
	return smmuv3_attach_fixed(domain, dev, smmuv3_ste_abort);
}

static const struct iommu_domain_ops smmuv3_identity_ops = {
	.attach_dev = smmuv3_attach_identity,
};

static const struct iommu_domain_ops smmuv3_blocked_ops = {
	.attach_dev = smmuv3_attach_blocked,
};

struct iommu_domain smmuv3_identity_domain = {
	.type = IOMMU_DOMAIN_IDENTITY,
	.ops = &smmuv3_identity_ops,
};

struct iommu_domain smmuv3_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &smmuv3_blocked_ops,
};
EXPORT_SYMBOL_IF_KUNIT(smmuv3_blocked_domain);

static int smmuv3_cmp_sid(const void *a, const void *b)
{
	u32 l = *(const u32 *)a, r = *(const u32 *)b;

	return l < r ? -1 : l > r;
}

/* Out of the StreamID lookup: the event thread no longer finds @master. */
static void smmuv3_streams_erase(struct smmuv3_master *master)
{
	struct smmuv3_device *smmu = master->smmu;
	unsigned int i;

	mutex_lock(&smmu->vevent_lock);
	for (i = 0; i < master->num_sids; i++)
		xa_cmpxchg(&smmu->streams, master->sids[i], master, NULL, 0);
	mutex_unlock(&smmu->vevent_lock);
}

static struct iommu_device *smmuv3_probe_device(struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	struct smmuv3_master *master;
	struct smmuv3_device *smmu;
	unsigned int i, n = 0;
	int ret;

	if (!fwspec || !fwspec->num_ids)
		return ERR_PTR(-ENODEV);
	smmu = smmuv3_find_by_fwnode(fwspec->iommu_fwnode);
	if (!smmu)
		return ERR_PTR(-ENODEV);

	master = kzalloc_obj(*master);
	if (!master)
		return ERR_PTR(-ENOMEM);
	master->smmu = smmu;
	master->dev = dev;
	master->canwbs = !!(fwspec->flags & IOMMU_FWSPEC_PCI_RC_CANWBS);
	master->attach = kzalloc_obj(*master->attach);
	if (!master->attach) {
		ret = -ENOMEM;
		goto err_free_master;
	}
	master->sids = kmemdup_array(fwspec->ids, fwspec->num_ids, sizeof(u32),
				     GFP_KERNEL);
	if (!master->sids) {
		ret = -ENOMEM;
		goto err_free_master;
	}
	sort(master->sids, fwspec->num_ids, sizeof(u32), smmuv3_cmp_sid, NULL);
	for (i = 0; i < fwspec->num_ids; i++) {
		if (n && master->sids[n - 1] == master->sids[i])
			continue;
		master->sids[n++] = master->sids[i];
		ret = smmuv3_strtab_prepare_sid(smmu, master->sids[i]);
		if (ret)
			goto err_free_sids;
	}
	master->num_sids = n;
	/* A StreamID another master has (an alias) keeps its first owner. */
	mutex_lock(&smmu->vevent_lock);
	for (i = 0; i < n; i++) {
		ret = xa_insert(&smmu->streams, master->sids[i], master, GFP_KERNEL);
		if (ret && ret != -EBUSY)
			break;
		ret = 0;
	}
	mutex_unlock(&smmu->vevent_lock);
	if (ret)
		goto err_erase_streams;
	master->cd = dma_alloc_coherent(smmu->dev, SMMUV3_CD_DWORDS * sizeof(u64),
					&master->cd_dma, GFP_KERNEL);
	if (!master->cd) {
		ret = -ENOMEM;
		goto err_erase_streams;
	}
	dev_iommu_priv_set(dev, master);
	return &smmu->iommu;

err_erase_streams:
	smmuv3_streams_erase(master);
err_free_sids:
	kfree(master->sids);
err_free_master:
	kfree(master->attach);
	kfree(master);
	return ERR_PTR(ret);
}

static void smmuv3_release_device(struct device *dev)
{
	struct smmuv3_master *master = dev_iommu_priv_get(dev);

	/* The core attached the release (blocked) domain: nothing uses the CD. */
	WARN_ON(master->num_targets);
	smmuv3_streams_erase(master);
	dma_free_coherent(master->smmu->dev, SMMUV3_CD_DWORDS * sizeof(u64),
			  master->cd, master->cd_dma);
	kfree(master->sids);
	kfree(master->attach);
	kfree(master);
}

static struct iommu_group *smmuv3_device_group(struct device *dev)
{
	if (dev_is_pci(dev))
		return pci_device_group(dev);
	return generic_device_group(dev);
}

static int smmuv3_of_xlate(struct device *dev, const struct of_phandle_args *args)
{
	if (args->args_count != 1)
		return -EINVAL;
	return iommu_fwspec_add_ids(dev, args->args, 1);
}

static void smmuv3_get_resv_regions(struct device *dev, struct list_head *head)
{
	struct iommu_resv_region *region;

	region = iommu_alloc_resv_region(SMMUV3_MSI_IOVA_BASE, SMMUV3_MSI_IOVA_LENGTH,
					 IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO,
					 IOMMU_RESV_SW_MSI, GFP_KERNEL);
	if (region)
		list_add_tail(&region->list, head);
	/* The firmware's own: DT reserved-memory or IORT RMR nodes (ACPI) */
	if (IS_ENABLED(CONFIG_IOMMU_DMA))
		iommu_dma_get_resv_regions(dev, head);
	else
		of_iommu_get_resv_regions(dev, head);
}

static bool smmuv3_capable(struct device *dev, enum iommu_cap cap)
{
	struct smmuv3_master *master = dev_iommu_priv_get(dev);

	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
		return master->smmu->features & SMMUV3_FEAT_COHERENT;
	case IOMMU_CAP_ENFORCE_CACHE_COHERENCY:
		/*
		 * Only a device whose traffic is always write-back cacheable:
		 * S2FWB overrides the memory type of stage 1, not PCIe
		 * No-Snoop. Same rule as smmuv3_enforce_cache_coherency().
		 */
		return master->canwbs;
	case IOMMU_CAP_NOEXEC:
		return true;
	default:
		return false;
	}
}

const struct iommu_ops smmuv3_iommu_ops = {
	.capable = smmuv3_capable,
	.hw_info = smmuv3_hw_info,
	.identity_domain = &smmuv3_identity_domain,
	.blocked_domain = &smmuv3_blocked_domain,
	.release_domain = &smmuv3_blocked_domain,
	.domain_alloc_paging_flags = smmuv3_domain_alloc_paging_flags,
	.probe_device = smmuv3_probe_device,
	.release_device = smmuv3_release_device,
	.device_group = smmuv3_device_group,
	.of_xlate = smmuv3_of_xlate,
	.get_resv_regions = smmuv3_get_resv_regions,
	.get_viommu_size = smmuv3_get_viommu_size,
	.viommu_init = smmuv3_viommu_init,
	.default_domain_ops = &smmuv3_paging_ops,
	.owner = THIS_MODULE,
};
EXPORT_SYMBOL_IF_KUNIT(smmuv3_iommu_ops);
