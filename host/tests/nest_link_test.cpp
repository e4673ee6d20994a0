// SPDX-License-Identifier: GPL-2.0
/*
 * Nested domains: derivation rules, one transaction over the nested list
 * and its parent, detach from both, atomic failure.
 */
#include <gtest/gtest.h>

#include <alist/attach_list.h>
#include <alist/errno.h>

#include "env/host_env.h"
#include "list_test_util.h"

using namespace alist_test;

namespace {

constexpr alist_u8 IOTLB = ALIST_KIND_VTD_IOTLB;
constexpr alist_u8 PIOTLB = ALIST_KIND_VTD_PIOTLB;
constexpr alist_u8 S1 = ALIST_KIND_SMMU_S1;
constexpr alist_u8 S2 = ALIST_KIND_SMMU_S2;
constexpr alist_u8 S1C = ALIST_KIND_SMMU_S1_CLEAR;
constexpr alist_u8 FULL = ALIST_KIND_ATC_FULL;

alist_target U(alist_target t, alist_u32 users)
{
	t.users = users;
	return t;
}

struct DeriveCase {
	alist_target nested;
	std::vector<alist_target> parent;
};

TEST(NestRules, DerivationTable)
{
	alist_target atc = Atc(2, 0x31, 4);
	atc.pfsid = 0x30;
	atc.atc_qdep = 8;
	alist_target full = T(2, FULL, 0, 0, 0, 0x31);
	full.pfsid = 0x30;
	full.atc_qdep = 8;
	const DeriveCase cases[] = {
		/* VT-d: nested DID on the parent's IOTLB, PASID dropped. */
		{T(1, PIOTLB, 20, 0, 7), {T(1, IOTLB, 20)}},
		/* SMMUv3: the VMID, as S2 and S1 clear. */
		{T(3, S1, 5, 9), {T(3, S2, 9), T(3, S1C, 9)}},
		/* ATC: all of the device TLB, attributes kept. */
		{atc, {full}},
	};
	for (const DeriveCase &c : cases) {
		alist_target out[2];
		int n = alist_nest_derive(&c.nested, 1, out);
		ASSERT_EQ(n, (int)c.parent.size()) << Str(c.nested);
		EXPECT_TRUE(Same(std::vector<alist_target>(out, out + n), c.parent))
			<< Str(std::vector<alist_target>(out, out + n));
	}
	/* Kinds that do not belong on a nested domain. */
	for (alist_u8 k : {IOTLB, S2, S1C, FULL, (alist_u8)ALIST_KIND_COUNT}) {
		alist_target bad = T(0, k, 1), out[2];
		EXPECT_EQ(alist_nest_derive(&bad, 1, out), -ALIST_EINVAL) << (int)k;
	}
}

struct Nest {
	alist_list *nested = alist_list_alloc();
	alist_list *parent = alist_list_alloc();
	~Nest()
	{
		alist_list_free(nested);
		alist_list_free(parent);
	}
	int Attach(std::vector<alist_target> t)
	{
		Locked g;
		alist_txn txn;
		int err = alist_nest_prepare_attach(nested, parent, t.data(), t.size(), &txn);
		if (!err)
			alist_list_commit_attach(&txn);
		return err;
	}
	std::vector<alist_target> Detach(std::vector<alist_target> &t)
	{
		Locked g;
		std::vector<alist_target> rep(2 * t.size());
		unsigned int n = alist_nest_detach(nested, parent, t.data(), t.size(), rep.data());
		rep.resize(n);
		return rep;
	}
};

TEST(NestLink, VtdNestedAttachReachesParent)
{
	Nest n;
	/* The parent's own device. */
	ASSERT_EQ(alist_test::Attach(n.parent, {T(0, IOTLB, 10), Atc(0, 0x8)}), 0);
	std::vector<alist_target> dev1 = {T(0, PIOTLB, 20, 0, 1), Atc(0, 0x10, 1)};
	std::vector<alist_target> dev2 = {T(0, PIOTLB, 20, 0, 2), Atc(0, 0x11, 2)};
	ASSERT_EQ(n.Attach(dev1), 0);
	ASSERT_EQ(n.Attach(dev2), 0);

	EXPECT_TRUE(Same(Snapshot(n.nested),
			 {U(T(0, PIOTLB, 20, 0, 1), 1), U(T(0, PIOTLB, 20, 0, 2), 1),
			  U(Atc(0, 0x10, 1), 1), U(Atc(0, 0x11, 2), 1)}));
	/* One IOTLB entry for DID 20 whatever the PASIDs: users 2. */
	EXPECT_TRUE(Same(Snapshot(n.parent),
			 {U(T(0, IOTLB, 10), 1), U(T(0, IOTLB, 20), 2), U(Atc(0, 0x8), 1),
			  U(T(0, FULL, 0, 0, 0, 0x10), 1), U(T(0, FULL, 0, 0, 0, 0x11), 1)}))
		<< Str(Snapshot(n.parent));

	std::vector<alist_target> rep = n.Detach(dev1);
	EXPECT_EQ(dev1[0].users, 0u);
	ASSERT_EQ(rep.size(), 2u);
	EXPECT_EQ(rep[0].kind, IOTLB);
	EXPECT_EQ(rep[0].users, 1u) << "DID 20 still used by dev2";
	EXPECT_EQ(rep[1].users, 0u) << "ATC of dev1 left the parent";
	rep = n.Detach(dev2);
	EXPECT_EQ(rep[0].users, 0u) << "DID 20 left the parent: flush it";
	EXPECT_TRUE(Snapshot(n.nested).empty());
	EXPECT_TRUE(Same(Snapshot(n.parent), {U(T(0, IOTLB, 10), 1), U(Atc(0, 0x8), 1)}));
	alist_test::Detach(n.parent, {T(0, IOTLB, 10), Atc(0, 0x8)});
}

TEST(NestLink, SmmuNestedSharesParentVmid)
{
	Nest n;
	ASSERT_EQ(alist_test::Attach(n.parent, {T(0, S2, 9)}), 0);
	std::vector<alist_target> dev = {T(0, S1, 3, 9), Atc(0, 0x40)};
	ASSERT_EQ(n.Attach(dev), 0);
	EXPECT_TRUE(Same(Snapshot(n.parent),
			 {U(T(0, S2, 9), 2), U(T(0, S1C, 9), 1),
			  U(T(0, FULL, 0, 0, 0, 0x40), 1)}))
		<< Str(Snapshot(n.parent));
	std::vector<alist_target> rep = n.Detach(dev);
	ASSERT_EQ(rep.size(), 3u);
	EXPECT_EQ(rep[0].users, 1u);
	EXPECT_EQ(rep[1].users, 0u);
	EXPECT_TRUE(Same(Snapshot(n.parent), {U(T(0, S2, 9), 1)}));
	alist_test::Detach(n.parent, {T(0, S2, 9)});
}

TEST(NestLink, FailureAtAnyAllocationChangesNeitherList)
{
	Nest n;
	ASSERT_EQ(alist_test::Attach(n.parent, {T(0, IOTLB, 10)}), 0);
	ASSERT_EQ(n.Attach({T(0, PIOTLB, 20, 0, 1)}), 0);
	std::vector<alist_target> dev = {T(0, PIOTLB, 21, 0, 1), Atc(0, 0x10, 1)};
	int points = 0;
	for (unsigned long nth = 1;; nth++) {
		auto nb = Snapshot(n.nested), pb = Snapshot(n.parent);
		unsigned long injected = alist_host::InjectedFailures();
		alist_host::FailNthAlloc(nth);
		int err = n.Attach(dev);
		alist_host::FailNthAlloc(0);
		if (alist_host::InjectedFailures() == injected) {
			ASSERT_EQ(err, 0);
			break;
		}
		points++;
		EXPECT_EQ(err, -ALIST_ENOMEM);
		EXPECT_TRUE(Same(Snapshot(n.nested), nb));
		EXPECT_TRUE(Same(Snapshot(n.parent), pb));
	}
	EXPECT_EQ(points, 2) << "nested array, parent array (the txn is the caller's)";
	EXPECT_EQ(Snapshot(n.parent).size(), 4u);
	n.Detach(dev);
	std::vector<alist_target> first = {T(0, PIOTLB, 20, 0, 1)};
	n.Detach(first);
	alist_test::Detach(n.parent, {T(0, IOTLB, 10)});
}

TEST(NestLink, BadInputChangesNothing)
{
	Nest n;
	ASSERT_EQ(n.Attach({T(0, PIOTLB, 20, 0, 1)}), 0);
	auto nb = Snapshot(n.nested), pb = Snapshot(n.parent);
	alist_target bad_res = T(0, PIOTLB, 21, 0, 1);
	bad_res.reserved = 1;
	EXPECT_EQ(n.Attach({T(0, PIOTLB, 22), T(0, IOTLB, 5)}), -ALIST_EINVAL);
	EXPECT_EQ(n.Attach({bad_res}), -ALIST_EINVAL);
	{
		Locked g;
		alist_txn txn;
		alist_target t = T(0, PIOTLB, 22);
		EXPECT_EQ(alist_nest_prepare_attach(n.nested, n.nested, &t, 1, &txn),
			  -ALIST_EINVAL);
	}
	EXPECT_TRUE(Same(Snapshot(n.nested), nb));
	EXPECT_TRUE(Same(Snapshot(n.parent), pb));

	/* Detach of something not attached, on either side: warn only. */
	alist_host::ExpectWarnings(2);
	std::vector<alist_target> absent = {T(0, PIOTLB, 20, 0, 1), T(0, PIOTLB, 30, 0, 1)};
	n.Detach(absent);
	EXPECT_TRUE(Same(Snapshot(n.nested), nb));
	EXPECT_TRUE(Same(Snapshot(n.parent), pb));
	/* The parent side is gone (a caller bug): the nested side stays. */
	alist_test::Detach(n.parent, {T(0, IOTLB, 20)});
	std::vector<alist_target> stale = {T(0, PIOTLB, 20, 0, 1)};
	n.Detach(stale);
	EXPECT_EQ(stale[0].users, 1u);
	EXPECT_TRUE(Same(Snapshot(n.nested), nb));
	alist_test::Detach(n.nested, stale);
}

} // namespace
