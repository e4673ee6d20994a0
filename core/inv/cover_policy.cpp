// SPDX-License-Identifier: GPL-2.0
#include "inv/cover_policy.h"

namespace alist {

alist_u64 CoverPolicy::Mul(alist_u64 a, alist_u64 b)
{
	alist_u64 r;

	/* Over-invalidation of a huge hull must not wrap to "cheap". */
	return __builtin_mul_overflow(a, b, &r) ? ~0ull : r;
}

alist_u64 CoverPolicy::Total(alist_u64 cmds, alist_u64 syncs, alist_u64 devtlb,
			     alist_u64 over) const
{
	alist_u64 parts[] = {Mul(cmds, c_.cmd_ns), Mul(syncs, c_.sync_ns),
			     Mul(devtlb, c_.devtlb_ns), Mul(over, c_.refill_ns)};
	alist_u64 sum = 0;

	for (alist_u64 p : parts)
		sum = __builtin_add_overflow(sum, p, &sum) ? ~0ull : sum;
	return sum;
}

} // namespace alist
