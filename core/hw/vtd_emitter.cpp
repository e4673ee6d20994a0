// SPDX-License-Identifier: GPL-2.0
#include "hw/vtd_emitter.h"

#include "base/bits.h"
#include "inv/block_cover.h"

namespace alist {

namespace {

constexpr alist_u64 kTypeIotlb = 2;
constexpr alist_u64 kTypeDevTlb = 3;
constexpr alist_u64 kTypeWait = 5;
constexpr alist_u64 kTypePasidIotlb = 6;
constexpr alist_u64 kTypePasidDevTlb = 8;
constexpr alist_u64 kGranDomain = 2;	/* also all-in-PASID */
constexpr alist_u64 kGranPage = 3;
constexpr alist_u64 kWaitSW = 1ull << 5;

alist_u64 Drain(const alist_vtd_params &p)
{
	return (p.drain_write ? 1ull << 6 : 0) | (p.drain_read ? 1ull << 7 : 0);
}

/* Quadword 1 of both page-selective IOTLB forms. */
alist_u64 PageQw1(alist_u64 pfn, unsigned am, bool ih)
{
	return Field(am, 5, 0) | Field(ih, 6, 6) | (pfn << 12);
}

unsigned MaxAm(const alist_vtd_params &p)
{
	return Min(p.mamv, InvPlan::kFullOrder);
}

} // namespace

alist_cmd VtdEmitter::IotlbDomain(const Params &p, alist_u32 did)
{
	return alist_cmd{{kTypeIotlb | Field(kGranDomain, 5, 4) | Drain(p) | Field(did, 31, 16),
			  0, 0, 0}};
}

alist_cmd VtdEmitter::IotlbPage(const Params &p, alist_u32 did, alist_u64 pfn, unsigned am,
				bool ih)
{
	return alist_cmd{{kTypeIotlb | Field(kGranPage, 5, 4) | Drain(p) | Field(did, 31, 16),
			  PageQw1(pfn, am, ih), 0, 0}};
}

alist_cmd VtdEmitter::PasidIotlbAll(alist_u32 did, alist_u32 pasid)
{
	return alist_cmd{{kTypePasidIotlb | Field(kGranDomain, 5, 4) | Field(did, 31, 16) |
			  Field(pasid, 51, 32), 0, 0, 0}};
}

alist_cmd VtdEmitter::PasidIotlbPage(alist_u32 did, alist_u32 pasid, alist_u64 pfn,
				     unsigned am, bool ih)
{
	return alist_cmd{{kTypePasidIotlb | Field(kGranPage, 5, 4) | Field(did, 31, 16) |
			  Field(pasid, 51, 32), PageQw1(pfn, am, ih), 0, 0}};
}

alist_cmd VtdEmitter::DevTlb(const alist_target &t, alist_u64 pfn, unsigned order)
{
	/* A 5-bit field: a depth of 32, also given as 0, encodes as 0. */
	alist_u64 qdep = t.atc_qdep;
	alist_u64 pfsid = Field(t.pfsid, 3, 0) << 12 | Field(t.pfsid >> 4, 11, 0) << 52;
	alist_u64 addr = pfn;

	if (order)
		addr |= (1ull << (order - 1)) - 1;
	addr <<= 12;
	if (t.pasid == ALIST_NO_PASID)
		return alist_cmd{{kTypeDevTlb | pfsid | Field(qdep, 20, 16) | Field(t.sid, 47, 32),
				  addr | (order ? 1ull : 0), 0, 0}};
	return alist_cmd{{kTypePasidDevTlb | Field(qdep, 8, 4) | pfsid | Field(t.sid, 31, 16) |
			  Field(t.pasid, 51, 32), addr | (order ? 1ull << 11 : 0), 0, 0}};
}

alist_cmd VtdEmitter::Wait(alist_u64 status_addr, alist_u32 data)
{
	return alist_cmd{{kTypeWait | kWaitSW | Field(data, 63, 32), status_addr & ~3ull, 0, 0}};
}

void VtdEmitter::MakePlan(const Params &p, const InvRequest &req, InvPlan *plan)
{
	const RangeSet &rs = req.ranges;

	*plan = InvPlan{};
	plan->leaf = req.leaf;
	if (rs.all() || !p.psi) {
		plan->tlb_whole = true;
	} else {
		/* Cost per tag: the exact cover's descriptors. */
		alist_u64 cost = 0;

		for (unsigned i = 0; i < rs.size() && cost <= p.max_iotlb_cmds; i++)
			cost += BlockCover::Count(rs[i].first, rs[i].last, MaxAm(p),
						  p.max_iotlb_cmds);
		plan->tlb_whole = cost > p.max_iotlb_cmds;
	}
	plan->PlanAtc(rs, p.max_devtlb_cmds);
}

bool VtdEmitter::Whole(const Params &p, const InvPlan &plan, const alist_target &t,
		       alist_cmd *c)
{
	if (!plan.tlb_whole)
		return false;
	*c = t.kind == ALIST_KIND_VTD_PIOTLB ? PasidIotlbAll(t.tag, t.pasid)
					     : IotlbDomain(p, t.tag);
	return true;
}

alist_u64 VtdEmitter::Tlb(const Params &p, const InvPlan &plan, const alist_target &t,
			  alist_u64 cur, alist_u64 last, alist_cmd *c)
{
	unsigned am = BlockCover::NextOrder(cur, last, MaxAm(p));

	*c = t.kind == ALIST_KIND_VTD_PIOTLB ? PasidIotlbPage(t.tag, t.pasid, cur, am, plan.leaf)
					     : IotlbPage(p, t.tag, cur, am, plan.leaf);
	return 1ull << am;
}

} // namespace alist
