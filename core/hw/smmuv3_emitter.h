/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Smmuv3Emitter: ARM SMMUv3 invalidation commands (fields in
 * <alist/hw/smmuv3_cmd.h>) and the plan of their covers. Range TLBIs
 * (IDR3.RIL) cover (NUM + 1) << SCALE units; NUM = SCALE = TTL = 0 with
 * TG != 0 is reserved, so one unit without a TTL goes in the non-range
 * form. Without RIL one command per unit, the larger of the granule and
 * the leaf. Documentation/core-invalidation.rst, "Encodings".
 */
#ifndef ALIST_CORE_SMMUV3_EMITTER_H
#define ALIST_CORE_SMMUV3_EMITTER_H

#include <alist/inv.h>
#include <alist/target.h>

#include "inv/inv_plan.h"
#include "inv/inv_request.h"

namespace alist {

class Smmuv3Emitter {
public:
	using Params = alist_smmuv3_params;
	static constexpr alist_u8 kFormat = 2;

	static constexpr unsigned kRilMaxScale = 31;	/* a 5-bit field */

	/* One RIL command: num << scale units, num = NUM + 1 (1..32). */
	struct Ril {
		unsigned scale;
		unsigned num;
	};

	/* --- command encoders ---------------------------------------------- */

	static alist_cmd NhAll(alist_u32 vmid);
	static alist_cmd NhAsid(alist_u32 asid, alist_u32 vmid);
	static alist_cmd S12Vmall(alist_u32 vmid);
	/* 2^@order pages at @pfn (aligned) of @t's device; 52: everything. */
	static alist_cmd Atc(const alist_target &t, alist_u64 pfn, unsigned order);
	/* TG field value for a granule, 0 if not a granule. */
	static unsigned TgField(unsigned granule_lg2);
	/* RIL TTL for a leaf of 2^granule_lg2 bytes with a 2^tg_lg2 granule. */
	static unsigned Ttl(unsigned tg_lg2, unsigned granule_lg2);
	/* The next exact RIL command for @n > 0 units: n's 5 bits from its lowest set bit. */
	static Ril RilNext(alist_u64 n);
	/* Exact RIL commands to cover @n units, capped at @limit + 1. */
	static alist_u64 RilCount(alist_u64 n, alist_u64 limit);
	/*
	 * The one RIL command covering @n > 0 units with the least excess:
	 * false if none can (over 32 << 31 units).
	 */
	static bool RilWide(alist_u64 n, Ril *c);

	/* --- batcher interface (Batcher::Fill) -------------------------- */

	static bool ParamsValid(const Params &p)
	{
		return TgField(p.tg_lg2) != 0 && !(p.user_caps & ~ALIST_SMMUV3_USER_ALL);
	}
	/* The TLBI part of the plan; the ATC part when a walk meets an ATC. */
	static void MakePlan(const Params &p, const InvRequest &req, InvPlan *plan);
	static void PlanAtc(const Params &p, const InvRequest &req, InvPlan *plan)
	{
		plan->PlanAtc(req.ranges, p.max_atc_cmds, CoverPolicy(p.cost));
	}

	static constexpr alist_u32 kKinds =
		ALIST_BIT(ALIST_KIND_SMMU_S1) | ALIST_BIT(ALIST_KIND_SMMU_S2) |
		ALIST_BIT(ALIST_KIND_SMMU_S1_CLEAR) | ALIST_BIT(ALIST_KIND_ATC) |
		ALIST_BIT(ALIST_KIND_ATC_FULL);
	/* TLBIs complete before ATC_INV. */
	static constexpr bool kSyncBeforeAtc = true;

	/* A TLBI target as one whole-tag command. */
	static alist_cmd Whole(const Params &p, const alist_target &t);
	/*
	 * The TLBI at unit @cur for [cur, last] of span @range: units of it
	 * covered (a wide span's one command covers it all).
	 */
	static alist_u64 Tlb(const Params &p, const InvPlan &plan, const alist_target &t,
			     alist_u32 range, alist_u64 cur, alist_u64 last, alist_cmd *c);
};

} // namespace alist

#endif /* ALIST_CORE_SMMUV3_EMITTER_H */
