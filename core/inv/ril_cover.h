/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RilCover: SMMUv3 range invalidation (IDR3.RIL). One TLBI covers
 * (NUM + 1) << SCALE granules from its address, NUM and SCALE 5 bits each,
 * with no alignment requirement on the address. To cover n granules
 * exactly, each command takes the 5-bit window of n that starts at its
 * lowest set bit; the test suite checks this count against an exhaustive
 * minimum for every n up to a few thousand.
 */
#ifndef ALIST_CORE_RIL_COVER_H
#define ALIST_CORE_RIL_COVER_H

#include <alist/types.h>

#include "base/bits.h"

namespace alist {

class RilCover {
public:
	static constexpr unsigned kMaxScale = 31;
	static constexpr unsigned kMaxNum = 32; /* NUM field + 1 */

	struct Chunk {
		unsigned scale;
		unsigned num; /* granules = num << scale, 1 <= num <= 32 */
	};

	/* The next command for @n > 0 granules left (inline: per command). */
	static Chunk Next(alist_u64 n)
	{
		unsigned scale = LowBit(n);

		if (scale > kMaxScale) {
			/* Over 2^31 granules: only reachable with a huge threshold. */
			alist_u64 num = n >> kMaxScale;

			return Chunk{kMaxScale,
				     static_cast<unsigned>(num > kMaxNum ? kMaxNum : num)};
		}
		return Chunk{scale, static_cast<unsigned>((n >> scale) & 31)};
	}
	/* Commands to cover @n granules, capped at @limit + 1. */
	static alist_u64 Count(alist_u64 n, alist_u64 limit);
};

} // namespace alist

#endif /* ALIST_CORE_RIL_COVER_H */
