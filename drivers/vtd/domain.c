// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: domains. Blocked and identity are static; paging domains are
 * generic_pt tables (vtdss on second-stage units, x86_64 on first-stage
 * units) whose invalidation goes through the shared layer
 * (domain/flush.c) to the queue of queue.c: the core emits the fewest
 * descriptors and says where the one wait per unit goes.
 */
#include <linux/bitfield.h>
#include <linux/slab.h>
#include <linux/sizes.h>

#include <kunit/visibility.h>

#include "vtd.h"

static void vtd_iotlb_sync(struct iommu_domain *domain,
			   struct iommu_iotlb_gather *gather)
{
	struct vtd_domain *d = to_vtd_domain(domain);

	alist_iotlb_sync(&VTD_QUEUE(d), d->list, gather, &vtd_sync_stats,
			 &vtd_test_hooks);
}

static void vtd_flush_iotlb_all(struct iommu_domain *domain)
{
	struct vtd_domain *d = to_vtd_domain(domain);

	atomic64_inc(&vtd_stat_flush_all);
	alist_flush_all(&VTD_QUEUE(d), d->list);
}

static int vtd_iotlb_sync_map(struct iommu_domain *domain, unsigned long iova,
			      size_t size)
{
	struct vtd_domain *d = to_vtd_domain(domain);

	/* Only caching mode caches non-present entries */
	if (!READ_ONCE(d->caching_mode) || !size)
		return 0;
	return alist_flush_range(&VTD_QUEUE(d), d->list, iova, iova + size - 1,
				 0, PAGE_SHIFT);
}

/*
 * Snooping can be forced when every unit the domain is attached on has
 * snoop control (ECAP.SC), the test capable(ENFORCE_CACHE_COHERENCY)
 * makes per device; an attach to a unit without it is refused later
 * (vtd_domain_compatible()). Second stage: the SNP bit of every PTE
 * mapped from now on. First stage: PGSNP in the PASID entries, those of
 * devices already attached included (VFIO may attach first).
 */
static bool vtd_enforce_cache_coherency(struct iommu_domain *domain)
{
	struct vtd_domain *d = to_vtd_domain(domain);
	unsigned int i;
	bool ok = true;

	mutex_lock(&d->lock);
	for (i = 0; i < VTD_MAX_UNITS; i++) {
		struct vtd_unit *unit = vtd_unit_from_instance(i);

		if (unit && d->did_users[i] && !(unit->ecap & VTD_ECAP_SC))
			ok = false;
	}
	if (ok && !d->force_snoop) {
		if (d->kind == VTD_DOM_SS)
			d->sspt.vtdss_pt.common.features |=
				BIT(PT_FEAT_VTDSS_FORCE_COHERENCE);
		WRITE_ONCE(d->force_snoop, true);
		if (d->kind == VTD_DOM_FS)
			vtd_domain_snoop_devices(d);
	}
	mutex_unlock(&d->lock);
	return ok;
}

/**
 * vtd_domain_compatible() - can a domain be attached on a unit?
 * @d: a paging or nested domain
 * @unit: the unit of the device
 *
 * The domain was allocated for one unit; another may differ: translation
 * stage, address widths and levels (SAGAW), large pages, nesting and the
 * stage-1 fields a nested domain asks for, snoop control once forced,
 * coherency of table walks.
 *
 * Context: process. No lock needed: what is read does not change once
 * devices are attached, but @d->force_snoop, which the attach path reads
 * again holding @d->lock (a nested domain's parent is read unlocked: its
 * page-snoop rule is taken as the attach finds it).
 * Return: 0 or -EINVAL.
 */
