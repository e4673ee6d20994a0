// SPDX-License-Identifier: GPL-2.0
/*
 * Attach list: order, merge, reference counts, dead entries, trimming,
 * compaction, the replace window, the C read calls.
 * Error paths: attach_list_errors_test.cpp.
 */
#include <gtest/gtest.h>

#include <alist/attach_list.h>
#include <alist/errno.h>

#include "list/attach_list.h"
#include "env/host_env.h"
#include "list_test_util.h"
#include "base/placement_new.h"
#include "list/target_array.h"
#include "list/target_order.h"

using namespace alist_test;

namespace {

constexpr alist_u8 IOTLB = ALIST_KIND_VTD_IOTLB;
constexpr alist_u8 PIOTLB = ALIST_KIND_VTD_PIOTLB;
constexpr alist_u8 S1 = ALIST_KIND_SMMU_S1;
constexpr alist_u8 S2 = ALIST_KIND_SMMU_S2;
constexpr alist_u8 ATC = ALIST_KIND_ATC;

struct OrderCase {
	alist_target a, b;
	int sign;
};

TEST(TargetOrder, TotalOrderOnKeyOnly)
{
	alist_target attr = T(1, IOTLB, 5);
	attr.pfsid = 99;
	attr.atc_qdep = 7;
	attr.users = 3;
	const OrderCase cases[] = {
		{T(0, ATC, 0, 0, 0, 9), T(1, IOTLB, 0), -1},	/* instance first */
		{T(1, IOTLB, 9), T(1, PIOTLB, 0), -1},		/* then kind */
		{T(1, S2, 2), T(1, S2, 1), 1},			/* then tag */
		{T(1, S1, 2, 1), T(1, S1, 2, 3), -1},		/* then vmid */
		{T(1, PIOTLB, 2, 0, 5), T(1, PIOTLB, 2, 0, 4), 1},	/* pasid */
		{Atc(1, 4, 1), Atc(1, 5, 1), -1},		/* then sid */
		{T(1, IOTLB, 5), attr, 0},			/* attributes: no */
		{T(0xffffffff, IOTLB, 0), T(0, IOTLB, 0), 1},	/* unsigned */
	};
	for (const OrderCase &c : cases) {
		int r = alist::TargetOrder::Compare(c.a, c.b);
		EXPECT_EQ((r > 0) - (r < 0), c.sign) << Str(c.a) << " vs " << Str(c.b);
		int back = alist::TargetOrder::Compare(c.b, c.a);
		EXPECT_EQ((back > 0) - (back < 0), -c.sign);
	}
	EXPECT_LT(ALIST_KIND_SMMU_S1_CLEAR, ALIST_KIND_ATC) << "IOTLB kinds sort first";
}

enum class Op { kAttach, kDetach, kCompact };

struct Step {
	Op op;
	std::vector<alist_target> in;
	std::vector<alist_u32> left;		/* detach: users reported */
	std::vector<alist_target> expect;	/* live entries afterwards */
	alist_u32 raw_count;			/* published count incl. dead */
};

void RunScript(const std::vector<Step> &script)
{
	alist_list *l = alist_list_alloc();
	ASSERT_NE(l, nullptr);
	int i = 0;
	for (const Step &s : script) {
		SCOPED_TRACE("step " + std::to_string(i++));
		if (s.op == Op::kAttach) {
			EXPECT_EQ(Attach(l, s.in), 0);
		} else if (s.op == Op::kDetach) {
			EXPECT_EQ(Detach(l, s.in), s.left);
		} else {
			Locked g;
			alist_list_compact(l);
		}
		std::vector<alist_target> got = Snapshot(l);
		EXPECT_TRUE(Same(got, s.expect)) << "got " << Str(got) << "\nwant " << Str(s.expect);
		Locked g;
		auto *list = reinterpret_cast<alist::AttachList *>(l);
		const alist::TargetArray *a = list->CurrentLocked();
		EXPECT_EQ(a ? a->Count() : 0u, s.raw_count);
	}
	Locked g;
	alist_list_free(l);
}

TEST(AttachList, ScriptedMergeRefcountDeadTrimCompact)
{
	const alist_target d7 = T(0, IOTLB, 7), d5 = T(1, IOTLB, 5);
	const alist_target a8 = Atc(1, 8), a16 = Atc(1, 16);
	auto U = [](alist_target t, alist_u32 u) { t.users = u; return t; };
	RunScript({
		/* Unsorted input comes out sorted: instance, kind, sid. */
		{Op::kAttach, {d5, a16, d7}, {}, {U(d7, 1), U(d5, 1), U(a16, 1)}, 3},
		/* Same key: one entry, users + 1; new key slots in order. */
		{Op::kAttach, {a8, d5}, {}, {U(d7, 1), U(d5, 2), U(a8, 1), U(a16, 1)}, 4},
		{Op::kDetach, {d5}, {1}, {U(d7, 1), U(d5, 1), U(a8, 1), U(a16, 1)}, 4},
		/* Interior entry dies: invisible, still in the array. */
		{Op::kDetach, {a8}, {0}, {U(d7, 1), U(d5, 1), U(a16, 1)}, 4},
		/* Next prepare drops it, and re-adds it fresh. */
		{Op::kAttach, {a8}, {}, {U(d7, 1), U(d5, 1), U(a8, 1), U(a16, 1)}, 4},
		/* Trailing dead entries are trimmed from the count. */
		{Op::kDetach, {a16, a8}, {0, 0}, {U(d7, 1), U(d5, 1)}, 2},
		/* Interior dead stays until compaction. */
		{Op::kDetach, {d7}, {0}, {U(d5, 1)}, 2},
		{Op::kCompact, {}, {}, {U(d5, 1)}, 1},
		/* The last one leaves: count 0, compaction frees the array. */
		{Op::kDetach, {d5}, {0}, {}, 0},
		{Op::kCompact, {}, {}, {}, 0},
		{Op::kAttach, {d5, d5, d5}, {}, {U(d5, 3)}, 1},
		{Op::kDetach, {d5, d5}, {1, 1}, {U(d5, 1)}, 1},
		{Op::kDetach, {d5}, {0}, {}, 0},
	});
}

TEST(AttachList, ReplaceWindowDeviceOnBothLists)
{
	alist_list *a = alist_list_alloc(), *b = alist_list_alloc();
	const std::vector<alist_target> dev_a = {T(0, IOTLB, 1), Atc(0, 0x10)};
	const std::vector<alist_target> dev_b = {T(0, IOTLB, 2), Atc(0, 0x10)};
	ASSERT_EQ(Attach(a, dev_a), 0);

	alist_lock();
	alist_txn txn;
	ASSERT_EQ(alist_list_prepare_attach(b, dev_b.data(), dev_b.size(), &txn), 0);
	EXPECT_TRUE(Snapshot(b).empty()) << "nothing visible before commit";
	alist_list_commit_attach(&txn);
	/* The window: the driver switches the hardware here. */
	EXPECT_EQ(Snapshot(a).size(), 2u);
	EXPECT_EQ(Snapshot(b).size(), 2u);
	std::vector<alist_target> old = dev_a;
	alist_list_detach(a, old.data(), old.size());
	alist_unlock();
	EXPECT_EQ(old[0].users, 0u) << "tag 1 left its list: driver flushes it";
	EXPECT_TRUE(Snapshot(a).empty());
	EXPECT_EQ(Snapshot(b).size(), 2u);

	Detach(b, dev_b);
	alist_list_free(a);
	alist_list_free(b);
}

TEST(AttachList, EmptyListReads)
{
	alist_list *l = alist_list_alloc();
	const alist_view *v = alist_list_read_begin(l);
	unsigned int pos = 0, n = 7;
	alist_target t;
	EXPECT_EQ(v, nullptr);
	EXPECT_EQ(alist_test::ViewNext(v, &pos, &t), 0);
	EXPECT_EQ(alist_view_entries(v, &n), nullptr);
	EXPECT_EQ(n, 0u);
	alist_list_read_end();
	EXPECT_EQ(alist_list_snapshot(l, nullptr, 0, &n), 0);
	EXPECT_EQ(n, 0u);
	alist_list_free(l);
}

TEST(AttachList, SnapshotTooSmallIsEnospc)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1), T(0, IOTLB, 2), T(0, IOTLB, 3)}), 0);
	alist_target out[2];
	unsigned int n;
	EXPECT_EQ(alist_list_snapshot(l, out, 2, &n), -ALIST_ENOSPC);
	EXPECT_EQ(n, 3u);
	EXPECT_EQ(out[1].tag, 2u);
	Detach(l, {T(0, IOTLB, 1), T(0, IOTLB, 2), T(0, IOTLB, 3)});
	alist_list_free(l);
}

} // namespace
