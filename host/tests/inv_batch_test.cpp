// SPDX-License-Identifier: GPL-2.0
/*
 * The batcher: sync counts for the cases that matter, then a model-based
 * random test over random sorted target arrays (with dead entries) and
 * random requests, checked against a naive reference written here from the
 * rules, plus the C API's chunked output against the one-shot walk and the
 * no-allocation rule.
 */
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include <alist/errno.h>
#include <alist/inv.h>

#include "env/host_env.h"
#include "hw/smmuv3_emitter.h"
#include "tests/inv_drain.h"
#include "tests/inv_test_util.h"
#include "hw/vtd_emitter.h"

using inv_test::Decoded;
using inv_test::Drain;
using inv_test::Event;
using inv_test::Intervals;
using inv_test::Normalize;
using inv_test::Recorder;
using inv_test::Target;
using inv_test::u64;

namespace {

const alist_vtd_params kVtd{1, 18, 1, 1, 64, 4, nullptr};
const alist_smmuv3_params kSmmu{1, 12, 1, 0, 64, 4, nullptr};

alist::InvRequest Range(u64 start, u64 last, bool leaf = true)
{
	alist::InvRequest r;
	r.Init(leaf, 12);
	r.ranges.AddBytes(start, last);
	return r;
}

TEST(InvBatch, VtdOneWaitPerInstance)
{
	std::vector<alist_target> t = {
		Target(0, ALIST_KIND_VTD_IOTLB, 1),
		Target(0, ALIST_KIND_VTD_IOTLB, 1, ALIST_NO_PASID, 2), /* same DID */
		Target(0, ALIST_KIND_VTD_PIOTLB, 2, 5),
		Target(0, ALIST_KIND_ATC, 1, ALIST_NO_PASID, 0x10),
		Target(1, ALIST_KIND_VTD_IOTLB, 1, ALIST_NO_PASID, 0, 0), /* dead */
		Target(2, ALIST_KIND_VTD_IOTLB, 7),
		Target(2, ALIST_KIND_ATC, 7, 3, 0x20),
	};
	Recorder rec;
	inv_test::Invalidate<alist::VtdEmitter>(kVtd, Range(0, 0xfff), t.data(), t.size(), rec);
	/* Instance 0: IOTLB, P_IOTLB, devTLB, wait. Instance 1: nothing.
	 * Instance 2: IOTLB, PASID devTLB, wait. */
	ASSERT_EQ(rec.events.size(), 7u);
	EXPECT_EQ(rec.Syncs(), 2u);
	EXPECT_TRUE(rec.events[3].sync);
	EXPECT_EQ(rec.events[3].instance, 0u);
	EXPECT_TRUE(rec.events[6].sync);
	EXPECT_EQ(rec.events[6].instance, 2u);
	EXPECT_EQ(rec.events[5].cmd.w[0] & 0xf, 8u);
}

TEST(InvBatch, Smmuv3SyncsOnlyWhereRequired)
{
	struct {
		const char *what;
		std::vector<alist_target> t;
		size_t cmds, syncs;
	} cases[] = {
		{"S1 only", {Target(0, ALIST_KIND_SMMU_S1, 1)}, 1, 1},
		{"S1 + ATC: TLBI, sync, ATC, sync",
		 {Target(0, ALIST_KIND_SMMU_S1, 1), Target(0, ALIST_KIND_ATC, 1, 0, 9)}, 2, 2},
		{"ATC only", {Target(0, ALIST_KIND_ATC, 1, 0, 9)}, 1, 1},
		{"S2 + S1 clear (nest parent)",
		 {Target(0, ALIST_KIND_SMMU_S2, 3), Target(0, ALIST_KIND_SMMU_S1_CLEAR, 3)}, 2, 2},
		{"S2 + S1 clear + ATC_FULL",
		 {Target(0, ALIST_KIND_SMMU_S2, 3), Target(0, ALIST_KIND_SMMU_S1_CLEAR, 3),
		  Target(0, ALIST_KIND_ATC_FULL, 3, 0, 9)}, 3, 3},
		{"S1 clear without S2: no inner sync",
		 {Target(0, ALIST_KIND_SMMU_S1, 1), Target(0, ALIST_KIND_SMMU_S1_CLEAR, 3)}, 2, 1},
		{"two instances", {Target(0, ALIST_KIND_SMMU_S1, 1), Target(1, ALIST_KIND_SMMU_S1, 1)},
		 2, 2},
		{"dead ATC: no ATC sync",
		 {Target(0, ALIST_KIND_SMMU_S1, 1), Target(0, ALIST_KIND_ATC, 1, 0, 9, 0)}, 1, 1},
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.what);
		Recorder rec;
		inv_test::Invalidate<alist::Smmuv3Emitter>(kSmmu, Range(0, 0xfff), c.t.data(),
						       c.t.size(), rec);
		EXPECT_EQ(rec.Cmds(), c.cmds);
		EXPECT_EQ(rec.Syncs(), c.syncs);
		EXPECT_TRUE(rec.events.back().sync);
	}
}

