// SPDX-License-Identifier: GPL-2.0
/*
 * Model-based random test: random attach / detach / replace / nested
 * attach / compaction / injected -ENOMEM / malformed input, checked after
 * every step against a naive reference (a std::map multiset per list).
 *
 * ALIST_MODEL_SEED=<n> replays one seed; failures print the seed.
 */
#include <gtest/gtest.h>

#include <alist/attach_list.h>
#include <alist/errno.h>

#include <cstdlib>
#include <map>
#include <random>
#include <tuple>

#include "list/attach_list.h"
#include "env/host_env.h"
#include "list_test_util.h"
#include "list/target_array.h"
#include "list/target_order.h"

using namespace alist_test;

namespace {

using Key = std::tuple<alist_u32, alist_u32, alist_u32, alist_u32, alist_u32, alist_u32>;
struct Ref {
	alist_u32 users, qdep, pfsid;
};
using Model = std::map<Key, Ref>;

Key KeyOf(const alist_target &t)
{
	return Key(t.instance, t.kind, t.tag, t.vmid, t.pasid, t.sid);
}

/* The rules, written again independently of core/nest_rules.cpp. */
std::vector<alist_target> ModelDerive(const std::vector<alist_target> &nested)
{
	std::vector<alist_target> out;
	for (const alist_target &t : nested) {
		if (t.kind == ALIST_KIND_VTD_PIOTLB) {
			out.push_back(T(t.instance, ALIST_KIND_VTD_IOTLB, t.tag));
		} else if (t.kind == ALIST_KIND_SMMU_S1) {
			out.push_back(T(t.instance, ALIST_KIND_SMMU_S2, t.vmid));
			out.push_back(T(t.instance, ALIST_KIND_SMMU_S1_CLEAR, t.vmid));
		} else {
			alist_target f = T(t.instance, ALIST_KIND_ATC_FULL, 0, 0, 0, t.sid);
			f.atc_qdep = t.atc_qdep;
			f.pfsid = t.pfsid;
			out.push_back(f);
		}
	}
	return out;
}

/* Apply an attach to a copy of @m; false if the core must say -EINVAL. */
bool ModelAttach(Model &m, const std::vector<alist_target> &in)
{
	for (const alist_target &t : in) {
		if (t.kind >= ALIST_KIND_COUNT || t.reserved)
			return false;
		auto it = m.find(KeyOf(t));
		if (it == m.end()) {
			m[KeyOf(t)] = Ref{1, t.atc_qdep, t.pfsid};
		} else {
			if (it->second.qdep != t.atc_qdep || it->second.pfsid != t.pfsid)
				return false;
			it->second.users++;
		}
	}
	return true;
}

void ModelDetach(Model &m, const std::vector<alist_target> &in)
{
	for (const alist_target &t : in)
		if (--m[KeyOf(t)].users == 0)
			m.erase(KeyOf(t));
}

struct Handle {
	bool nested;
	int list;	/* nested: index of the nested list, parent = list - 2 */
	std::vector<alist_target> targets;
};

class ModelRun {
public:
	explicit ModelRun(unsigned seed) : rng_(seed)
	{
		for (auto &l : lists_)
			l = alist_list_alloc();
	}
	~ModelRun()
	{
		for (auto &l : lists_)
			alist_list_free(l);
	}
	void Run(int steps);

private:
	unsigned R(unsigned n) { return rng_() % n; }
	alist_target RandomTarget(bool nested);
	std::vector<alist_target> RandomTargets(bool nested);
	void DoAttach(bool nested);
	void DoDetach(size_t h);
	void DoReplace();
	void Check(int list);
	void CheckAll() { for (int i = 0; i < 4; i++) Check(i); }

