/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CoverPolicy: exact cover or one wider command naming a superset, per
 * range: wide iff over * refill_ns <= (exact - 1) * unit_ns (the cost
 * model of struct alist_inv_cost; both covers need the same syncs).
 * Documentation/core-invalidation.rst, "Cover policy".
 */
#ifndef ALIST_CORE_COVER_POLICY_H
#define ALIST_CORE_COVER_POLICY_H

#include <alist/inv.h>

namespace alist {

class CoverPolicy {
public:
	/* @c may be NULL: the defaults (ALIST_INV_COST_DEFAULT). */
	explicit CoverPolicy(const alist_inv_cost *c)
		: c_(c ? *c : alist_inv_cost ALIST_INV_COST_DEFAULT)
	{
	}

	/* IOTLB kinds: one wide command instead of @exact, dropping @over pages. */
	bool TlbWide(alist_u64 exact, alist_u64 over) const
	{
		return Wide(c_.cmd_ns, exact, over);
	}
	/* Device TLBs, the same per device. */
	bool DevWide(alist_u64 exact, alist_u64 over) const
	{
		return Wide(c_.devtlb_ns, exact, over);
	}

	const alist_inv_cost &cost() const { return c_; }

private:
	static alist_u64 Mul(alist_u64 a, alist_u64 b)
	{
		alist_u64 r;

		/* Over-invalidation of a huge hull must not wrap to "cheap". */
		return __builtin_mul_overflow(a, b, &r) ? ~0ull : r;
	}
	bool Wide(alist_u64 unit_ns, alist_u64 exact, alist_u64 over) const
	{
		return exact > 1 && Mul(over, c_.refill_ns) <= Mul(exact - 1, unit_ns);
	}

	alist_inv_cost c_;
};

} // namespace alist

#endif /* ALIST_CORE_COVER_POLICY_H */
