/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IdEntry: one vID -> pID pair of an IdArray. Removal clears @live in place
 * (the array is RCU-published and readers may be looking at the entry), so
 * the flag is read and written with relaxed atomics; the IDs never change
 * after publication.
 */
#ifndef ALIST_CORE_ID_ENTRY_H
#define ALIST_CORE_ID_ENTRY_H

#include <alist/types.h>

namespace alist {

struct IdEntry {
	alist_u64 vid;
	alist_u32 pid;
	alist_u32 live;	/* 0 once removed */

	bool IsLive() const { return __atomic_load_n(&live, __ATOMIC_RELAXED); }
	void Kill() { __atomic_store_n(&live, 0u, __ATOMIC_RELAXED); }
};

} // namespace alist

#endif /* ALIST_CORE_ID_ENTRY_H */
