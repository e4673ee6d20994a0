// SPDX-License-Identifier: GPL-2.0
#include "hw/vtd_emitter.h"

#include <alist/hw/vtd_desc.h>

#include "base/bits.h"
#include "inv/batcher.h"
#include "inv/block_cover.h"
#include "inv/cover_policy.h"

namespace alist {

namespace {

alist_u64 Drain(const alist_vtd_params &p)
{
	return (p.drain_write ? VTD_DESC_DW : 0) | (p.drain_read ? VTD_DESC_DR : 0);
}

/* Quadword 0 of an IOTLB or PASID-IOTLB form: type, granularity, DID. */
alist_u64 TlbQw0(alist_u64 type, alist_u64 gran, alist_u32 did)
{
	return type | Put(VTD_DESC_GRAN, gran) | Put(VTD_DESC_DID, did);
}

/* Quadword 1 of both page-selective IOTLB forms. */
alist_u64 PageQw1(alist_u64 pfn, unsigned am, bool ih)
{
	return Put(VTD_DESC1_AM, am) | (ih ? VTD_DESC1_IH : 0) | Put(VTD_DESC1_ADDR, pfn);
}

unsigned MaxAm(const alist_vtd_params &p)
{
	return Min(p.mamv, InvPlan::kFullOrder);
}

} // namespace

alist_cmd VtdEmitter::IotlbDomain(const Params &p, alist_u32 did)
{
	return alist_cmd{{TlbQw0(VTD_DESC_TYPE_IOTLB, VTD_IOTLB_DSI, did) | Drain(p), 0, 0, 0}};
}

alist_cmd VtdEmitter::IotlbPage(const Params &p, alist_u32 did, alist_u64 pfn, unsigned am,
				bool ih)
{
	return alist_cmd{{TlbQw0(VTD_DESC_TYPE_IOTLB, VTD_IOTLB_PSI, did) | Drain(p),
			  PageQw1(pfn, am, ih), 0, 0}};
}

alist_cmd VtdEmitter::PasidIotlbAll(alist_u32 did, alist_u32 pasid)
{
	return alist_cmd{{TlbQw0(VTD_DESC_TYPE_PIOTLB, VTD_PIOTLB_ALL, did) |
			  Put(VTD_DESC_PASID, pasid), 0, 0, 0}};
}

alist_cmd VtdEmitter::PasidIotlbPage(alist_u32 did, alist_u32 pasid, alist_u64 pfn,
				     unsigned am, bool ih)
{
	return alist_cmd{{TlbQw0(VTD_DESC_TYPE_PIOTLB, VTD_PIOTLB_PSI, did) |
			  Put(VTD_DESC_PASID, pasid), PageQw1(pfn, am, ih), 0, 0}};
}

alist_cmd VtdEmitter::Atc(const alist_target &t, alist_u64 pfn, unsigned order)
{
	/* A 5-bit field: a depth of 32, also given as 0, encodes as 0. */
	alist_u64 qdep = t.atc_qdep;
	alist_u64 pfsid = Put(VTD_DEVTLB_PFSID_LO, t.pfsid) |
			  Put(VTD_DEVTLB_PFSID_HI, t.pfsid >> 4);
	alist_u64 addr = pfn;

	if (order)
		addr |= (1ull << (order - 1)) - 1;
	addr = Put(VTD_DESC1_ADDR, addr);
	if (t.pasid == ALIST_NO_PASID)
		return alist_cmd{{VTD_DESC_TYPE_DEVTLB | pfsid | Put(VTD_DEVTLB_QDEP, qdep) |
				  Put(VTD_DEVTLB_SID, t.sid),
				  addr | (order ? VTD_DEVTLB_SIZE : 0), 0, 0}};
	return alist_cmd{{VTD_DESC_TYPE_PDEVTLB | Put(VTD_PDEVTLB_QDEP, qdep) | pfsid |
			  Put(VTD_PDEVTLB_SID, t.sid) | Put(VTD_DESC_PASID, t.pasid),
			  addr | (order ? VTD_PDEVTLB_SIZE : 0), 0, 0}};
}

void VtdEmitter::MakePlan(const Params &p, const InvRequest &req, InvPlan *plan)
{
	const RangeSet &rs = req.ranges;
	CoverPolicy policy(p.cost);
	unsigned max_am = MaxAm(p);
	alist_u64 cost = 0;

	*plan = InvPlan{};
	plan->leaf = req.leaf;
	/*
	 * Per range: the exact cover, or the hull (the aligned block Linux
	 * 7.3 sends) when AM can name it and the policy prefers it, or the
	 * exact cover is over the threshold (the hull drops a subset of what
	 * the whole-tag flush would). Cost per tag: the descriptors of the
	 * chosen covers.
	 */
	for (unsigned i = 0; i < rs.size() && cost <= p.max_iotlb_cmds; i++) {
		alist_u64 first = rs[i].first, last = rs[i].last;
		alist_u64 exact = BlockCover::Count(first, last, max_am, p.max_iotlb_cmds);
		unsigned hull = BlockCover::HullOrder(first, last);
		alist_u64 over = hull < 64 ? (1ull << hull) - (last - first + 1) : ~0ull;

		if (hull <= max_am &&
		    (exact > p.max_iotlb_cmds || policy.TlbWide(exact, over))) {
			plan->wide |= 1u << i;
			exact = 1;
		}
		cost += exact;
	}
	plan->tlb_whole = rs.all() || !p.psi || cost > p.max_iotlb_cmds;
}

alist_cmd VtdEmitter::Whole(const Params &p, const alist_target &t)
{
	return t.kind == ALIST_KIND_VTD_PIOTLB ? PasidIotlbAll(t.tag, t.pasid)
					       : IotlbDomain(p, t.tag);
}

alist_u64 VtdEmitter::Tlb(const Params &p, const InvPlan &plan, const alist_target &t,
			  alist_u32 range, alist_u64 cur, alist_u64 last, alist_cmd *c)
{
	unsigned am;
	alist_u64 pfn = cur, pages;

	if (plan.Wide(range)) {
		/* The whole range at once: its hull (cur is the range's first). */
		am = BlockCover::HullOrder(cur, last);
		pfn &= ~LowMask(am);
		pages = last - cur + 1;
	} else {
		am = BlockCover::NextOrder(cur, last, MaxAm(p));
		pages = 1ull << am;
	}
	*c = t.kind == ALIST_KIND_VTD_PIOTLB ? PasidIotlbPage(t.tag, t.pasid, pfn, am, plan.leaf)
					     : IotlbPage(p, t.tag, pfn, am, plan.leaf);
	return pages;
}

} // namespace alist

/*
 * The fill of include/alist/inv.h for this format. Flattened: the walk,
 * the sink and every encoder above become one body, as a driver's
 * hand-written loop would be, with no call per command.
 */
extern "C" __attribute__((flatten)) int
alist_vtd_inv_fill(struct alist_inv_cursor *c, const struct alist_vtd_params *p,
		  const struct alist_target *targets, unsigned int n,
		  struct alist_inv_batch *b)
{
	return alist::Batcher::From(c)->Fill<alist::VtdEmitter>(p, targets, n, b);
}
