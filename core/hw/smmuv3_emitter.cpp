// SPDX-License-Identifier: GPL-2.0
#include "hw/smmuv3_emitter.h"

#include <alist/hw/smmuv3_cmd.h>

#include "base/bits.h"
#include "inv/batcher.h"
#include "inv/cover_policy.h"

namespace alist {

alist_cmd Smmuv3Emitter::NhAll(alist_u32 vmid)
{
	return alist_cmd{{SMMUV3_OP_TLBI_NH_ALL | Put(SMMUV3_CMD0_VMID, vmid), 0, 0, 0}};
}

alist_cmd Smmuv3Emitter::NhAsid(alist_u32 asid, alist_u32 vmid)
{
	return alist_cmd{{SMMUV3_OP_TLBI_NH_ASID | Put(SMMUV3_CMD0_VMID, vmid) |
			  Put(SMMUV3_CMD0_ASID, asid), 0, 0, 0}};
}

alist_cmd Smmuv3Emitter::S12Vmall(alist_u32 vmid)
{
	return alist_cmd{{SMMUV3_OP_TLBI_S12_VMALL | Put(SMMUV3_CMD0_VMID, vmid), 0, 0, 0}};
}

alist_cmd Smmuv3Emitter::Atc(const alist_target &t, alist_u64 pfn, unsigned order)
{
	alist_u64 dw0 = SMMUV3_OP_ATC_INV | Put(SMMUV3_CMD0_SID, t.sid);

	if (t.pasid != ALIST_NO_PASID)
		dw0 |= SMMUV3_CMD0_SSV | Put(SMMUV3_CMD0_SSID, t.pasid);
	return alist_cmd{{dw0, Put(SMMUV3_CMD1_ATC_SIZE, order) | Put(SMMUV3_CMD1_ATC_ADDR, pfn),
			  0, 0}};
}

unsigned Smmuv3Emitter::TgField(unsigned granule_lg2)
{
	bool valid = granule_lg2 == 12 || granule_lg2 == 14 || granule_lg2 == 16;

	return valid ? (granule_lg2 - 10) / 2 : 0;
}

unsigned Smmuv3Emitter::Ttl(unsigned tg_lg2, unsigned granule_lg2)
{
	/*
	 * Each level resolves tg - 3 bits; the last level maps the granule:
	 * level 3 for a granule leaf, 2 and 1 for blocks one and two levels
	 * up; 0 (no hint) for anything else.
	 */
	unsigned bits = tg_lg2 - 3, d = granule_lg2 - tg_lg2;

	if (granule_lg2 < tg_lg2)
		return 0;
	return d == 0 ? 3 : d == bits ? 2 : d == 2 * bits ? 1 : 0;
}

Smmuv3Emitter::Ril Smmuv3Emitter::RilNext(alist_u64 n)
{
	unsigned scale = LowBit(n);

	if (scale > kRilMaxScale) {
		/* Over 2^31 units: only reachable with a huge threshold. */
		alist_u64 num = n >> kRilMaxScale;

		return Ril{kRilMaxScale, static_cast<unsigned>(num > 32 ? 32 : num)};
	}
	return Ril{scale, static_cast<unsigned>((n >> scale) & 31)};
}

alist_u64 Smmuv3Emitter::RilCount(alist_u64 n, alist_u64 limit)
{
	alist_u64 count = 0;

	while (n) {
		Ril c = RilNext(n);

		n -= static_cast<alist_u64>(c.num) << c.scale;
		if (++count > limit)
			return limit + 1;
	}
	return count;
}

bool Smmuv3Emitter::RilWide(alist_u64 n, Ril *c)
{
	/*
	 * The smallest scale at which n fits in 32 steps, rounded up: a
	 * larger scale only rounds up further.
	 */
	unsigned scale = Fls(n - 1) > 5 ? Fls(n - 1) - 5 : 0;
	alist_u64 num = ((n - 1) >> scale) + 1;

	if (scale > kRilMaxScale)
		return false;
	*c = Ril{scale, static_cast<unsigned>(num)};
	return true;
}

void Smmuv3Emitter::MakePlan(const Params &p, const InvRequest &req, InvPlan *plan)
{
	const RangeSet &rs = req.ranges;

	*plan = InvPlan{};
	plan->leaf = req.leaf;
	if (p.ril) {
		plan->unit_shift = p.tg_lg2 - 12;
		plan->ttl = static_cast<alist_u8>(req.leaf ? Ttl(p.tg_lg2, req.granule_lg2) : 0);
	} else {
		/* One TLBI per leaf: each names the whole leaf entry. */
		plan->unit_shift = (req.granule_lg2 > p.tg_lg2 ? req.granule_lg2 : p.tg_lg2) - 12;
	}

	/*
	 * Per span: the exact cover, or with RIL one command rounded up past
	 * the span's end when the policy prefers it (Linux 7.3 sends the
	 * exact RIL cover). Cost per tag: the commands of the chosen covers.
	 */
	CoverPolicy policy(p.cost);
	alist_u64 cost = 0;

	for (alist_u32 i = 0; i < rs.size() && cost <= p.max_tlbi_cmds;) {
		RangeSet::Span s = rs.SpanAt(i, plan->unit_shift);
		alist_u64 units = s.last - s.first + 1;
		alist_u64 exact = p.ril ? RilCount(units, p.max_tlbi_cmds) : units;
		Ril w;

		if (p.ril && exact > 1 && RilWide(units, &w)) {
			alist_u64 over = ((static_cast<alist_u64>(w.num) << w.scale) - units)
					 << plan->unit_shift;

			if (policy.TlbWide(exact, over)) {
				plan->wide |= 1u << i;
				exact = 1;
			}
		}
		cost += exact;
		i = s.next;
	}
	plan->tlb_whole = rs.all() || cost > p.max_tlbi_cmds;
}

alist_cmd Smmuv3Emitter::Whole(const Params &p, const alist_target &t)
{
	if (t.kind == ALIST_KIND_SMMU_S1_CLEAR)
		return NhAll(t.tag);
	return t.kind == ALIST_KIND_SMMU_S1 ? NhAsid(t.tag, t.vmid) : S12Vmall(t.tag);
}

alist_u64 Smmuv3Emitter::Tlb(const Params &p, const InvPlan &plan, const alist_target &t,
			     alist_u32 range, alist_u64 cur, alist_u64 last, alist_cmd *c)
{
	bool s1 = t.kind == ALIST_KIND_SMMU_S1;
	alist_u64 dw0, dw1, units = 1, left = last - cur + 1;

	if (s1)
		dw0 = SMMUV3_OP_TLBI_NH_VA | Put(SMMUV3_CMD0_VMID, t.vmid) |
		      Put(SMMUV3_CMD0_ASID, t.tag);
	else
		dw0 = SMMUV3_OP_TLBI_S2_IPA | Put(SMMUV3_CMD0_VMID, t.tag);
	dw1 = (cur << (plan.unit_shift + 12)) & (s1 ? SMMUV3_CMD1_VA : SMMUV3_CMD1_IPA);
	if (plan.leaf)
		dw1 |= SMMUV3_CMD1_LEAF;
	if (p.ril) {
		Ril k;

		/* A wide span in one command, past its end (cur is its first). */
		if (!plan.Wide(range) || !RilWide(left, &k))
			k = RilNext(left);
		units = static_cast<alist_u64>(k.num) << k.scale;
		/* One unit without a TTL: the non-range form (see the header). */
		if (units != 1 || plan.ttl) {
			dw0 |= Put(SMMUV3_CMD0_NUM, k.num - 1) | Put(SMMUV3_CMD0_SCALE, k.scale);
			dw1 |= Put(SMMUV3_CMD1_TTL, plan.ttl) |
			       Put(SMMUV3_CMD1_TG, TgField(p.tg_lg2));
		}
	}
	*c = alist_cmd{{dw0, dw1, 0, 0}};
	return units < left ? units : left;
}

} // namespace alist

/*
 * The fill of include/alist/inv.h for this format. Flattened: the walk,
 * the sink and every encoder above become one body, as a driver's
 * hand-written loop would be, with no call per command.
 */
extern "C" __attribute__((flatten)) int
alist_smmuv3_inv_fill(struct alist_inv_cursor *c, const struct alist_smmuv3_params *p,
		     const struct alist_target *targets, unsigned int n,
		     struct alist_inv_batch *b)
{
	return alist::Batcher::From(c)->Fill<alist::Smmuv3Emitter>(p, targets, n, b);
}
