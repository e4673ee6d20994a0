// SPDX-License-Identifier: GPL-2.0
/*
 * User memory on the host: plain pointers, plus ranges tests make fault
 * (alist_host::ScopedUserFault, documented in host_env.h).
 */
#include <alist/env.h>
#include <alist/errno.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <pthread.h>

#include "host_env.h"

namespace {

struct FaultRange {
	std::uintptr_t begin;
	std::uintptr_t end;
	bool used;
};
pthread_mutex_t g_fault_lock = PTHREAD_MUTEX_INITIALIZER;
FaultRange g_faults[alist_host::kMaxUserFaults];
/*
 * Ranges in use. Written under g_fault_lock; read without it so the common
 * case (no test has a faulting range) costs one load instead of the lock
 * and the scan. A scope that ends races with a copy either way; one that
 * began before the copy in any order the caller can observe is seen.
 */
std::atomic<int> g_fault_count{0};

/* Offset of the first faulting byte of [p, p + n), or n if none. */
std::size_t FirstFault(const void *p, std::size_t n)
{
	std::uintptr_t b = reinterpret_cast<std::uintptr_t>(p);
	std::uintptr_t e = b + n;
	std::size_t first = n;

	if (!p)
		return 0;
	if (g_fault_count.load(std::memory_order_acquire) == 0)
		return n;
	pthread_mutex_lock(&g_fault_lock);
	for (const FaultRange &f : g_faults) {
		if (!f.used || f.end <= b || f.begin >= e)
			continue;
		std::size_t off = f.begin > b ? f.begin - b : 0;
		if (off < first)
			first = off;
	}
	pthread_mutex_unlock(&g_fault_lock);
	return first;
}

} // namespace

extern "C" {

int alist_env_copy_from_user(void *dst, const void *usrc, unsigned long n)
{
	std::size_t ok = FirstFault(usrc, n);

	if (ok)
		std::memcpy(dst, usrc, ok);
	if (ok == n)
		return 0;
	std::memset(static_cast<char *>(dst) + ok, 0, n - ok);
	return -ALIST_EFAULT;
}

int alist_env_check_zeroed_user(const void *usrc, unsigned long n)
{
	if (!n)
		return 1;
	if (FirstFault(usrc, n) != n)
		return -ALIST_EFAULT;
	const unsigned char *b = static_cast<const unsigned char *>(usrc);
	for (unsigned long i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

} // extern "C"

namespace alist_host {

ScopedUserFault::ScopedUserFault(const void *p, std::size_t n) : slot_(-1)
{
	auto b = reinterpret_cast<std::uintptr_t>(p);

	pthread_mutex_lock(&g_fault_lock);
	for (int i = 0; i < kMaxUserFaults; i++) {
		if (!g_faults[i].used) {
			g_faults[i] = FaultRange{b, b + n, true};
			g_fault_count.fetch_add(1, std::memory_order_release);
			slot_ = i;
			break;
		}
	}
	pthread_mutex_unlock(&g_fault_lock);
	if (slot_ < 0)
		alist_env_warn(__FILE__, __LINE__, "too many ScopedUserFault ranges");
}

ScopedUserFault::~ScopedUserFault()
{
	if (slot_ < 0)
		return;
	pthread_mutex_lock(&g_fault_lock);
	g_faults[slot_].used = false;
	g_fault_count.fetch_sub(1, std::memory_order_release);
	pthread_mutex_unlock(&g_fault_lock);
}

} // namespace alist_host
