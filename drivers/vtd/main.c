// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: module entry. Finds the remapping units in ACPI DMAR, brings
 * each up in scalable mode and registers it with the IOMMU core. Meant to
 * be loaded from the initramfs before drivers bind (devices that already
 * have a driver are kept in identity and never probed).
 */
#include <linux/acpi.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "vtd.h"

struct vtd_dmar_info vtd_dmar;

static bool vtd_capable(struct device *dev, enum iommu_cap cap)
{
	struct vtd_dev *vdev = dev_iommu_priv_get(dev);

	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
		/* DMA snoops on VT-d; iommufd requires this */
		return true;
	case IOMMU_CAP_ENFORCE_CACHE_COHERENCY:
		return vdev && (vdev->unit->ecap & VTD_ECAP_SC);
	case IOMMU_CAP_DEFERRED_FLUSH:
		return true;
	case IOMMU_CAP_PCI_ATS_SUPPORTED:
		return vdev && vdev->ats;
	default:
		return false;
	}
}

const struct iommu_ops vtd_iommu_ops = {
	.blocked_domain = &vtd_blocked_domain,
	.release_domain = &vtd_blocked_domain,
	.identity_domain = &vtd_identity_domain,
	.capable = vtd_capable,
	.hw_info = vtd_hw_info,
	.domain_alloc_paging_flags = vtd_domain_alloc_paging_flags,
	.domain_alloc_nested = vtd_domain_alloc_nested,
	.def_domain_type = vtd_def_domain_type,
	.probe_device = vtd_probe_device,
	.release_device = vtd_release_device,
	.device_group = vtd_device_group,
	.get_resv_regions = vtd_get_resv_regions,
	.owner = THIS_MODULE,
};

static void vtd_unit_unregister(struct vtd_unit *unit)
{
	if (unit->registered) {
		iommu_device_unregister(&unit->iommu);
		iommu_device_sysfs_remove(&unit->iommu);
		WRITE_ONCE(unit->registered, false);
	}
}

/* Make a started unit known: debugfs, sysfs, the IOMMU core. */
static int vtd_unit_register(struct vtd_unit *unit)
{
	int ret;

	vtd_debugfs_unit(unit);
	ret = iommu_device_sysfs_add(&unit->iommu, NULL, NULL, "%s",
				     unit->name);
	if (ret)
		return ret;
	/* Probing the devices of this unit may start now */
	WRITE_ONCE(unit->registered, true);
	ret = iommu_device_register(&unit->iommu, &vtd_iommu_ops, NULL);
	if (ret) {
		WRITE_ONCE(unit->registered, false);
		iommu_device_sysfs_remove(&unit->iommu);
	}
	return ret;
}

/* The reverse of vtd_unit_start() and vtd_unit_register(), in order */
static void vtd_unit_teardown(struct vtd_unit *unit)
{
	vtd_unit_unregister(unit);
	vtd_unit_stop(unit);
	vtd_unit_remove(unit);
}

static void vtd_teardown(void)
{
	unsigned int i;

	for (i = 0; i < VTD_MAX_UNITS; i++) {
		struct vtd_unit *unit = vtd_unit_from_instance(i);

		if (!unit || alist_recording(unit->recorder))
			continue;
		vtd_unit_teardown(unit);
	}
}

ALIST_TEST_INIT_FAIL_NTH;

static int __init vtd_init_units(void)
{
	struct acpi_table_header *tbl;
	unsigned int i, started = 0;
	acpi_status status;
	int ret;

	status = acpi_get_table(ACPI_SIG_DMAR, 0, &tbl);
	if (ACPI_FAILURE(status)) {
		pr_info("alist_vtd: no ACPI DMAR table, no VT-d unit\n");
		return -ENODEV;
	}
	ret = vtd_dmar_parse(tbl, tbl->length, &vtd_dmar);
	acpi_put_table(tbl);
	if (ret)
		return ret;
	pr_info("alist_vtd: DMAR: %u unit(s), %u RMRR(s), host address width %u\n",
		vtd_dmar.ndrhd, vtd_dmar.nrmrr, vtd_dmar.haw);

	vtd_debugfs_init();
	for (i = 0; i < vtd_dmar.ndrhd; i++)
		vtd_unit_probe(&vtd_dmar.drhd[i]);
	for (i = 0; i < VTD_MAX_UNITS; i++) {
		struct vtd_unit *unit = vtd_unit_from_instance(i);

		if (!unit)
			continue;
		ret = vtd_unit_start(unit);
		if (!ret)
			ret = vtd_unit_register(unit);
		if (ret) {
			pr_err("alist_vtd %s: not started: %d\n", unit->name,
			       ret);
			vtd_unit_teardown(unit);
			continue;
		}
		started++;
	}
	if (!started) {
		vtd_debugfs_exit();
		return -ENODEV;
	}
	return 0;
}

/* Take back a vtd_init_units() that succeeded: what the exit does */
static void __init vtd_init_undo(void)
{
	vtd_teardown();
	vtd_debugfs_exit();
}

static int __init vtd_init(void)
{
	return alist_test_fail_nth_sweep(vtd_init_units, vtd_init_undo,
					 "alist_vtd", &init_fail_nth);
}

static void __exit vtd_exit(void)
{
	vtd_teardown();
	vtd_debugfs_exit();
}

module_init(vtd_init);
module_exit(vtd_exit);

MODULE_DESCRIPTION("iommu-alist Intel VT-d driver (scalable mode)");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("IOMMU_ALIST");
MODULE_IMPORT_NS("IOMMUFD");
MODULE_IMPORT_NS("GENERIC_PT_IOMMU");