	std::mt19937 rng_;
	alist_list *lists_[4];	/* 0, 1: plain and parents; 2, 3: nested */
	Model model_[4];
	std::vector<Handle> handles_;
};

alist_target ModelRun::RandomTarget(bool nested)
{
	static const alist_u8 kNested[] = {ALIST_KIND_VTD_PIOTLB, ALIST_KIND_SMMU_S1,
					   ALIST_KIND_ATC};
	alist_u8 kind = nested ? kNested[R(3)] : R(ALIST_KIND_COUNT);
	alist_target t = T(R(2), kind, R(3), R(2), R(2), R(3));
	if (alist::TargetOrder::IsAtc(kind)) {
		t.atc_qdep = t.sid + 1;
		t.pfsid = t.sid * 3;
	}
	return t;
}

std::vector<alist_target> ModelRun::RandomTargets(bool nested)
{
	std::vector<alist_target> v;
	for (unsigned n = 1 + R(4); n; n--)
		v.push_back(RandomTarget(nested));
	return v;
}

void ModelRun::DoAttach(bool nested)
{
	int list = nested ? 2 + R(2) : R(2);
	std::vector<alist_target> in = RandomTargets(nested);
	unsigned roll = R(40);
	if (roll == 0)
		in[0].pfsid ^= 1;		/* maybe an attribute conflict */
	else if (roll == 1)
		in[R(in.size())].reserved = 1;	/* malformed */
	else if (roll == 2)
		in[0].kind = ALIST_KIND_COUNT;

	Model mn = model_[list], mp = model_[list - 2 * nested];
	bool valid = ModelAttach(mn, in);
	if (nested)
		valid = valid && ModelAttach(mp, ModelDerive(in));

	unsigned long injected = alist_host::InjectedFailures();
	if (R(8) == 0)
		alist_host::FailNthAlloc(1 + R(3));
	alist_txn txn;
	int err;
	{
		Locked g;
		err = nested ? alist_nest_prepare_attach(lists_[list], lists_[list - 2],
							 in.data(), in.size(), &txn)
			     : alist_list_prepare_attach(lists_[list], in.data(), in.size(), &txn);
		if (!err)
			alist_list_commit_attach(&txn);
	}
	alist_host::FailNthAlloc(0);
	bool fired = alist_host::InjectedFailures() != injected;
	if (err) {
		ASSERT_TRUE((fired && err == -ALIST_ENOMEM) || (!valid && err == -ALIST_EINVAL))
			<< "err " << err << " fired " << fired << " valid " << valid;
		return; /* the model stays as it was: Check() proves the list did */
	}
	ASSERT_TRUE(valid) << "accepted invalid input " << Str(in);
	model_[list] = mn;
	if (nested)
		model_[list - 2] = mp;
	handles_.push_back(Handle{nested, list, in});
}

void ModelRun::DoDetach(size_t h)
{
	Handle hd = handles_[h];
	handles_.erase(handles_.begin() + h);
	std::vector<alist_target> t = hd.targets;
	std::vector<alist_target> rep(2 * t.size());
	unsigned int nrep = 0;
	{
		Locked g;
		if (hd.nested)
			nrep = alist_nest_detach(lists_[hd.list], lists_[hd.list - 2], t.data(),
						 t.size(), rep.data());
		else
			alist_list_detach(lists_[hd.list], t.data(), t.size());
	}
	ModelDetach(model_[hd.list], hd.targets);
	for (const alist_target &x : t) {
		auto it = model_[hd.list].find(KeyOf(x));
		ASSERT_EQ(x.users, it == model_[hd.list].end() ? 0u : it->second.users) << Str(x);
	}
	if (!hd.nested)
		return;
	std::vector<alist_target> derived = ModelDerive(hd.targets);
	ModelDetach(model_[hd.list - 2], derived);
	ASSERT_EQ(nrep, derived.size());
	for (unsigned int i = 0; i < nrep; i++) {
		ASSERT_EQ(KeyOf(rep[i]), KeyOf(derived[i]));
		auto it = model_[hd.list - 2].find(KeyOf(rep[i]));
		ASSERT_EQ(rep[i].users, it == model_[hd.list - 2].end() ? 0u : it->second.users);
	}
}

/* Move a plain attachment to the other plain list, checking the window. */
void ModelRun::DoReplace()
{
	std::vector<size_t> plain;
	for (size_t i = 0; i < handles_.size(); i++)
		if (!handles_[i].nested)
			plain.push_back(i);
	if (plain.empty())
		return;
	size_t h = plain[R(plain.size())];
	Handle hd = handles_[h];
	int to = 1 - hd.list;
	alist_txn txn;
	Model next = model_[to];
	bool valid = ModelAttach(next, hd.targets);	/* attributes may clash */
	Locked g;
	int err = alist_list_prepare_attach(lists_[to], hd.targets.data(),
					    hd.targets.size(), &txn);
	ASSERT_EQ(err, valid ? 0 : -ALIST_EINVAL);
	if (err)
		return;
	alist_list_commit_attach(&txn);
	model_[to] = next;
	handles_.push_back(Handle{false, to, hd.targets});
	/* The window: every target of the device is on both lists. */
	for (int l : {hd.list, to}) {
		std::vector<alist_target> snap = Snapshot(lists_[l]);
		for (const alist_target &t : hd.targets) {
			bool found = false;
			for (const alist_target &s : snap)
				found |= KeyOf(s) == KeyOf(t) && s.users > 0;
			ASSERT_TRUE(found) << "list " << l << " lacks " << Str(t);
		}
	}
	alist_unlock();
	DoDetach(h);
	alist_lock();
}

void ModelRun::Check(int list)
{
	std::vector<alist_target> snap = Snapshot(lists_[list]);
	std::vector<alist_target> want;
	for (const auto &[k, r] : model_[list]) {
		alist_target t = T(std::get<0>(k), std::get<1>(k), std::get<2>(k),
				   std::get<3>(k), std::get<4>(k), std::get<5>(k), r.users);
		t.atc_qdep = r.qdep;
		t.pfsid = r.pfsid;
		want.push_back(t);
	}
	ASSERT_TRUE(Same(snap, want)) << "list " << list << "\n got " << Str(snap)
				      << "\nwant " << Str(want);
	/* The raw array: strictly sorted, dead count right, tail trimmed. */
	Locked g;
	const alist::TargetArray *a =
		reinterpret_cast<alist::AttachList *>(lists_[list])->CurrentLocked();
	if (!a)
		return;
	ASSERT_TRUE(a->Intact());
	alist_u32 dead = 0, n = a->Count();
	for (alist_u32 i = 0; i < n; i++) {
		dead += alist::TargetArray::Users(a->entries()[i]) == 0;
		if (i) {
			ASSERT_LT(alist::TargetOrder::Compare(a->entries()[i - 1], a->entries()[i]), 0);
		}
	}
	ASSERT_EQ(dead, a->dead());
	ASSERT_TRUE(n == 0 || alist::TargetArray::Users(a->entries()[n - 1]) > 0);
}

void ModelRun::Run(int steps)
{
	for (int s = 0; s < steps; s++) {
		SCOPED_TRACE("step " + std::to_string(s));
		unsigned op = R(16);
		if (op < 5)
			DoAttach(false);
		else if (op < 8)
			DoAttach(true);
		else if (op < 13 && !handles_.empty())
			DoDetach(R(handles_.size()));
		else if (op < 15)
			DoReplace();
		else {
			Locked g;
			alist_list_compact(lists_[R(4)]);
		}
		if (testing::Test::HasFatalFailure())
			return;
		CheckAll();
		if (testing::Test::HasFatalFailure())
			return;
	}
	while (!handles_.empty() && !testing::Test::HasFatalFailure()) {
		DoDetach(handles_.size() - 1);
		CheckAll();
	}
}

/* Sanitizers slow each step; keep every variant within a few seconds. */
#if defined(__SANITIZE_THREAD__)
constexpr int kSteps = 500;
#elif defined(__SANITIZE_ADDRESS__)
constexpr int kSteps = 1500;
#else
constexpr int kSteps = 3000;
#endif

TEST(AttachListModel, RandomSequencesMatchReference)
{
	std::vector<unsigned> seeds = {1, 2, 3, 0xa115};
	if (const char *s = std::getenv("ALIST_MODEL_SEED"))
		seeds = {(unsigned)std::strtoul(s, nullptr, 0)};
	for (unsigned seed : seeds) {
		SCOPED_TRACE("ALIST_MODEL_SEED=" + std::to_string(seed));
		ModelRun(seed).Run(kSteps);
		if (HasFatalFailure()) {
			std::fprintf(stderr, "model test failed: ALIST_MODEL_SEED=%u\n", seed);
			return;
		}
	}
}

} // namespace
