/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RangeSet: the pages of a request, sorted disjoint non-adjacent ranges
 * in a fixed buffer (no allocation on the invalidation path); one range
 * too many degrades to "all". In 4 KiB pages, the smallest unit of any
 * format; SMMUv3 TLBIs read larger units through SpanAt().
 */
#ifndef ALIST_CORE_RANGE_SET_H
#define ALIST_CORE_RANGE_SET_H

#include <alist/inv.h>

#include "base/bits.h"

namespace alist {

class RangeSet {
public:
	static constexpr unsigned kCapacity = ALIST_INV_MAX_RANGES;
	static constexpr unsigned kPageShift = 12;
	/* Page frames of a 64-bit address space: 2^52, so last + 1 never wraps. */
	static constexpr alist_u64 kMaxPage = (~0ull) >> kPageShift;

	struct Range {
		alist_u64 first; /* page frame numbers, inclusive */
		alist_u64 last;
	};

	/* Ranges scaled down by 2^shift pages and coalesced where they meet. */
	struct Span {
		alist_u64 first; /* in units of 2^shift pages, inclusive */
		alist_u64 last;
		alist_u32 next;	 /* index of the first range after it */
	};

	void Clear()
	{
		count_ = 0;
		all_ = false;
	}

	void SetAll()
	{
		count_ = 0;
		all_ = true;
	}

	/* Add the inclusive byte range [start, last]; ignored if start > last. */
	ALIST_ALWAYS_INLINE void AddBytes(alist_u64 start, alist_u64 last)
	{
		if (start <= last)
			AddPages(start >> kPageShift, last >> kPageShift);
	}
	/*
	 * Add the inclusive page range [first, last]: merge, insert or
	 * degrade. Pages past kMaxPage do not exist: a range that starts
	 * there is ignored, one that ends there is clamped.
	 */
	ALIST_ALWAYS_INLINE void AddPages(alist_u64 first, alist_u64 last)
	{
		if (all_ || first > last || first > kMaxPage)
			return;
		if (last > kMaxPage)
			last = kMaxPage;
		if (count_) {
			Merge(first, last);
			return;
		}
		/* The first range (every iotlb_sync): nothing to merge. */
		ranges_[0] = Range{first, last};
		count_ = 1;
	}
	/* The span that starts with range @idx (< size()) in 2^@shift pages. */
	ALIST_ALWAYS_INLINE Span SpanAt(alist_u32 idx, unsigned shift) const
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

	bool all() const { return all_; }
	bool empty() const { return !all_ && count_ == 0; }
	unsigned size() const { return count_; }
	const Range &operator[](unsigned i) const { return ranges_[i]; }

private:
	/* AddPages() of a valid range into a non-empty set. */
	void Merge(alist_u64 first, alist_u64 last);

	Range ranges_[kCapacity];
	alist_u32 count_;
	bool all_;
};

} // namespace alist

#endif /* ALIST_CORE_RANGE_SET_H */
