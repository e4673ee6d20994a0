// SPDX-License-Identifier: GPL-2.0
/*
 * Exports of the core's C API, in the IOMMU_ALIST namespace.
 *
 * The API is implemented in C++ (extern "C"). Kbuild computes symbol
 * versions only for C objects, from the prototypes a C file sees, so the
 * exports live here, next to the prototypes, and nothing is exported from
 * C++. scripts/check-exports.py keeps this list equal to the functions the
 * public headers declare: those of a header's test interface section with
 * EXPORT_SYMBOL_IF_KUNIT, every other one in the IOMMU_ALIST namespace.
 */
#include <linux/export.h>
#include <kunit/visibility.h>

#include <alist/attach_list.h>
#include <alist/id_table.h>
#include <alist/inv.h>
#include <alist/user_array.h>
#include <alist/lock.h>

/* attach_list.h */
EXPORT_SYMBOL_NS_GPL(alist_list_alloc, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_list_reserve, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_list_free, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_list_prepare_attach, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_nest_prepare_attach, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_list_commit_attach, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_list_abort_attach, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_list_txn_pending, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_list_detach, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_nest_detach, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_targets_left, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_list_read_begin, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_view_entries, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_list_read_end, "IOMMU_ALIST");

/* id_table.h */
EXPORT_SYMBOL_NS_GPL(alist_id_table_alloc, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_id_table_free, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_id_table_insert, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_id_table_remove, "IOMMU_ALIST");

/* inv.h */
EXPORT_SYMBOL_NS_GPL(alist_inv_cursor_init, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_inv_cursor_add_range, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_inv_cursor_add_all, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_inv_cursor_empty, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_vtd_inv_fill, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_smmuv3_inv_fill, "IOMMU_ALIST");

/* user_array.h */
EXPORT_SYMBOL_NS_GPL(alist_vtd_user_inv_decode, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_smmuv3_user_inv_init, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_smmuv3_user_inv_fill, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_smmuv3_user_inv_handled, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_smmuv3_user_inv_finish, "IOMMU_ALIST");

/* The test interface of attach_list.h and id_table.h: KUnit only */
EXPORT_SYMBOL_IF_KUNIT(alist_nest_derive);
EXPORT_SYMBOL_IF_KUNIT(alist_list_compact);
EXPORT_SYMBOL_IF_KUNIT(alist_list_snapshot);
EXPORT_SYMBOL_IF_KUNIT(alist_id_table_lookup);
EXPORT_SYMBOL_IF_KUNIT(alist_id_table_count);

/* lock.h */
EXPORT_SYMBOL_NS_GPL(alist_lock, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_unlock, "IOMMU_ALIST");
EXPORT_SYMBOL_NS_GPL(alist_assert_locked, "IOMMU_ALIST");
