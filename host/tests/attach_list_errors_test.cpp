// SPDX-License-Identifier: GPL-2.0
/*
 * Attach list errors: malformed input, -ENOMEM at every allocation, abort,
 * detach without memory, caller bugs that must warn and change nothing.
 */
#include <cstring>

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
constexpr alist_u8 S2 = ALIST_KIND_SMMU_S2;

TEST(AttachList, InvalidTargetsChangeNothing)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1)}), 0);
	std::vector<alist_target> before = Snapshot(l);

	alist_target bad_kind = T(0, ALIST_KIND_COUNT, 2);
	alist_target bad_res = T(0, IOTLB, 2);
	bad_res.reserved = 1;
	alist_target conflict = Atc(0, 3);
	conflict.pfsid = 1;
	alist_target conflict2 = Atc(0, 3);
	conflict2.pfsid = 2;
	const std::vector<std::vector<alist_target>> cases = {
		{T(0, IOTLB, 3), bad_kind},
		{bad_res},
		{T(0, 255, 0)},
		{conflict, conflict2},	/* one key, two attribute sets */
	};
	for (const auto &c : cases) {
		Locked g;
		alist_txn txn;
		memset(&txn, 0xa5, sizeof(txn));	/* comes back with nothing prepared */
		EXPECT_EQ(alist_list_prepare_attach(l, c.data(), c.size(), &txn), -ALIST_EINVAL);
		EXPECT_FALSE(alist_list_txn_pending(&txn));
	}
	EXPECT_TRUE(Same(Snapshot(l), before));
	/* Attributes of a present key must match too. */
	ASSERT_EQ(Attach(l, {conflict}), 0);
	EXPECT_EQ(Attach(l, {conflict2}), -ALIST_EINVAL);
	Detach(l, {T(0, IOTLB, 1), conflict});
	alist_list_free(l);
}

/* Every allocation a prepare makes, failed in turn: -ENOMEM, same list. */
TEST(AttachList, PrepareEnomemAtEveryAllocationChangesNothing)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1), Atc(0, 4), T(1, S2, 9)}), 0);
	Detach(l, {Atc(0, 4)}); /* a dead entry too */
	const std::vector<alist_target> add = {T(0, IOTLB, 1), T(0, PIOTLB, 2, 0, 3)};
	int points = 0;

	for (unsigned long nth = 1;; nth++) {
		std::vector<alist_target> before = Snapshot(l);
		Locked g;
		const alist::TargetArray *arr_before =
			reinterpret_cast<alist::AttachList *>(l)->CurrentLocked();
		unsigned long injected = alist_host::InjectedFailures();
		alist_txn txn;
		alist_host::FailNthAlloc(nth);
		int err = alist_list_prepare_attach(l, add.data(), add.size(), &txn);
		alist_host::FailNthAlloc(0);
		if (alist_host::InjectedFailures() == injected) {
			ASSERT_EQ(err, 0);
			alist_list_abort_attach(&txn);
			break;
		}
		points++;
		EXPECT_EQ(err, -ALIST_ENOMEM);
		EXPECT_EQ(reinterpret_cast<alist::AttachList *>(l)->CurrentLocked(), arr_before);
		EXPECT_TRUE(Same(Snapshot(l), before));
	}
	EXPECT_EQ(points, 1) << "the new array (the txn is the caller's)";
	Detach(l, {T(0, IOTLB, 1), T(1, S2, 9)});
	alist_list_free(l);
}

/* Prepare @t on @l with the first allocation failing; 0 or the error. */
int PrepareCommitNth1(alist_list *l, std::vector<alist_target> t, unsigned long *injected)
{
	Locked g;
	alist_txn txn;
	unsigned long before = alist_host::InjectedFailures();

	alist_host::FailNthAlloc(1);
	int err = alist_list_prepare_attach(l, t.data(), t.size(), &txn);
	alist_host::FailNthAlloc(0);
	*injected = alist_host::InjectedFailures() - before;
	if (!err)
		alist_list_commit_attach(&txn);
	return err;
}

/*
 * The reserve: a prepare on the empty list takes it and allocates nothing
 * (the attach the IOMMU core does not let fail); an abort gives it back, a
 * commit uses it up; making it fails cleanly at every allocation.
 */
