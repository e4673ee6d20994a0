/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment contract: everything the core needs from the world.
 *
 * The core calls only these functions. The kernel side is C in
 * iommufd/alist_env.c; the user-space side (host/env/) is built on liburcu
 * (urcu-memb) and pthreads, so the very same core sources run as a host
 * program for tests, sanitizers, fuzzing and benchmarks.
 *
 * Locking model: one global update lock serializes every writer of every
 * core structure (attach lists, ID tables). Attach is a slow path and the
 * nested case updates two lists at once, so one lock keeps it simple and
 * free of lock-order questions. Readers never take it: they use RCU.
 */
#ifndef ALIST_ENV_H
#define ALIST_ENV_H

#include "types.h"

ALIST_C_BEGIN

/* Allocation: zeroed memory, may sleep; NULL on failure. */
void *alist_env_alloc(unsigned long size);
void alist_env_free(void *p);

/* The global update lock (a sleeping mutex). */
void alist_env_lock(void);
void alist_env_unlock(void);
/* Warns (lockdep_assert_held in the kernel) unless the caller holds it. */
void alist_env_assert_locked(void);

/*
 * RCU. An object retired with alist_env_rcu_retire() must begin with a
 * struct alist_rcu_head: after a grace period the env frees the allocation
 * that starts at @head with alist_env_free()'s allocator.
 */
struct alist_rcu_head {
	void *opaque[2]; /* struct rcu_head / liburcu's struct rcu_head */
};

/*
 * A slot that holds an RCU-published pointer is __rcu where kernel C sees
 * it (compiler_types.h), so sparse checks that every access goes through
 * the calls below. C++ (the core wraps its slots in RcuPtr) and the host
 * build see a plain pointer.
 */
#if !defined(__KERNEL__) || defined(__cplusplus)
#ifndef __rcu
#define __rcu
#endif
#endif

void alist_env_rcu_read_lock(void);
void alist_env_rcu_read_unlock(void);
/*
 * Load an RCU-published pointer: rcu_dereference_check(*slot, RCU reader
 * or update lock held).
 */
void *alist_env_rcu_load(void __rcu *const *slot);
/* Publish @p at @slot with release semantics (rcu_assign_pointer). */
void alist_env_rcu_publish(void __rcu **slot, void *p);
void alist_env_rcu_retire(struct alist_rcu_head *head);
/* Wait for all pre-existing readers (teardown and tests only). */
void alist_env_synchronize_rcu(void);
/* Full memory barrier (smp_mb). */
void alist_env_smp_mb(void);

/*
 * User memory. @usrc is a user pointer in the kernel, a plain pointer on the
 * host (where tests can make ranges fault).
 * copy: 0 or -EFAULT. check_zeroed: 1 all zero, 0 not, -EFAULT.
 */
int alist_env_copy_from_user(void *dst, const void *usrc, unsigned long n);
int alist_env_check_zeroed_user(const void *usrc, unsigned long n);

/* Logging, printk levels. */
#define ALIST_LOG_ERR 3
#define ALIST_LOG_WARNING 4
#define ALIST_LOG_INFO 6
#define ALIST_LOG_DEBUG 7
void alist_env_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A "cannot happen" state: WARN in the kernel, a test failure on the host. */
void alist_env_warn(const char *file, int line, const char *cond);

ALIST_C_END

#endif /* ALIST_ENV_H */
