// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space side of the environment contract (include/alist/env.h):
 * liburcu urcu-memb for RCU, a pthread mutex for the update lock, calloc for
 * memory. User memory is in env_user.cpp. Test hooks: host_env.h.
 *
 * ThreadSanitizer cannot see the ordering liburcu provides (the library is
 * not instrumented and its grace periods use membarrier/futex), so under
 * TSan the RCU contract is stated to it directly: every read_unlock
 * releases a global sync object, every grace-period end (synchronize_rcu,
 * an RCU callback) acquires it. That is exactly the guarantee RCU gives:
 * all read sections that began before the grace period happen before the
 * code that follows it.
 */
#include <alist/env.h>
#include <alist/errno.h>

#include <urcu/urcu-memb.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <pthread.h>
#include <unistd.h>

#include "host_env.h"

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define HB_RELEASE(addr) __tsan_release(addr)
#define HB_ACQUIRE(addr) __tsan_acquire(addr)
#else
#define HB_RELEASE(addr) ((void)(addr))
#define HB_ACQUIRE(addr) ((void)(addr))
#endif

static_assert(sizeof(struct alist_rcu_head) >= sizeof(struct rcu_head),
	      "alist_rcu_head must hold liburcu's rcu_head");
static_assert(alignof(struct alist_rcu_head) >= alignof(struct rcu_head),
	      "alist_rcu_head alignment");

namespace {

/* Every allocation carries this header: its size (to poison it) and a magic
 * number (to catch frees of foreign or already freed pointers). */
struct AllocHeader {
	std::size_t size;
	std::uint64_t magic;
};
static_assert(sizeof(AllocHeader) == 16, "keeps 16-byte alignment");
constexpr std::uint64_t kAllocMagic = 0xa115a110c0ffee01ull;
constexpr std::uint64_t kFreedMagic = 0xa115deadbeef0001ull;
constexpr int kPoison = 0x6b; /* the kernel's POISON_FREE */

std::atomic<long> g_live_allocs;
std::atomic<unsigned long> g_alloc_calls;
std::atomic<unsigned long> g_fail_at;	/* absolute call number, 0 = off */
std::atomic<unsigned long> g_injected;
std::atomic<unsigned long> g_warns;
std::atomic<unsigned long> g_expected_warns;

pthread_mutex_t g_update_lock = PTHREAD_MUTEX_INITIALIZER;
thread_local bool t_holds_lock;
thread_local int t_read_depth;

/* Sync object standing for "all read sections so far" (TSan only). */
char g_reader_hb;

/* Lazy liburcu registration, undone at thread exit. */
struct Registration {
	bool on = false;
	~Registration()
	{
		if (on)
			urcu_memb_unregister_thread();
	}
};
thread_local Registration t_reg;

void EnsureRegistered()
{
	if (!t_reg.on) {
		urcu_memb_register_thread();
		t_reg.on = true;
	}
}

void FreeBlock(void *p)
{
	AllocHeader *h = static_cast<AllocHeader *>(p) - 1;

	if (h->magic != kAllocMagic) {
		alist_env_warn(__FILE__, __LINE__, "free of a bad or freed pointer");
		return;
	}
	h->magic = kFreedMagic;
	/* Poison so a reader that outlived its grace period sees garbage
	 * (and ASan sees the use after free anyway). */
	std::memset(p, kPoison, h->size);
	g_live_allocs.fetch_sub(1, std::memory_order_relaxed);
	std::free(h);
}

/* Retired objects whose callback has not run yet (see RcuBarrier()). */
std::atomic<long> g_pending_retire;

void RetireCallback(struct rcu_head *head)
{
	HB_ACQUIRE(head);
	HB_ACQUIRE(&g_reader_hb);
	FreeBlock(head);
	g_pending_retire.fetch_sub(1);
}

} // namespace

