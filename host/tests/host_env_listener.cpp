// SPDX-License-Identifier: GPL-2.0
/*
 * Makes the host env's "cannot happen" reports and leaks fail the test that
 * caused them, for every suite in the binary (see env/host_env.h).
 *
 * After each test: wait for pending RCU callbacks, then compare the number
 * of alist_env_warn() calls with ExpectWarnings() (default 0) and the live
 * env allocations with the count at the test's start.
 */
#include <gtest/gtest.h>

#include "env/host_env.h"

namespace {

class HostEnvListener : public testing::EmptyTestEventListener {
	void OnTestStart(const testing::TestInfo &) override
	{
		alist_host::RcuBarrier();
		alist_host::ExpectWarnings(0);
		alist_host::FailNthAlloc(0);
		warns_ = alist_host::WarnCount();
		live_ = alist_host::LiveAllocs();
	}

	void OnTestEnd(const testing::TestInfo &) override
	{
		alist_host::FailNthAlloc(0);
		alist_host::RcuBarrier();
		EXPECT_EQ(alist_host::WarnCount() - warns_, alist_host::ExpectedWarnings())
			<< "alist_env_warn() fired (see stderr) or an expected one did not";
		EXPECT_EQ(alist_host::LiveAllocs(), live_)
			<< "env allocations leaked by this test";
		alist_host::ExpectWarnings(0);
	}

	unsigned long warns_ = 0;
	long live_ = 0;
};

/* Appended after the default printer: end events run in reverse order, so
 * these checks land before the test's result is printed. */
const bool g_registered = [] {
	testing::UnitTest::GetInstance()->listeners().Append(new HostEnvListener);
	return true;
}();

} // namespace
