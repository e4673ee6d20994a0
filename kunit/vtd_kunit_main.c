// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd_kunit.ko: the KUnit suites of the VT-d driver. Each
 * kunit/vtd_*_test.c file registers its suites; this file carries the
 * module metadata they share.
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for the iommu-alist VT-d driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("IOMMU_ALIST");
MODULE_IMPORT_NS("IOMMUFD");
MODULE_IMPORT_NS("GENERIC_PT_IOMMU");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
