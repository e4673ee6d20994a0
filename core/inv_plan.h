/* SPDX-License-Identifier: GPL-2.0 */
/*
 * InvPlan: the per-call encoding decisions, made once from the request and
 * the unit parameters before the walk (they are the same for every tag of
 * a kind, so no target pays for them).
 *
 * The degrade policy is shared by both formats: a kind is flushed whole
 * when the request is "all" (or overflowed the RangeSet) or when its exact
 * ranged encoding would cost more commands per tag than the emitter's
 * threshold. Device TLBs have a middle step (one aligned span covering all
 * ranges) because their format can name any aligned power-of-two span in
 * one command.
 *
 * The plan also precomputes the common shape -- one command per IOTLB tag
 * and one per device TLB, what a single gathered range usually needs -- so
 * that the walk only ORs each target's tag into a ready command. The
 * device TLBs' address words are made from the span once per run of
 * devices (Emitter::AtcWords()), so a domain without ATS never pays for
 * them.
 */
#ifndef ALIST_CORE_INV_PLAN_H
#define ALIST_CORE_INV_PLAN_H

#include <alist/types.h>

namespace alist {

struct InvPlan {
	bool tlb_whole;		/* IOTLB kinds: one whole-tag command */
	bool atc_full;		/* device TLBs: invalidate everything */
	bool atc_hull;		/* device TLBs: one span (also the exact
				 * cover when that is a single block) */
	bool leaf;		/* IH (VT-d) / Leaf (SMMUv3) */
	alist_u8 ttl;		/* SMMUv3 RIL TTL hint, 0 = none */
	alist_u8 step_lg2;	/* SMMUv3 TLBI unit: granule (RIL) or step */
	alist_u8 hull_order;	/* atc_hull: the span's order (4 KiB pages) */
	bool tlb_one;		/* IOTLB kinds: the ranged encoding is one
				 * command, precomputed below */
	alist_u64 hull_base;	/* atc_hull: the span's first page */
	/*
	 * tlb_one: the per-call fields of that command; a target only adds
	 * its tag. Dword/quadword 1 is tlb_bits | (tlb_addr & the kind's
	 * address mask); SMMUv3 dword 0 also gets tlb_dw0 (NUM, SCALE).
	 */
	alist_u64 tlb_addr;
	alist_u32 tlb_dw0;
	alist_u16 tlb_bits;
	bool all_one;		/* every target is one command (tlb_whole or
				 * tlb_one, and atc_full or atc_hull): the walk
				 * needs no in-target position */
	alist_u8 reserved;

	void SetAllOne()
	{
		all_one = (tlb_whole || tlb_one) && (atc_full || atc_hull);
	}
};

} // namespace alist

#endif /* ALIST_CORE_INV_PLAN_H */