TEST(AttachList, ReservedPrepareOnEmptyListNeedsNoMemory)
{
	alist_list *l = alist_list_alloc();
	const std::vector<alist_target> dev = {T(0, IOTLB, 1), Atc(0, 4)};
	unsigned long injected;
	int points = 0;

	for (unsigned long nth = 1;; nth++) {
		Locked g;
		unsigned long before = alist_host::InjectedFailures();

		alist_host::FailNthAlloc(nth);
		int err = alist_list_reserve(l, dev.size());
		alist_host::FailNthAlloc(0);
		if (alist_host::InjectedFailures() == before) {
			ASSERT_EQ(err, 0);
			break;
		}
		points++;
		EXPECT_EQ(err, -ALIST_ENOMEM);
	}
	EXPECT_EQ(points, 1) << "the array";
	{
		/* Again with the reserve in place: nothing to allocate */
		Locked g;
		unsigned long before = alist_host::InjectedFailures();

		alist_host::FailNthAlloc(1);
		EXPECT_EQ(alist_list_reserve(l, dev.size()), 0);
		alist_host::FailNthAlloc(0);
		EXPECT_EQ(alist_host::InjectedFailures(), before);
	}
	{
		/* Abort gives the reserve back */
		Locked g;
		alist_txn txn;

		ASSERT_EQ(alist_list_prepare_attach(l, dev.data(), dev.size(), &txn), 0);
		alist_list_abort_attach(&txn);
	}
	ASSERT_EQ(PrepareCommitNth1(l, dev, &injected), 0);
	EXPECT_EQ(injected, 0u);
	EXPECT_EQ(Snapshot(l).size(), dev.size());
	/* Used up: back on the empty list the prepare allocates again */
	Detach(l, dev);
	EXPECT_EQ(PrepareCommitNth1(l, dev, &injected), -ALIST_ENOMEM);
	EXPECT_EQ(injected, 1u);
	{
		Locked g;
		ASSERT_EQ(alist_list_reserve(l, dev.size()), 0);
	}
	/* A bigger attach than the reserve, or a non-empty list, allocates */
	EXPECT_EQ(PrepareCommitNth1(l, {T(0, IOTLB, 1), Atc(0, 4), T(0, IOTLB, 2)},
				    &injected), -ALIST_ENOMEM);
	EXPECT_EQ(PrepareCommitNth1(l, dev, &injected), 0);
	EXPECT_EQ(injected, 0u);
	Detach(l, dev);
	alist_list_free(l);	/* frees the reserve it may hold */
}

TEST(AttachList, AbortLeavesListAsItWas)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1)}), 0);
	std::vector<alist_target> before = Snapshot(l);
	{
		Locked g;
		alist_txn txn;
		alist_target t[] = {T(0, IOTLB, 1), T(0, IOTLB, 2)};
		ASSERT_EQ(alist_list_prepare_attach(l, t, 2, &txn), 0);
		alist_list_abort_attach(&txn);
	}
	EXPECT_TRUE(Same(Snapshot(l), before));
	Detach(l, {T(0, IOTLB, 1)});
	alist_list_free(l);
}

TEST(AttachList, DetachNeedsNoMemory)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1), T(0, IOTLB, 2), T(0, IOTLB, 3)}), 0);
	unsigned long calls = alist_host::AllocCalls();
	alist_host::FailNthAlloc(1);
	EXPECT_EQ(Detach(l, {T(0, IOTLB, 2), T(0, IOTLB, 3)}), (std::vector<alist_u32>{0, 0}));
	alist_host::FailNthAlloc(0);
	EXPECT_EQ(alist_host::AllocCalls(), calls) << "detach allocates nothing";
	EXPECT_EQ(Snapshot(l).size(), 1u);
	Detach(l, {T(0, IOTLB, 1)});
	alist_list_free(l);
}

/*
 * Every key of an attach live already (a second device on the same tag):
 * no allocation, the same published array, the users added at commit;
 * an abort changes nothing. A dead key or a new one takes the copy path.
 */
