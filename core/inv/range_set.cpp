// SPDX-License-Identifier: GPL-2.0
#include "inv/range_set.h"

namespace alist {

void RangeSet::Merge(alist_u64 first, alist_u64 last)
{
	unsigned i = 0, j;

	/* ranges_[i, j): the ranges that overlap or touch [first, last]. */
	while (i < count_ && ranges_[i].last + 1 < first)
		i++;
	for (j = i; j < count_ && ranges_[j].first <= last + 1; j++) {
		if (ranges_[j].first < first)
			first = ranges_[j].first;
		if (ranges_[j].last > last)
			last = ranges_[j].last;
	}
	/* A new disjoint range with no room left: degrade. */
	if (i == j && count_ == kCapacity) {
		SetAll();
		return;
	}
	/* They and [first, last] become one range at i; the tail follows it. */
	__builtin_memmove(&ranges_[i + 1], &ranges_[j], (count_ - j) * sizeof(Range));
	count_ = count_ + 1 - (j - i);
	ranges_[i] = Range{first, last};
}

} // namespace alist
