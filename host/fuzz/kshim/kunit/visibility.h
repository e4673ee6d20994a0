/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-in for <kunit/visibility.h>, which the kernel's tools/include
 * lacks: as in a kernel with KUnit, VISIBLE_IF_KUNIT functions are not
 * static; there is no module to export to.
 */
#ifndef ALIST_HOST_KSHIM_KUNIT_VISIBILITY_H
#define ALIST_HOST_KSHIM_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(symbol)

#endif
