/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VtdEmitter: Intel VT-d scalable-mode invalidation descriptors (256-bit
 * QI descriptors; the upper 128 bits are zero for every type used here).
 *
 *  IOTLB (type 2)        qw0: G[5:4] (2 domain, 3 page), DW[6], DR[7],
 *                             DID[31:16]
 *                        qw1: AM[5:0], IH[6], ADDR[63:12]
 *  PASID-IOTLB (type 6)  qw0: G[5:4] (2 all-in-PASID, 3 page-in-PASID),
 *                             DID[31:16], PASID[51:32]
 *                        qw1: AM[5:0], IH[6], ADDR[63:12]
 *  Device-TLB (type 3)   qw0: PFSID[3:0]@[15:12], QDEP[20:16], SID[47:32],
 *                             PFSID[15:4]@[63:52]
 *                        qw1: S[0], ADDR[63:12]
 *  PASID dev-TLB (type 8) qw0: QDEP[8:4], PFSID[3:0]@[15:12], SID[31:16],
 *                             PASID[51:32], PFSID[15:4]@[63:52]
 *                        qw1: S[11], ADDR[63:12]
 *  Wait (type 5)         qw0: SW[5], STATUS_DATA[63:32]; qw1: address
 *
 * Device-TLB sizes follow PCIe ATS: S=0 is one page; S=1 with the address
 * bits below the span's top bit set to 1 and that bit 0 names 2^order pages.
 *
 * The QI processes descriptors in order, so one wait descriptor at the end
 * of an instance's batch covers everything before it: no sync inside an
 * instance (unlike SMMUv3).
 */
#ifndef ALIST_CORE_VTD_EMITTER_H
#define ALIST_CORE_VTD_EMITTER_H

#include <alist/inv.h>
#include <alist/target.h>

#include "inv/inv_plan.h"
#include "inv/inv_request.h"
#include "inv/walk_state.h"

namespace alist {

class VtdEmitter {
public:
	using Params = alist_vtd_params;
	static constexpr alist_u8 kFormat = 1;

	/* --- descriptor encoders ------------------------------------------ */

	static alist_cmd IotlbDomain(const Params &p, alist_u32 did);
	static alist_cmd IotlbPage(const Params &p, alist_u32 did, alist_u64 pfn,
				   unsigned am, bool ih);
	static alist_cmd PasidIotlbAll(alist_u32 did, alist_u32 pasid);
	static alist_cmd PasidIotlbPage(alist_u32 did, alist_u32 pasid, alist_u64 pfn,
					unsigned am, bool ih);
	/* 2^@order pages at @pfn (aligned), type 8 with a PASID; 52: everything. */
	static alist_cmd DevTlb(const alist_target &t, alist_u64 pfn, unsigned order);
	/* Status write only: SW+IF aborts QEMU 10.0.2, FN alone is refused. */
	static alist_cmd Wait(alist_u64 status_addr, alist_u32 data);

	/* --- batcher interface (Batcher<VtdEmitter>) ------------------------ */

	/* AM is a 6-bit field. */
	static bool ParamsValid(const Params &p) { return p.mamv < 64; }
	static void MakePlan(const Params &p, const InvRequest &req, InvPlan *plan);

	static bool KindValid(alist_u8 kind)
	{
		return kind == ALIST_KIND_VTD_IOTLB || kind == ALIST_KIND_VTD_PIOTLB ||
		       kind == ALIST_KIND_ATC || kind == ALIST_KIND_ATC_FULL;
	}

	/* Same command: IOTLB by DID; PASID-IOTLB by DID and PASID. */
	static bool SameTag(const alist_target &a, const alist_target &b)
	{
		return a.tag == b.tag && (a.kind != ALIST_KIND_VTD_PIOTLB || a.pasid == b.pasid);
	}

	/* In-order QI: nothing inside an instance needs a wait. */
	static bool NeedSyncBefore(alist_u8, const WalkState &) { return false; }
	static bool Covered(const InvPlan &, const alist_target *, alist_u32) { return false; }

	/* An IOTLB target as one whole-DID (all-in-PASID) descriptor, if planned. */
	static bool Whole(const Params &p, const InvPlan &plan, const alist_target &t,
			  alist_cmd *c);
	/* IOTLB units are 4 KiB pages. */
	static unsigned UnitShift(const InvPlan &) { return 0; }
	/* The page-selective descriptor at @cur for [cur, last]: pages covered. */
	static alist_u64 Tlb(const Params &p, const InvPlan &plan, const alist_target &t,
			     alist_u64 cur, alist_u64 last, alist_cmd *c);
	static alist_cmd Atc(const alist_target &t, alist_u64 pfn, unsigned order)
	{
		return DevTlb(t, pfn, order);
	}
};

} // namespace alist

#endif /* ALIST_CORE_VTD_EMITTER_H */