extern "C" {

void *alist_env_alloc(unsigned long size)
{
	unsigned long call = g_alloc_calls.fetch_add(1) + 1;
	unsigned long fail_at = g_fail_at.load();

	if (fail_at && call == fail_at) {
		g_fail_at.store(0);
		g_injected.fetch_add(1);
		return nullptr;
	}
	auto *h = static_cast<AllocHeader *>(std::calloc(1, sizeof(AllocHeader) + size));
	if (!h)
		return nullptr;
	h->size = size;
	h->magic = kAllocMagic;
	g_live_allocs.fetch_add(1, std::memory_order_relaxed);
	return h + 1;
}

void alist_env_free(void *p)
{
	if (p)
		FreeBlock(p);
}

void alist_env_lock(void)
{
	if (t_holds_lock) {
		alist_env_warn(__FILE__, __LINE__, "update lock taken recursively");
		std::abort(); /* it would deadlock */
	}
	pthread_mutex_lock(&g_update_lock);
	t_holds_lock = true;
}

void alist_env_unlock(void)
{
	if (!t_holds_lock) {
		alist_env_warn(__FILE__, __LINE__, "unlock of an update lock not held");
		return;
	}
	t_holds_lock = false;
	pthread_mutex_unlock(&g_update_lock);
}

void alist_env_assert_locked(void)
{
	if (!t_holds_lock)
		alist_env_warn(__FILE__, __LINE__, "update lock not held");
}

void alist_env_rcu_read_lock(void)
{
	EnsureRegistered();
	urcu_memb_read_lock();
	t_read_depth++;
}

void alist_env_rcu_read_unlock(void)
{
	if (t_read_depth <= 0) {
		alist_env_warn(__FILE__, __LINE__, "rcu_read_unlock without lock");
		return;
	}
	t_read_depth--;
	HB_RELEASE(&g_reader_hb);
	urcu_memb_read_unlock();
}

void *alist_env_rcu_load(void *const *slot)
{
	if (t_read_depth <= 0 && !t_holds_lock)
		alist_env_warn(__FILE__, __LINE__,
			       "rcu_load outside a read section and the update lock");
	/* rcu_dereference: acquire is what TSan understands of consume. */
	return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

void alist_env_rcu_publish(void **slot, void *p)
{
	__atomic_store_n(slot, p, __ATOMIC_RELEASE);
}

void alist_env_rcu_retire(struct alist_rcu_head *head)
{
	auto *h = reinterpret_cast<struct rcu_head *>(head);

	HB_RELEASE(h);
	g_pending_retire.fetch_add(1);
	urcu_memb_call_rcu(h, RetireCallback);
}

void alist_env_synchronize_rcu(void)
{
	if (t_read_depth > 0)
		alist_env_warn(__FILE__, __LINE__, "synchronize_rcu in a read section");
	urcu_memb_synchronize_rcu();
	HB_ACQUIRE(&g_reader_hb);
}

void alist_env_smp_mb(void)
{
#if defined(__SANITIZE_THREAD__)
	/* TSan does not model fences: a seq_cst RMW is a full barrier too
	 * (lock-prefixed on x86), and one TSan understands. */
	static long mb_word;
	__atomic_fetch_add(&mb_word, 0, __ATOMIC_SEQ_CST);
#elif defined(__x86_64__)
	/*
	 * What the kernel's smp_mb() is on x86: a locked add to the stack, a
	 * full barrier for ordinary memory and cheaper than MFENCE, so that
	 * benchmarks pay what a kernel caller pays.
	 */
	asm volatile("lock; addl $0,-4(%%rsp)" ::: "memory", "cc");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

void alist_env_log(int level, const char *fmt, ...)
{
	static const bool debug = std::getenv("ALIST_HOST_DEBUG") != nullptr;
	va_list args;

	if (level >= ALIST_LOG_DEBUG && !debug)
		return;
	va_start(args, fmt);
	std::fprintf(stderr, "alist<%d>: ", level);
	std::vfprintf(stderr, fmt, args);
	va_end(args);
}

void alist_env_warn(const char *file, int line, const char *cond)
{
	g_warns.fetch_add(1);
	/* A test that announced its warnings (ExpectWarnings()) provokes
	 * them on purpose: print only the ones nobody asked for. */
	if (!g_expected_warns.load())
		std::fprintf(stderr, "alist_env_warn: %s:%d: %s\n", file, line, cond);
}

} // extern "C"

namespace alist_host {

ScopedRcuThread::ScopedRcuThread()
{
	EnsureRegistered();
}

ScopedRcuThread::~ScopedRcuThread()
{
	if (t_reg.on && t_read_depth == 0) {
		urcu_memb_unregister_thread();
		t_reg.on = false;
	}
}

/*
 * Not liburcu's rcu_barrier(): its completion object is freed by the
 * call_rcu thread after a futex wake-up TSan cannot see, a false report
 * no suppression can pin down reliably. Counting our own callbacks and
 * waiting for them needs nothing TSan cannot see.
 */
void RcuBarrier()
{
	for (int i = 0; g_pending_retire.load() > 0; i++) {
		urcu_memb_synchronize_rcu();
		if (i > 10000) {
			alist_env_warn(__FILE__, __LINE__, "RCU callbacks never ran");
			return;
		}
		if (g_pending_retire.load() > 0)
			usleep(100);
	}
}

unsigned long WarnCount()
{
	return g_warns.load();
}

void ExpectWarnings(unsigned long n)
{
	g_expected_warns.store(n);
}

unsigned long ExpectedWarnings()
{
	return g_expected_warns.load();
}

void FailNthAlloc(unsigned long n)
{
	g_fail_at.store(n ? g_alloc_calls.load() + n : 0);
}

unsigned long AllocCalls()
{
	return g_alloc_calls.load();
}

unsigned long InjectedFailures()
{
	return g_injected.load();
}

long LiveAllocs()
{
	return g_live_allocs.load();
}

} // namespace alist_host
