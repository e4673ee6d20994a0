/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test hooks of the host environment (host/env/env_host.cpp).
 *
 * The host env implements include/alist/env.h over liburcu (urcu-memb) and
 * pthreads. Tests, benchmarks and fuzz targets may use these hooks; the core
 * never does (it sees only env.h).
 *
 * RCU readers
 *	A thread is registered with liburcu the first time it calls
 *	alist_env_rcu_read_lock(), and unregistered when it exits, so plain
 *	std::thread readers just work. ScopedRcuThread registers explicitly
 *	(and unregisters at scope end) for threads that want it visible.
 *	alist_env_rcu_load() outside a read section and without the update
 *	lock is a warning, as rcu_dereference_check() would splat.
 *
 * Warnings
 *	alist_env_warn() prints "alist_env_warn: file:line: cond" to stderr and
 *	counts. In the GoogleTest binary a listener (host/tests/
 *	host_env_listener.cpp) fails every test whose warnings differ from what
 *	it announced with ExpectWarnings(n) (default 0), and every test that
 *	leaks env allocations (checked after rcu_barrier()).
 *
 * Allocation failure injection
 *	FailNthAlloc(n): the n-th alist_env_alloc() from now (1-based) returns
 *	NULL, once; 0 disarms. AllocCalls() counts every call so far, and
 *	InjectedFailures() counts the NULLs injected. To fail every allocation
 *	point of an operation in turn:
 *
 *		for (unsigned long n = 1;; n++) {
 *			unsigned long before = InjectedFailures();
 *			FailNthAlloc(n);
 *			int err = operation();
 *			FailNthAlloc(0);
 *			if (InjectedFailures() == before)
 *				break;	// no n-th allocation: it ran to the end
 *			// check err == -ENOMEM and the state is unchanged
 *		}
 *
 *	LiveAllocs() is the number of allocations not yet freed. Retired
 *	objects count until their RCU callback has run: RcuBarrier() waits
 *	for every callback alist_env_rcu_retire() queued so far.
 *
 * Faulting user memory
 *	alist_env_copy_from_user() and alist_env_check_zeroed_user() take plain
 *	pointers on the host. ScopedUserFault(p, n) makes [p, p + n) fault
 *	until the scope ends: any copy or zero check whose range overlaps a
 *	faulting range returns -EFAULT. A faulting copy copies the bytes before
 *	the first faulting byte and zero-fills the rest of @dst, as the
 *	kernel's copy_from_user() does. A NULL user pointer with n > 0 always
 *	faults. Up to kMaxUserFaults ranges at once; ranges are process-wide.
 */
#ifndef ALIST_HOST_ENV_H
#define ALIST_HOST_ENV_H

#include <cstddef>

namespace alist_host {

/* Registers the calling thread with liburcu for its lifetime. */
class ScopedRcuThread {
public:
	ScopedRcuThread();
	~ScopedRcuThread();
	ScopedRcuThread(const ScopedRcuThread &) = delete;
	ScopedRcuThread &operator=(const ScopedRcuThread &) = delete;
};

/* Wait until every object retired so far has been freed. Not from inside
 * a read section. */
void RcuBarrier();

/* Warnings. */
unsigned long WarnCount();
/* The number of warnings the current test expects (checked at its end). */
void ExpectWarnings(unsigned long n);
unsigned long ExpectedWarnings();

/* Allocation accounting and failure injection. */
void FailNthAlloc(unsigned long n);
unsigned long AllocCalls();
unsigned long InjectedFailures();
long LiveAllocs();

/* Faulting user memory. */
constexpr int kMaxUserFaults = 8;
class ScopedUserFault {
public:
	ScopedUserFault(const void *p, std::size_t n);
	~ScopedUserFault();
	ScopedUserFault(const ScopedUserFault &) = delete;
	ScopedUserFault &operator=(const ScopedUserFault &) = delete;

private:
	int slot_;
};

} // namespace alist_host

#endif /* ALIST_HOST_ENV_H */
