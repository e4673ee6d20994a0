// SPDX-License-Identifier: GPL-2.0
#include "inv/ril_cover.h"

#include "base/bits.h"

namespace alist {

RilCover::Chunk RilCover::Next(alist_u64 n)
{
	unsigned scale = LowBit(n);

	if (scale > kMaxScale) {
		/* Over 2^31 units: only reachable with a huge threshold. */
		alist_u64 num = n >> kMaxScale;

		return Chunk{kMaxScale, static_cast<unsigned>(num > kMaxNum ? kMaxNum : num)};
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

bool RilCover::Wide(alist_u64 n, Chunk *c)
{
	/*
	 * The smallest scale at which n fits in 32 steps, rounded up: a
	 * larger scale only rounds up further.
	 */
	unsigned scale = Fls(n - 1) > 5 ? Fls(n - 1) - 5 : 0;
	alist_u64 num = ((n - 1) >> scale) + 1;

	if (scale > kMaxScale)
		return false;
	*c = Chunk{scale, static_cast<unsigned>(num)};
	return true;
}

} // namespace alist
