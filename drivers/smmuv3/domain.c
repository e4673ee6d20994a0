// SPDX-License-Identifier: GPL-2.0
/*
 * Paging domains: stage 1 (io-pgtable ARM_64_LPAE_S1, an ASID) and stage 2
 * (ARM_64_LPAE_S2, a VMID; the nest parent). Their flushes are the shared
 * layer's (domain/flush.c), issued to the queue of queue.c.
 *
 * io-pgtable-arm frees a table right after tlb_flush_walk(), which here
 * waits for its CMD_SYNC, so no walk can reach a freed table. Leaf unmaps
 * only gather the range; iotlb_sync() issues it.
 */
#include <linux/idr.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "smmuv3.h"

static DEFINE_IDA(smmuv3_asids);
static DEFINE_IDA(smmuv3_vmids);

/* Test builds only: the skip_flush fault attribute */
struct alist_test_hooks smmuv3_test_hooks = ALIST_TEST_HOOKS_INIT;

static struct ida *smmuv3_tag_ida(enum smmuv3_stage stage)
{
	return stage == SMMUV3_STAGE_S1 ? &smmuv3_asids : &smmuv3_vmids;
}

/**
 * smmuv3_tag_alloc() - allocate an ASID (stage 1) or a VMID (stage 2)
 * @smmu: the SMMU (its ASID or VMID width)
 * @stage: which of the two
 * @tag: the tag, from 1 (VMID 0 tags stage-1-only STEs)
 *
 * No lock needed.
 * Return: 0, -ENOSPC or -ENOMEM.
 */
int smmuv3_tag_alloc(struct smmuv3_device *smmu, enum smmuv3_stage stage, u32 *tag)
{
	unsigned int bits = stage == SMMUV3_STAGE_S1 ? smmu->asid_bits : smmu->vmid_bits;
	int id = ida_alloc_range(smmuv3_tag_ida(stage), 1, (1U << bits) - 1, GFP_KERNEL);

	if (id < 0)
		return id;
	*tag = id;
	return 0;
}

/**
 * smmuv3_tag_free() - free an ASID or a VMID
 * @stage: which of the two
 * @tag: from smmuv3_tag_alloc(), left clean in the TLBs
 *
 * No lock needed.
 */
void smmuv3_tag_free(enum smmuv3_stage stage, u32 tag)
{
	ida_free(smmuv3_tag_ida(stage), tag);
}

static void smmuv3_tlb_flush_all(void *cookie)
{
	struct smmuv3_domain *d = cookie;

	alist_flush_all(&SMMUV3_QUEUE(d->smmu, &d->params), d->list);
}

static void smmuv3_tlb_flush_walk(unsigned long iova, size_t size, size_t granule,
				  void *cookie)
{
	/* Synchronous: io-pgtable frees the table once this returns. */
	smmuv3_inv_range(cookie, iova, iova + size - 1, ilog2(granule), false);
}

static void smmuv3_tlb_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
				size_t granule, void *cookie)
{
	struct smmuv3_domain *d = cookie;

	iommu_iotlb_gather_add_page(&d->domain, gather, iova, granule);
}

static const struct iommu_flush_ops smmuv3_flush_ops = {
	.tlb_flush_all = smmuv3_tlb_flush_all,
	.tlb_flush_walk = smmuv3_tlb_flush_walk,
	.tlb_add_page = smmuv3_tlb_add_page,
};

static int smmuv3_map_pages(struct iommu_domain *domain, unsigned long iova,
			    phys_addr_t paddr, size_t pgsize, size_t pgcount,
			    int prot, gfp_t gfp, size_t *mapped)
{
	struct smmuv3_domain *d = to_smmuv3_domain(domain);

	return d->pgtbl->map_pages(d->pgtbl, iova, paddr, pgsize, pgcount, prot, gfp,
				   mapped);
}

static size_t smmuv3_unmap_pages(struct iommu_domain *domain, unsigned long iova,
				 size_t pgsize, size_t pgcount,
				 struct iommu_iotlb_gather *gather)
{
	struct smmuv3_domain *d = to_smmuv3_domain(domain);

	return d->pgtbl->unmap_pages(d->pgtbl, iova, pgsize, pgcount, gather);
}

static void smmuv3_flush_iotlb_all(struct iommu_domain *domain)
{
	smmuv3_tlb_flush_all(to_smmuv3_domain(domain));
}

static void smmuv3_iotlb_sync(struct iommu_domain *domain,
			      struct iommu_iotlb_gather *gather)
{
	struct smmuv3_domain *d = to_smmuv3_domain(domain);

	alist_iotlb_sync(&SMMUV3_QUEUE(d->smmu, &d->params), d->list, gather,
			 &d->smmu->stats.sync, &smmuv3_test_hooks);
}

static phys_addr_t smmuv3_iova_to_phys(struct iommu_domain *domain, dma_addr_t iova)
{
	struct smmuv3_domain *d = to_smmuv3_domain(domain);

	return d->pgtbl->iova_to_phys(d->pgtbl, iova);
}

