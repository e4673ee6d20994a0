// SPDX-License-Identifier: GPL-2.0
/*
 * alist_smmuv3_kunit.ko: the KUnit suites of the SMMUv3 driver.
 *
 * Each kunit/smmuv3_*_test.c file registers its suites with
 * kunit_test_suite(); this file only carries the module metadata. The
 * suites call driver functions exported only under CONFIG_KUNIT
 * (EXPORT_SYMBOL_IF_KUNIT) and need no SMMU: the command queue runs in its
 * recording mode.
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for the iommu-alist SMMUv3 driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("IOMMU_ALIST");
MODULE_IMPORT_NS("IOMMUFD");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
