// SPDX-License-Identifier: GPL-2.0
/* The host env's own contract and its test hooks (env/host_env.h). */
#include <gtest/gtest.h>

#include <alist/env.h>
#include <alist/errno.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "env/host_env.h"

namespace {

TEST(HostEnv, AllocIsZeroedCountedAndInjectable)
{
	long live = alist_host::LiveAllocs();
	unsigned char *p = static_cast<unsigned char *>(alist_env_alloc(64));
	ASSERT_NE(p, nullptr);
	for (int i = 0; i < 64; i++)
		ASSERT_EQ(p[i], 0);
	EXPECT_EQ(alist_host::LiveAllocs(), live + 1);

	unsigned long injected = alist_host::InjectedFailures();
	alist_host::FailNthAlloc(2);
	void *a = alist_env_alloc(8), *b = alist_env_alloc(8), *c = alist_env_alloc(8);
	EXPECT_NE(a, nullptr);
	EXPECT_EQ(b, nullptr);
	EXPECT_NE(c, nullptr) << "fails once";
	EXPECT_EQ(alist_host::InjectedFailures(), injected + 1);
	alist_env_free(a);
	alist_env_free(c);
	alist_env_free(p);
	EXPECT_EQ(alist_host::LiveAllocs(), live);
}

TEST(HostEnv, RetiredObjectsFreedAfterGracePeriod)
{
	long live = alist_host::LiveAllocs();
	std::atomic<int> stage{0};
	auto *head = static_cast<alist_rcu_head *>(alist_env_alloc(128));

	/* A reader inside its section when the object is retired ... */
	std::thread reader([&] {
		alist_env_rcu_read_lock();
		stage.store(1);
		while (stage.load() != 2)
			std::this_thread::yield();
		alist_env_rcu_read_unlock();
	});
	while (stage.load() != 1)
		std::this_thread::yield();
	alist_env_rcu_retire(head);
	/* ... keeps it alive, however long it stays there */
	std::this_thread::sleep_for(std::chrono::milliseconds(50));
	EXPECT_EQ(alist_host::LiveAllocs(), live + 1);
	stage.store(2);
	reader.join();
	alist_host::RcuBarrier();
	EXPECT_EQ(alist_host::LiveAllocs(), live);
}

TEST(HostEnv, UserFaultRanges)
{
	unsigned char src[32], dst[32];
	std::memset(src, 0xaa, sizeof(src));
	EXPECT_EQ(alist_env_copy_from_user(dst, src, 32), 0);
	EXPECT_EQ(alist_env_check_zeroed_user(src, 32), 0);
	{
		alist_host::ScopedUserFault f(src + 16, 8);
		std::memset(dst, 0x55, sizeof(dst));
		EXPECT_EQ(alist_env_copy_from_user(dst, src + 8, 16), -ALIST_EFAULT);
		EXPECT_EQ(dst[7], 0xaa) << "bytes before the fault are copied";
		EXPECT_EQ(dst[8], 0) << "the rest is zero-filled";
		EXPECT_EQ(dst[15], 0);
		EXPECT_EQ(alist_env_copy_from_user(dst, src, 16), 0) << "just below";
		EXPECT_EQ(alist_env_copy_from_user(dst, src + 24, 8), 0) << "just above";
		EXPECT_EQ(alist_env_check_zeroed_user(src + 20, 1), -ALIST_EFAULT);
	}
	EXPECT_EQ(alist_env_copy_from_user(dst, src, 32), 0) << "scope ended";
	EXPECT_EQ(alist_env_copy_from_user(dst, nullptr, 4), -ALIST_EFAULT);
	EXPECT_EQ(alist_env_copy_from_user(dst, nullptr, 0), 0);
	std::memset(src, 0, sizeof(src));
	EXPECT_EQ(alist_env_check_zeroed_user(src, 32), 1);
	EXPECT_EQ(alist_env_check_zeroed_user(nullptr, 0), 1);
}

TEST(HostEnv, ContractMisuseWarns)
{
	void *slot = nullptr;
	alist_host::ExpectWarnings(3);
	alist_env_assert_locked();
	(void)alist_env_rcu_load(&slot);	/* no reader, no lock */
	alist_env_unlock();			/* not held */

	alist_env_lock();
	alist_env_assert_locked();
	(void)alist_env_rcu_load(&slot);
	alist_env_unlock();
}

TEST(HostEnv, ReaderThreadsRegisterThemselves)
{
	int value = 42;
	void *slot = nullptr;
	alist_env_lock();
	alist_env_rcu_publish(&slot, &value);
	alist_env_unlock();
	std::thread reader([&] {
		alist_env_rcu_read_lock();
		EXPECT_EQ(*static_cast<int *>(alist_env_rcu_load(&slot)), 42);
		alist_env_rcu_read_unlock();
	});
	reader.join();
	std::thread scoped([&] {
		alist_host::ScopedRcuThread reg;
		alist_env_rcu_read_lock();
		alist_env_rcu_read_unlock();
	});
	scoped.join();
	alist_env_synchronize_rcu();
}

} // namespace
