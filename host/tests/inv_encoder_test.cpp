// SPDX-License-Identifier: GPL-2.0
/*
 * Golden tables for the encoders: every value below was worked out by hand
 * from the field layouts (VT-d spec descriptor formats, SMMUv3 command
 * formats), not produced by running the code.
 */
#include <gtest/gtest.h>

#include <alist/inv.h>

#include "inv/block_cover.h"
#include "inv/inv_plan.h"
#include "hw/smmuv3_emitter.h"
#include "tests/inv_test_util.h"
#include "hw/vtd_emitter.h"

using alist::Smmuv3Emitter;
using alist::VtdEmitter;
using inv_test::Target;

namespace {

struct Golden {
	const char *what;
	alist_cmd got;
	alist_u64 w0, w1;
};

void CheckAll(const Golden *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		SCOPED_TRACE(g[i].what);
		EXPECT_EQ(g[i].got.w[0], g[i].w0);
		EXPECT_EQ(g[i].got.w[1], g[i].w1);
		EXPECT_EQ(g[i].got.w[2], 0u);
		EXPECT_EQ(g[i].got.w[3], 0u);
	}
}

/* The queues' sync encoders are C inlines of <alist/inv.h>. */
alist_cmd VtdWait(alist_u64 status_addr, alist_u32 data)
{
	alist_cmd c;

	alist_vtd_wait_desc(&c, status_addr, data);
	return c;
}

alist_cmd CmdSync(unsigned int cs)
{
	alist_cmd c;

	alist_smmuv3_cmd_sync(&c, cs);
	return c;
}

TEST(InvEncoder, VtdDescriptors)
{
	alist_vtd_params drain{1, 18, 1, 1, 64, 4, nullptr};
	alist_vtd_params plain{1, 18, 0, 0, 64, 4, nullptr};
	alist_target dev = Target(0, ALIST_KIND_ATC, 0, ALIST_NO_PASID, 0x0100);
	dev.pfsid = 0x0abc;
	dev.atc_qdep = 8;
	alist_target pdev = dev;
	pdev.pasid = 0x55;
	pdev.kind = ALIST_KIND_ATC;
	alist_target deep = dev;
	deep.atc_qdep = 0; /* 0 means 32: the field is 0 */

	const Golden g[] = {
		{"IOTLB PSI did 0x1234, 16 pages at 0x1000000, IH, DR+DW",
		 VtdEmitter::IotlbPage(drain, 0x1234, 0x1000, 4, true),
		 0x123400f2ull, 0x1000044ull},
		{"IOTLB DSI did 5",
		 VtdEmitter::IotlbDomain(plain, 5), 0x50022ull, 0},
		{"IOTLB DSI did 5 with drains",
		 VtdEmitter::IotlbDomain(drain, 5), 0x500e2ull, 0},
		{"P_IOTLB PSI did 7 pasid 0x12345, one page at 0x10000",
		 VtdEmitter::PasidIotlbPage(7, 0x12345, 0x10, 0, false),
		 0x0001234500070036ull, 0x10000ull},
		{"P_IOTLB all-in-PASID did 7 pasid 1",
		 VtdEmitter::PasidIotlbAll(7, 1), 0x0000000100070026ull, 0},
		{"devTLB sid 0x100 pfsid 0xabc qdep 8, 4 pages at 0x40000",
		 VtdEmitter::Atc(dev, 0x40, 2), 0x0ab001000008c003ull, 0x41001ull},
		{"devTLB one page (S=0)",
		 VtdEmitter::Atc(dev, 0x40, 0), 0x0ab001000008c003ull, 0x40000ull},
		{"devTLB everything",
		 VtdEmitter::Atc(dev, 0, 52), 0x0ab001000008c003ull,
		 0x7ffffffffffff001ull},
		{"devTLB qdep 32 encodes as 0",
		 VtdEmitter::Atc(deep, 0x40, 0), 0x0ab001000000c003ull, 0x40000ull},
		{"PASID devTLB pasid 0x55, 2 pages at 0x40000",
		 VtdEmitter::Atc(pdev, 0x40, 1), 0x0ab000550100c088ull, 0x40800ull},
		{"wait SW data 1",
		 VtdWait(0x12345678, 1), 0x0000000100000025ull, 0x12345678ull},
	};
	CheckAll(g, sizeof(g) / sizeof(g[0]));

	alist_cmd c;
	alist_vtd_wait_desc(&c, 0x1000, 0xabcd);
	EXPECT_EQ(c.w[0], 0x0000abcd00000025ull);
	/* SW only: IF (bit 4), FN (bit 6), PD (bit 7) clear. */
	EXPECT_EQ(c.w[0] & 0xd0, 0u);
	EXPECT_EQ(c.w[1], 0x1000u);
}

