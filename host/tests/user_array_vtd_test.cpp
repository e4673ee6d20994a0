// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d stage-1 user invalidation arrays: the uAPI rules one by one, then
 * the coalescing (one wait per unit for the whole array).
 */
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include <alist/errno.h>
#include <alist/user_array.h>

#include "env/host_env.h"
#include "tests/inv_drain.h"
#include "tests/inv_test_util.h"

using inv_test::Target;

namespace {

const alist_vtd_params kVtd{1, 18, 0, 0, 64, 4, nullptr};

struct Result {
	int ret;
	alist_user_array arr;
	std::vector<alist_cmd> cmds;
	unsigned syncs = 0;
};

/* Decode, then run the fill over @t exactly as a driver would. */
Result Exec(const void *uptr, unsigned len, unsigned num,
	   const std::vector<alist_target> &t, unsigned type = ALIST_UARRAY_TYPE_VTD_S1)
{
	Result r{};
	r.arr = alist_user_array{type, len, num, 0xdead, uptr};
	alist_inv_cursor cur;
	r.ret = alist_vtd_user_inv_decode(&r.arr, &cur);
	if (!alist_inv_cursor_empty(&cur)) {
		auto ev = inv_test::Drain(
			[&](alist_inv_batch *b) {
				return alist_vtd_inv_fill(&cur, &kVtd, t.data(), t.size(), b);
			},
			4, 2);
		for (const inv_test::Event &e : ev) {
			if (e.sync)
				r.syncs++;
			else
				r.cmds.push_back(e.cmd);
		}
	}
	return r;
}

const std::vector<alist_target> kOne = {Target(0, ALIST_KIND_VTD_PIOTLB, 4, 1)};

alist_vtd_s1_inv Entry(alist_u64 addr, alist_u64 npages, alist_u32 flags = 0)
{
	return alist_vtd_s1_inv{addr, npages, flags, 0};
}

TEST(UserArrayVtd, WrongTypeIsEinval)
{
	alist_vtd_s1_inv e = Entry(0, 1);
	Result r = Exec(&e, sizeof(e), 1, kOne, ALIST_UARRAY_TYPE_SMMUV3);
	EXPECT_EQ(r.ret, -ALIST_EINVAL);
	EXPECT_EQ(r.arr.entry_num, 0u);
	EXPECT_EQ(r.arr.err_code, (unsigned)ALIST_UARRAY_ERR_TYPE);
	EXPECT_TRUE(r.cmds.empty());
}

TEST(UserArrayVtd, ZeroEntriesIsATypeProbe)
{
	Result r = Exec(nullptr, 0, 0, kOne);
	EXPECT_EQ(r.ret, 0);
	EXPECT_EQ(r.arr.entry_num, 0u);
	EXPECT_TRUE(r.cmds.empty());
	EXPECT_EQ(r.syncs, 0u);
	/* ... but a wrong type is still refused. */
	EXPECT_EQ(Exec(nullptr, 0, 0, kOne, 7).ret, -ALIST_EINVAL);
}

TEST(UserArrayVtd, EntryLenRules)
{
	alist_vtd_s1_inv e = Entry(0x1000, 1);
	EXPECT_EQ(Exec(&e, 0, 1, kOne).ret, -ALIST_EINVAL);
	Result shortr = Exec(&e, 23, 1, kOne); /* below offsetofend(__reserved) */
	EXPECT_EQ(shortr.ret, -ALIST_EINVAL);
	EXPECT_EQ(shortr.arr.err_code, (unsigned)ALIST_UARRAY_ERR_LEN);
	EXPECT_EQ(shortr.arr.entry_num, 0u);

	/* Longer entries: zero tail accepted, non-zero tail is E2BIG. */
	unsigned char big[2][40] = {};
	memcpy(big[0], &e, sizeof(e));
	memcpy(big[1], &e, sizeof(e));
	Result ok = Exec(big, 40, 2, kOne);
	EXPECT_EQ(ok.ret, 0);
	EXPECT_EQ(ok.arr.entry_num, 2u);
	big[1][39] = 1;
	Result e2big = Exec(big, 40, 2, kOne);
	EXPECT_EQ(e2big.ret, -ALIST_E2BIG);
	EXPECT_EQ(e2big.arr.entry_num, 1u);
	EXPECT_EQ(e2big.arr.err_code, (unsigned)ALIST_UARRAY_ERR_TRAILING);
	EXPECT_EQ(e2big.cmds.size(), 1u); /* entry 0 executed */
	EXPECT_EQ(e2big.syncs, 1u);
}

TEST(UserArrayVtd, FieldRules)
{
	struct {
		const char *what;
		alist_vtd_s1_inv e;
		int ret;
		unsigned err;
	} rows[] = {
		{"unknown flag", {0, 1, 2, 0}, -ALIST_EOPNOTSUPP, ALIST_UARRAY_ERR_FLAGS},
		{"reserved", {0, 1, 0, 1}, -ALIST_EOPNOTSUPP, ALIST_UARRAY_ERR_RESERVED},
		{"unaligned", {0x1800, 1, 0, 0}, -ALIST_EINVAL, ALIST_UARRAY_ERR_ALIGN},
		{"npages 0", {0x1000, 0, 0, 0}, -ALIST_EINVAL, ALIST_UARRAY_ERR_RANGE},
		{"U64_MAX pages not at 0", {0x1000, ~0ull, 0, 0}, -ALIST_EINVAL,
		 ALIST_UARRAY_ERR_RANGE},
		{"overflow", {~0xfffull, 2, 0, 0}, -ALIST_EINVAL, ALIST_UARRAY_ERR_RANGE},
		{"last page", {~0xfffull, 1, 0, 0}, 0, ALIST_UARRAY_OK},
		{"whole space", {0, 1ull << 52, 0, 0}, 0, ALIST_UARRAY_OK},
		{"all", {0, ~0ull, 1, 0}, 0, ALIST_UARRAY_OK},
	};
	for (auto &row : rows) {
		SCOPED_TRACE(row.what);
		Result r = Exec(&row.e, sizeof(row.e), 1, kOne);
		EXPECT_EQ(r.ret, row.ret);
		EXPECT_EQ(r.arr.entry_num, row.ret ? 0u : 1u);
		if (row.ret) {
			EXPECT_EQ(r.arr.err_code, row.err);
			EXPECT_TRUE(r.cmds.empty());
		}
	}
	/* "all" is one all-in-PASID descriptor. */
	alist_vtd_s1_inv all = Entry(0, ~0ull);
	Result r = Exec(&all, sizeof(all), 1, kOne);
	ASSERT_EQ(r.cmds.size(), 1u);
	EXPECT_EQ(r.cmds[0].w[0] & 0x3f, 0x26u);
}

TEST(UserArrayVtd, PartialFailureRunsThePrefixOnly)
{
	std::vector<alist_vtd_s1_inv> a = {Entry(0x1000, 1, 1), Entry(0x5000, 1, 1),
					   Entry(0x9000, 1, 4), Entry(0xd000, 1, 1)};
	Result r = Exec(a.data(), sizeof(a[0]), a.size(), kOne);
	EXPECT_EQ(r.ret, -ALIST_EOPNOTSUPP);
	EXPECT_EQ(r.arr.entry_num, 2u);
	EXPECT_EQ(r.arr.err_code, (unsigned)ALIST_UARRAY_ERR_FLAGS);
	/* Entries 0 and 1, one wait; nothing for 2 or 3. */
	ASSERT_EQ(r.cmds.size(), 2u);
	EXPECT_EQ(r.syncs, 1u);
	EXPECT_EQ(r.cmds[0].w[1] >> 12, 1u);
	EXPECT_EQ(r.cmds[1].w[1] >> 12, 5u);
}

TEST(UserArrayVtd, FaultMidArray)
{
	std::vector<alist_vtd_s1_inv> a(6, Entry(0x1000, 1));
	for (unsigned i = 0; i < a.size(); i++)
		a[i].addr = 0x10000ull * (i + 1);
	alist_host::ScopedUserFault fault(&a[3].npages, 1);
	Result r = Exec(a.data(), sizeof(a[0]), a.size(), kOne);
	EXPECT_EQ(r.ret, -ALIST_EFAULT);
	EXPECT_EQ(r.arr.entry_num, 3u);
	EXPECT_EQ(r.arr.err_code, (unsigned)ALIST_UARRAY_ERR_FAULT);
	EXPECT_EQ(r.cmds.size(), 3u);
	EXPECT_EQ(r.syncs, 1u);
}

TEST(UserArrayVtd, FaultInTrailingBytes)
{
	unsigned char big[2][32] = {};
	alist_vtd_s1_inv e = Entry(0x1000, 1);
	memcpy(big[0], &e, sizeof(e));
	memcpy(big[1], &e, sizeof(e));
	alist_host::ScopedUserFault fault(&big[1][28], 1);
	Result r = Exec(big, 32, 2, kOne);
	EXPECT_EQ(r.ret, -ALIST_EFAULT);
	EXPECT_EQ(r.arr.entry_num, 1u);
}

TEST(UserArrayVtd, ShortEntryIsZeroFilled)
{
	/* A future shorter struct cannot exist below the minimum, so check the
	 * zero fill through a long entry whose extra bytes are zero and whose
	 * kernel part is read in full. */
	unsigned char big[48] = {};
	alist_vtd_s1_inv e = Entry(0x4000, 2, 1);
	memcpy(big, &e, sizeof(e));
	Result r = Exec(big, sizeof(big), 1, kOne);
	EXPECT_EQ(r.ret, 0);
	ASSERT_EQ(r.cmds.size(), 1u);
	EXPECT_EQ(r.cmds[0].w[1], 0x4000ull | 1 | 0x40); /* AM 1, IH */
}

TEST(UserArrayVtd, WholeArrayIsOneBatch)
{
	/* 256 one-page entries over 2 units and 2 tags each: merged into one
	 * range, so 2 descriptors per unit and ONE wait per unit. */
	std::vector<alist_vtd_s1_inv> a;
	for (unsigned i = 0; i < 256; i++)
		a.push_back(Entry(0x100000 + 0x1000ull * (255 - i), 1, 1));
	std::vector<alist_target> t = {
		Target(0, ALIST_KIND_VTD_PIOTLB, 4, 1), Target(0, ALIST_KIND_VTD_PIOTLB, 5, 1),
		Target(1, ALIST_KIND_VTD_PIOTLB, 4, 1), Target(1, ALIST_KIND_VTD_PIOTLB, 5, 1),
	};
	unsigned long allocs = alist_host::AllocCalls();
	Result r = Exec(a.data(), sizeof(a[0]), a.size(), t);
	EXPECT_EQ(alist_host::AllocCalls(), allocs);
	EXPECT_EQ(r.ret, 0);
	EXPECT_EQ(r.arr.entry_num, 256u);
	EXPECT_EQ(r.arr.err_code, (unsigned)ALIST_UARRAY_OK);
	EXPECT_EQ(r.cmds.size(), 4u); /* 0x100..0x1ff: one 256-page block */
	EXPECT_EQ(r.syncs, 2u);
}

TEST(UserArrayVtd, LeafHintNeedsEveryEntry)
{
	std::vector<alist_vtd_s1_inv> a = {Entry(0x2000, 1, 1), Entry(0x3000, 1, 0)};
	Result r = Exec(a.data(), sizeof(a[0]), a.size(), kOne);
	ASSERT_EQ(r.cmds.size(), 1u);
	EXPECT_EQ(r.cmds[0].w[1] & 0x40, 0u);
}

} // namespace
