// SPDX-License-Identifier: GPL-2.0
/*
 * The cover policy (core/inv/cover_policy.h) on the shapes that matter:
 * unaligned unmaps on a domain with an ATS device, per format, against
 * what Linux 7.3's drivers send for the same unmap (one gather range):
 *  - VT-d (intel/cache.c): one page-selective IOTLB descriptor for the
 *    smallest aligned block holding the range (domain-selective when its
 *    mask is over CAP.MAMV), one device-TLB descriptor for the same block;
 *  - SMMUv3 (arm-smmu-v3.c): the exact RIL cover (one TLBI per unit
 *    without RIL, the whole ASID from 512 units on), one ATC_INV for the
 *    smallest aligned span.
 * Device-TLB/ATC counts must never exceed Linux's; IOTLB counts are the
 * model's, pinned per shape (Documentation/core-invalidation.rst has the
 * table). The "before" columns are the exact covers this replaced.
 */
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "inv/block_cover.h"
#include "inv/cover_policy.h"
#include "hw/smmuv3_emitter.h"
#include "hw/vtd_emitter.h"
#include "tests/inv_test_util.h"

using inv_test::Decoded;
using inv_test::Target;
using inv_test::u64;

namespace {

/* The drivers' parameters: QEMU's and typical hardware's MAMV (18). */
const alist_vtd_params kVtd{1, 18, 0, 0, 16, 1, nullptr};
const alist_vtd_params kVtdBefore{1, 18, 0, 0, 16, 8, &inv_test::kExactCost};
const alist_smmuv3_params kSmmu{1, 12, 1, 0, 511, 1, nullptr};
const alist_smmuv3_params kSmmuBefore{1, 12, 1, 0, 512, 16, &inv_test::kExactCost};

struct Counts {
	unsigned tlb = 0, dev = 0, syncs = 0;
	u64 tlb_pages = 0, dev_pages = 0;	/* pages named (whole: 0) */
};

template <class Emitter>
Counts Shoot(const typename Emitter::Params &p, u64 first, u64 last)
{
	alist::InvRequest req;
	req.Init(true, 12);
	req.ranges.AddPages(first, last);
	std::vector<alist_target> t;
	if constexpr (std::is_same_v<Emitter, alist::VtdEmitter>) {
		t = {Target(0, ALIST_KIND_VTD_IOTLB, 1),
		     Target(0, ALIST_KIND_ATC, 1, ALIST_NO_PASID, 9)};
	} else {
		t = {Target(0, ALIST_KIND_SMMU_S1, 1, ALIST_NO_PASID, 0, 1, 4),
		     Target(0, ALIST_KIND_ATC, 0, ALIST_NO_PASID, 9)};
	}
	inv_test::Recorder rec;
	inv_test::Invalidate<Emitter>(p, req, t.data(), t.size(), rec);
	Counts c;
	for (auto &e : rec.events) {
		if (e.sync) {
			c.syncs++;
			continue;
		}
		Decoded d;
		if constexpr (std::is_same_v<Emitter, alist::VtdEmitter>)
			d = inv_test::DecodeVtd(e.cmd);
		else
			d = inv_test::DecodeSmmu(e.cmd, 12);
		u64 n = d.whole ? 0 : d.last - d.first + 1;
		if (d.kind == Decoded::kDevTlb || d.kind == Decoded::kAtc) {
			c.dev++;
			c.dev_pages += n;
		} else {
			c.tlb++;
			c.tlb_pages += n;
		}
	}
	return c;
}

/* Linux 7.3, per the header comment. */
struct Linux {
	unsigned tlb, dev;
};

Linux LinuxVtd(u64, u64)
{
	return {1, 1};
}

Linux LinuxSmmu(u64 first, u64 last, bool ril)
{
	u64 n = last - first + 1;
	if (!ril)
		return {n >= 512 ? 1u : static_cast<unsigned>(n), 1};
	return {static_cast<unsigned>(alist::Smmuv3Emitter::RilCount(n, ~0ull >> 1)), 1};
}

struct Shape {
	const char *name;
	u64 first, last;
	unsigned vtd_tlb, smmu_tlb;		/* ours now, pinned */
	unsigned vtd_before, smmu_atc_before;	/* the exact covers replaced */
};

/*
 * IOTLB under the defaults (cmd 100 ns, refill 25 ns/page): the hull when
 * its extra pages cost at most the descriptors it saves (4 pages per
 * descriptor), else the exact cover.
 */
const Shape kShapes[] = {
	/* hull [0,7]: 2 extra pages < 3 descriptors */
	{"pages 1-6", 1, 6, 1, 1, 4, 4},
	/* hull [0,7]: 6 extra pages > 1 descriptor: exact 3, 4 */
	{"pages 3-4", 3, 4, 2, 1, 2, 2},
	/* hull [0,3]: 2 extra pages <= 1 descriptor */
	{"pages 1-2 (2-page boundary)", 1, 2, 1, 1, 2, 2},
	/* hull [0,1023]: exact 511, 512 */
	{"pages 511-512 (2 MiB boundary)", 511, 512, 2, 1, 2, 2},
	/* exact 509, 510-511, 512-515 */
	{"pages 509-515 (2 MiB boundary)", 509, 515, 3, 1, 3, 3},
	/* exact 500-503, 504-511, 512-527, 528-529, 530 */
	{"pages 500-530 (2 MiB boundary)", 500, 530, 5, 1, 5, 5},
	/* SMMUv3: 33 pages are 2 exact RIL commands, 1 for 34 pages */
	{"pages 0-32", 0, 32, 2, 1, 2, 2},
	/* VT-d: 18 blocks > 16: before, the whole DID; now the hull (AM 18) */
	{"pages 1-131072 (over the threshold)", 1, 1u << 17, 1, 1, 1, 18},
	/* VT-d: hull order 21 > MAMV: the whole DID, as Linux */
	{"pages 1-1048576 (hull over MAMV)", 1, 1u << 20, 1, 1, 1, 22},
};

TEST(CoverPolicy, ShapesVsLinux)
{
	printf("%-38s %14s %14s %14s | %14s %14s %14s\n", "shape (IOTLB+devTLB)", "vtd before",
	       "vtd after", "vtd linux", "smmu before", "smmu after", "smmu linux");
	for (const Shape &s : kShapes) {
		SCOPED_TRACE(s.name);
		Counts v = Shoot<alist::VtdEmitter>(kVtd, s.first, s.last);
		Counts vb = Shoot<alist::VtdEmitter>(kVtdBefore, s.first, s.last);
		Counts m = Shoot<alist::Smmuv3Emitter>(kSmmu, s.first, s.last);
		Counts mb = Shoot<alist::Smmuv3Emitter>(kSmmuBefore, s.first, s.last);
		Linux lv = LinuxVtd(s.first, s.last);
		Linux lm = LinuxSmmu(s.first, s.last, true);

		/* Never more device-TLB / ATC commands than Linux. */
		EXPECT_LE(v.dev, lv.dev);
		EXPECT_LE(m.dev, lm.dev);
		EXPECT_EQ(v.dev, 1u);
		EXPECT_EQ(m.dev, 1u);
		/* IOTLB: the model's count; never more than Linux on SMMUv3. */
		EXPECT_EQ(v.tlb, s.vtd_tlb);
		EXPECT_EQ(m.tlb, s.smmu_tlb);
		EXPECT_LE(m.tlb, lm.tlb);
		/* The replaced exact covers, so the table's "before" is real. */
		EXPECT_EQ(vb.tlb, s.vtd_before > 16 ? 1u : s.vtd_before);
		EXPECT_EQ(mb.dev, s.smmu_atc_before > 16 ? 1u : s.smmu_atc_before);
		/* Syncs do not depend on the cover. */
		EXPECT_EQ(v.syncs, vb.syncs);
		EXPECT_EQ(m.syncs, mb.syncs);
		/* Every requested page is named. */
		u64 n = s.last - s.first + 1;
		EXPECT_TRUE(v.tlb_pages == 0 || v.tlb_pages >= n);
		EXPECT_GE(v.dev_pages, n);
		EXPECT_GE(m.tlb_pages, n);
		EXPECT_GE(m.dev_pages, n);
		printf("%-38s %8u+%-5u %8u+%-5u %8u+%-5u | %8u+%-5u %8u+%-5u %8u+%-5u\n", s.name,
		       vb.tlb, vb.dev, v.tlb, v.dev, lv.tlb, lv.dev, mb.tlb, mb.dev, m.tlb, m.dev,
		       lm.tlb, lm.dev);
	}
}

/* Where the model sends more IOTLB descriptors than Linux, it says why. */
TEST(CoverPolicy, MoreThanLinuxOnlyWhenOverInvalidationCostsMore)
{
	alist::CoverPolicy pol(nullptr);
	for (u64 first = 0; first < 64; first++) {
		for (u64 last = first; last < first + 80; last++) {
			Counts v = Shoot<alist::VtdEmitter>(kVtd, first, last);
			if (v.tlb <= LinuxVtd(first, last).tlb)
				continue;
			unsigned h = alist::BlockCover::HullOrder(first, last);
			u64 over = (1ull << h) - (last - first + 1);
			EXPECT_FALSE(pol.TlbWide(v.tlb, over)) << first << ".." << last;
			EXPECT_GT(over * pol.cost().refill_ns, (v.tlb - 1ull) * pol.cost().cmd_ns);
		}
	}
}

TEST(CoverPolicy, Rule)
{
	alist_inv_cost c{100, 2000, 2000, 25};
	alist::CoverPolicy pol(&c);
	EXPECT_FALSE(pol.TlbWide(1, 0));	/* one command is already the fewest */
	EXPECT_TRUE(pol.TlbWide(2, 4));		/* tie: the fewer commands */
	EXPECT_FALSE(pol.TlbWide(2, 5));
	EXPECT_TRUE(pol.DevWide(2, 80));	/* a round trip is worth 80 pages */
	EXPECT_FALSE(pol.DevWide(2, 81));
	EXPECT_FALSE(pol.TlbWide(17, ~0ull));	/* saturates, does not wrap */
	/* NULL is the documented defaults. */
	alist::CoverPolicy def(nullptr);
	EXPECT_EQ(def.cost().cmd_ns, 100u);
	EXPECT_EQ(def.cost().sync_ns, 2000u);
	EXPECT_EQ(def.cost().devtlb_ns, 2000u);
	EXPECT_EQ(def.cost().refill_ns, 25u);
}

/* Smmuv3Emitter::RilWide(): one command, at least n units, the least excess. */
TEST(RilCover, WideIsTightest)
{
	for (u64 n = 1; n <= 5000; n++) {
		alist::Smmuv3Emitter::Ril c;
		ASSERT_TRUE(alist::Smmuv3Emitter::RilWide(n, &c));
		u64 len = static_cast<u64>(c.num) << c.scale;
		ASSERT_GE(len, n);
		ASSERT_LE(c.num, 32u);
		ASSERT_GE(c.num, 1u);
		u64 best = ~0ull;
		for (unsigned s = 0; s < 20; s++)
			for (u64 num = 1; num <= 32; num++)
				if ((num << s) >= n)
					best = std::min(best, num << s);
		ASSERT_EQ(len, best) << n;
	}
	alist::Smmuv3Emitter::Ril c;
	EXPECT_FALSE(alist::Smmuv3Emitter::RilWide((32ull << 31) + 1, &c));
}

} // namespace