/*
 * Only for CANWBS devices (the rule of smmuv3_capable()): S2FWB does not
 * stop PCIe No-Snoop. From then on only CANWBS devices may attach.
 */
static bool smmuv3_enforce_cache_coherency(struct iommu_domain *domain)
{
	struct smmuv3_domain *d = to_smmuv3_domain(domain);
	bool ret;

	mutex_lock(&d->lock);
	ret = !d->non_canwbs;
	if (ret)
		d->enforce_cc = true;
	mutex_unlock(&d->lock);
	return ret;
}

static void smmuv3_domain_free(struct iommu_domain *domain)
{
	struct smmuv3_domain *d = to_smmuv3_domain(domain);

	free_io_pgtable_ops(d->pgtbl);
	/* Every device left: the tag was flushed when its last target did. */
	alist_attach_list_free(d->list);
	smmuv3_tag_free(d->stage, d->tag);
	mutex_destroy(&d->lock);
	kfree(d);
}

const struct iommu_domain_ops smmuv3_paging_ops = {
	.attach_dev = smmuv3_attach_paging,
	.map_pages = smmuv3_map_pages,
	.unmap_pages = smmuv3_unmap_pages,
	.flush_iotlb_all = smmuv3_flush_iotlb_all,
	.iotlb_sync = smmuv3_iotlb_sync,
	.iova_to_phys = smmuv3_iova_to_phys,
	.enforce_cache_coherency = smmuv3_enforce_cache_coherency,
	.free = smmuv3_domain_free,
};
EXPORT_SYMBOL_IF_KUNIT(smmuv3_paging_ops);

/**
 * smmuv3_domain_compatible() - can a paging domain serve a device of @smmu?
 * @d: the domain, its tables made for d->smmu
 * @smmu: the device's SMMU
 *
 * One domain may span SMMUs, its attach list holding targets on each: the
 * tables must walk alike there (stage, page sizes, address sizes, the
 * coherency of table walks, S2FWB for a nest parent made with it or for
 * one on an SMMU that has it), and
 * the tag must fit @smmu's width. Tags come from one allocator for every
 * SMMU, so the domain's is free on @smmu too.
 *
 * Context: any. No lock needed (reads constant fields).
 * Return: true when @d can be attached to a device behind @smmu.
 */
bool smmuv3_domain_compatible(const struct smmuv3_domain *d,
			      const struct smmuv3_device *smmu)
{
	bool s1 = d->stage == SMMUV3_STAGE_S1;
	unsigned int bits = s1 ? smmu->asid_bits : smmu->vmid_bits;

	if (smmu == d->smmu)
		return true;
	if (!(smmu->features & (s1 ? SMMUV3_FEAT_S1 : SMMUV3_FEAT_S2)))
		return false;
	if (d->nest_parent &&
	    (smmu->features & SMMUV3_FEAT_NESTING) != SMMUV3_FEAT_NESTING)
		return false;
	if (d->cfg.pgsize_bitmap & ~smmu->pgsize_bitmap)
		return false;
	if (d->cfg.oas > smmu->oas || (!s1 && d->cfg.ias > smmu->oas))
		return false;
	if (d->cfg.coherent_walk != !!(smmu->features & SMMUV3_FEAT_COHERENT))
		return false;
	if ((d->cfg.quirks & IO_PGTABLE_QUIRK_ARM_S2FWB) &&
	    !(smmu->features & SMMUV3_FEAT_FWB))
		return false;
	/*
	 * A vSMMU of an SMMU with FWB takes non-CANWBS devices because its
	 * stage 2 forces coherency: a parent made without S2FWB would not.
	 */
	if (d->nest_parent && (smmu->features & SMMUV3_FEAT_FWB) &&
	    !(d->cfg.quirks & IO_PGTABLE_QUIRK_ARM_S2FWB))
		return false;
	return d->tag < BIT(bits);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_domain_compatible);

/*
 * Writers of a domain's invalidation parameters: an attach that brings
 * the domain to another SMMU (smmuv3_domain_params_add()).
 */
static DEFINE_MUTEX(smmuv3_params_lock);

/**
 * smmuv3_domain_params_add() - narrow a domain's parameters to @smmu's
 * @d: the domain
 * @smmu: an SMMU the domain is about to get targets on
 *
 * One parameter struct serves every target of a flush (the core walks the
 * targets of all SMMUs with it), so a domain's must hold on each SMMU it
 * has had targets on: range invalidation only if all have RIL, the
 * fewest commands of each kind. They are never widened again: a flush may
 * still be walking a target that left. Called before the new targets are
 * published; a flush that sees them read the list first (the publish is a
 * release, the walk an acquire), so it sees these fields too. A flush
 * racing with the write sees old or new values, each valid on the SMMUs
 * it walks.
 *
 * Context: process; takes smmuv3_params_lock, a leaf lock.
 */
