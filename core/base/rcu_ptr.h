/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RcuPtr<T>: a pointer published with RCU, the C++ side of a C `__rcu`
 * pointer. Every access says which side it is on, and each maps to the
 * environment's RCU primitives (in the kernel: rcu_dereference_check(),
 * rcu_assign_pointer()) instead of raw atomics on a plain pointer:
 *
 *	Read()		a reader, inside an RCU read section (acquire);
 *	Locked()	the writer, under the update lock (no ordering needed:
 *			the lock serializes writers; rcu_dereference_protected());
 *	PublishLocked()	the writer, under the update lock: release, so a
 *			reader that loads the new object sees it
 *			initialized (rcu_assign_pointer());
 *	Take()		teardown, when no reader can start any more: clear it
 *			and hand the old object back for retirement.
 */
#ifndef ALIST_CORE_RCU_PTR_H
#define ALIST_CORE_RCU_PTR_H

#include <alist/env.h>

namespace alist {

template <class T>
class RcuPtr {
public:
	RcuPtr() = default;
	RcuPtr(const RcuPtr &) = delete;
	RcuPtr &operator=(const RcuPtr &) = delete;

	T *Read() const
	{
		return static_cast<T *>(alist_env_rcu_load(reinterpret_cast<void *const *>(&p_)));
	}

	T *Locked() const
	{
		alist_env_assert_locked();
		return __atomic_load_n(&p_, __ATOMIC_RELAXED);
	}

	void PublishLocked(T *p)
	{
		alist_env_assert_locked();
		alist_env_rcu_publish(reinterpret_cast<void **>(&p_), p);
	}

	T *Take()
	{
		T *p = __atomic_load_n(&p_, __ATOMIC_RELAXED);

		__atomic_store_n(&p_, nullptr, __ATOMIC_RELAXED);
		return p;
	}

private:
	T *p_ = nullptr;
};

} // namespace alist

#endif /* ALIST_CORE_RCU_PTR_H */