TEST(InvBatch, Smmuv3WholeS2CoversS1Clear)
{
	std::vector<alist_target> t = {Target(0, ALIST_KIND_SMMU_S2, 3),
				       Target(0, ALIST_KIND_SMMU_S1_CLEAR, 3),
				       Target(0, ALIST_KIND_SMMU_S1_CLEAR, 4)};
	alist::InvRequest all;
	all.Init(false, 12);
	all.ranges.SetAll();
	Recorder rec;
	inv_test::Invalidate<alist::Smmuv3Emitter>(kSmmu, all, t.data(), t.size(), rec);
	/* S12_VMALL(3) covers NH_ALL(3); NH_ALL(4) still needed, after a sync. */
	ASSERT_EQ(rec.events.size(), 4u);
	EXPECT_EQ(rec.events[0].cmd.w[0], alist::Smmuv3Emitter::S12Vmall(3).w[0]);
	EXPECT_TRUE(rec.events[1].sync);
	EXPECT_EQ(rec.events[2].cmd.w[0], alist::Smmuv3Emitter::NhAll(4).w[0]);
	EXPECT_TRUE(rec.events[3].sync);
}

TEST(InvBatch, EmptyRequestEmitsNothing)
{
	std::vector<alist_target> t = {Target(0, ALIST_KIND_VTD_IOTLB, 1)};
	alist::InvRequest none;
	none.Init(false, 12);
	Recorder rec;
	inv_test::Invalidate<alist::VtdEmitter>(kVtd, none, t.data(), t.size(), rec);
	EXPECT_TRUE(rec.events.empty());
}

TEST(InvBatch, DeviceNamedUnderTwoTagsOnce)
{
	/* A nest parent during replacement: one SID under two nested DIDs. */
	std::vector<alist_target> t = {
		Target(0, ALIST_KIND_ATC_FULL, 1, 0, 5), Target(0, ALIST_KIND_ATC_FULL, 1, 0, 6),
		Target(0, ALIST_KIND_ATC_FULL, 2, 0, 5), Target(0, ALIST_KIND_ATC_FULL, 2, 0, 7),
	};
	Recorder rec;
	inv_test::Invalidate<alist::VtdEmitter>(kVtd, Range(0, 0xfff), t.data(), t.size(), rec);
	EXPECT_EQ(rec.Cmds(), 3u);
	EXPECT_EQ(rec.Syncs(), 1u);
}

/*
 * A batch with room for a domain's whole flush gets it in one fill: three
 * VT-d units (an IOTLB tag and two device TLBs each) become three chunks
 * back to back; a smaller chunk table or buffer only splits the same
 * stream over more fills.
 */
