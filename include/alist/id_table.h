/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vIOMMU's virtual-ID to physical-ID table (vSID -> pSID, vRID -> pRID).
 * C API of the core (implemented in core/id_table_c_api.cpp).
 *
 * Lookups are lock-free, O(log n): a binary search of an RCU-published
 * sorted array. Writers hold the global update lock (alist_lock()).
 */
#ifndef ALIST_ID_TABLE_H
#define ALIST_ID_TABLE_H

#include "lock.h"
#include "types.h"

ALIST_C_BEGIN

struct alist_id_table;

/**
 * alist_id_table_alloc() - allocate an empty ID table
 *
 * Context: may sleep. No lock needed.
 * Return: the table, or NULL when out of memory.
 */
struct alist_id_table *alist_id_table_alloc(void);

/**
 * alist_id_table_free() - free an ID table
 * @t: the table, or NULL
 *
 * The array is freed after an RCU grace period. No lock needed; nothing
 * else may use @t any more.
 * Return: nothing.
 */
void alist_id_table_free(struct alist_id_table *t);

/**
 * alist_id_table_insert() - map a virtual ID to a physical one
 * @t: the table
 * @vid: virtual ID
 * @pid: physical ID
 *
 * Caller holds the update lock (alist_lock()).
 * Return: 0, -EEXIST if @vid is already mapped, -ENOMEM.
 */
int alist_id_table_insert(struct alist_id_table *t, alist_u64 vid, alist_u32 pid);

/**
 * alist_id_table_remove() - unmap a virtual ID
 * @t: the table
 * @vid: virtual ID
 *
 * Never fails for want of memory: lookups stop finding @vid at once.
 * Caller holds the update lock (alist_lock()).
 * Return: 0, or -ENOENT if @vid was not mapped.
 */
int alist_id_table_remove(struct alist_id_table *t, alist_u64 vid);

/*
 * Test interface: KUnit only. Exported with EXPORT_SYMBOL_IF_KUNIT (in the
 * EXPORTED_FOR_KUNIT_TESTING namespace) and absent from kernels without
 * KUnit; drivers and the shared layer do not call these.
 */

/**
 * alist_id_table_lookup() - translate a virtual ID
 * @t: the table
 * @vid: virtual ID
 * @pid: on success, the physical ID
 *
 * Caller is in an RCU read section (alist_env_rcu_read_lock()) or holds
 * the update lock (alist_lock()).
 * Return: 0, or -ENOENT if @vid is not mapped.
 */
int alist_id_table_lookup(const struct alist_id_table *t, alist_u64 vid, alist_u32 *pid);

/**
 * alist_id_table_count() - number of mappings
 * @t: the table
 *
 * Caller holds the update lock (alist_lock()).
 * Return: the number of virtual IDs mapped.
 */
unsigned int alist_id_table_count(struct alist_id_table *t);

ALIST_C_END

#endif /* ALIST_ID_TABLE_H */
