/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BlockCover: naturally aligned power-of-two blocks of pages, the shape
 * of a VT-d AM, a PCIe ATS size and an SMMUv3 ATC_INV SIZE. The exact
 * cover takes the largest aligned block that fits at each position
 * (optimal: no block at @first can be larger).
 */
#ifndef ALIST_CORE_BLOCK_COVER_H
#define ALIST_CORE_BLOCK_COVER_H

#include <alist/types.h>

#include "base/bits.h"

namespace alist {

class BlockCover {
public:
	/* Order (log2 pages) of the block to emit at @first for [first, last]. */
	static ALIST_ALWAYS_INLINE unsigned NextOrder(alist_u64 first, alist_u64 last,
						      unsigned max_order)
	{
		unsigned align = first ? LowBit(first) : 63;
		/* floor(log2(pages left)); last - first + 1 cannot wrap for pages. */
		unsigned fit = Fls(last - first + 1) - 1;

		return Min(Min(align, fit), max_order);
	}
	/*
	 * Blocks of the exact cover of [first, last], or @limit + 1 as soon as
	 * it is known to exceed @limit (the cost check never runs long).
	 */
	static ALIST_ALWAYS_INLINE alist_u64 Count(alist_u64 first, alist_u64 last,
						   unsigned max_order, alist_u64 limit)
	{
		alist_u64 count = 0;

		while (first <= last) {
			unsigned k = NextOrder(first, last, max_order);
			alist_u64 step;

			if (k == max_order) {
				/* Aligned to the largest block: the rest in one go. */
				alist_u64 n = (last - first + 1) >> k;

				count += n;
				step = n << k;
			} else {
				count++;
				step = 1ull << k;
			}
			if (count > limit)
				return limit + 1;
			if (last - first + 1 == step)
				break;
			first += step;
		}
		return count;
	}
	/* Order of the smallest aligned block containing [first, last]. */
	static unsigned HullOrder(alist_u64 first, alist_u64 last)
	{
		return Fls(first ^ last);
	}
};

} // namespace alist

#endif /* ALIST_CORE_BLOCK_COVER_H */
