// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: the iommufd side. hw_info (CAP/ECAP), paging allocation with
 * flags (NEST_PARENT on second-stage units), nested stage-1 domains with
 * every field of struct iommu_hwpt_vtd_s1 validated, and user cache
 * invalidation through the core's array walker: the whole array becomes
 * one batch with one wait per unit, never one per entry.
 *
 * QEMU 10.0 advertises no nesting (ECAP.NEST): there the nested
 * allocation is refused with -EOPNOTSUPP, and KUnit drives these paths
 * against a recording queue.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "vtd.h"

static struct vtd_unit *vtd_dev_unit(struct device *dev)
{
	struct vtd_dev *vdev = dev_iommu_priv_get(dev);

	return vdev ? vdev->unit : NULL;
}

/**
 * vtd_hw_info() - IOMMU_GET_HW_INFO data: the unit's CAP and ECAP, and
 *	the erratum flag
 * @dev: a probed device
 * @length: out: size of the returned struct
 * @type: in: requested type (DEFAULT or INTEL_VTD); out: INTEL_VTD
 *
 * Context: process; called by iommufd.
 * Return: a kmalloc'ed
 * struct iommu_hw_info_vtd (freed by the caller), or ERR_PTR(-EOPNOTSUPP)
 * for another type, ERR_PTR(-ENOMEM).
 */
void *vtd_hw_info(struct device *dev, u32 *length,
		  enum iommu_hw_info_type *type)
{
	struct vtd_unit *unit = vtd_dev_unit(dev);
	struct iommu_hw_info_vtd *info;

	info = alist_hw_info_alloc(type, IOMMU_HW_INFO_TYPE_INTEL_VTD,
				   sizeof(*info), length);
	if (IS_ERR(info))
		return info;
	/*
	 * Erratum 772415 (SPR17): a read-only second-stage mapping of a nest
	 * parent may break the stage-1 A/D update. No register of the unit
	 * tells an affected part, and a unit seen by a guest is whatever the
	 * host emulates: reported for every unit, as Linux does, and a
	 * read-only mapping of a nest parent is refused (vtd_ss_init()).
	 */
	info->flags = IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17;
	info->cap_reg = unit->cap;
	info->ecap_reg = unit->ecap;
	return info;
}

/**
 * vtd_domain_alloc_paging_flags() - paging domain for a device
 * @dev: the device
 * @flags: IOMMU_HWPT_ALLOC_* flags; only NEST_PARENT is supported
 * @data: driver data; none is defined for VT-d paging domains
 *
 * Context: process. No lock held.
 * Return: the domain, or an ERR_PTR: -EOPNOTSUPP for driver data and as
 * vtd_paging_alloc() gives it (flags the unit cannot honour), -EINVAL,
 * -ENOSPC, -ENOMEM as vtd_paging_alloc().
 */
struct iommu_domain *vtd_domain_alloc_paging_flags(struct device *dev,
						   u32 flags,
						   const struct iommu_user_data *data)
{
	struct vtd_domain *d;

	if (data)
		return ERR_PTR(-EOPNOTSUPP);
	d = vtd_paging_alloc(vtd_dev_unit(dev), dev, flags);
	if (IS_ERR(d))
		return ERR_CAST(d);
	return &d->domain;
}

static const struct iommu_domain_ops vtd_nested_domain_ops = {
	.attach_dev = vtd_attach_paging,
	.cache_invalidate_user = vtd_nested_invalidate_user,
	.free = vtd_domain_free,
};

/**
 * vtd_nested_alloc() - allocate a nested stage-1 domain on a unit
 * @unit: the unit of the device
 * @parent: the stage-2 parent: one of ours, allocated with NEST_PARENT
 * @flags: IOMMU_HWPT_ALLOC_* flags (none supported)
 * @data: IOMMU_HWPT_DATA_VTD_S1 user data
 *
 * The stage-1 configuration is checked by vtd_s1_check().
 *
 * Context: process; may fault on user memory. No lock held.
 * Return: the domain or an ERR_PTR: -EOPNOTSUPP when the unit has no
 * nesting, for flags, for another data type, reserved bits, unknown or
 * unsupported stage-1 flags and a 5-level table without FS5LP; -EINVAL for
 * a bad parent, a bad address width or table address, a short or long
 * struct; -EFAULT; -ENOMEM.
 */
