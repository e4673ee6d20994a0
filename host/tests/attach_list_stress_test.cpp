// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency stress: reader threads walk lists lock-free while writer
 * threads attach, detach, replace and compact, and a vIOMMU ID table
 * changes under lookups.
 *
 * Readers check what RCU promises them: an array they loaded is intact
 * (the env poisons freed memory, so a retired array freed too early fails
 * the magic check -- and ASan reports the use after free), strictly
 * sorted, and each entry's attributes are those its writer set (a torn
 * entry would not match). Run under `make asan` and `make tsan` too.
 */
#include <gtest/gtest.h>

#include <alist/attach_list.h>
#include <alist/id_table.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "env/host_env.h"
#include "list_test_util.h"
#include "list/target_array.h"
#include "list/target_order.h"

using namespace alist_test;

namespace {

constexpr int kLists = 3;
constexpr auto kDuration = std::chrono::milliseconds(1200);

/* Attributes are a function of the key, so readers can check them. */
alist_target Make(std::mt19937 &rng)
{
	alist_target t = T(rng() % 3, rng() % ALIST_KIND_COUNT, rng() % 8, 0,
			   rng() % 2, rng() % 4);
	t.pfsid = t.instance * 1000 + t.kind * 100 + t.tag * 10 + t.sid + t.pasid * 7;
	t.atc_qdep = (t.tag + t.sid) & 0x1f;
	return t;
}

bool Consistent(const alist_target &t)
{
	return t.pfsid == t.instance * 1000 + t.kind * 100 + t.tag * 10 + t.sid + t.pasid * 7 &&
	       t.atc_qdep == ((t.tag + t.sid) & 0x1f);
}

struct Shared {
	alist_list *lists[kLists];
	alist_id_table *ids;
	std::atomic<bool> stop{false};
	std::atomic<unsigned long> walks{0}, bad{0}, commits{0};
};

void Reader(Shared *s, int id)
{
	alist_host::ScopedRcuThread reg;
	unsigned long walks = 0;
	while (!s->stop.load(std::memory_order_relaxed)) {
		alist_env_rcu_read_lock();
		for (int l = 0; l < kLists; l++) {
			const alist_view *v = alist_list_read_begin(s->lists[l]);
			const alist::TargetArray *a = reinterpret_cast<const alist::TargetArray *>(v);
			if (a && !a->Intact()) {
				s->bad++;
				alist_list_read_end();
				continue;
			}
			alist_target prev{}, t;
			unsigned int pos = 0;
			bool first = true;
			while (alist_test::ViewNext(v, &pos, &t)) {
				if (!Consistent(t) || (!first && !alist::TargetOrder::Less(prev, t)))
					s->bad++;
				/* Grouped: instances increase, ATC users after IOTLB kinds. */
				if (!first && (t.instance < prev.instance ||
					       (t.instance == prev.instance &&
						alist::TargetOrder::IsAtc(prev.kind) &&
						!alist::TargetOrder::IsAtc(t.kind))))
					s->bad++;
				prev = t;
				first = false;
			}
			alist_list_read_end();
		}
		/* IDs 0..63 map to vid * 3 whenever mapped. */
		alist_u32 pid;
		alist_u64 vid = walks % 64;
		if (!alist_id_table_lookup(s->ids, vid, &pid) && pid != vid * 3)
			s->bad++;
		alist_env_rcu_read_unlock();
		walks++;
	}
	s->walks += walks;
	(void)id;
}

void Writer(Shared *s, unsigned seed)
{
	std::mt19937 rng(seed);
	struct Att {
		int list;
		std::vector<alist_target> t;
	};
	std::vector<Att> live;
	while (!s->stop.load(std::memory_order_relaxed)) {
		unsigned op = rng() % 10;
		Locked g;
		if (op < 4 || live.empty()) {
			Att a{(int)(rng() % kLists), {}};
			for (unsigned n = 1 + rng() % 3; n; n--)
				a.t.push_back(Make(rng));
			alist_txn txn;
			if (!alist_list_prepare_attach(s->lists[a.list], a.t.data(), a.t.size(),
						       &txn)) {
				alist_list_commit_attach(&txn);
				live.push_back(a);
				s->commits++;
			}
		} else if (op < 7) {
			size_t i = rng() % live.size();
			alist_list_detach(s->lists[live[i].list], live[i].t.data(), live[i].t.size());
			live.erase(live.begin() + i);
		} else if (op < 9) {
			/* Replace: new list first, then the old one lets go. */
			size_t i = rng() % live.size();
			int to = (live[i].list + 1) % kLists;
			alist_txn txn;
			if (!alist_list_prepare_attach(s->lists[to], live[i].t.data(),
						       live[i].t.size(), &txn)) {
				alist_list_commit_attach(&txn);
				alist_list_detach(s->lists[live[i].list], live[i].t.data(),
						  live[i].t.size());
				live[i].list = to;
			}
		} else {
			alist_list_compact(s->lists[rng() % kLists]);
			alist_u64 vid = rng() % 64;
			if (alist_id_table_insert(s->ids, vid, vid * 3))
				alist_id_table_remove(s->ids, vid);
		}
	}
	Locked g;
	for (Att &a : live)
		alist_list_detach(s->lists[a.list], a.t.data(), a.t.size());
}

TEST(AttachListStress, ReadersNeverSeeBrokenArrays)
{
	Shared s;
	for (auto &l : s.lists)
		l = alist_list_alloc();
	s.ids = alist_id_table_alloc();

	std::vector<std::thread> threads;
	for (int i = 0; i < 3; i++)
		threads.emplace_back(Reader, &s, i);
	for (unsigned i = 0; i < 2; i++)
		threads.emplace_back(Writer, &s, 100 + i);
	std::this_thread::sleep_for(kDuration);
	s.stop = true;
	for (auto &t : threads)
		t.join();

	EXPECT_EQ(s.bad.load(), 0u);
	EXPECT_GT(s.walks.load(), 0u);
	EXPECT_GT(s.commits.load(), 0u);
	{
		Locked g;
		for (auto &l : s.lists)
			EXPECT_EQ(alist_test::LiveCount(l), 0u);
	}
	for (auto &l : s.lists)
		alist_list_free(l);
	alist_id_table_free(s.ids);
}

} // namespace
