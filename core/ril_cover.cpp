// SPDX-License-Identifier: GPL-2.0
#include "ril_cover.h"

#include "bits.h"

namespace alist {

RilCover::Chunk RilCover::Next(alist_u64 n)
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

alist_u64 RilCover::Count(alist_u64 n, alist_u64 limit)
{
	alist_u64 count = 0;

	while (n) {
		Chunk c = Next(n);

		n -= static_cast<alist_u64>(c.num) << c.scale;
		if (++count > limit)
			return limit + 1;
	}
	return count;
}

} // namespace alist