TEST(InvBatch, WholeFlushInOneFill)
{
	std::vector<alist_target> t;
	for (unsigned u = 0; u < 3; u++) {
		t.push_back(Target(u, ALIST_KIND_VTD_PIOTLB, 1, 1));
		t.push_back(Target(u, ALIST_KIND_ATC, 1, 1, 0x10 * u + 1));
		t.push_back(Target(u, ALIST_KIND_ATC, 1, 1, 0x10 * u + 2));
	}
	auto run = [&](unsigned cap, unsigned max_chunks, unsigned *fills) {
		alist_inv_cursor cur;

		alist_inv_cursor_init(&cur, ALIST_INV_LEAF, 12);
		alist_inv_cursor_add_range(&cur, 0x10000, 0x10fff);
		return Drain([&](alist_inv_batch *b) {
			return alist_vtd_inv_fill(&cur, &kVtd, t.data(), t.size(), b);
		}, cap, max_chunks, fills);
	};
	unsigned fills;
	std::vector<Event> whole = run(16, 4, &fills);

	EXPECT_EQ(fills, 1u);
	ASSERT_EQ(whole.size(), 12u);
	for (unsigned u = 0; u < 3; u++) {
		for (unsigned k = 0; k < 4; k++)
			EXPECT_EQ(whole[4 * u + k].instance, u);
		EXPECT_TRUE(whole[4 * u + 3].sync);
	}
	for (auto [cap, max_chunks, want_fills] :
	     {std::tuple{16u, 1u, 3u}, std::tuple{16u, 2u, 2u}, std::tuple{2u, 4u, 5u}}) {
		std::vector<Event> split = run(cap, max_chunks, &fills);

		EXPECT_EQ(fills, want_fills) << cap << "/" << max_chunks;
		ASSERT_EQ(split.size(), whole.size());
		for (size_t i = 0; i < split.size(); i++) {
			EXPECT_EQ(split[i].instance, whole[i].instance);
			EXPECT_EQ(split[i].sync, whole[i].sync);
			EXPECT_EQ(0, memcmp(&split[i].cmd, &whole[i].cmd, sizeof(alist_cmd)));
		}
	}
}

TEST(InvBatch, CApiRejectsMisuse)
{
	alist_target t = Target(0, ALIST_KIND_VTD_IOTLB, 1);
	alist_inv_cursor cur;
	alist_cmd buf[2];
	alist_inv_chunk ch[2];
	alist_inv_batch b = ALIST_INV_BATCH_INIT(buf, ch);
	alist_inv_cursor_init(&cur, 0, 12);
	alist_inv_cursor_add_all(&cur);
	EXPECT_EQ(alist_vtd_inv_fill(&cur, &kVtd, &t, 1, nullptr), -ALIST_EINVAL);
	for (int field = 0; field < 4; field++) {
		alist_inv_batch bad = b;
		if (field == 0)
			bad.cmds = nullptr;
		else if (field == 1)
			bad.chunks = nullptr;
		else if (field == 2)
			bad.cap = 0;
		else
			bad.max_chunks = 0;
		EXPECT_EQ(alist_vtd_inv_fill(&cur, &kVtd, &t, 1, &bad), -ALIST_EINVAL) << field;
	}
	alist_vtd_params bad = kVtd;
	bad.mamv = 64;
	EXPECT_EQ(alist_vtd_inv_fill(&cur, &bad, &t, 1, &b), -ALIST_EINVAL);
	ASSERT_EQ(alist_vtd_inv_fill(&cur, &kVtd, &t, 1, &b), 1);
	EXPECT_TRUE(b.done);
	/* A batch made bad after the first fill is still refused. */
	alist_inv_batch later = b;
	later.cap = 0;
	EXPECT_EQ(alist_vtd_inv_fill(&cur, &kVtd, &t, 1, &later), -ALIST_EINVAL);
	/* A cursor planned for VT-d cannot continue as SMMUv3. */
	EXPECT_EQ(alist_smmuv3_inv_fill(&cur, &kSmmu, &t, 1, &b), -ALIST_EINVAL);
	/* A finished walk has nothing left: no chunks, still done. */
	EXPECT_EQ(alist_vtd_inv_fill(&cur, &kVtd, &t, 1, &b), 0);
	EXPECT_TRUE(b.done);
}

/* ---------------------------------------------------------------------- */
/* Model-based random test.                                                */