int vtd_domain_compatible(struct vtd_domain *d, struct vtd_unit *unit)
{
	unsigned int sllps = FIELD_GET(VTD_CAP_SLLPS, unit->cap);
	unsigned int mgaw = FIELD_GET(VTD_CAP_MGAW, unit->cap) + 1;
	bool fs = d->kind == VTD_DOM_FS;
	const struct pt_common *common;
	struct pt_iommu_vtdss_hw_info ss;

	if (d->kind == VTD_DOM_NESTED) {
		if (!(unit->ecap & VTD_ECAP_NEST))
			return -EINVAL;
		/* Checked against the allocating unit; this one may lack a field */
		if (vtd_s1_check(&d->s1, unit->cap, unit->ecap))
			return -EINVAL;
		return vtd_domain_compatible(d->parent, unit);
	}
	if (fs != unit->first_stage)
		return -EINVAL;
	if (READ_ONCE(d->force_snoop) && !(unit->ecap & VTD_ECAP_SC))
		return -EINVAL;
	if (fs) {
		common = &d->fspt.x86_64_pt.common;
		if ((d->domain.pgsize_bitmap & SZ_1G) &&
		    !(unit->cap & VTD_CAP_FS1GP))
			return -EINVAL;
	} else {
		common = &d->sspt.vtdss_pt.common;
		pt_iommu_vtdss_hw_info(&d->sspt, &ss);
		if (!(FIELD_GET(VTD_CAP_SAGAW, unit->cap) & BIT(ss.aw)))
			return -EINVAL;
		if (common->max_vasz_lg2 > mgaw)
			return -EINVAL;
		if ((d->domain.pgsize_bitmap & SZ_2M) && !(sllps & BIT(0)))
			return -EINVAL;
		if ((d->domain.pgsize_bitmap & SZ_1G) && !(sllps & BIT(1)))
			return -EINVAL;
		if (d->nest_parent && !(unit->ecap & VTD_ECAP_NEST))
			return -EINVAL;
	}
	if (!(unit->ecap & VTD_ECAP_SMPWC) &&
	    !(common->features & BIT(PT_FEAT_DMA_INCOHERENT)))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_domain_compatible);

/**
 * vtd_domain_free() - free a paging or nested domain
 * @domain: the domain, attached to no device
 *
 * Context: process. No lock held.
 * Return: nothing.
 */
void vtd_domain_free(struct iommu_domain *domain)
{
	struct vtd_domain *d = to_vtd_domain(domain);

	if (d->did_home) {
		mutex_lock(&d->lock);
		vtd_domain_did_put(d, d->did_home);
		mutex_unlock(&d->lock);
	}
	alist_attach_list_free(d->list);
	if (d->kind != VTD_DOM_NESTED)
		pt_iommu_deinit(&d->iommu);
	mutex_destroy(&d->lock);
	kfree(d);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_domain_free);

static const struct iommu_domain_ops vtd_ss_domain_ops = {
	IOMMU_PT_DOMAIN_OPS(vtdss),
	.attach_dev = vtd_attach_paging,
	.iotlb_sync = vtd_iotlb_sync,
	.flush_iotlb_all = vtd_flush_iotlb_all,
	.iotlb_sync_map = vtd_iotlb_sync_map,
	.enforce_cache_coherency = vtd_enforce_cache_coherency,
	.free = vtd_domain_free,
};

static const struct iommu_domain_ops vtd_fs_domain_ops = {
	IOMMU_PT_DOMAIN_OPS(x86_64),
	.attach_dev = vtd_attach_paging,
	.iotlb_sync = vtd_iotlb_sync,
	.flush_iotlb_all = vtd_flush_iotlb_all,
	.iotlb_sync_map = vtd_iotlb_sync_map,
	.enforce_cache_coherency = vtd_enforce_cache_coherency,
	.free = vtd_domain_free,
};

PT_IOMMU_CHECK_DOMAIN(struct vtd_domain, iommu, domain);

/**
 * vtd_domain_is_ss() - is this one of our second-stage paging domains?
 * @domain: any domain
 *
 * Context: any. No lock needed.
 * Return: true for a vtdss paging domain of this driver.
 */
bool vtd_domain_is_ss(struct iommu_domain *domain)
{
	return domain->ops == &vtd_ss_domain_ops;
}

PT_IOMMU_CHECK_DOMAIN(struct vtd_domain, fspt.iommu, domain);
PT_IOMMU_CHECK_DOMAIN(struct vtd_domain, sspt.iommu, domain);

