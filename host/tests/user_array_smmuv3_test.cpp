// SPDX-License-Identifier: GPL-2.0
/*
 * vSMMU user command arrays: opcode and field allow-lists, VMID forcing,
 * vSID translation (a test translator and the real alist_id_table), the
 * uAPI size rules, partial failure, and the one-sync batching.
 */
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <vector>

#include <alist/errno.h>
#include <alist/id_table.h>
#include <alist/lock.h>
#include <alist/user_array.h>

#include "env/host_env.h"
#include "inv/buffer_sink.h"
#include "nest/smmuv3_user_decoder.h"
#include "tests/inv_drain.h"
#include "tests/inv_test_util.h"

namespace {

using Cmd = alist_smmuv3_user_cmd;
const alist_smmuv3_params kRil{1, 12, 1, ALIST_SMMUV3_USER_ALL, 64, 4, nullptr};
const alist_smmuv3_params kNoRil{0, 12, 0, ALIST_SMMUV3_USER_ALL, 64, 4, nullptr};
/* RIL and ATS, but 8-bit ASIDs, no substreams, no DS */
const alist_smmuv3_params kNarrow{1, 12, 1, 0, 64, 4, nullptr};
constexpr unsigned kVmid = 0x77;

/* vSID -> pSID: v -> v + 0x1000 for v < 16. */
struct TestTranslator {
	int Lookup(alist_u64 v, alist_u32 *p) const
	{
		if (v >= 16)
			return -ALIST_ENOENT;
		*p = static_cast<alist_u32>(v + 0x1000);
		return 0;
	}
};

struct Out {
	int ret;
	alist_user_array arr;
	std::vector<inv_test::Event> ev;
	size_t Cmds() const
	{
		size_t n = 0;
		for (auto &e : ev)
			n += !e.sync;
		return n;
	}
};

Out Exec(const void *p, unsigned len, unsigned num, const alist_smmuv3_params &par = kRil,
	unsigned type = ALIST_UARRAY_TYPE_SMMUV3)
{
	Out o{};
	o.arr = alist_user_array{type, len, num, 0, p};
	alist::Smmuv3UserDecoder<TestTranslator> d;
	d.Init(&o.arr, par, 2, kVmid, TestTranslator{});
	inv_test::Recorder rec;
	while (!d.Run(rec))
		;
	o.ret = d.Finish();
	o.ev = rec.events;
	return o;
}

Cmd C(alist_u64 w0, alist_u64 w1 = 0)
{
	return Cmd{{w0, w1}};
}

TEST(UserArraySmmuv3, AcceptedCommandsAndRewrites)
{
	struct {
		const char *what;
		Cmd in;
		alist_u64 w0, w1;
	} rows[] = {
		{"NH_ALL: VMID forced", C(0x10 | (5ull << 32)), 0x10 | ((alist_u64)kVmid << 32), 0},
		{"NSNH_ALL -> NH_ALL", C(0x30), 0x10 | ((alist_u64)kVmid << 32), 0},
		{"NH_ASID", C(0x11 | (9ull << 48)), 0x11 | (9ull << 48) | ((alist_u64)kVmid << 32), 0},
		{"NH_VA single", C(0x12 | (9ull << 48), 0x5000 | 1),
		 0x12 | (9ull << 48) | ((alist_u64)kVmid << 32), 0x5001},
		{"NH_VA range", C(0x12 | (9ull << 48) | (3ull << 12) | (2ull << 20), 0x5000 | 0x400),
		 0x12 | (9ull << 48) | (3ull << 12) | (2ull << 20) | ((alist_u64)kVmid << 32), 0x5400},
		{"NH_VAA", C(0x13, 0x7000), 0x13 | ((alist_u64)kVmid << 32), 0x7000},
		{"CFGI_CD: vSID 3 -> 0x1003", C(0x05 | (3ull << 32) | (4ull << 12), 1),
		 0x05 | (0x1003ull << 32) | (4ull << 12), 1},
		{"CFGI_CD_ALL", C(0x06 | (1ull << 32)), 0x06 | (0x1001ull << 32), 0},
		{"ATC_INV", C(0x40 | (2ull << 32) | (1ull << 11) | (5ull << 12), 0x40000 | 2),
		 0x40 | (0x1002ull << 32) | (1ull << 11) | (5ull << 12), 0x40002},
		/* SSID and Global are IGNORED with SSV=0: no CERROR_ILL, as Linux */
		{"ATC_INV SSID without SSV", C(0x40 | (1ull << 32) | (1ull << 12) | (1ull << 9)),
		 0x40 | (0x1001ull << 32) | (1ull << 12) | (1ull << 9), 0},
		{"NH_VA TG 16K TTL 1 with DS", C(0x12 | (1ull << 12), (2ull << 10) | (1ull << 8)),
		 0x12 | (1ull << 12) | ((alist_u64)kVmid << 32), (2ull << 10) | (1ull << 8)},
	};
	for (auto &row : rows) {
		SCOPED_TRACE(row.what);
		Out o = Exec(&row.in, sizeof(Cmd), 1);
		EXPECT_EQ(o.ret, 0);
		EXPECT_EQ(o.arr.entry_num, 1u);
		ASSERT_EQ(o.ev.size(), 2u);
		EXPECT_EQ(o.ev[0].cmd.w[0], row.w0);
		EXPECT_EQ(o.ev[0].cmd.w[1], row.w1);
		EXPECT_EQ(o.ev[0].instance, 2u);
		EXPECT_TRUE(o.ev[1].sync);
	}
}

TEST(UserArraySmmuv3, RejectedCommands)
{
	struct {
		const char *what;
		Cmd in;
		const alist_smmuv3_params *p;
		unsigned err;
	} rows[] = {
		{"CMD_SYNC", C(0x46), &kRil, ALIST_UARRAY_ERR_OPCODE},
		{"CFGI_STE", C(0x03), &kRil, ALIST_UARRAY_ERR_OPCODE},
		{"S12_VMALL (host only)", C(0x28), &kRil, ALIST_UARRAY_ERR_OPCODE},
		{"TLBI_EL2_ALL", C(0x20), &kRil, ALIST_UARRAY_ERR_OPCODE},
		{"NH_ALL with ASID bits", C(0x10 | (1ull << 48)), &kRil, ALIST_UARRAY_ERR_FIELD},
		{"NH_ALL dword 1", C(0x10, 1), &kRil, ALIST_UARRAY_ERR_FIELD},
		{"NSNH_ALL with VMID", C(0x30 | (1ull << 32)), &kRil, ALIST_UARRAY_ERR_FIELD},
		{"NH_VA bit 8", C(0x12 | (1ull << 8)), &kRil, ALIST_UARRAY_ERR_FIELD},
		{"NH_VA dword1 bit 3", C(0x12, 8), &kRil, ALIST_UARRAY_ERR_FIELD},
		{"NH_VAA with ASID", C(0x13 | (1ull << 48)), &kRil, ALIST_UARRAY_ERR_FIELD},
		{"NH_VA range without RIL", C(0x12, 0x400 | 0x100), &kNoRil,
		 ALIST_UARRAY_ERR_FEATURE},
		{"NH_VA TG=0 with NUM", C(0x12 | (1ull << 12)), &kRil, ALIST_UARRAY_ERR_FIELD},
		{"NH_VA reserved NUM=SCALE=TTL=0", C(0x12, 0x400), &kRil, ALIST_UARRAY_ERR_FIELD},
		{"CFGI_CD unknown vSID", C(0x05 | (99ull << 32)), &kRil, ALIST_UARRAY_ERR_VSID},
		{"CFGI_CD SSEC bit", C(0x05 | (1ull << 10)), &kRil, ALIST_UARRAY_ERR_FIELD},
		{"ATC_INV without ATS", C(0x40), &kNoRil, ALIST_UARRAY_ERR_FEATURE},
		{"ATC_INV size 53", C(0x40, 53), &kRil, ALIST_UARRAY_ERR_FIELD},
		/* Fields the SMMU does not implement (Linux refuses them too) */
		{"NH_ASID 16-bit ASID, 8-bit SMMU", C(0x11 | (0x100ull << 48)), &kNarrow,
		 ALIST_UARRAY_ERR_FEATURE},
		{"NH_VA 16-bit ASID, 8-bit SMMU", C(0x12 | (0x8000ull << 48), 0x5000), &kNarrow,
		 ALIST_UARRAY_ERR_FEATURE},
		{"CFGI_CD SSID without substreams", C(0x05 | (1ull << 32) | (4ull << 12)), &kNarrow,
		 ALIST_UARRAY_ERR_FEATURE},
		{"ATC_INV SSV without substreams", C(0x40 | (1ull << 32) | (1ull << 11)), &kNarrow,
		 ALIST_UARRAY_ERR_FEATURE},
		{"ATC_INV SSID without substreams", C(0x40 | (1ull << 32) | (1ull << 12)), &kNarrow,
		 ALIST_UARRAY_ERR_FEATURE},
		{"ATC_INV Global without substreams", C(0x40 | (1ull << 32) | (1ull << 9)), &kNarrow,
		 ALIST_UARRAY_ERR_FEATURE},
		{"NH_VA TG 16K TTL 1 without DS", C(0x12 | (1ull << 12), (2ull << 10) | (1ull << 8)),
		 &kNarrow, ALIST_UARRAY_ERR_FEATURE},
		{"NH_VAA TG 16K TTL 1 without DS", C(0x13 | (1ull << 12), (2ull << 10) | (1ull << 8)),
		 &kNarrow, ALIST_UARRAY_ERR_FEATURE},
	};
	/* What an 8-bit-ASID SMMU without substreams or DS still takes */
	const Cmd narrow_ok[] = {
		C(0x11 | (0xffull << 48)),
		C(0x12 | (0xffull << 48) | (1ull << 12), (2ull << 10) | (2ull << 8)),
		C(0x12 | (0xffull << 48) | (1ull << 12), (1ull << 10) | (1ull << 8)),
		C(0x05 | (1ull << 32)),
		C(0x40 | (1ull << 32)),
	};
	for (auto &c : narrow_ok) {
		Out o = Exec(&c, sizeof(Cmd), 1, kNarrow);
		EXPECT_EQ(o.ret, 0) << std::hex << c.cmd[0] << " " << c.cmd[1];
	}
	for (auto &row : rows) {
		SCOPED_TRACE(row.what);
		Out o = Exec(&row.in, sizeof(Cmd), 1, *row.p);
		EXPECT_EQ(o.ret, -ALIST_EIO);
		EXPECT_EQ(o.arr.entry_num, 0u);
		EXPECT_EQ(o.arr.err_code, row.err);
		EXPECT_TRUE(o.ev.empty());
	}
}

TEST(UserArraySmmuv3, SizeRules)
{
	Cmd c = C(0x10);
	EXPECT_EQ(Exec(&c, sizeof(c), 1, kRil, ALIST_UARRAY_TYPE_VTD_S1).ret, -ALIST_EINVAL);
	Out probe = Exec(nullptr, 0, 0);
	EXPECT_EQ(probe.ret, 0);
	EXPECT_TRUE(probe.ev.empty());
	EXPECT_EQ(Exec(&c, 0, 1).ret, -ALIST_EINVAL);
	EXPECT_EQ(Exec(&c, 15, 1).ret, -ALIST_EINVAL);

	unsigned char big[3][24] = {};
	for (auto &b : big)
		memcpy(b, &c, sizeof(c));
	Out ok = Exec(big, 24, 3);
	EXPECT_EQ(ok.ret, 0);
	EXPECT_EQ(ok.Cmds(), 3u);
	big[2][16] = 1;
	Out e2big = Exec(big, 24, 3);
	EXPECT_EQ(e2big.ret, -ALIST_E2BIG);
	EXPECT_EQ(e2big.arr.entry_num, 2u);
	EXPECT_EQ(e2big.Cmds(), 2u);
}

TEST(UserArraySmmuv3, PartialFailureAndFault)
{
	std::vector<Cmd> a = {C(0x11 | (1ull << 48)), C(0x11 | (2ull << 48)), C(0x46),
			      C(0x11 | (3ull << 48))};
	Out o = Exec(a.data(), sizeof(Cmd), a.size());
	EXPECT_EQ(o.ret, -ALIST_EIO);
	EXPECT_EQ(o.arr.entry_num, 2u);
	EXPECT_EQ(o.Cmds(), 2u); /* the valid prefix WAS submitted */
	EXPECT_TRUE(o.ev.back().sync);

	a[2] = C(0x10);
	alist_host::ScopedUserFault f(&a[2].cmd[1], 8);
	Out fault = Exec(a.data(), sizeof(Cmd), a.size());
	EXPECT_EQ(fault.ret, -ALIST_EFAULT);
	EXPECT_EQ(fault.arr.entry_num, 2u);
	EXPECT_EQ(fault.arr.err_code, (unsigned)ALIST_UARRAY_ERR_FAULT);
	EXPECT_EQ(fault.Cmds(), 2u);
}

TEST(UserArraySmmuv3, OneSyncPlusAtcOrdering)
{
	/* 4096 TLBIs: one CMD_SYNC, never one per 63. */
	std::vector<Cmd> a;
	for (unsigned i = 0; i < 4096; i++)
		a.push_back(C(0x12 | (1ull << 48), 0x1000ull * i));
	Out o = Exec(a.data(), sizeof(Cmd), a.size());
	EXPECT_EQ(o.ret, 0);
	EXPECT_EQ(o.Cmds(), 4096u);
	EXPECT_EQ(o.ev.size(), 4097u);

	/* TLBI, ATC, ATC, CFGI, ATC: syncs before the first and the last ATC. */
	std::vector<Cmd> b = {C(0x11 | (1ull << 48)), C(0x40 | (1ull << 32)),
			      C(0x40 | (2ull << 32)), C(0x05 | (1ull << 32)),
			      C(0x40 | (1ull << 32))};
	Out ob = Exec(b.data(), sizeof(Cmd), b.size());
	std::vector<bool> pattern;
	for (auto &e : ob.ev)
		pattern.push_back(e.sync);
	EXPECT_EQ(pattern, (std::vector<bool>{0, 1, 0, 0, 0, 1, 0, 1}));

	/* ATC only: one sync at the end. */
	std::vector<Cmd> c = {C(0x40 | (1ull << 32)), C(0x40 | (2ull << 32))};
	EXPECT_EQ(Exec(c.data(), sizeof(Cmd), c.size()).ev.size(), 3u);
}

/*
 * The C API's buffer takes runs of commands without per-command sink calls
 * (Smmuv3UserDecoder::Direct); whatever the buffer size, it must queue the
 * same commands and syncs, and stop at the same entry, as the per-command
 * path with the recording sink.
 */
TEST(UserArraySmmuv3, BufferedRunsMatchPerCommandPath)
{
	std::mt19937 rng(7);
	const Cmd pool[] = {
		C(0x12 | (5ull << 48), 0x40000000),			/* NH_VA */
		C(0x12 | (5ull << 48) | (1ull << 12), 0x40000000 | 0x500), /* ranged */
		C(0x13, 0x7000 | 1),					/* NH_VAA leaf */
		C(0x11 | (6ull << 48)),					/* NH_ASID */
		C(0x05 | (2ull << 32)),					/* CFGI_CD */
		C(0x40 | (3ull << 32), 0x2000),				/* ATC_INV */
		C(0x40 | (4ull << 32), 52),				/* ATC_INV all */
	};
	const Cmd bad[] = {
		C(0x12 | (1ull << 8)),					/* reserved bit */
		C(0x05 | (20ull << 32)),				/* unknown vSID */
		C(0x46),						/* CMD_SYNC */
	};

	for (unsigned round = 0; round < 300; round++) {
		std::vector<Cmd> a(rng() % 90);
		for (auto &c : a)
			c = pool[rng() % (sizeof(pool) / sizeof(pool[0]))];
		if (!a.empty() && round % 3 == 0)
			a[rng() % a.size()] = bad[rng() % 3];
		const alist_smmuv3_params &par = round % 4 == 1 ? kNoRil : kRil;
		Out ref = Exec(a.data(), sizeof(Cmd), a.size(), par);

		for (unsigned cap : {1u, 2u, 5u, 16u, 64u}) {
			alist_user_array arr{ALIST_UARRAY_TYPE_SMMUV3, sizeof(Cmd),
					     static_cast<alist_u32>(a.size()), 0, a.data()};
			alist::Smmuv3UserDecoder<TestTranslator> d;

			d.Init(&arr, par, 2, kVmid, TestTranslator{});
			std::vector<inv_test::Event> ev = inv_test::Drain(
				[&](alist_inv_batch *b) {
					alist::BufferSink sink(b);

					return sink.Finish(d.Run(sink));
				},
				cap, 1 + cap % 3);
			EXPECT_EQ(d.Finish(), ref.ret) << "round " << round << " cap " << cap;
			EXPECT_EQ(arr.entry_num, ref.arr.entry_num);
			EXPECT_EQ(arr.err_code, ref.arr.err_code);
			ASSERT_EQ(ev.size(), ref.ev.size()) << "round " << round << " cap " << cap;
			for (size_t i = 0; i < ev.size(); i++) {
				EXPECT_EQ(ev[i].sync, ref.ev[i].sync) << i;
				EXPECT_EQ(ev[i].instance, 2u);
				if (!ev[i].sync) {
					EXPECT_EQ(ev[i].cmd.w[0], ref.ev[i].cmd.w[0]) << i;
					EXPECT_EQ(ev[i].cmd.w[1], ref.ev[i].cmd.w[1]) << i;
					EXPECT_EQ(ev[i].cmd.w[2] | ev[i].cmd.w[3], 0u) << i;
				}
			}
		}
	}
}

/* The kernel instantiation: C API over a real alist_id_table. */
TEST(UserArraySmmuv3, CApiWithIdTable)
{
	alist_id_table *tbl = alist_id_table_alloc();
	ASSERT_NE(tbl, nullptr);
	alist_lock();
	ASSERT_EQ(alist_id_table_insert(tbl, 3, 0x300), 0);
	alist_unlock();

	std::vector<Cmd> a = {C(0x11 | (1ull << 48)), C(0x05 | (3ull << 32)),
			      C(0x40 | (3ull << 32)), C(0x06 | (4ull << 32))};
	alist_user_array arr{ALIST_UARRAY_TYPE_SMMUV3, sizeof(Cmd), (alist_u32)a.size(), 0,
			     a.data()};
	alist_smmuv3_uinv st;
	alist_smmuv3_user_inv_init(&st, &arr, &kRil, 5, kVmid, tbl);
	std::vector<alist_cmd> got;
	unsigned syncs = 0;
	auto ev = inv_test::Drain(
		[&](alist_inv_batch *b) { return alist_smmuv3_user_inv_fill(&st, b); }, 1, 1);
	for (const inv_test::Event &e : ev) {
		EXPECT_EQ(e.instance, 5u);
		if (e.sync)
			syncs++;
		else
			got.push_back(e.cmd);
	}
	EXPECT_EQ(alist_smmuv3_user_inv_finish(&st), -ALIST_EIO);
	EXPECT_EQ(arr.entry_num, 3u);
	EXPECT_EQ(arr.err_code, (unsigned)ALIST_UARRAY_ERR_VSID);
	ASSERT_EQ(got.size(), 3u);
	EXPECT_EQ(got[1].w[0], 0x05 | (0x300ull << 32));
	EXPECT_EQ(syncs, 2u); /* before the ATC_INV, and at the end */
	alist_id_table_free(tbl);
}

} // namespace