/* Minimal aligned blocks (order <= m) for [a, b]: segment-tree split. */
u64 SegCount(u64 base, unsigned level, u64 a, u64 b, unsigned m)
{
	u64 hi = base + ((1ull << level) - 1);
	if (hi < a || base > b)
		return 0;
	if (a <= base && hi <= b)
		return level <= m ? 1 : 1ull << (level - m);
	return SegCount(base, level - 1, a, b, m) +
	       SegCount(base + (1ull << (level - 1)), level - 1, a, b, m);
}

/* RIL commands for n units: one per 5-bit window from the lowest set bit. */
u64 RilWindows(u64 n)
{
	u64 c = 0;
	while (n) {
		unsigned s = __builtin_ctzll(n);
		n &= ~(31ull << s);
		c++;
	}
	return c;
}

/* Cost models the random test draws from (NULL: the core's defaults). */
const alist_inv_cost kCosts[] = {
	ALIST_INV_COST_DEFAULT,
	{100, 2000, 2000, 0xffffffffu},	/* never over-invalidate */
	{100, 2000, 2000, 0},		/* always the fewest commands */
	{50, 1000, 3000, 7},
};

const alist_inv_cost *RandomCost(std::mt19937_64 &rng)
{
	unsigned i = rng() % 5;
	return i < 4 ? &kCosts[i] : nullptr;
}

alist_inv_cost CostOf(const alist_inv_cost *c)
{
	return c ? *c : alist_inv_cost ALIST_INV_COST_DEFAULT;
}

/* The cover policy's rule, in 128 bits so nothing saturates. */
bool WideWins(u64 exact, u64 over, u64 unit_ns, u64 refill_ns)
{
	return exact > 1 && static_cast<unsigned __int128>(over) * refill_ns <=
				    static_cast<unsigned __int128>(exact - 1) * unit_ns;
}

/* Order of the smallest aligned block holding [a, b]. */
unsigned HullBits(u64 a, u64 b)
{
	unsigned k = 0;
	while ((a >> k) != (b >> k))
		k++;
	return k;
}

struct Request {
	bool all;
	bool leaf;
	unsigned granule;
	Intervals pages; /* normalized 4 KiB pages */
};

struct Expect {
	bool whole;
	u64 cost;
	Intervals units;
};

template <class Emitter>
struct Model;

/* Identity of the cache a target names, per format. */
using Key = std::tuple<int, unsigned, unsigned, unsigned>; /* class, a, b, c */

template <>
struct Model<alist::VtdEmitter> {
	using Params = alist_vtd_params;
	static constexpr unsigned kKinds[] = {ALIST_KIND_VTD_IOTLB, ALIST_KIND_VTD_PIOTLB,
					      ALIST_KIND_ATC, ALIST_KIND_ATC_FULL};
	static Params RandomParams(std::mt19937_64 &rng)
	{
		static const alist_u16 thr[] = {0, 1, 4, 64, 60000};
		return Params{static_cast<alist_u8>(rng() % 8 != 0), static_cast<alist_u8>(rng() % 11),
			      static_cast<alist_u8>(rng() % 2), static_cast<alist_u8>(rng() % 2),
			      thr[rng() % 5], thr[rng() % 5], RandomCost(rng)};
	}
	static Key TagKey(const alist_target &t)
	{
		return {t.kind, t.tag, t.kind == ALIST_KIND_VTD_PIOTLB ? t.pasid : 0, 0};
	}
	static Key CmdKey(const Decoded &d)
	{
		if (d.kind == Decoded::kIotlb)
			return {ALIST_KIND_VTD_IOTLB, d.tag, 0, 0};
		if (d.kind == Decoded::kPiotlb)
			return {ALIST_KIND_VTD_PIOTLB, d.tag, d.pasid, 0};
		return {100, d.sid, d.pasid, 0};
	}
	static Decoded Decode(const alist_cmd &c, const Params &, const Request &)
	{
		return inv_test::DecodeVtd(c);
	}
	static unsigned UnitShift(const Params &, const Request &) { return 0; }
	static Expect Tlb(const Params &p, const Request &r)
	{
		alist_inv_cost c = CostOf(p.cost);
		Expect e{r.all || !p.psi, 0, {}};
		/* Per range: exact, or its hull when AM names it and it pays. */
		for (auto &iv : r.pages) {
			u64 k = SegCount(0, 52, iv.first, iv.second, p.mamv);
			unsigned h = HullBits(iv.first, iv.second);
			u64 base = iv.first >> h << h;
			u64 over = (1ull << h) - (iv.second - iv.first + 1);

			if (h <= p.mamv &&
			    (k > p.max_iotlb_cmds || WideWins(k, over, c.cmd_ns, c.refill_ns))) {
				e.cost += 1;
				e.units.push_back({base, base + (1ull << h) - 1});
			} else {
				e.cost += k;
				e.units.push_back(iv);
			}
		}
		e.units = Normalize(e.units);
		if (e.cost > p.max_iotlb_cmds)
			e.whole = true;
		return e;
	}
	static unsigned AtcMax(const Params &p) { return p.max_devtlb_cmds; }
	static size_t MinSyncs(bool any, bool, bool, bool, bool) { return any; }
};

