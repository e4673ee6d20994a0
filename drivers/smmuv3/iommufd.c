// SPDX-License-Identifier: GPL-2.0
/*
 * iommufd: hw_info, the vSMMU (IOMMU_VIOMMU_TYPE_ARM_SMMUV3), its vDEVICEs
 * (vSID -> pSID in the core's ID table), nested domains built from a user
 * STE fragment, and vSMMU invalidation arrays through the core's walker
 * (validated, VMID forced, vSIDs translated, one batch + one CMD_SYNC per
 * SMMU for the whole array).
 *
 * Each vSMMU owns a VMID: the STEs of its nested devices carry it, and the
 * nest parent's attach list gains SMMU_S2 and SMMU_S1_CLEAR entries for it,
 * so unmapping the parent invalidates every vSMMU's combined translations.
 */
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/slab.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <uapi/linux/iommufd.h>

#include "smmuv3.h"

/**
 * smmuv3_hw_info() - IOMMU_GET_HW_INFO: the ID registers
 * @dev: a device behind the SMMU
 * @length: out: size of the returned struct
 * @type: in: DEFAULT or ARM_SMMUV3; out: ARM_SMMUV3
 *
 * The registers as read, except where the driver does less than the
 * hardware could for a guest: IDR0.STALL_MODEL 0b00 (stalls configurable
 * per stream) is reported as 0b01 (no stalls), because nested STEs have
 * S1STALLD forced and nothing resumes a stalled transaction; a guest then
 * leaves S1STALLD and CD.S clear (smmuv3_vste_validate() refuses
 * S1STALLD). No flags: no erratum workaround applies.
 *
 * Context: may sleep. No lock needed.
 * Return: a kmalloc'ed struct iommu_hw_info_arm_smmuv3 (the caller frees
 * it), ERR_PTR(-EOPNOTSUPP) for another type, ERR_PTR(-ENOMEM).
 */
void *smmuv3_hw_info(struct device *dev, u32 *length, enum iommu_hw_info_type *type)
{
	struct smmuv3_master *master = dev_iommu_priv_get(dev);
	struct smmuv3_device *smmu = master->smmu;
	struct iommu_hw_info_arm_smmuv3 *info;
	unsigned int i;

	info = alist_hw_info_alloc(type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3, sizeof(*info), length);
	if (IS_ERR(info))
		return info;
	for (i = 0; i < ARRAY_SIZE(info->idr); i++)
		info->idr[i] = smmu->idr[i];
	if (FIELD_GET(SMMUV3_IDR0_STALL_MODEL, info->idr[0]) == SMMUV3_STALL_MODEL_BOTH)
		info->idr[0] |= FIELD_PREP(SMMUV3_IDR0_STALL_MODEL, SMMUV3_STALL_MODEL_NONE);
	info->iidr = smmu->iidr;
	info->aidr = smmu->aidr;
	return info;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_hw_info);

static void smmuv3_nested_free(struct iommu_domain *domain)
{
	struct smmuv3_nested *nd = to_smmuv3_nested(domain);

	/* The vIOMMU outlives its nested domains (iommufd holds it) */
	atomic64_dec(&nd->viommu->smmu->stats.live_nested);
	alist_attach_list_free(nd->list);
	kfree(nd);
}

static const struct iommu_domain_ops smmuv3_nested_ops = {
	.attach_dev = smmuv3_attach_nested,
	.free = smmuv3_nested_free,
};

static struct smmuv3_viommu *to_vsmmu(struct iommufd_viommu *viommu)
{
	return container_of(viommu, struct smmuv3_viommu, core);
}

