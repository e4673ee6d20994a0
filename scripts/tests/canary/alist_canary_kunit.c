// SPDX-License-Identifier: GPL-2.0
/*
 * Canary suites for the test runner's own tests.
 *
 * alist_canary_pass must pass, alist_canary_fail must be reported as one
 * failed case, alist_canary_warn must fail the run through the splat it
 * causes even though its case "passes", and alist_canary_leak must fail it
 * through the kmemleak scan at the end: its unwind returns the right errno
 * but forgets what the first step allocated. If the runner ever reports
 * these wrong, it cannot be trusted with the real suites.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static void alist_canary_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1 + 1, 2);
}

static void alist_canary_fails(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, 1 + 1, 3, "deliberate failure");
}

static void alist_canary_warns(struct kunit *test)
{
	WARN_ON(1);
	KUNIT_EXPECT_TRUE(test, true);
}

/*
 * A setup of several steps whose last one fails: the unwind returns
 * -ENOMEM but frees nothing of the steps before, the bug fail-nth sweeps
 * hunt for. Each step takes three pages: beyond the kmalloc caches, whose
 * per-CPU sheaves keep stale pointers to the objects they handed out and
 * so hide a leak until other frees overwrite them.
 */
static noinline int canary_leaky_setup(unsigned int steps)
{
	unsigned int i;
	void *obj;

	for (i = 0; i + 1 < steps; i++) {
		obj = kzalloc(3 * PAGE_SIZE, GFP_KERNEL);
		if (!obj)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(obj);
	}
	return -ENOMEM;
}

/*
 * kmemleak scans the thread stacks too, and a freed stack is cached, not
 * cleared: the lost pointers the calls above left there would still count
 * as references. Overwrite the stack below this frame.
 */
static noinline void canary_scrub_stack(unsigned int depth)
{
	char buf[1024];

	memzero_explicit(buf, sizeof(buf));
	if (depth)
		canary_scrub_stack(depth - 1);
	barrier_data(buf);
}

static void alist_canary_leaks(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, canary_leaky_setup(3), -ENOMEM);
	/* About 20 KiB: the allocator's calls run deep with KASAN and lockdep */
	canary_scrub_stack(18);
}

static struct kunit_case alist_canary_pass_cases[] = {
	KUNIT_CASE(alist_canary_passes),
	{}
};

static struct kunit_case alist_canary_fail_cases[] = {
	KUNIT_CASE(alist_canary_passes),
	KUNIT_CASE(alist_canary_fails),
	{}
};

static struct kunit_case alist_canary_warn_cases[] = {
	KUNIT_CASE(alist_canary_warns),
	{}
};

static struct kunit_case alist_canary_leak_cases[] = {
	KUNIT_CASE(alist_canary_leaks),
	{}
};

static struct kunit_suite alist_canary_pass_suite = {
	.name = "alist_canary_pass",
	.test_cases = alist_canary_pass_cases,
};

static struct kunit_suite alist_canary_fail_suite = {
	.name = "alist_canary_fail",
	.test_cases = alist_canary_fail_cases,
};

static struct kunit_suite alist_canary_warn_suite = {
	.name = "alist_canary_warn",
	.test_cases = alist_canary_warn_cases,
};

static struct kunit_suite alist_canary_leak_suite = {
	.name = "alist_canary_leak",
	.test_cases = alist_canary_leak_cases,
};

kunit_test_suites(&alist_canary_pass_suite, &alist_canary_fail_suite,
		  &alist_canary_warn_suite, &alist_canary_leak_suite);

MODULE_DESCRIPTION("iommu-alist test runner canaries");
MODULE_LICENSE("GPL");
