// SPDX-License-Identifier: GPL-2.0
#include "inv/range_set.h"

namespace alist {

void RangeSet::AddBytes(alist_u64 start, alist_u64 last)
{
	if (start <= last)
		AddPages(start >> kPageShift, last >> kPageShift);
}

void RangeSet::AddPages(alist_u64 first, alist_u64 last)
{
	unsigned i = 0, j;

	if (all_ || first > last)
		return;
	if (last > kMaxPage)
		last = kMaxPage;

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

RangeSet::Span RangeSet::SpanAt(alist_u32 idx, unsigned shift) const
{
	Span s{ranges_[idx].first >> shift, ranges_[idx].last >> shift, idx + 1};

	/* Scaling can make neighbouring ranges meet: coalesce them on the fly. */
	while (s.next < count_ && (ranges_[s.next].first >> shift) <= s.last + 1) {
		alist_u64 l = ranges_[s.next].last >> shift;

		if (l > s.last)
			s.last = l;
		s.next++;
	}
	return s;
}

} // namespace alist
