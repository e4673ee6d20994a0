/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IdTable: a vIOMMU's virtual-ID to physical-ID map (vSID -> pSID,
 * vRID -> pRID), read lock-free in O(log n) by binary search over an
 * RCU-published sorted array.
 *
 * Locking: InsertLocked()/RemoveLocked() need the update lock. Lookup()
 * needs an RCU read section (or the update lock).
 *
 * Insert builds a new array (may fail). Remove cannot fail for want of
 * memory: it marks the entry dead in place, then tries to publish a
 * compacted array and keeps the dead entry if that allocation fails.
 */
#ifndef ALIST_CORE_ID_TABLE_H
#define ALIST_CORE_ID_TABLE_H

#include <alist/types.h>

#include "base/rcu_ptr.h"
#include "nest/id_array.h"

namespace alist {

class IdTable {
public:
	IdTable() = default;
	IdTable(const IdTable &) = delete;
	IdTable &operator=(const IdTable &) = delete;

	/* 0, -EEXIST (@vid is mapped), -ENOMEM. */
	[[nodiscard]]
	int InsertLocked(alist_u64 vid, alist_u32 pid);
	/* 0 or -ENOENT. */
	[[nodiscard]]
	int RemoveLocked(alist_u64 vid);
	/* 0 and *@pid, or -ENOENT. @probes as IdArray::LowerBound(). */
	[[nodiscard]]
	int Lookup(alist_u64 vid, alist_u32 *pid, alist_u32 *probes = nullptr) const;
	/* Live mappings (update lock held). */
	alist_u32 CountLocked() const;
	/* Teardown, no lock: nothing else may use the table any more. */
	void Destroy();

private:
	IdArray *CurrentLocked() const;
	void PublishLocked(IdArray *array);
	void CompactLocked();

	RcuPtr<IdArray> current_;	/* RCU-published */
};

} // namespace alist

#endif /* ALIST_CORE_ID_TABLE_H */