template <>
struct Model<alist::Smmuv3Emitter> {
	using Params = alist_smmuv3_params;
	static constexpr unsigned kKinds[] = {ALIST_KIND_SMMU_S1, ALIST_KIND_SMMU_S2,
					      ALIST_KIND_SMMU_S1_CLEAR, ALIST_KIND_ATC,
					      ALIST_KIND_ATC_FULL};
	static Params RandomParams(std::mt19937_64 &rng)
	{
		static const alist_u16 thr[] = {0, 1, 4, 64, 60000};
		return Params{static_cast<alist_u8>(rng() % 2),
			      static_cast<alist_u8>(12 + 2 * (rng() % 3)), 1, 0,
			      thr[rng() % 5], thr[rng() % 5], RandomCost(rng)};
	}
	static Key TagKey(const alist_target &t)
	{
		return {t.kind, t.tag, t.kind == ALIST_KIND_SMMU_S1 ? t.vmid : 0, 0};
	}
	static Key CmdKey(const Decoded &d)
	{
		switch (d.kind) {
		case Decoded::kS1: return {ALIST_KIND_SMMU_S1, d.tag, d.vmid, 0};
		case Decoded::kS2: return {ALIST_KIND_SMMU_S2, d.tag, 0, 0};
		case Decoded::kS1Clear: return {ALIST_KIND_SMMU_S1_CLEAR, d.tag, 0, 0};
		default: return {100, d.sid, d.pasid, 0};
		}
	}
	static unsigned Step(const Params &p, const Request &r)
	{
		return p.ril ? p.tg_lg2 : std::max<unsigned>(p.tg_lg2, r.granule);
	}
	static Decoded Decode(const alist_cmd &c, const Params &p, const Request &r)
	{
		return inv_test::DecodeSmmu(c, Step(p, r));
	}
	static unsigned UnitShift(const Params &p, const Request &r) { return Step(p, r) - 12; }
	static Expect Tlb(const Params &p, const Request &r)
	{
		unsigned sh = UnitShift(p, r);
		Intervals u;
		for (auto &iv : r.pages)
			u.push_back({iv.first >> sh, iv.second >> sh});
		alist_inv_cost c = CostOf(p.cost);
		Expect e{r.all, 0, {}};
		/* Per span: exact, or with RIL one command rounded up past its end. */
		for (auto &iv : Normalize(u)) {
			u64 n = iv.second - iv.first + 1;
			u64 k = p.ril ? RilWindows(n) : n;
			unsigned s = 0;

			while (((n + (1ull << s) - 1) >> s) > 32)
				s++;
			u64 len = ((n + (1ull << s) - 1) >> s) << s;
			if (p.ril && WideWins(k, (len - n) << sh, c.cmd_ns, c.refill_ns)) {
				e.cost += 1;
				e.units.push_back({iv.first, iv.first + len - 1});
			} else {
				e.cost += k;
				e.units.push_back(iv);
			}
		}
		e.units = Normalize(e.units);
		if (e.cost > p.max_tlbi_cmds)
			e.whole = true;
		return e;
	}
	static unsigned AtcMax(const Params &p) { return p.max_atc_cmds; }
	static size_t MinSyncs(bool any, bool tlbi, bool atc, bool s2, bool clear)
	{
		return any + (tlbi && atc) + (s2 && clear);
	}
};

