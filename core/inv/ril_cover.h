/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RilCover: covering n units with SMMUv3 range invalidations (IDR3.RIL).
 * One command names (NUM + 1) << SCALE units from any address, NUM and
 * SCALE 5 bits each: no alignment requirement.
 *
 * Exact cover: each command takes the 5-bit window of n that starts at its
 * lowest set bit (Next(); the host tests check Count() against an
 * exhaustive minimum). Wide(): the one command covering at least n units
 * with the fewest extra units, for the cover policy (cover_policy.h).
 */
#ifndef ALIST_CORE_RIL_COVER_H
#define ALIST_CORE_RIL_COVER_H

#include <alist/types.h>

namespace alist {

class RilCover {
public:
	static constexpr unsigned kMaxScale = 31;
	static constexpr alist_u64 kMaxNum = 32;	/* NUM field + 1 */

	/* One command: num << scale units, num = NUM + 1 (1..32). */
	struct Chunk {
		unsigned scale;
		unsigned num;
	};

	/* The next exact command for @n > 0 units left. */
	static Chunk Next(alist_u64 n);
	/* Exact commands to cover @n units, capped at @limit + 1. */
	static alist_u64 Count(alist_u64 n, alist_u64 limit);
	/*
	 * The single command covering @n > 0 units with the least excess:
	 * false if none can (over 32 << 31 units).
	 */
	static bool Wide(alist_u64 n, Chunk *c);
};

} // namespace alist

#endif /* ALIST_CORE_RIL_COVER_H */