static struct iommu_domain *
smmuv3_alloc_domain_nested(struct iommufd_viommu *viommu, u32 flags,
			   const struct iommu_user_data *user_data)
{
	struct smmuv3_viommu *vsmmu = to_vsmmu(viommu);
	struct iommu_hwpt_arm_smmuv3 arg;
	struct smmuv3_nested *nd;
	u64 vste[2];
	int ret;

	if (flags)
		return ERR_PTR(-EOPNOTSUPP);
	ret = iommu_copy_struct_from_user(&arg, user_data, IOMMU_HWPT_DATA_ARM_SMMUV3,
					  ste);
	if (ret)
		return ERR_PTR(ret);
	vste[0] = le64_to_cpu(arg.ste[0]);
	vste[1] = le64_to_cpu(arg.ste[1]);
	ret = smmuv3_vste_validate(vste, vsmmu->parent->cfg.ias,
				   FIELD_GET(SMMUV3_IDR1_SSIDSIZE, vsmmu->smmu->idr[1]),
				   vsmmu->smmu->features);
	if (ret)
		return ERR_PTR(ret);

	nd = kzalloc_obj(*nd);
	if (!nd)
		return ERR_PTR(-ENOMEM);
	nd->list = alist_attach_list_alloc(0);
	if (!nd->list) {
		kfree(nd);
		return ERR_PTR(-ENOMEM);
	}
	nd->viommu = vsmmu;
	nd->ste[0] = vste[0];
	nd->ste[1] = vste[1];
	nd->domain.type = IOMMU_DOMAIN_NESTED;
	nd->domain.ops = &smmuv3_nested_ops;
	atomic64_inc(&vsmmu->smmu->stats.live_nested);
	return &nd->domain;
}

/**
 * smmuv3_viommu_invalidate() - run a vSMMU invalidation array
 * @vsmmu: the vSMMU
 * @array: the user array (type IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3)
 *
 * alist_user_inv_smmuv3() on the vSMMU's SMMU, counted in user_inv. In
 * test builds the skip_user_inv hook drops an array whole, reported done
 * and counted in user_inv_skipped (make vmm's negative control).
 *
 * Context: may sleep (user memory). Takes the vSMMU's shared lock.
 * Return: as alist_user_inv_smmuv3(): 0, -EIO for a bad command, -EINVAL
 * for a bad array, -EFAULT, or the error of a CMD_SYNC.
 */
VISIBLE_IF_KUNIT int smmuv3_viommu_invalidate(struct smmuv3_viommu *vsmmu,
					      struct iommu_user_data_array *array)
{
	struct smmuv3_device *smmu = vsmmu->smmu;
	int ret;

#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	if (alist_test_hook_fires(&smmuv3_test_hooks.skip_user_inv)) {
		atomic64_inc(&smmu->stats.user_inv_skipped);
		return 0;
	}
#endif
	ret = alist_user_inv_smmuv3(&SMMUV3_QUEUE(smmu, &smmu->params),
				    &vsmmu->shared, smmu->instance, vsmmu->vmid,
				    array);
	atomic64_inc(&smmu->stats.user_inv);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_viommu_invalidate);

static int smmuv3_viommu_cache_invalidate(struct iommufd_viommu *viommu,
					  struct iommu_user_data_array *array)
{
	return smmuv3_viommu_invalidate(to_vsmmu(viommu), array);
}

/**
 * smmuv3_vevent_report() - report one event record to a vSMMU's vEVENTQ
 * @vsmmu: the vSMMU
 * @vevt: the record as user space gets it (smmuv3_evt_to_user())
 *
 * Context: process, may sleep (iommufd's vEVENTQ list lock); allocates
 * nothing itself. The caller keeps @vsmmu alive (the SMMU's vevent_lock).
 * Return: as iommufd_viommu_report_event(): 0 (queued, or dropped by a full
 * vEVENTQ and reported as lost), -ENOMEM (dropped, reported as lost),
 * -EOPNOTSUPP (no vEVENTQ of type ARM_SMMUV3).
 */
int smmuv3_vevent_report(struct smmuv3_viommu *vsmmu,
			 struct iommu_vevent_arm_smmuv3 *vevt)
{
	KUNIT_STATIC_STUB_REDIRECT(smmuv3_vevent_report, vsmmu, vevt);
	lockdep_assert_held(&vsmmu->smmu->vevent_lock);
	return iommufd_viommu_report_event(&vsmmu->core, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
					   vevt, sizeof(*vevt));
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_vevent_report);

static struct smmuv3_vdevice *to_smmuv3_vdev(struct iommufd_vdevice *vdev)
{
	return container_of(vdev, struct smmuv3_vdevice, core);
}

