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
	if (all_ || first > last)
		return;
	if (last > kMaxPage)
		last = kMaxPage;

	/* First range that overlaps or touches [first, last] (or follows it). */
	unsigned i = 0;
	while (i < count_ && ranges_[i].last + 1 < first)
		i++;

	/* Absorb every range that overlaps or is adjacent. */
	unsigned j = i;
	while (j < count_ && ranges_[j].first <= last + 1) {
		if (ranges_[j].first < first)
			first = ranges_[j].first;
		if (ranges_[j].last > last)
			last = ranges_[j].last;
		j++;
	}

	if (j == i) {
		/* A new disjoint range: insert at i, or degrade when full. */
		if (count_ == kCapacity) {
			SetAll();
			return;
		}
		for (unsigned k = count_; k > i; k--)
			ranges_[k] = ranges_[k - 1];
		count_++;
	} else {
		/* ranges_[i, j) collapse into ranges_[i]. */
		unsigned gone = j - i - 1;
		for (unsigned k = i + 1; k + gone < count_; k++)
			ranges_[k] = ranges_[k + gone];
		count_ -= gone;
	}
	ranges_[i].first = first;
	ranges_[i].last = last;
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
