/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AtcCover: the device-TLB side of a plan, shared by both formats because
 * PCIe ATS fixes the shape: one invalidation names one naturally aligned
 * power-of-two span of 4 KiB pages (VT-d device-TLB descriptor, SMMUv3
 * ATC_INV), up to 2^52 pages (the whole 64-bit space).
 *
 * Policy (documented in Documentation/core-invalidation.rst):
 *  - exact: cover every merged range with the fewest aligned blocks, when
 *    that needs at most @max_cmds commands per device;
 *  - hull: otherwise one span, the smallest aligned block containing all
 *    ranges: one command per device, over-invalidating the gaps;
 *  - full: for "all", or when the hull is the whole space anyway.
 * Every extra ATC command is a PCIe round trip to the device, so a small
 * @max_cmds (2-4) is the sensible default.
 */
#ifndef ALIST_CORE_ATC_COVER_H
#define ALIST_CORE_ATC_COVER_H

#include "block_cover.h"
#include "inv_plan.h"
#include "range_walk.h"
#include "walk_state.h"

namespace alist {

class AtcCover {
public:
	static constexpr unsigned kFullOrder = 52;

	struct Block {
		alist_u64 base;	/* first 4 KiB page, aligned to 2^order */
		unsigned order;
	};

	/* Fill plan->atc_full / atc_hull / hull_* from the request. */
	static void Plan(const RangeSet &rs, alist_u32 max_cmds, InvPlan *plan)
	{
		plan->atc_full = rs.all();
		plan->atc_hull = false;
		if (rs.all() || rs.empty())
			return;

		if (rs.size() == 1 && max_cmds) {
			alist_u64 first = rs[0].first, last = rs[0].last;
			unsigned order = BlockCover::HullOrder(first, last);

			if (last - first == LowMask(order) && !(first & LowMask(order))) {
				/*
				 * One aligned block: the exact cover is that block,
				 * which is also the hull; emit it as the hull (one
				 * command per device, no cover walk).
				 */
				plan->atc_hull = true;
				plan->hull_order = static_cast<alist_u8>(order);
				plan->hull_base = first;
				return;
			}
		}

		alist_u64 cost = 0;
		for (unsigned i = 0; i < rs.size() && cost <= max_cmds; i++)
			cost += BlockCover::Count(rs[i].first, rs[i].last, kFullOrder,
						  max_cmds);
		if (cost <= max_cmds)
			return;

		alist_u64 first = rs[0].first, last = rs[rs.size() - 1].last;
		unsigned order = BlockCover::HullOrder(first, last);

		if (order >= kFullOrder) {
			plan->atc_full = true;
			return;
		}
		plan->atc_hull = true;
		plan->hull_order = static_cast<alist_u8>(order);
		plan->hull_base = first & ~((1ull << order) - 1);
	}

	/* True when the target needs exactly one command (full or hull). */
	static bool Single(const InvPlan &plan, bool full_kind, Block *b)
	{
		if (full_kind) {
			*b = Block{0, kFullOrder};
			return true;
		}
		if (!plan.atc_full && !plan.atc_hull)
			return false;
		*b = PlanSpan(plan);
		return true;
	}

	/* The one block of a plan with atc_full or atc_hull. */
	static Block PlanSpan(const InvPlan &plan)
	{
		return plan.atc_full ? Block{0, kFullOrder} : Block{plan.hull_base, plan.hull_order};
	}

	/* Exact mode: the block at @pos, or false when the target is done. */
	static bool Peek(const RangeSet &rs, EmitPos &pos, Block *b)
	{
		if (pos.cur == RangeWalk::kUnset) {
			pos.range = 0;
			pos.cur = rs[0].first;
		}
		if (pos.range >= rs.size())
			return false;
		*b = Block{pos.cur,
			   BlockCover::NextOrder(pos.cur, rs[pos.range].last, kFullOrder)};
		return true;
	}

	static void Advance(const RangeSet &rs, EmitPos &pos, const Block &b)
	{
		alist_u64 last = rs[pos.range].last;

		if (last - pos.cur + 1 == (1ull << b.order)) {
			if (++pos.range < rs.size())
				pos.cur = rs[pos.range].first;
		} else {
			pos.cur += 1ull << b.order;
		}
	}
};

} // namespace alist

#endif /* ALIST_CORE_ATC_COVER_H */
