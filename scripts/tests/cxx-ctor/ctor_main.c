// SPDX-License-Identifier: GPL-2.0
/* Carrier for ctor_global.cpp; see scripts/tests/cxx-ctor/Kbuild. */
#include <linux/module.h>

int alist_ctor_value(void);

static int __init alist_cxx_ctor_init(void)
{
	return alist_ctor_value() ? 0 : -EINVAL;
}
module_init(alist_cxx_ctor_init);

MODULE_DESCRIPTION("iommu-alist: C++ check negative control");
MODULE_LICENSE("GPL");
