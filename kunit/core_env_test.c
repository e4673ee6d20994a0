// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the kernel side of the core's environment contract.
 *
 * The core's correctness arguments lean on these primitives behaving as
 * the kernel's own do (zeroed allocation, RCU publication, -EFAULT from a
 * user copy that faults). Checked here, under the guest's lockdep, PROVE_RCU
 * and KASAN.
 */
#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/uaccess.h>

#include <alist/env.h>
#include <alist/errno.h>

/* Allocation is zeroed and large sizes work (the env uses kvzalloc). */
static void alist_env_test_alloc_zeroed(struct kunit *test)
{
	static const unsigned long sizes[] = { 1, 64, 4096, 1 << 20 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *p = alist_env_alloc(sizes[i]);

		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, p[0], 0);
		KUNIT_EXPECT_EQ(test, p[sizes[i] - 1], 0);
		alist_env_free(p);
	}
}

struct alist_env_test_obj {
	struct alist_rcu_head rcu;	/* first: what retire frees */
	int value;
};

/*
 * A reader sees what was published; a retired object is freed only after a
 * grace period (KASAN would report the use below otherwise).
 */
static void alist_env_test_rcu_publish_retire(struct kunit *test)
{
	struct alist_env_test_obj *a, *b, *seen;
	void __rcu *slot = NULL;

	a = alist_env_alloc(sizeof(*a));
	b = alist_env_alloc(sizeof(*b));
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	a->value = 1;
	b->value = 2;

	alist_env_lock();
	alist_env_assert_locked();
	alist_env_rcu_publish(&slot, a);
	alist_env_unlock();

	alist_env_rcu_read_lock();
	seen = alist_env_rcu_load(&slot);
	KUNIT_EXPECT_PTR_EQ(test, seen, a);

	/*
	 * Replace and retire @a while this reader still holds it. The update
	 * lock only orders writers against each other (there is no other one
	 * here), and it is a mutex: it must not be taken in a read section.
	 */
	alist_env_rcu_publish(&slot, b);
	alist_env_rcu_retire(&a->rcu);

	/* Still inside the read section that loaded @a: it must be intact. */
	KUNIT_EXPECT_EQ(test, seen->value, 1);
	alist_env_rcu_read_unlock();

	alist_env_rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, alist_env_rcu_load(&slot), (void *)b);
	alist_env_rcu_read_unlock();

	alist_env_synchronize_rcu();
	alist_env_free(b);
}

/* User copies: real user memory copies, past the mapping faults. */
static void alist_env_test_user_copy(struct kunit *test)
{
	unsigned long uaddr;
	unsigned char buf[16];
	const unsigned char ones[4] = { 1, 1, 1, 1 };

	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user mapping for the test");

	memset(buf, 0xa5, sizeof(buf));
	KUNIT_EXPECT_EQ(test, alist_env_copy_from_user(buf, (void *)uaddr, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, buf[0], 0);
	KUNIT_EXPECT_EQ(test, alist_env_check_zeroed_user((void *)uaddr, 64), 1);

	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)(uaddr + 32), ones, sizeof(ones)), 0);
	KUNIT_EXPECT_EQ(test, alist_env_check_zeroed_user((void *)uaddr, 64), 0);

	/* The page after the mapping is not mapped. */
	KUNIT_EXPECT_EQ(test,
			alist_env_copy_from_user(buf, (void *)(uaddr + PAGE_SIZE - 8), sizeof(buf)),
			-ALIST_EFAULT);
	KUNIT_EXPECT_EQ(test,
			alist_env_check_zeroed_user((void *)(uaddr + PAGE_SIZE - 8), 16),
			-ALIST_EFAULT);
}

static struct kunit_case alist_env_test_cases[] = {
	KUNIT_CASE(alist_env_test_alloc_zeroed),
	KUNIT_CASE(alist_env_test_rcu_publish_retire),
	KUNIT_CASE(alist_env_test_user_copy),
	{}
};

static struct kunit_suite alist_env_test_suite = {
	.name = "alist_core_env",
	.test_cases = alist_env_test_cases,
};

kunit_test_suite(alist_env_test_suite);
