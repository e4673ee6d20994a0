// SPDX-License-Identifier: GPL-2.0
/* vIOMMU ID table: lookup, duplicates, removal, O(log n), -ENOMEM. */
#include <gtest/gtest.h>

#include <alist/errno.h>
#include <alist/id_table.h>

#include <algorithm>
#include <random>
#include <vector>

#include "env/host_env.h"
#include "nest/id_table.h"
#include "list_test_util.h"
#include "base/placement_new.h"

using alist_test::Locked;

namespace {

int Lookup(const alist_id_table *t, alist_u64 vid, alist_u32 *pid)
{
	alist_env_rcu_read_lock();
	int err = alist_id_table_lookup(t, vid, pid);
	alist_env_rcu_read_unlock();
	return err;
}

TEST(IdTable, InsertLookupDuplicateRemove)
{
	alist_id_table *t = alist_id_table_alloc();
	alist_u32 pid = 0;
	EXPECT_EQ(Lookup(t, 1, &pid), -ALIST_ENOENT);
	{
		Locked g;
		const struct { alist_u64 vid; alist_u32 pid; int err; } cases[] = {
			{0x30, 3, 0}, {0x10, 1, 0}, {0x20, 2, 0}, {~0ull, 9, 0},
			{0x20, 7, -ALIST_EEXIST}, {0, 5, 0},
		};
		for (const auto &c : cases)
			EXPECT_EQ(alist_id_table_insert(t, c.vid, c.pid), c.err) << c.vid;
		EXPECT_EQ(alist_id_table_count(t), 5u);
	}
	const struct { alist_u64 vid; int err; alist_u32 pid; } looks[] = {
		{0x10, 0, 1}, {0x20, 0, 2}, {0x30, 0, 3}, {~0ull, 0, 9}, {0, 0, 5},
		{0x15, -ALIST_ENOENT, 0}, {0x31, -ALIST_ENOENT, 0},
	};
	for (const auto &c : looks) {
		pid = 0;
		EXPECT_EQ(Lookup(t, c.vid, &pid), c.err) << c.vid;
		EXPECT_EQ(pid, c.pid);
	}
	{
		Locked g;
		EXPECT_EQ(alist_id_table_remove(t, 0x20), 0);
		EXPECT_EQ(alist_id_table_remove(t, 0x20), -ALIST_ENOENT);
		EXPECT_EQ(alist_id_table_remove(t, 0x21), -ALIST_ENOENT);
		EXPECT_EQ(alist_id_table_count(t), 4u);
		EXPECT_EQ(alist_id_table_insert(t, 0x20, 8), 0);
	}
	EXPECT_EQ(Lookup(t, 0x20, &pid), 0);
	EXPECT_EQ(pid, 8u);
	alist_id_table_free(t);
}

TEST(IdTable, LookupIsLogarithmic)
{
	alist::IdTable *t = alist::EnvNew<alist::IdTable>();
	std::mt19937_64 rng(7);
	std::vector<alist_u64> vids;
	Locked g;
	for (int i = 0; i < 2048; i++) {
		alist_u64 v = rng();
		if (t->InsertLocked(v, i) == 0)
			vids.push_back(v);
	}
	alist_u32 n = t->CountLocked(), bound = 0;
	while ((1ull << bound) < (alist_u64)n + 1)
		bound++;
	for (alist_u64 v : vids) {
		alist_u32 pid, probes = 0;
		ASSERT_EQ(t->Lookup(v, &pid, &probes), 0);
		EXPECT_LE(probes, bound);
		probes = 0;
		EXPECT_EQ(t->Lookup(v + 1, &pid, &probes), -ALIST_ENOENT);
		EXPECT_LE(probes, bound);
	}
	t->Destroy();
	alist::EnvDelete(t);
}

TEST(IdTable, EnomemLeavesTableUnchangedRemoveStillWorks)
{
	alist_id_table *t = alist_id_table_alloc();
	alist_u32 pid;
	Locked g;
	ASSERT_EQ(alist_id_table_insert(t, 1, 10), 0);
	ASSERT_EQ(alist_id_table_insert(t, 2, 20), 0);
	alist_host::FailNthAlloc(1);
	EXPECT_EQ(alist_id_table_insert(t, 3, 30), -ALIST_ENOMEM);
	EXPECT_EQ(alist_id_table_count(t), 2u);
	EXPECT_EQ(alist_id_table_lookup(t, 3, &pid), -ALIST_ENOENT);
	/* Removal's compaction fails: the entry is gone all the same. */
	alist_host::FailNthAlloc(1);
	EXPECT_EQ(alist_id_table_remove(t, 1), 0);
	EXPECT_EQ(alist_host::InjectedFailures() > 0, true);
	EXPECT_EQ(alist_id_table_lookup(t, 1, &pid), -ALIST_ENOENT);
	EXPECT_EQ(alist_id_table_count(t), 1u);
	EXPECT_EQ(alist_id_table_lookup(t, 2, &pid), 0);
	EXPECT_EQ(pid, 20u);
	/* Re-insert over the dead entry. */
	EXPECT_EQ(alist_id_table_insert(t, 1, 11), 0);
	EXPECT_EQ(alist_id_table_lookup(t, 1, &pid), 0);
	EXPECT_EQ(pid, 11u);
	EXPECT_EQ(alist_id_table_count(t), 2u);
	alist_id_table_free(t);
}

} // namespace
