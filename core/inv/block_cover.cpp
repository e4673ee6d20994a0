// SPDX-License-Identifier: GPL-2.0
#include "inv/block_cover.h"

#include "base/bits.h"

namespace alist {

alist_u64 BlockCover::Count(alist_u64 first, alist_u64 last,
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

} // namespace alist
