// SPDX-License-Identifier: GPL-2.0
/*
 * Canary suites for the test runner's own tests.
 *
 * alist_canary_pass must pass, alist_canary_fail must be reported as one
 * failed case, and alist_canary_warn must fail the run through the splat it
 * causes even though its case "passes". If the runner ever reports these
 * wrong, it cannot be trusted with the real suites.
 */
#include <kunit/test.h>
#include <linux/module.h>

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

kunit_test_suites(&alist_canary_pass_suite, &alist_canary_fail_suite,
		  &alist_canary_warn_suite);

MODULE_DESCRIPTION("iommu-alist test runner canaries");
MODULE_LICENSE("GPL");