/* One RIL TLBI of the walk: units [cur, last] of a 2^tg_lg2 granule. */
alist_cmd RilTlbi(const alist_target &t, unsigned tg_lg2, alist_u64 cur, alist_u64 last,
		  unsigned ttl, bool leaf)
{
	alist_smmuv3_params p{1, static_cast<alist_u8>(tg_lg2), 0, 0, 64, 4, nullptr};
	alist::InvPlan plan{};
	alist_cmd c;

	plan.leaf = leaf;
	plan.ttl = static_cast<alist_u8>(ttl);
	plan.unit_shift = static_cast<alist_u8>(tg_lg2 - 12);
	Smmuv3Emitter::Tlb(p, plan, t, 0, cur, last, &c);
	return c;
}

TEST(InvEncoder, Smmuv3Commands)
{
	using S = Smmuv3Emitter;
	const alist_target asid1 = Target(0, ALIST_KIND_SMMU_S1, 1);
	const alist_target vmid9 = Target(0, ALIST_KIND_SMMU_S2, 9);
	const alist_target sid16 = Target(0, ALIST_KIND_ATC, 0, ALIST_NO_PASID, 0x10);
	const alist_target ssid5 = Target(0, ALIST_KIND_ATC, 0, 5, 0x10);

	const Golden g[] = {
		{"NH_ASID asid 0x1234 vmid 0x56", S::NhAsid(0x1234, 0x56),
		 0x1234005600000011ull, 0},
		{"S12_VMALL vmid 3", S::S12Vmall(3), 0x0000000300000028ull, 0},
		{"NH_ALL vmid 3", S::NhAll(3), 0x0000000300000010ull, 0},
		{"NH_VA 3 x 4K at 0x10000, leaf, TTL 3",
		 RilTlbi(asid1, 12, 0x10, 0x12, 3, true),
		 0x0001000000002012ull, 0x10701ull},
		{"NH_VA 32 x 4K at 0x1000 (SCALE 5)",
		 RilTlbi(asid1, 12, 1, 32, 0, false),
		 0x0001000000500012ull, 0x1400ull},
		{"S2_IPA vmid 9, 64K granule, 2 units at 0x20000, SCALE 1",
		 RilTlbi(vmid9, 16, 2, 3, 0, false),
		 0x000000090010002aull, 0x20c00ull},
		{"ATC_INV sid 0x10, 4 pages at 0x40000",
		 S::Atc(sid16, 0x40, 2), 0x0000001000000040ull, 0x40002ull},
		{"ATC_INV sid 0x10 ssid 5", S::Atc(ssid5, 0x40, 2),
		 0x0000001000005840ull, 0x40002ull},
		{"ATC_INV everything", S::Atc(sid16, 0, 52),
		 0x0000001000000040ull, 52},
		{"CMD_SYNC CS=IRQ", CmdSync(ALIST_SMMUV3_SYNC_CS_IRQ), 0x1046ull, 0},
		{"CMD_SYNC CS=none", CmdSync(ALIST_SMMUV3_SYNC_CS_NONE), 0x46ull, 0},
	};
	CheckAll(g, sizeof(g) / sizeof(g[0]));
}

/* The RIL decomposition: (SCALE, NUM+1) per command, worked by hand. */
TEST(InvEncoder, RilTable)
{
	struct Row {
		alist_u64 n;
		std::vector<std::pair<unsigned, unsigned>> chunks;
	} rows[] = {
		{1, {{0, 1}}},
		{2, {{1, 1}}},
		{3, {{0, 3}}},
		{31, {{0, 31}}},
		{32, {{5, 1}}},
		{33, {{0, 1}, {5, 1}}},
		{63, {{0, 31}, {5, 1}}},
		{64, {{6, 1}}},
		{96, {{5, 3}}},
		{1023, {{0, 31}, {5, 31}}},
		{1024, {{10, 1}}},
		{0x12345, {{0, 5}, {6, 13}, {13, 9}}},
		{1ull << 31, {{31, 1}}},
		{1ull << 36, {{31, 32}}},
	};
	for (auto &r : rows) {
		SCOPED_TRACE(r.n);
		alist_u64 n = r.n;
		std::vector<std::pair<unsigned, unsigned>> got;
		while (n) {
			auto c = alist::Smmuv3Emitter::RilNext(n);
			got.push_back({c.scale, c.num});
			n -= static_cast<alist_u64>(c.num) << c.scale;
		}
		EXPECT_EQ(got, r.chunks);
		EXPECT_EQ(alist::Smmuv3Emitter::RilCount(r.n, 100), r.chunks.size());
	}
}

TEST(InvEncoder, RilTtl)
{
	struct {
		unsigned tg, granule, ttl;
	} rows[] = {
		{12, 12, 3}, {12, 21, 2}, {12, 30, 1}, {12, 39, 0}, {12, 13, 0},
		{12, 0, 0},  {14, 14, 3}, {14, 25, 2}, {14, 36, 1}, {16, 16, 3},
		{16, 29, 2}, {16, 42, 1}, {16, 12, 0},
	};
	for (auto &r : rows)
		EXPECT_EQ(Smmuv3Emitter::Ttl(r.tg, r.granule), r.ttl)
			<< "tg " << r.tg << " granule " << r.granule;
}

