// SPDX-License-Identifier: GPL-2.0
#include "nest/id_array.h"

#include "base/placement_new.h"

namespace alist {

IdArray *IdArray::Create(alist_u32 capacity)
{
	static_assert(__builtin_offsetof(IdArray, rcu_) == 0,
		      "the RCU head must start the allocation");
	static_assert(sizeof(IdArray) % alignof(IdEntry) == 0, "entries follow");

	if (capacity > kMaxEntries)
		return nullptr;
	void *p = alist_env_alloc(sizeof(IdArray) +
				  (unsigned long)capacity * sizeof(IdEntry));
	return p ? new (p) IdArray() : nullptr;
}

void IdArray::Destroy(IdArray *array)
{
	if (array)
		alist_env_free(array);
}

void IdArray::Retire()
{
	alist_env_rcu_retire(&rcu_);
}

alist_u32 IdArray::LowerBound(alist_u64 vid, alist_u32 *probes) const
{
	alist_u32 lo = 0, hi = count_;

	while (lo < hi) {
		alist_u32 mid = lo + (hi - lo) / 2;

		if (probes)
			(*probes)++;
		if (entries()[mid].vid < vid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

} // namespace alist
