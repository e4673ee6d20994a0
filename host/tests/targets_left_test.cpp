// SPDX-License-Identifier: GPL-2.0
/*
 * alist_targets_left(): what a detach reported, turned into what the
 * invalidation fill takes.
 */
#include <alist/attach_list.h>
#include <alist/inv.h>

#include <gtest/gtest.h>

#include "list_test_util.h"
#include "tests/inv_drain.h"

namespace {

using alist_test::Atc;
using alist_test::T;

/* Only targets whose users reached 0, marked live, in key order. */
TEST(TargetsLeft, KeepsOnlyTheGoneOnesLiveAndSorted)
{
	alist_target reported[] = {
		Atc(1, 0x10, 0, 0),			/* gone */
		T(0, ALIST_KIND_VTD_PIOTLB, 7, 0, 3, 0, 2),	/* still used */
		T(1, ALIST_KIND_VTD_IOTLB, 9, 0, 0, 0, 0),	/* gone */
		T(0, ALIST_KIND_VTD_IOTLB, 5, 0, 0, 0, 0),	/* gone */
	};
	alist_target out[4];
	unsigned int n = alist_targets_left(reported, 4, out);

	ASSERT_EQ(n, 3u);
	EXPECT_EQ(out[0].instance, 0u);
	EXPECT_EQ(out[0].tag, 5u);
	EXPECT_EQ(out[1].instance, 1u);
	EXPECT_EQ(out[1].kind, ALIST_KIND_VTD_IOTLB);
	EXPECT_EQ(out[2].kind, ALIST_KIND_ATC);
	for (unsigned int i = 0; i < n; i++)
		EXPECT_EQ(out[i].users, 1u);
}

/* Nothing left: nothing to flush. */
TEST(TargetsLeft, NoneGone)
{
	alist_target reported[] = { T(0, ALIST_KIND_VTD_IOTLB, 5, 0, 0, 0, 1) };
	alist_target out[1];

	EXPECT_EQ(alist_targets_left(reported, 1, out), 0u);
	EXPECT_EQ(alist_targets_left(reported, 0, out), 0u);
}

/*
 * The result feeds a whole flush: one domain-selective IOTLB descriptor per
 * gone tag and unit, then one wait per unit.
 */
TEST(TargetsLeft, FeedsTheFill)
{
	alist_target reported[] = {
		T(1, ALIST_KIND_VTD_IOTLB, 9, 0, 0, 0, 0),
		T(0, ALIST_KIND_VTD_IOTLB, 5, 0, 0, 0, 0),
		T(1, ALIST_KIND_VTD_IOTLB, 4, 0, 0, 0, 0),
	};
	alist_target out[3];
	unsigned int n = alist_targets_left(reported, 3, out);
	alist_vtd_params p{};
	alist_inv_cursor cur;
	unsigned int fills = 0;

	p.psi = 1;
	p.mamv = 18;
	p.max_iotlb_cmds = 16;
	p.max_devtlb_cmds = 16;
	alist_inv_cursor_init(&cur, 0, 12);
	alist_inv_cursor_add_all(&cur);
	auto ev = inv_test::Drain(
		[&](alist_inv_batch *b) { return alist_vtd_inv_fill(&cur, &p, out, n, b); }, 8, 4,
		&fills);
	/* Unit 0: tag 5, wait; unit 1: tags 4 and 9, wait -- one batch. */
	ASSERT_EQ(ev.size(), 5u);
	EXPECT_EQ(ev[0].instance, 0u);
	EXPECT_TRUE(ev[1].sync);
	EXPECT_EQ(ev[2].instance, 1u);
	EXPECT_EQ(ev[3].instance, 1u);
	EXPECT_TRUE(ev[4].sync && ev[4].instance == 1u);
	EXPECT_EQ(fills, 1u);
}

} // namespace