/* A RIL walk through the emitter, as a driver sees it. */
TEST(InvEncoder, Smmuv3RilStream)
{
	/* The exact cover (the wide choice is InvEncoder.Smmuv3RilWide). */
	alist_smmuv3_params p{1, 12, 0, 0, 64, 4, &inv_test::kExactCost};
	alist_target t[] = {Target(0, ALIST_KIND_SMMU_S1, 1)};
	alist_inv_cursor cur;
	alist_cmd buf[8];
	alist_inv_chunk ch[2];
	alist_inv_batch b = ALIST_INV_BATCH_INIT(buf, ch);

	/* 33 pages from 0, not leaf: 1 page (TG=0 form, no TTL) + 32 pages. */
	alist_inv_cursor_init(&cur, 0, 12);
	alist_inv_cursor_add_range(&cur, 0, 33 * 4096 - 1);
	ASSERT_EQ(alist_smmuv3_inv_fill(&cur, &p, t, 1, &b), 1);
	ASSERT_EQ(ch[0].nr_cmds, 2u);
	EXPECT_TRUE(ch[0].sync);
	EXPECT_TRUE(b.done);
	EXPECT_EQ(buf[0].w[0], 0x0001000000000012ull);
	EXPECT_EQ(buf[0].w[1], 0u);
	EXPECT_EQ(buf[1].w[0], 0x0001000000500012ull);
	EXPECT_EQ(buf[1].w[1], 0x1400ull);

	/* Same with a 4K leaf: TTL 3 makes the single page a range form. */
	alist_inv_cursor_init(&cur, ALIST_INV_LEAF, 12);
	alist_inv_cursor_add_range(&cur, 0, 33 * 4096 - 1);
	ASSERT_EQ(alist_smmuv3_inv_fill(&cur, &p, t, 1, &b), 1);
	ASSERT_EQ(ch[0].nr_cmds, 2u);
	EXPECT_EQ(buf[0].w[1], 0x0701ull);
	EXPECT_EQ(buf[1].w[1], 0x1701ull);
}

/*
 * The same 33 pages under the default cost model: one command for 34
 * pages (SCALE 1, NUM 16) instead of two; one extra page costs less than
 * one command (Documentation/core-invalidation.rst). Linux 7.3 sends 2.
 */
TEST(InvEncoder, Smmuv3RilWide)
{
	alist_smmuv3_params p{1, 12, 0, 0, 64, 4, nullptr};
	alist_target t[] = {Target(0, ALIST_KIND_SMMU_S1, 1)};
	alist_inv_cursor cur;
	alist_cmd buf[8];
	alist_inv_chunk ch[2];
	alist_inv_batch b = ALIST_INV_BATCH_INIT(buf, ch);

	alist_inv_cursor_init(&cur, 0, 12);
	alist_inv_cursor_add_range(&cur, 0, 33 * 4096 - 1);
	ASSERT_EQ(alist_smmuv3_inv_fill(&cur, &p, t, 1, &b), 1);
	ASSERT_EQ(ch[0].nr_cmds, 1u);
	EXPECT_TRUE(b.done);
	EXPECT_EQ(buf[0].w[0], 0x0001000000110012ull);
	EXPECT_EQ(buf[0].w[1], 0x400ull);
}

/*
 * VT-d: [7, 10] is covered by 7, 8-9, 10 (AM 0, 1, 0), not by [0, 15]:
 * under the default cost model 12 extra pages cost more than 2 commands.
 */
TEST(InvEncoder, VtdExactPsi)
{
	alist_vtd_params p{1, 18, 0, 0, 64, 4, nullptr};
	alist_target t[] = {Target(0, ALIST_KIND_VTD_IOTLB, 3)};
	alist_inv_cursor cur;
	alist_cmd buf[8];
	alist_inv_chunk ch[1];
	alist_inv_batch b = ALIST_INV_BATCH_INIT(buf, ch);

	alist_inv_cursor_init(&cur, ALIST_INV_LEAF, 12);
	alist_inv_cursor_add_range(&cur, 7 * 4096, 11 * 4096 - 1);
	ASSERT_EQ(alist_vtd_inv_fill(&cur, &p, t, 1, &b), 1);
	ASSERT_EQ(ch[0].nr_cmds, 3u);
	EXPECT_TRUE(ch[0].sync);
	EXPECT_EQ(buf[0].w[1], 0x7040ull);
	EXPECT_EQ(buf[1].w[1], 0x8041ull);
	EXPECT_EQ(buf[2].w[1], 0xa040ull);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(buf[i].w[0], 0x30032ull);
}

} // namespace