static int vtd_ss_init(struct vtd_domain *d, struct vtd_unit *unit, u32 flags)
{
	struct pt_iommu_vtdss_cfg cfg = {};
	unsigned int mgaw = FIELD_GET(VTD_CAP_MGAW, unit->cap) + 1;
	unsigned int sllps = FIELD_GET(VTD_CAP_SLLPS, unit->cap);
	int ret;

	cfg.top_level = unit->agaw + 1;
	cfg.common.hw_max_vasz_lg2 = min(mgaw, 30U + 9 * unit->agaw);
	cfg.common.hw_max_oasz_lg2 = 52;
	cfg.common.features = BIT(PT_FEAT_FLUSH_RANGE);
	/* Erratum 772415: a nest parent refuses read-only mappings */
	if (flags & IOMMU_HWPT_ALLOC_NEST_PARENT)
		cfg.common.features |= BIT(PT_FEAT_VTDSS_FORCE_WRITEABLE);
	if (!(unit->ecap & VTD_ECAP_SMPWC))
		cfg.common.features |= BIT(PT_FEAT_DMA_INCOHERENT);
	d->kind = VTD_DOM_SS;
	d->domain.ops = &vtd_ss_domain_ops;
	ret = pt_iommu_vtdss_init(&d->sspt, &cfg, GFP_KERNEL);
	if (ret)
		return ret;
	if (!(sllps & BIT(0)))
		d->domain.pgsize_bitmap &= ~(u64)SZ_2M;
	if (!(sllps & BIT(1)))
		d->domain.pgsize_bitmap &= ~(u64)SZ_1G;
	return 0;
}

static int vtd_fs_init(struct vtd_domain *d, struct vtd_unit *unit)
{
	struct pt_iommu_x86_64_cfg cfg = {};
	int ret;

	cfg.top_level = 3;
	cfg.common.hw_max_vasz_lg2 = 48;
	cfg.common.hw_max_oasz_lg2 = 52;
	cfg.common.features = BIT(PT_FEAT_SIGN_EXTEND) |
			      BIT(PT_FEAT_FLUSH_RANGE);
	if (!(unit->ecap & VTD_ECAP_SMPWC))
		cfg.common.features |= BIT(PT_FEAT_DMA_INCOHERENT);
	d->kind = VTD_DOM_FS;
	d->domain.ops = &vtd_fs_domain_ops;
	ret = pt_iommu_x86_64_init(&d->fspt, &cfg, GFP_KERNEL);
	if (ret)
		return ret;
	if (!(unit->cap & VTD_CAP_FS1GP))
		d->domain.pgsize_bitmap &= ~(u64)SZ_1G;
	return 0;
}

/**
 * vtd_paging_alloc() - allocate a paging domain in the unit's format
 * @unit: the unit whose translation stage decides the format
 * @dev: the device it is for (DMA cache maintenance), or NULL
 * @flags: 0 or IOMMU_HWPT_ALLOC_NEST_PARENT (second stage only)
 *
 * Context: process; may sleep. No lock needed.
 * Return: the domain or an ERR_PTR: -EOPNOTSUPP for flags the unit cannot
 * honour (NEST_PARENT on a first-stage unit or one without ECAP.NEST),
 * -EINVAL without @dev on a unit with incoherent walks, -ENOSPC when
 * @unit has no free domain ID, -ENOMEM.
 */
struct vtd_domain *vtd_paging_alloc(struct vtd_unit *unit, struct device *dev,
				    u32 flags)
{
	struct vtd_domain *d;
	int ret;

	if (flags & ~IOMMU_HWPT_ALLOC_NEST_PARENT)
		return ERR_PTR(-EOPNOTSUPP);
	/* Like Linux: no nest parent where nothing can nest on it */
	if ((flags & IOMMU_HWPT_ALLOC_NEST_PARENT) &&
	    (unit->first_stage || !(unit->ecap & VTD_ECAP_NEST)))
		return ERR_PTR(-EOPNOTSUPP);
	/* Incoherent table walks need a device for cache maintenance */
	if (!dev && !(unit->ecap & VTD_ECAP_SMPWC))
		return ERR_PTR(-EINVAL);
	d = kzalloc_obj(*d);
	if (!d)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&d->devices);
	mutex_init(&d->lock);
	d->params = vtd_params_default;
	/*
	 * A device's first attach must not fail: its prepare takes this
	 * reserve instead of allocating, the allocation fails here.
	 */
	d->list = alist_attach_list_alloc(VTD_DEV_TARGETS);
	if (!d->list) {
		ret = -ENOMEM;
		goto err_free_domain;
	}
	d->iommu.iommu_device = dev;
	d->iommu.nid = dev ? dev_to_node(dev) : NUMA_NO_NODE;
	d->nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	if (unit->first_stage)
		ret = vtd_fs_init(d, unit);
	else
		ret = vtd_ss_init(d, unit, flags);
	if (ret)
		goto err_free_list;
	/* As the list's reserve: the ID fails here, not at the first attach */
	if (dev) {
		mutex_lock(&d->lock);
		ret = vtd_domain_did_get(d, unit);
		mutex_unlock(&d->lock);
		if (ret)
			goto err_free_list;
		d->did_home = unit;
	}
	return d;