struct vtd_domain *vtd_nested_alloc(struct vtd_unit *unit,
				    struct iommu_domain *parent, u32 flags,
				    const struct iommu_user_data *data)
{
	struct vtd_domain *p, *d;
	struct iommu_hwpt_vtd_s1 s1;
	int ret;

	if (!unit || !(unit->ecap & VTD_ECAP_NEST) ||
	    !(unit->ecap & VTD_ECAP_FLTS) || !(unit->ecap & VTD_ECAP_SLTS))
		return ERR_PTR(-EOPNOTSUPP);
	if (flags)
		return ERR_PTR(-EOPNOTSUPP);
	if (!data || data->type != IOMMU_HWPT_DATA_VTD_S1)
		return ERR_PTR(-EOPNOTSUPP);
	if (!parent || !vtd_domain_is_ss(parent))
		return ERR_PTR(-EINVAL);
	p = to_vtd_domain(parent);
	if (p->kind != VTD_DOM_SS || !p->nest_parent)
		return ERR_PTR(-EINVAL);

	ret = iommu_copy_struct_from_user(&s1, data, IOMMU_HWPT_DATA_VTD_S1,
					  __reserved);
	if (ret)
		return ERR_PTR(ret);
	ret = vtd_s1_check(&s1, unit->cap, unit->ecap);
	if (ret)
		return ERR_PTR(ret);

	d = kzalloc_obj(*d);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->list = alist_attach_list_alloc(0);
	if (!d->list) {
		kfree(d);
		return ERR_PTR(-ENOMEM);
	}
	INIT_LIST_HEAD(&d->devices);
	mutex_init(&d->lock);
	d->params = vtd_params_default;
	d->kind = VTD_DOM_NESTED;
	d->parent = p;
	d->s1 = s1;
	d->domain.type = IOMMU_DOMAIN_NESTED;
	d->domain.ops = &vtd_nested_domain_ops;
	return d;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_nested_alloc);

/**
 * vtd_domain_alloc_nested() - iommufd: nested stage-1 domain
 * @dev: the device
 * @parent: the stage-2 parent domain
 * @flags: IOMMU_HWPT_ALLOC_* flags
 * @data: IOMMU_HWPT_DATA_VTD_S1 user data
 *
 * Context: process. No lock held.
 * Return: as vtd_nested_alloc().
 */
struct iommu_domain *vtd_domain_alloc_nested(struct device *dev,
					     struct iommu_domain *parent,
					     u32 flags,
					     const struct iommu_user_data *data)
{
	struct vtd_domain *d;

	d = vtd_nested_alloc(vtd_dev_unit(dev), parent, flags, data);
	if (IS_ERR(d))
		return ERR_CAST(d);
	return &d->domain;
}

/**
 * vtd_nested_invalidate_user() - IOMMU_HWPT_INVALIDATE on a nested domain
 * @domain: a nested domain
 * @array: IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 entries; entry_num is written
 *	back with the number handled (the index of a failing entry)
 *
 * alist_user_inv_vtd() on the domain's list, counted in
 * user_invalidations. In test builds the skip_user_inv hook drops an
 * array whole and reports it done.
 *
 * Context: process; may fault on user memory. No lock held.
 * Return: -EINVAL for a domain that is not nested; else as
 * alist_user_inv_vtd().
 */
int vtd_nested_invalidate_user(struct iommu_domain *domain,
			       struct iommu_user_data_array *array)
{
	struct vtd_domain *d = to_vtd_domain(domain);

	if (d->kind != VTD_DOM_NESTED)
		return -EINVAL;
	atomic64_inc(&vtd_stat_user_inv);
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	/* Dropped whole and reported done (a negative control) */
	if (alist_test_hook_fires(&vtd_test_hooks.skip_user_inv))
		return 0;
#endif
	return alist_user_inv_vtd(&VTD_QUEUE(d), d->list, array);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_nested_invalidate_user);
