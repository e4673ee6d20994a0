// SPDX-License-Identifier: GPL-2.0
/*
 * The C API of ID tables (include/alist/id_table.h): thin extern "C"
 * wrappers around alist::IdTable.
 */
#include <alist/id_table.h>

#include "nest/id_table.h"
#include "base/placement_new.h"

namespace {

alist::IdTable *ToTable(struct alist_id_table *t)
{
	return reinterpret_cast<alist::IdTable *>(t);
}

} // namespace

extern "C" {

struct alist_id_table *alist_id_table_alloc(void)
{
	return reinterpret_cast<struct alist_id_table *>(alist::EnvNew<alist::IdTable>());
}

void alist_id_table_free(struct alist_id_table *t)
{
	if (!t)
		return;
	ToTable(t)->Destroy();
	alist::EnvDelete(ToTable(t));
}

int alist_id_table_insert(struct alist_id_table *t, alist_u64 vid, alist_u32 pid)
{
	return ToTable(t)->InsertLocked(vid, pid);
}

int alist_id_table_remove(struct alist_id_table *t, alist_u64 vid)
{
	return ToTable(t)->RemoveLocked(vid);
}

int alist_id_table_lookup(const struct alist_id_table *t, alist_u64 vid, alist_u32 *pid)
{
	return reinterpret_cast<const alist::IdTable *>(t)->Lookup(vid, pid);
}

unsigned int alist_id_table_count(struct alist_id_table *t)
{
	return ToTable(t)->CountLocked();
}

} // extern "C"