Request RandomRequest(std::mt19937_64 &rng)
{
	Request r{};
	r.leaf = rng() % 2;
	r.granule = rng() % 4 ? 12 : 21;
	unsigned kind = rng() % 10;
	if (kind == 0) {
		r.all = true;
		return r;
	}
	int n = kind == 1 ? 17 + rng() % 8 : 1 + rng() % 6;
	Intervals v;
	for (int i = 0; i < n; i++) {
		u64 f = rng() % (1u << 16);
		if (kind == 2)
			f <<= 20; /* far apart, high addresses */
		v.push_back({f, f + rng() % (kind == 3 ? 5000 : 40)});
	}
	r.pages = Normalize(v);
	if (r.pages.size() > alist::RangeSet::kCapacity) {
		r.all = true;
		r.pages.clear();
	}
	return r;
}

alist::InvRequest ToCore(const Request &r, std::mt19937_64 &rng)
{
	alist::InvRequest q;
	q.Init(r.leaf, r.granule);
	if (r.all) {
		q.ranges.SetAll();
		return q;
	}
	/* Feed pieces in random order, split so merging does real work. */
	std::vector<std::pair<u64, u64>> pieces;
	for (auto &iv : r.pages) {
		u64 mid = iv.first + (iv.second - iv.first) / 2;
		pieces.push_back({iv.first, mid});
		if (mid < iv.second)
			pieces.push_back({mid + 1, iv.second});
	}
	std::shuffle(pieces.begin(), pieces.end(), rng);
	for (auto &pc : pieces)
		q.ranges.AddBytes(pc.first << 12, (pc.second << 12) | 0xfff);
	return q;
}

template <class Emitter>
std::vector<alist_target> RandomTargets(std::mt19937_64 &rng)
{
	using M = Model<Emitter>;
	std::vector<alist_target> t;
	unsigned instances = 1 + rng() % 4;
	for (unsigned i = 0; i < instances; i++) {
		unsigned n = rng() % 10;
		for (unsigned k = 0; k < n; k++) {
			unsigned kind = M::kKinds[rng() % (sizeof(M::kKinds) / sizeof(M::kKinds[0]))];
			alist_target e = Target(i * 3, kind, 1 + rng() % 3,
						rng() % 3 ? ALIST_NO_PASID : 1 + rng() % 2,
						1 + rng() % 4, rng() % 4 ? 1 + rng() % 3 : 0,
						kind == ALIST_KIND_SMMU_S1 ? rng() % 2 : 0);
			t.push_back(e);
		}
	}
	std::sort(t.begin(), t.end(), inv_test::KeyLess);
	/* One entry per full key, as an attach list keeps them. */
	t.erase(std::unique(t.begin(), t.end(),
			    [](const alist_target &a, const alist_target &b) {
				    return !inv_test::KeyLess(a, b) && !inv_test::KeyLess(b, a);
			    }),
		t.end());
	return t;
}

