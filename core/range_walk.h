/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RangeWalk: reading a RangeSet in a coarser unit. The set is kept in
 * 4 KiB pages; an SMMUv3 TLBI counts granules (4/16/64 KiB, or the leaf
 * size without RIL). Scaling by @shift can make neighbouring ranges
 * overlap or touch, so they are coalesced here, on the fly, with no copy.
 */
#ifndef ALIST_CORE_RANGE_WALK_H
#define ALIST_CORE_RANGE_WALK_H

#include "range_set.h"

namespace alist {

class RangeWalk {
public:
	/* A sentinel EmitPos::cur: "not positioned yet". */
	static constexpr alist_u64 kUnset = ~0ull;

	struct Span {
		alist_u64 first;	/* in units of 2^shift pages, inclusive */
		alist_u64 last;
		alist_u32 next;		/* index of the first range after it */
	};

	/* The coalesced span that starts with range @idx (< rs.size()). */
	static Span At(const RangeSet &rs, alist_u32 idx, unsigned shift)
	{
		Span s{rs[idx].first >> shift, rs[idx].last >> shift, idx + 1};

		while (s.next < rs.size() && (rs[s.next].first >> shift) <= s.last + 1) {
			alist_u64 l = rs[s.next].last >> shift;

			if (l > s.last)
				s.last = l;
			s.next++;
		}
		return s;
	}
};

} // namespace alist

#endif /* ALIST_CORE_RANGE_WALK_H */
