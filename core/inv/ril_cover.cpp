// SPDX-License-Identifier: GPL-2.0
#include "inv/ril_cover.h"

#include "base/bits.h"

namespace alist {

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
