// SPDX-License-Identifier: GPL-2.0
/*
 * Range merging and exact cover: RangeSet against a bitmap model, the
 * aligned-block and RIL covers against exhaustive minima, and the exact
 * cover property of whole command streams for random ranges.
 */
#include <gtest/gtest.h>

#include <random>
#include <type_traits>
#include <vector>

#include "inv/block_cover.h"
#include "inv/range_set.h"
#include "hw/smmuv3_emitter.h"
#include "tests/inv_test_util.h"
#include "hw/vtd_emitter.h"

using alist::RangeSet;
using inv_test::Intervals;
using inv_test::Normalize;
using inv_test::Target;

namespace {

Intervals FromSet(const RangeSet &rs)
{
	Intervals v;
	for (unsigned i = 0; i < rs.size(); i++)
		v.push_back({rs[i].first, rs[i].last});
	return v;
}

TEST(RangeSet, MergesOverlapAndAdjacency)
{
	RangeSet rs;
	rs.Clear();
	rs.AddPages(10, 20);
	rs.AddPages(21, 25); /* adjacent */
	rs.AddPages(0, 3);
	rs.AddPages(5, 5);
	rs.AddPages(4, 4); /* bridges [0,3] and [5,5] */
	rs.AddPages(18, 30); /* overlaps */
	EXPECT_EQ(FromSet(rs), (Intervals{{0, 5}, {10, 30}}));
	rs.AddPages(6, 9); /* bridges everything */
	EXPECT_EQ(FromSet(rs), (Intervals{{0, 30}}));
	rs.AddBytes(0x100000, 0x100000); /* one byte -> its page */
	EXPECT_EQ(FromSet(rs), (Intervals{{0, 30}, {0x100, 0x100}}));
	rs.AddBytes(5, 4); /* empty: ignored */
	EXPECT_EQ(rs.size(), 2u);
	rs.AddBytes(0, ~0ull); /* the whole space: one range, not "all" */
	EXPECT_EQ(FromSet(rs), (Intervals{{0, RangeSet::kMaxPage}}));
	EXPECT_FALSE(rs.all());
}

/* The first range of an empty set takes AddPages()' shortcut: same rules. */
TEST(RangeSet, FirstRangeIsClampedAndChecked)
{
	RangeSet rs;
	rs.Clear();
	rs.AddPages(7, 3); /* first > last: ignored */
	EXPECT_TRUE(rs.empty());
	rs.AddPages(RangeSet::kMaxPage + 1, RangeSet::kMaxPage + 6); /* no such pages */
	EXPECT_TRUE(rs.empty());
	rs.AddPages(5, ~0ull); /* clamped to the last page frame */
	EXPECT_EQ(FromSet(rs), (Intervals{{5, RangeSet::kMaxPage}}));
	rs.AddPages(~0ull - 1, ~0ull); /* the merge path: ignored too, not inverted */
	EXPECT_EQ(FromSet(rs), (Intervals{{5, RangeSet::kMaxPage}}));
	rs.SetAll();
	rs.AddPages(1, 1); /* "all" stays all */
	EXPECT_TRUE(rs.all());
	EXPECT_EQ(rs.size(), 0u);
}

TEST(RangeSet, OverflowDegradesToAll)
{
	RangeSet rs;
	rs.Clear();
	for (unsigned i = 0; i < RangeSet::kCapacity; i++)
		rs.AddPages(i * 10, i * 10 + 1);
	EXPECT_FALSE(rs.all());
	rs.AddPages(5, 5); /* disjoint: one too many */
	EXPECT_TRUE(rs.all());
	rs.AddPages(1, 2);
	EXPECT_TRUE(rs.all());
	EXPECT_FALSE(rs.empty());
}

TEST(RangeSet, RandomAgainstBitmap)
{
	std::mt19937_64 rng(1);
	for (int iter = 0; iter < 3000; iter++) {
		RangeSet rs;
		rs.Clear();
		std::vector<bool> bits(512);
		int adds = 1 + rng() % 24;
		for (int a = 0; a < adds; a++) {
			unsigned f = rng() % 500, l = f + rng() % 12;
			rs.AddPages(f, l);
			for (unsigned p = f; p <= l; p++)
				bits[p] = true;
		}
		Intervals want;
		for (unsigned p = 0; p < bits.size(); p++)
			if (bits[p])
				want.push_back({p, p});
		want = Normalize(want);
		if (want.size() > RangeSet::kCapacity) {
			/* Degrading is allowed only past the capacity. */
			EXPECT_TRUE(rs.all());
			continue;
		}
		/* Never degrades when the final set fits... unless an
		 * intermediate one did not: then "all" is the only answer. */
		if (rs.all())
			continue;
		EXPECT_EQ(FromSet(rs), want) << "iter " << iter;
	}
}

/* Minimum aligned blocks (order <= m) covering [a, b] exactly, by DP. */
unsigned DpBlocks(unsigned a, unsigned b, unsigned m)
{
	std::vector<unsigned> best(b + 2, ~0u);
	best[a] = 0;
	for (unsigned p = a; p <= b; p++) {
		if (best[p] == ~0u)
			continue;
		for (unsigned k = 0; k <= m; k++) {
			unsigned sz = 1u << k;
			if (p % sz || p + sz - 1 > b)
				break;
			best[p + sz] = std::min(best[p + sz], best[p] + 1);
		}
	}
	return best[b + 1];
}

TEST(BlockCover, GreedyIsMinimal)
{
	for (unsigned m : {0u, 1u, 3u, 9u}) {
		for (unsigned a = 0; a < 70; a++) {
			for (unsigned b = a; b < 140; b += 3) {
				unsigned dp = DpBlocks(a, b, m);
				ASSERT_EQ(alist::BlockCover::Count(a, b, m, 1000), dp)
					<< a << ".." << b << " m " << m;
			}
		}
	}
	/* Large, closed form: 2^40 pages at an aligned base, max order 9. */
	EXPECT_EQ(alist::BlockCover::Count(0, (1ull << 40) - 1, 9, ~0ull >> 1),
		  1ull << 31);
	EXPECT_EQ(alist::BlockCover::Count(0, (1ull << 40) - 1, 9, 100), 101u);
	EXPECT_EQ(alist::BlockCover::HullOrder(7, 10), 4u);
	EXPECT_EQ(alist::BlockCover::HullOrder(8, 8), 0u);
}

/* Minimum RIL commands for n granules: sum of n terms num << scale. */
TEST(RilCover, GreedyIsMinimal)
{
	const unsigned kN = 4096;
	std::vector<unsigned> best(kN + 1, ~0u);
	best[0] = 0;
	for (unsigned n = 1; n <= kN; n++)
		for (unsigned s = 0; (1u << s) <= n; s++)
			for (unsigned num = 1; num <= 32 && (num << s) <= n; num++)
				best[n] = std::min(best[n], best[n - (num << s)] + 1);
	for (unsigned n = 1; n <= kN; n++)
		ASSERT_EQ(alist::Smmuv3Emitter::RilCount(n, 100), best[n]) << n;
}

/* Collects decoded blocks per target key from a command stream. */
template <class Emitter>
std::vector<inv_test::Decoded> RunDecoded(const typename Emitter::Params &p,
				   const alist::InvRequest &req,
				   const std::vector<alist_target> &t, unsigned unit_lg2)
{
	inv_test::Recorder rec;
	inv_test::Invalidate<Emitter>(p, req, t.data(), t.size(), rec);
	std::vector<inv_test::Decoded> out;
	for (auto &e : rec.events) {
		if (e.sync)
			continue;
		if constexpr (std::is_same_v<Emitter, alist::VtdEmitter>)
			out.push_back(inv_test::DecodeVtd(e.cmd));
		else
			out.push_back(inv_test::DecodeSmmu(e.cmd, unit_lg2));
	}
	return out;
}

Intervals Union(const std::vector<inv_test::Decoded> &d, inv_test::Decoded::Kind k)
{
	Intervals v;
	for (auto &x : d) {
		if (x.kind != k)
			continue;
		EXPECT_FALSE(x.whole);
		v.push_back({x.first, x.last});
	}
	return v;
}

/* Blocks never overlap each other (each unit named once). */
void ExpectDisjoint(Intervals v)
{
	std::sort(v.begin(), v.end());
	for (size_t i = 1; i < v.size(); i++)
		EXPECT_GT(v[i].first, v[i - 1].second);
}

/* Under a cost model that never prefers over-invalidation. */
TEST(ExactCover, VtdRandomRanges)
{
	std::mt19937_64 rng(2);
	for (int iter = 0; iter < 1000; iter++) {
		alist_vtd_params p{1, static_cast<alist_u8>(rng() % 10), 0, 0, 60000, 60000,
				   &inv_test::kExactCost};
		alist::InvRequest req;
		req.Init(false, 12);
		Intervals want;
		int n = 1 + rng() % 8;
		for (int i = 0; i < n; i++) {
			alist_u64 f = rng() % (1u << 20), l = f + rng() % 700;
			req.ranges.AddPages(f, l);
			want.push_back({f, l});
		}
		want = Normalize(want);
		std::vector<alist_target> t = {
			Target(0, ALIST_KIND_VTD_IOTLB, 1),
			Target(0, ALIST_KIND_ATC, 1, ALIST_NO_PASID, 9),
		};
		auto d = RunDecoded<alist::VtdEmitter>(p, req, t, 12);
		Intervals io = Union(d, inv_test::Decoded::kIotlb);
		Intervals dev = Union(d, inv_test::Decoded::kDevTlb);
		ExpectDisjoint(io);
		ExpectDisjoint(dev);
		EXPECT_EQ(Normalize(io), want) << "iter " << iter;
		EXPECT_EQ(Normalize(dev), want) << "iter " << iter;
		for (auto &x : d) {
			if (x.kind == inv_test::Decoded::kIotlb) {
				EXPECT_LE(x.last - x.first + 1, 1ull << p.mamv);
			}
		}
	}
}

TEST(ExactCover, Smmuv3RandomRanges)
{
	std::mt19937_64 rng(3);
	for (int iter = 0; iter < 1000; iter++) {
		bool ril = rng() % 2;
		unsigned tg = 12 + 2 * (rng() % 3);
		unsigned granule = rng() % 3 ? 12 : 21;
		alist_smmuv3_params p{static_cast<alist_u8>(ril), static_cast<alist_u8>(tg),
				      0, 0, 60000, 60000, &inv_test::kExactCost};
		alist::InvRequest req;
		req.Init(rng() % 2, granule);
		unsigned step = ril ? tg : std::max(tg, granule);
		Intervals want, want_pages;
		int n = 1 + rng() % 8;
		for (int i = 0; i < n; i++) {
			alist_u64 f = rng() % (1u << 20), l = f + rng() % 700;
			req.ranges.AddPages(f, l);
			want.push_back({f >> (step - 12), l >> (step - 12)});
			want_pages.push_back({f, l});
		}
		std::vector<alist_target> t = {
			Target(0, ALIST_KIND_SMMU_S1, 1, ALIST_NO_PASID, 0, 1, 4),
			Target(0, ALIST_KIND_ATC, 0, ALIST_NO_PASID, 9),
		};
		auto d = RunDecoded<alist::Smmuv3Emitter>(p, req, t, step);
		Intervals tl = Union(d, inv_test::Decoded::kS1);
		ExpectDisjoint(tl);
		EXPECT_EQ(Normalize(tl), Normalize(want)) << "iter " << iter;
		EXPECT_EQ(Normalize(Union(d, inv_test::Decoded::kAtc)), Normalize(want_pages));
		for (auto &x : d) {
			if (x.kind != inv_test::Decoded::kS1)
				continue;
			EXPECT_EQ(x.tag, 1u);
			EXPECT_EQ(x.vmid, 4u);
			/* Never the reserved NUM=SCALE=TTL=0 range form. */
			if (x.tg) {
				EXPECT_TRUE(x.last != x.first || x.ttl);
			}
			if (!ril) {
				EXPECT_EQ(x.tg, 0u);
			}
		}
	}
}

} // namespace