static void smmuv3_vdevice_destroy(struct iommufd_vdevice *vdev)
{
	struct smmuv3_viommu *vsmmu = to_vsmmu(vdev->viommu);
	struct smmuv3_master *master = dev_iommu_priv_get(iommufd_vdevice_to_device(vdev));

	/* Its events stay with the host from here on. */
	mutex_lock(&vsmmu->smmu->vevent_lock);
	if (master->vdev == to_smmuv3_vdev(vdev))
		master->vdev = NULL;
	mutex_unlock(&vsmmu->smmu->vevent_lock);
	WARN_ON(alist_vid_unmap(&vsmmu->shared, vdev->virt_id));
	atomic64_dec(&vsmmu->smmu->stats.live_vdevices);
}

static int smmuv3_vdevice_init(struct iommufd_vdevice *vdev)
{
	struct smmuv3_viommu *vsmmu = to_vsmmu(vdev->viommu);
	struct smmuv3_master *master = dev_iommu_priv_get(iommufd_vdevice_to_device(vdev));
	struct smmuv3_vdevice *sv = to_smmuv3_vdev(vdev);
	int ret;

	if (vdev->virt_id > U32_MAX)
		return -EINVAL;
	if (master->num_sids != 1 || master->smmu != vsmmu->smmu)
		return -EOPNOTSUPP;
	/* The event thread finds the master by its StreamID. */
	if (xa_load(&vsmmu->smmu->streams, master->sids[0]) != master)
		return -EOPNOTSUPP;
	ret = alist_vid_map(&vsmmu->shared, vdev->virt_id, master->sids[0]);
	if (ret)
		return ret;
	sv->vsid = vdev->virt_id;
	mutex_lock(&vsmmu->smmu->vevent_lock);
	master->vdev = sv;
	mutex_unlock(&vsmmu->smmu->vevent_lock);
	vdev->destroy = smmuv3_vdevice_destroy;
	atomic64_inc(&vsmmu->smmu->stats.live_vdevices);
	return 0;
}

static void smmuv3_viommu_destroy(struct iommufd_viommu *viommu)
{
	struct smmuv3_viommu *vsmmu = to_vsmmu(viommu);
	struct alist_target t = {
		.instance = vsmmu->smmu->instance,
		.kind = ALIST_KIND_SMMU_S2,
		.tag = vsmmu->vmid,
		.pasid = ALIST_NO_PASID,
	};

	/* Leave the VMID clean before it can be reused. */
	smmuv3_flush_targets(vsmmu->smmu, &t, 1);
	smmuv3_tag_free(SMMUV3_STAGE_S2, vsmmu->vmid);
	alist_viommu_destroy(&vsmmu->shared);
	atomic64_dec(&vsmmu->smmu->stats.live_viommus);
}

static const struct iommufd_viommu_ops smmuv3_viommu_ops = {
	.destroy = smmuv3_viommu_destroy,
	.alloc_domain_nested = smmuv3_alloc_domain_nested,
	.cache_invalidate = smmuv3_viommu_cache_invalidate,
	.vdevice_size = VDEVICE_STRUCT_SIZE(struct smmuv3_vdevice, core),
	.vdevice_init = smmuv3_vdevice_init,
};

/* Root may change it at run time, as iommufd's allow_unsafe_interrupts */
static bool allow_noncoherent_viommu;
module_param(allow_noncoherent_viommu, bool, 0644);
MODULE_PARM_DESC(allow_noncoherent_viommu,
		 "Offer a vSMMU on an SMMU without S2FWB for devices that are not CANWBS (unsafe: a guest can make its DMA non-cacheable; taints the kernel when used). For emulated SMMUs in tests only. Default: off");

/**
 * smmuv3_viommu_allowed() - may a vSMMU be offered for this device?
 * @features: the SMMU's SMMUV3_FEAT_*
 * @canwbs: the device is CANWBS
 * @allow_noncoherent: the allow_noncoherent_viommu parameter
 * @tainted: out: true when only @allow_noncoherent made it possible
 *
 * A vSMMU needs both stages. As Linux, it also needs the guest to be
 * unable to make DMA non-cacheable: VFIO does no cache maintenance, so
 * a device reading through a guest's non-cacheable stage-1 mapping could
 * see stale memory. S2FWB (stage 2 forces write-back) or a CANWBS device
 * rule that out. @allow_noncoherent overrides that on a coherent SMMU.
 *
 * No lock needed.
 * Return: true when a vSMMU may be allocated.
 */
