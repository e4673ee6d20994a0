// SPDX-License-Identifier: GPL-2.0
/*
 * alist_core_kunit.ko: the KUnit suites of the iommu-alist core.
 *
 * Each kunit/core_*_test.c file registers its suites with
 * kunit_test_suite(); the module loader hands them to KUnit. This file only
 * carries the module metadata they share.
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for the iommu-alist core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("IOMMU_ALIST");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