err_free_list:
	pt_iommu_deinit(&d->iommu);
	alist_attach_list_free(d->list);
err_free_domain:
	kfree(d);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_paging_alloc);

/*
 * Narrow @d's invalidation parameters to what @unit can take too. One
 * params struct serves every target of a flush (the core walks targets of
 * several units with it), so a domain's are valid on every unit it has
 * had targets on: page-selective only if all have PSI, the smallest
 * MAMV, the fewest descriptors; draining and caching mode if any unit
 * has them (a unit without DRD/DWD ignores DR/DW). They are never widened
 * again when a unit leaves: a flush may still be walking its targets.
 * Written before the unit's targets are published (the attach's commit);
 * a flush that sees those targets read the list first, and x86 keeps
 * loads in order, so it sees these too. A flush racing with this write
 * sees old or new fields, each valid on the units it walks.
 *
 * Writers take vtd_params_lock, a leaf lock: a nested domain's attach
 * narrows its parent while holding only the nested domain's lock.
 */
static DEFINE_MUTEX(vtd_params_lock);

static void vtd_domain_params_add(struct vtd_domain *d, struct vtd_unit *unit)
{
	struct alist_vtd_params *p = &d->params;
	const struct alist_vtd_params *u = &unit->params;

	lockdep_assert_held(&vtd_params_lock);
	WRITE_ONCE(p->psi, p->psi && u->psi);
	WRITE_ONCE(p->mamv, min(p->mamv, u->mamv));
	WRITE_ONCE(p->drain_read, p->drain_read || u->drain_read);
	WRITE_ONCE(p->drain_write, p->drain_write || u->drain_write);
	WRITE_ONCE(p->max_iotlb_cmds, min(p->max_iotlb_cmds, u->max_iotlb_cmds));
	WRITE_ONCE(p->max_devtlb_cmds,
		   min(p->max_devtlb_cmds, u->max_devtlb_cmds));
	if (unit->caching_mode)
		WRITE_ONCE(d->caching_mode, true);
}

/**
 * vtd_domain_did_get() - the domain's ID on a unit, allocated on first use
 * @d: the domain
 * @unit: the unit
 *
 * On first use the domain's invalidation parameters are narrowed to the
 * unit's, and a nested domain's parent's too (the parent's list gets
 * targets on the unit through it).
 *
 * Context: process; may sleep. Caller holds @d->lock.
 * Return: 0, -ENOSPC when the unit has no free domain ID, or -ENOMEM.
 */
int vtd_domain_did_get(struct vtd_domain *d, struct vtd_unit *unit)
{
	int did;

	lockdep_assert_held(&d->lock);
	if (d->did_users[unit->index]++)
		return 0;
	did = ida_alloc_range(&unit->did_ida, VTD_DID_FIRST,
			      min(unit->ndids, 65536U) - 1, GFP_KERNEL);
	if (did < 0) {
		d->did_users[unit->index]--;
		return did == -ENOMEM ? -ENOMEM : -ENOSPC;
	}
	d->did[unit->index] = did;
	mutex_lock(&vtd_params_lock);
	vtd_domain_params_add(d, unit);
	if (d->kind == VTD_DOM_NESTED)
		vtd_domain_params_add(d->parent, unit);
	mutex_unlock(&vtd_params_lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_domain_did_get);

/**
 * vtd_domain_did_put() - drop one user of the domain's ID on a unit
 * @d: the domain
 * @unit: the unit
 *
 * The ID is freed with its last user; the caller already flushed it.
 * Context: process. Caller holds @d->lock.
 * Return: nothing.
 */
void vtd_domain_did_put(struct vtd_domain *d, struct vtd_unit *unit)
{
	lockdep_assert_held(&d->lock);
	if (WARN_ON(!d->did_users[unit->index]))
		return;
	if (--d->did_users[unit->index])
		return;
	ida_free(&unit->did_ida, d->did[unit->index]);
	d->did[unit->index] = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_domain_did_put);
