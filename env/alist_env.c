// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the core's environment contract (include/alist/env.h).
 *
 * The C++ core never sees a kernel header; every service it needs is one of
 * these functions: allocation, the global update lock, RCU, user copies,
 * logging. They are thin on purpose: what they do is what the kernel
 * primitive they wrap does. They are exported only to the KUnit suites
 * (EXPORTED_FOR_KUNIT_TESTING); drivers use the C API, not the env.
 */
#define pr_fmt(fmt) "iommu_alist: " fmt

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <alist/env.h>
#include <alist/errno.h>

/* Serializes every writer of every core structure; readers use RCU. */
static DEFINE_MUTEX(alist_update_lock);

/* What kvfree_rcu() needs: an object type with a struct rcu_head member. */
struct alist_rcu_obj {
	struct rcu_head rcu;
};

static_assert(sizeof(struct alist_rcu_head) == sizeof(struct rcu_head));
static_assert(__alignof__(struct alist_rcu_head) >= __alignof__(struct rcu_head));

/* The core returns Linux errno values it cannot include: check them here. */
static_assert(ALIST_ENOENT == ENOENT && ALIST_EIO == EIO && ALIST_E2BIG == E2BIG);
static_assert(ALIST_ENOMEM == ENOMEM && ALIST_EFAULT == EFAULT && ALIST_EBUSY == EBUSY);
static_assert(ALIST_EEXIST == EEXIST && ALIST_ENODEV == ENODEV && ALIST_EINVAL == EINVAL);
static_assert(ALIST_ENOSPC == ENOSPC && ALIST_ERANGE == ERANGE);
static_assert(ALIST_EOVERFLOW == EOVERFLOW && ALIST_EOPNOTSUPP == EOPNOTSUPP);
static_assert(ALIST_ETIMEDOUT == ETIMEDOUT);

void *alist_env_alloc(unsigned long size)
{
	return kvzalloc(size, GFP_KERNEL);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_alloc);

void alist_env_free(void *p)
{
	kvfree(p);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_free);

void alist_env_lock(void)
{
	mutex_lock(&alist_update_lock);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_lock);

void alist_env_unlock(void)
{
	mutex_unlock(&alist_update_lock);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_unlock);

void alist_env_assert_locked(void)
{
	lockdep_assert_held(&alist_update_lock);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_assert_locked);

void alist_env_rcu_read_lock(void)
{
	rcu_read_lock();
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_rcu_read_lock);

void alist_env_rcu_read_unlock(void)
{
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_rcu_read_unlock);

void *alist_env_rcu_load(void __rcu *const *slot)
{
	return rcu_dereference_check(*slot, lockdep_is_held(&alist_update_lock));
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_rcu_load);

void alist_env_rcu_publish(void __rcu **slot, void *p)
{
	rcu_assign_pointer(*slot, p);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_rcu_publish);

void alist_env_rcu_retire(struct alist_rcu_head *head)
{
	struct alist_rcu_obj *obj = (struct alist_rcu_obj *)head;

	kvfree_rcu(obj, rcu);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_rcu_retire);

void alist_env_synchronize_rcu(void)
{
	synchronize_rcu();
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_synchronize_rcu);

void alist_env_smp_mb(void)
{
	/*
	 * The core's full barrier, for callers that order their own stores
	 * (cleared page-table entries) before loading an attach list; it pairs
	 * with the attach side's publish before the hardware entry is written
	 * (Documentation/core-attach-list.rst, memory ordering).
	 */
	smp_mb();
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_smp_mb);

int alist_env_copy_from_user(void *dst, const void *usrc, unsigned long n)
{
	if (copy_from_user(dst, (const void __user __force *)usrc, n))
		return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_copy_from_user);

int alist_env_check_zeroed_user(const void *usrc, unsigned long n)
{
	return check_zeroed_user((const void __user __force *)usrc, n);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_check_zeroed_user);

void alist_env_log(int level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	switch (level) {
	case ALIST_LOG_ERR:
		pr_err("%pV", &vaf);
		break;
	case ALIST_LOG_WARNING:
		pr_warn("%pV", &vaf);
		break;
	case ALIST_LOG_INFO:
		pr_info("%pV", &vaf);
		break;
	default:
		pr_debug("%pV", &vaf);
		break;
	}
	va_end(args);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_log);

void alist_env_warn(const char *file, int line, const char *cond)
{
	WARN(1, "iommu_alist: %s:%d: %s\n", file, line, cond);
}
EXPORT_SYMBOL_IF_KUNIT(alist_env_warn);