template <class Emitter>
void CheckOne(std::mt19937_64 &rng, int iter)
{
	using M = Model<Emitter>;
	typename M::Params p = M::RandomParams(rng);
	Request r = RandomRequest(rng);
	std::vector<alist_target> t = RandomTargets<Emitter>(rng);
	alist::InvRequest q = ToCore(r, rng);
	SCOPED_TRACE(testing::Message() << "iter " << iter << " targets " << t.size());

	unsigned long allocs = alist_host::AllocCalls();
	Recorder rec;
	inv_test::Invalidate<Emitter>(p, q, t.data(), t.size(), rec);
	EXPECT_EQ(alist_host::AllocCalls(), allocs) << "allocation on the invalidation path";

	/* The C API, random buffer sizes, must produce the same stream. */
	{
		alist_inv_cursor cur;
		alist_inv_cursor_init(&cur, r.leaf ? ALIST_INV_LEAF : 0, r.granule);
		if (r.all)
			alist_inv_cursor_add_all(&cur);
		for (auto &iv : r.pages)
			alist_inv_cursor_add_range(&cur, iv.first << 12, (iv.second << 12) | 0xfff);
		unsigned cap = 1 + rng() % 5, max_chunks = 1 + rng() % 3;
		std::vector<Event> got = Drain(
			[&](alist_inv_batch *b) {
				if constexpr (std::is_same_v<Emitter, alist::VtdEmitter>)
					return alist_vtd_inv_fill(&cur, &p, t.data(), t.size(), b);
				else
					return alist_smmuv3_inv_fill(&cur, &p, t.data(), t.size(), b);
			},
			cap, max_chunks);
		ASSERT_EQ(got.size(), rec.events.size());
		for (size_t i = 0; i < got.size(); i++) {
			EXPECT_EQ(got[i].instance, rec.events[i].instance);
			EXPECT_EQ(got[i].sync, rec.events[i].sync);
			EXPECT_EQ(0, memcmp(&got[i].cmd, &rec.events[i].cmd, sizeof(alist_cmd)));
		}
	}

	bool empty = !r.all && r.pages.empty();
	Expect tlb = M::Tlb(p, r);

	/* ATC expectation from the rules: exact within the cap if it pays. */
	u64 atc_cost = 0, pages = 0;
	for (auto &iv : r.pages) {
		atc_cost += SegCount(0, 52, iv.first, iv.second, 52);
		pages += iv.second - iv.first + 1;
	}
	bool atc_full = r.all, atc_hull = false;
	u64 hull_first = 0, hull_last = 0;
	unsigned hk = empty || r.all ? 0 : HullBits(r.pages.front().first, r.pages.back().second);
	alist_inv_cost cost = CostOf(p.cost);
	if (!r.all && !empty &&
	    (atc_cost > M::AtcMax(p) ||
	     (hk < 52 && WideWins(atc_cost, (1ull << hk) - pages, cost.devtlb_ns,
				  cost.refill_ns)))) {
		unsigned k = hk;
		if (k >= 52) {
			atc_full = true;
		} else {
			atc_hull = true;
			hull_first = r.pages.front().first >> k << k;
			hull_last = hull_first + (1ull << k) - 1;
		}
	}

	/* Split the stream per instance; instances must not interleave. */
	std::map<unsigned, std::vector<Event>> per;
	std::vector<unsigned> order;
	for (auto &e : rec.events) {
		if (order.empty() || order.back() != e.instance) {
			ASSERT_EQ(per.count(e.instance), 0u) << "instance " << e.instance << " split";
			order.push_back(e.instance);
		}
		per[e.instance].push_back(e);
	}

	std::set<unsigned> instances;
	for (auto &x : t)
		instances.insert(x.instance);
	for (unsigned inst : instances) {
		/* Naive reference: the caches each live target needs flushed. */
		std::set<Key> want_tags, want_dev_ranged, want_dev_full;
		std::set<unsigned> s2_tags;
		bool has_s2 = false;
		for (auto &x : t)
			if (x.instance == inst && x.users && x.kind == ALIST_KIND_SMMU_S2)
				s2_tags.insert(x.tag), has_s2 = true;
		bool any = false, tlbi = false, atc = false, clear = false;
		for (auto &x : t) {
			if (x.instance != inst || !x.users || empty)
				continue;
			if (x.kind == ALIST_KIND_ATC || x.kind == ALIST_KIND_ATC_FULL) {
				Key k{100, x.sid, x.pasid, 0};
				if (x.kind == ALIST_KIND_ATC_FULL || atc_full)
					want_dev_full.insert(k);
				else
					want_dev_ranged.insert(k);
				atc = any = true;
				continue;
			}
			if (x.kind == ALIST_KIND_SMMU_S1_CLEAR && tlb.whole && s2_tags.count(x.tag))
				continue; /* covered by S12_VMALL */
			if (x.kind == ALIST_KIND_SMMU_S1_CLEAR)
				clear = true;
			want_tags.insert(M::TagKey(x));
			tlbi = any = true;
		}
		std::vector<Event> &ev = per[inst];
		if (!any) {
			EXPECT_TRUE(ev.empty()) << "instance " << inst;
			continue;
		}
		ASSERT_FALSE(ev.empty());
		EXPECT_TRUE(ev.back().sync);
		size_t syncs = 0;
		for (auto &e : ev)
			syncs += e.sync;
		EXPECT_EQ(syncs, M::MinSyncs(true, tlbi, atc, has_s2, clear))
			<< "instance " << inst;

		/* Decode; group by cache; check ordering syncs. */
		std::map<Key, std::vector<Decoded>> got;
		std::set<std::vector<u64>> seen;
		size_t last_sync = 0, last_tlbi = 0, last_s2 = 0;
		for (size_t i = 0; i < ev.size(); i++) {
			if (ev[i].sync) {
				last_sync = i + 1;
				continue;
			}
			std::vector<u64> raw(ev[i].cmd.w, ev[i].cmd.w + 4);
			EXPECT_TRUE(seen.insert(raw).second) << "command sent twice";
			Decoded d = M::Decode(ev[i].cmd, p, r);
			got[M::CmdKey(d)].push_back(d);
			bool is_dev = d.kind == Decoded::kAtc || d.kind == Decoded::kDevTlb;
			if (std::is_same_v<Emitter, alist::Smmuv3Emitter>) {
				if (is_dev && last_tlbi) {
					EXPECT_GT(last_sync, last_tlbi) << "ATC before TLBI completed";
				}
				if (d.kind == Decoded::kS1Clear && last_s2) {
					EXPECT_GT(last_sync, last_s2) << "S1 clear before S2 completed";
				}
			}
			if (!is_dev)
				last_tlbi = i + 1;
			if (d.kind == Decoded::kS2)
				last_s2 = i + 1;
		}

		for (auto &k : want_tags) {
			auto it = got.find(k);
			ASSERT_NE(it, got.end()) << "tag not invalidated";
			auto &cmds = it->second;
			if (std::get<0>(k) == ALIST_KIND_SMMU_S1_CLEAR) {
				EXPECT_EQ(cmds.size(), 1u);
				continue;
			}
			if (tlb.whole) {
				ASSERT_EQ(cmds.size(), 1u);
				EXPECT_TRUE(cmds[0].whole);
				continue;
			}
			EXPECT_EQ(cmds.size(), tlb.cost) << "not the fewest commands";
			Intervals u;
			for (auto &d : cmds) {
				EXPECT_FALSE(d.whole);
				EXPECT_EQ(d.leaf, r.leaf);
				u.push_back({d.first, d.last});
			}
			EXPECT_EQ(Normalize(u), tlb.units) << "not an exact cover";
		}
		for (auto &k : want_dev_ranged) {
			auto it = got.find(k);
			ASSERT_NE(it, got.end()) << "device TLB not invalidated";
			Intervals u;
			for (auto &d : it->second)
				if (!d.whole)
					u.push_back({d.first, d.last});
			if (atc_hull)
				EXPECT_EQ(u, (Intervals{{hull_first, hull_last}}));
			else
				EXPECT_EQ(Normalize(u), r.pages);
		}
		for (auto &k : want_dev_full) {
			auto it = got.find(k);
			ASSERT_NE(it, got.end()) << "device TLB not invalidated";
			size_t whole = 0;
			for (auto &d : it->second)
				whole += d.whole;
			EXPECT_EQ(whole, 1u);
		}
		/* Nothing for caches no live target names. */
		for (auto &g : got) {
			bool named = want_tags.count(g.first) || want_dev_ranged.count(g.first) ||
				     want_dev_full.count(g.first);
			EXPECT_TRUE(named) << "command for a cache nobody uses";
		}
	}
}

TEST(InvModel, VtdRandom)
{
	std::mt19937_64 rng(11);
	for (int i = 0; i < 1500 && !HasFatalFailure(); i++)
		CheckOne<alist::VtdEmitter>(rng, i);
}

TEST(InvModel, Smmuv3Random)
{
	std::mt19937_64 rng(12);
	for (int i = 0; i < 1500 && !HasFatalFailure(); i++)
		CheckOne<alist::Smmuv3Emitter>(rng, i);
}

} // namespace
