/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RangeSet: the pages a request invalidates, as a minimal sorted set of
 * disjoint, non-adjacent inclusive page ranges in a fixed-size buffer.
 *
 * Kept in 4 KiB page frames because that is the smallest unit any encoder
 * uses (VT-d PSI and device-TLB, SMMUv3 ATC); an encoder with a larger
 * granule rescales and re-coalesces on the fly. A request that would need
 * more than kCapacity disjoint ranges degrades to "all": by then a
 * whole-tag flush is cheaper than the commands, and the buffer stays fixed
 * (no allocation on the invalidation path).
 */
#ifndef ALIST_CORE_RANGE_SET_H
#define ALIST_CORE_RANGE_SET_H

#include <alist/inv.h>

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

	void Clear()
	{
		count_ = 0;
		all_ = false;
	}

	/* Add the inclusive byte range [start, last]; ignored if start > last. */
	void AddBytes(alist_u64 start, alist_u64 last)
	{
		if (start > last)
			return;
		AddPages(start >> kPageShift, last >> kPageShift);
	}

	/* Add the inclusive page range [first, last], both <= kMaxPage. */
	void AddPages(alist_u64 first, alist_u64 last)
	{
		if (!all_ && !count_ && first <= last && last <= kMaxPage) {
			/* The first range of a request (an unmap adds just one). */
			ranges_[0].first = first;
			ranges_[0].last = last;
			count_ = 1;
			return;
		}
		Merge(first, last);
	}

	void SetAll()
	{
		count_ = 0;
		all_ = true;
	}

	bool all() const { return all_; }
	bool empty() const { return !all_ && count_ == 0; }
	unsigned size() const { return count_; }
	const Range &operator[](unsigned i) const { return ranges_[i]; }

private:
	/* AddPages() into a non-empty set: merge, insert, or degrade. */
	void Merge(alist_u64 first, alist_u64 last);

	Range ranges_[kCapacity];
	alist_u32 count_;
	bool all_;
};

} // namespace alist

#endif /* ALIST_CORE_RANGE_SET_H */
