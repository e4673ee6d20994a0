/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IdArray: the RCU-published array behind an IdTable, sorted by virtual ID
 * with unique vIDs, followed in memory by its IdEntry slots.
 */
#ifndef ALIST_CORE_ID_ARRAY_H
#define ALIST_CORE_ID_ARRAY_H

#include <alist/env.h>
#include <alist/types.h>

#include "id_entry.h"

namespace alist {

class IdArray {
public:
	static constexpr alist_u32 kMaxEntries = 1u << 24;

	static IdArray *Create(alist_u32 capacity);
	static void Destroy(IdArray *array);
	void Retire();

	alist_u32 count() const { return count_; }
	void set_count(alist_u32 n) { count_ = n; }
	alist_u32 dead() const { return dead_; }
	void set_dead(alist_u32 n) { dead_ = n; }
	const IdEntry *entries() const { return reinterpret_cast<const IdEntry *>(this + 1); }
	IdEntry *entries() { return reinterpret_cast<IdEntry *>(this + 1); }

	/*
	 * Binary search: the first index whose vid is >= @vid. @probes, if
	 * not NULL, counts the entries compared (at most ceil(log2(n + 1))).
	 */
	alist_u32 LowerBound(alist_u64 vid, alist_u32 *probes) const;

private:
	IdArray() = default;

	struct alist_rcu_head rcu_;
	alist_u32 count_;	/* immutable once published */
	alist_u32 dead_;	/* writer only */
};

} // namespace alist

#endif /* ALIST_CORE_ID_ARRAY_H */
