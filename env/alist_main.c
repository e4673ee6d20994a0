// SPDX-License-Identifier: GPL-2.0
/*
 * iommu_alist.ko: the iommu-alist core (C++) and its kernel shims.
 *
 * The module has no state of its own to set up: the core's structures are
 * created by the drivers that use them. On unload it waits for the RCU
 * callbacks that free retired core arrays.
 */
#define pr_fmt(fmt) "iommu_alist: " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>

static int __init alist_init(void)
{
	pr_info("core loaded\n");
	return 0;
}

static void __exit alist_exit(void)
{
	/* Retired arrays are freed by kvfree_rcu(); let them drain. */
	rcu_barrier();
}

module_init(alist_init);
module_exit(alist_exit);

MODULE_DESCRIPTION("iommu-alist: shared IOMMU attach list, invalidation batching and nesting core");
MODULE_LICENSE("GPL");
