/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CoverPolicy: exact cover or one wider command, decided per range from
 * the cost model of struct alist_inv_cost (Documentation/
 * core-invalidation.rst, "Cover policy").
 *
 * A range covered exactly by k commands can instead take one command
 * naming a superset of it: an aligned block for VT-d PSI and device TLBs,
 * a rounded-up range for SMMUv3 RIL. The wider command saves k - 1
 * commands and costs the refills of the pages it drops needlessly:
 *
 *	wide  iff  over * refill_ns <= (k - 1) * unit_ns
 *
 * with unit_ns the cost of one command of the kind (cmd_ns for IOTLB
 * kinds, devtlb_ns for device TLBs; a tie takes the fewer commands). Both
 * covers need the same syncs, so sync_ns never changes the choice.
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