TEST(AttachList, AttachOfLiveKeysIsInPlace)
{
	alist_list *l = alist_list_alloc();
	auto *al = reinterpret_cast<alist::AttachList *>(l);
	const alist::TargetArray *arr;
	unsigned long injected;

	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1), T(1, S2, 9), Atc(0, 4)}), 0);
	Detach(l, {Atc(0, 4)}); /* a dead entry */
	{
		Locked g;
		arr = al->CurrentLocked();
		alist_txn txn;
		const alist_target t = T(0, IOTLB, 1);

		ASSERT_EQ(alist_list_prepare_attach(l, &t, 1, &txn), 0);
		alist_list_abort_attach(&txn);
	}
	EXPECT_TRUE(Same(Snapshot(l), {T(0, IOTLB, 1, 0, 0, 0, 1), T(1, S2, 9, 0, 0, 0, 1)}))
		<< Str(Snapshot(l));

	/* Both keys live: committed with the first allocation failing */
	EXPECT_EQ(PrepareCommitNth1(l, {T(1, S2, 9), T(0, IOTLB, 1)}, &injected), 0);
	EXPECT_EQ(injected, 0u) << "allocated";
	{
		Locked g;
		EXPECT_EQ(al->CurrentLocked(), arr) << "published a new array";
	}
	EXPECT_TRUE(Same(Snapshot(l), {T(0, IOTLB, 1, 0, 0, 0, 2), T(1, S2, 9, 0, 0, 0, 2)}))
		<< Str(Snapshot(l));

	/* The dead key does not revive in place: a new array */
	EXPECT_EQ(PrepareCommitNth1(l, {Atc(0, 4)}, &injected), -ALIST_ENOMEM);
	EXPECT_EQ(injected, 1u);
	EXPECT_EQ(Attach(l, {Atc(0, 4)}), 0);
	{
		Locked g;
		EXPECT_NE(al->CurrentLocked(), arr);
	}
	Detach(l, {T(0, IOTLB, 1), T(1, S2, 9), T(0, IOTLB, 1), T(1, S2, 9), Atc(0, 4)});
	EXPECT_EQ(LiveCount(l), 0u);
	alist_list_free(l);
}

TEST(AttachList, DetachOfAbsentTargetWarnsAndChangesNothing)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1), T(0, IOTLB, 2)}), 0);
	std::vector<alist_target> before = Snapshot(l);

	alist_host::ExpectWarnings(3);
	/* Absent key; one user released twice; malformed. */
	EXPECT_EQ(Detach(l, {T(0, IOTLB, 2), T(0, IOTLB, 9)}), (std::vector<alist_u32>{1, 0}));
	EXPECT_EQ(Detach(l, {T(0, IOTLB, 1), T(0, IOTLB, 1)}), (std::vector<alist_u32>{1, 1}));
	alist_target bad = T(0, IOTLB, 1);
	bad.reserved = 4;
	Detach(l, {bad});
	EXPECT_TRUE(Same(Snapshot(l), before));
	Detach(l, {T(0, IOTLB, 1), T(0, IOTLB, 2)});
	alist_list_free(l);
}

TEST(AttachList, CommitAfterListChangedWarns)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1)}), 0);
	alist_host::ExpectWarnings(1);
	Locked g;
	alist_txn txn;
	alist_target t = T(0, IOTLB, 2), d = T(0, IOTLB, 1);
	ASSERT_EQ(alist_list_prepare_attach(l, &t, 1, &txn), 0);
	alist_list_detach(l, &d, 1);	/* a caller bug: list changed */
	alist_list_commit_attach(&txn);	/* warns; publishes anyway */
	alist_list_detach(l, &d, 1);
	alist_list_detach(l, &t, 1);
	alist_list_free(l);
}

TEST(AttachList, SameListTwiceInOneTxnIsBusy)
{
	alist::AttachList *list = alist::EnvNew<alist::AttachList>();
	alist::AttachTxn txn;
	alist_target t = T(0, IOTLB, 1);
	Locked g;
	ASSERT_TRUE(list->PrepareAttachLocked(&t, 1, txn).ok());
	alist_host::ExpectWarnings(1);
	EXPECT_EQ(list->PrepareAttachLocked(&t, 1, txn).error(), -ALIST_EBUSY);
	EXPECT_EQ(txn.stages(), 1u);
	alist::AttachList::AbortAttach(txn);
	EXPECT_TRUE(txn.empty());
	list->Destroy();
	alist::EnvDelete(list);
}

TEST(AttachList, FreeWithLiveTargetsWarns)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1)}), 0);
	alist_host::ExpectWarnings(1);
	alist_list_free(l);
}

TEST(AttachList, LockedMethodsWarnWithoutTheLock)
{
	alist_list *l = alist_list_alloc();
	alist_host::ExpectWarnings(2);
	alist_list_compact(l);
	EXPECT_EQ(reinterpret_cast<alist::AttachList *>(l)->LiveCountLocked(), 0u);
	alist_list_free(l);
}

} // namespace