void smmuv3_domain_params_add(struct smmuv3_domain *d,
			      const struct smmuv3_device *smmu)
{
	struct alist_smmuv3_params *p = &d->params;
	const struct alist_smmuv3_params *u = &smmu->params;

	if (smmu == d->smmu)
		return;
	mutex_lock(&smmuv3_params_lock);
	WRITE_ONCE(p->ril, p->ril && u->ril);
	WRITE_ONCE(p->ats, p->ats && u->ats);
	WRITE_ONCE(p->user_caps, p->user_caps & u->user_caps);
	WRITE_ONCE(p->max_tlbi_cmds, min(p->max_tlbi_cmds, u->max_tlbi_cmds));
	WRITE_ONCE(p->max_atc_cmds, min(p->max_atc_cmds, u->max_atc_cmds));
	mutex_unlock(&smmuv3_params_lock);
}

static int smmuv3_domain_init_pgtbl(struct smmuv3_domain *d)
{
	struct smmuv3_device *smmu = d->smmu;
	struct io_pgtable_cfg *cfg = &d->cfg;
	enum io_pgtable_fmt fmt;

	cfg->pgsize_bitmap = smmu->pgsize_bitmap;
	cfg->coherent_walk = !!(smmu->features & SMMUV3_FEAT_COHERENT);
	cfg->tlb = &smmuv3_flush_ops;
	cfg->iommu_dev = smmu->dev;
	cfg->oas = smmu->oas;
	if (d->stage == SMMUV3_STAGE_S1) {
		fmt = ARM_64_LPAE_S1;
		cfg->ias = min_t(unsigned int, 48, VA_BITS);
	} else {
		fmt = ARM_64_LPAE_S2;
		cfg->ias = smmu->oas;
		if (d->nest_parent && (smmu->features & SMMUV3_FEAT_FWB))
			cfg->quirks |= IO_PGTABLE_QUIRK_ARM_S2FWB;
	}
	d->pgtbl = alloc_io_pgtable_ops(fmt, cfg, d);
	if (!d->pgtbl)
		return -ENOMEM;
	d->domain.pgsize_bitmap = cfg->pgsize_bitmap;
	d->domain.geometry.aperture_start = 0;
	d->domain.geometry.aperture_end = (1ULL << cfg->ias) - 1;
	d->domain.geometry.force_aperture = true;
	d->params = smmu->params;
	d->params.tg_lg2 = __ffs(cfg->pgsize_bitmap);
	return 0;
}

/**
 * smmuv3_domain_alloc_paging_flags() - allocate a paging domain
 * @dev: a device behind one of our SMMUs
 * @flags: 0 or IOMMU_HWPT_ALLOC_NEST_PARENT
 * @user_data: must be NULL (no driver data for paging domains)
 *
 * A nest parent is stage 2; any other domain is stage 1 when the SMMU has
 * it, else stage 2.
 *
 * Context: may sleep. No lock needed.
 * Return: the domain, or ERR_PTR(-EOPNOTSUPP / -ENOSPC / -ENOMEM).
 */
struct iommu_domain *smmuv3_domain_alloc_paging_flags(struct device *dev, u32 flags,
						      const struct iommu_user_data *user_data)
{
	struct smmuv3_master *master = dev_iommu_priv_get(dev);
	struct smmuv3_device *smmu = master->smmu;
	struct smmuv3_domain *d;
	int ret;

	if (user_data || (flags & ~IOMMU_HWPT_ALLOC_NEST_PARENT))
		return ERR_PTR(-EOPNOTSUPP);
	if ((flags & IOMMU_HWPT_ALLOC_NEST_PARENT) &&
	    (smmu->features & SMMUV3_FEAT_NESTING) != SMMUV3_FEAT_NESTING)
		return ERR_PTR(-EOPNOTSUPP);

	d = kzalloc_obj(*d);
	if (!d)
		return ERR_PTR(-ENOMEM);
	mutex_init(&d->lock);
	d->smmu = smmu;
	d->nest_parent = !!(flags & IOMMU_HWPT_ALLOC_NEST_PARENT);
	d->stage = (!d->nest_parent && (smmu->features & SMMUV3_FEAT_S1)) ?
		   SMMUV3_STAGE_S1 : SMMUV3_STAGE_S2;
	/* A master's first attach must not fail: it takes this reserve */
	d->list = alist_attach_list_alloc(SMMUV3_MAX_TARGETS);
	if (!d->list) {
		ret = -ENOMEM;
		goto err_free_domain;
	}
	ret = smmuv3_tag_alloc(smmu, d->stage, &d->tag);
	if (ret)
		goto err_free_list;
	ret = smmuv3_domain_init_pgtbl(d);
	if (ret)
		goto err_free_tag;
	d->domain.type = IOMMU_DOMAIN_UNMANAGED;
	d->domain.ops = &smmuv3_paging_ops;
	return &d->domain;

err_free_tag:
	smmuv3_tag_free(d->stage, d->tag);
err_free_list:
	alist_attach_list_free(d->list);
err_free_domain:
	mutex_destroy(&d->lock);
	kfree(d);
	return ERR_PTR(ret);
}