VISIBLE_IF_KUNIT bool smmuv3_viommu_allowed(u32 features, bool canwbs,
					    bool allow_noncoherent, bool *tainted)
{
	*tainted = false;
	if ((features & SMMUV3_FEAT_NESTING) != SMMUV3_FEAT_NESTING)
		return false;
	if (canwbs || (features & SMMUV3_FEAT_FWB))
		return true;
	if (!allow_noncoherent || !(features & SMMUV3_FEAT_COHERENT))
		return false;
	*tainted = true;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_viommu_allowed);

/**
 * smmuv3_get_viommu_size() - size of our vSMMU object
 * @dev: a device behind the SMMU
 * @type: the requested vIOMMU type
 *
 * See smmuv3_viommu_allowed(). A vSMMU that exists only because of the
 * allow_noncoherent_viommu parameter taints the kernel (TAINT_USER: the
 * administrator chose an unsafe configuration) and warns once.
 *
 * No lock needed.
 * Return: the size, or 0 when unsupported (iommufd: -EOPNOTSUPP).
 */
size_t smmuv3_get_viommu_size(struct device *dev, enum iommu_viommu_type type)
{
	struct smmuv3_master *master = dev_iommu_priv_get(dev);
	bool tainted;

	if (type != IOMMU_VIOMMU_TYPE_ARM_SMMUV3 ||
	    !smmuv3_viommu_allowed(master->smmu->features, master->canwbs,
				   READ_ONCE(allow_noncoherent_viommu), &tainted))
		return 0;
	if (tainted) {
		pr_warn_once("alist_smmuv3: allow_noncoherent_viommu: vSMMU without S2FWB or CANWBS, guest DMA may be non-coherent; tainting the kernel\n");
		add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	}
	return VIOMMU_STRUCT_SIZE(struct smmuv3_viommu, core);
}

/**
 * smmuv3_viommu_init() - set up a vSMMU allocated by iommufd
 * @viommu: the core object (first member of struct smmuv3_viommu)
 * @parent: the nest parent, a stage-2 domain
 * @user_data: must be NULL
 *
 * Allocates the vSMMU's VMID and its vSID table. The parent may be a
 * domain of another SMMU that this one can walk (smmuv3_domain_compatible()):
 * one stage 2 shared by the vSMMUs of several SMMUs.
 *
 * Context: may sleep. No lock needed.
 * Return: 0, -EOPNOTSUPP for user data, -EINVAL for a bad parent, -ENOSPC,
 * -ENOMEM.
 */
int smmuv3_viommu_init(struct iommufd_viommu *viommu, struct iommu_domain *parent,
		       const struct iommu_user_data *user_data)
{
	struct smmuv3_device *smmu = container_of(viommu->iommu_dev, struct smmuv3_device,
						  iommu);
	struct smmuv3_viommu *vsmmu = to_vsmmu(viommu);
	struct smmuv3_domain *d;
	int ret;

	if (user_data)
		return -EOPNOTSUPP;
	if (parent->ops != &smmuv3_paging_ops)
		return -EINVAL;
	d = to_smmuv3_domain(parent);
	if (!d->nest_parent || d->stage != SMMUV3_STAGE_S2 ||
	    !smmuv3_domain_compatible(d, smmu))
		return -EINVAL;
	ret = alist_viommu_init(&vsmmu->shared);
	if (ret)
		return ret;
	ret = smmuv3_tag_alloc(smmu, SMMUV3_STAGE_S2, &vsmmu->vmid);
	if (ret) {
		alist_viommu_destroy(&vsmmu->shared);
		return ret;
	}
	/* The parent's list gets targets on @smmu through this vSMMU */
	smmuv3_domain_params_add(d, smmu);
	vsmmu->smmu = smmu;
	vsmmu->parent = d;
	viommu->ops = &smmuv3_viommu_ops;
	atomic64_inc(&smmu->stats.live_viommus);
	return 0;
}
