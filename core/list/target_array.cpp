// SPDX-License-Identifier: GPL-2.0
#include "list/target_array.h"

#include "base/placement_new.h"
#include "list/target_order.h"

namespace alist {

TargetArray *TargetArray::Create(alist_u32 capacity)
{
	/* The env frees a retired object from its first byte. */
	static_assert(__builtin_offsetof(TargetArray, rcu_) == 0,
		      "the RCU head must start the allocation");

	if (capacity > kMaxEntries)
		return nullptr;
	void *p = alist_env_alloc(sizeof(TargetArray) +
				  (unsigned long)capacity * sizeof(alist_target));
	if (!p)
		return nullptr;
	TargetArray *a = new (p) TargetArray();
	a->magic_ = kMagic;
	a->capacity_ = capacity;
	return a;
}

void TargetArray::Destroy(TargetArray *array)
{
	if (array)
		alist_env_free(array);
}

void TargetArray::Retire()
{
	alist_env_rcu_retire(&rcu_);
}

alist_u32 TargetArray::LowerBound(const alist_target *e, alist_u32 n,
				  const alist_target &key)
{
	alist_u32 lo = 0, hi = n;

	while (lo < hi) {
		alist_u32 mid = lo + (hi - lo) / 2;

		if (TargetOrder::Less(e[mid], key))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long TargetArray::Find(const alist_target &key) const
{
	alist_u32 n = Count();
	alist_u32 i = LowerBound(entries(), n, key);

	if (i < n && TargetOrder::SameKey(entries()[i], key))
		return i;
	return -1;
}

} // namespace alist
