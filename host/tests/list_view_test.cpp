// SPDX-License-Identifier: GPL-2.0
/*
 * The read side through the C view: live iteration in key order, grouped
 * per instance, per distinct tag, per ATC user; dead entries skipped at
 * every level.
 */
#include <gtest/gtest.h>

#include <alist/attach_list.h>

#include "list_test_util.h"

using namespace alist_test;

namespace {

constexpr alist_u8 IOTLB = ALIST_KIND_VTD_IOTLB;
constexpr alist_u8 PIOTLB = ALIST_KIND_VTD_PIOTLB;

struct Walk {
	std::vector<alist_u32> instances;
	std::vector<std::string> tags;	/* "i:kind:tag:pasid" */
	std::vector<std::string> atcs;	/* "i:sid:pasid" */
};

bool IsAtc(alist_u8 kind)
{
	return kind == ALIST_KIND_ATC || kind == ALIST_KIND_ATC_FULL;
}

/*
 * Group a walk of the C view: per instance, the first live entry of each
 * run of one IOTLB tag (kind, tag, vmid, pasid), and every live ATC user.
 */
Walk WalkList(alist_list *l)
{
	Walk w;
	const alist_view *v = alist_list_read_begin(l);
	unsigned int pos = 0;
	alist_target t, last{};
	bool have_last = false;

	while (alist_test::ViewNext(v, &pos, &t)) {
		if (w.instances.empty() || w.instances.back() != t.instance) {
			w.instances.push_back(t.instance);
			have_last = false;
		}
		if (IsAtc(t.kind)) {
			w.atcs.push_back(std::to_string(t.instance) + ":" + std::to_string(t.sid) +
					 ":" + std::to_string(t.pasid));
			continue;
		}
		if (have_last && last.kind == t.kind && last.tag == t.tag && last.vmid == t.vmid &&
		    last.pasid == t.pasid)
			continue;
		last = t;
		have_last = true;
		w.tags.push_back(std::to_string(t.instance) + ":" + std::to_string(t.kind) + ":" +
				 std::to_string(t.tag) + ":" + std::to_string(t.pasid));
	}
	alist_list_read_end();
	return w;
}

TEST(ListView, GroupsPerInstanceTagAndAtcUser)
{
	alist_list *l = alist_list_alloc();
	const std::vector<alist_target> all = {
		T(0, IOTLB, 5, 0, 0, 1), T(0, IOTLB, 5, 0, 0, 2),	/* one tag, 2 sids */
		T(0, PIOTLB, 5, 0, 1), T(0, PIOTLB, 5, 0, 2),	/* two PASIDs */
		Atc(0, 0x10), Atc(0, 0x10, 1), Atc(0, 0x11),
		T(2, IOTLB, 6),
		Atc(3, 0x20),
	};
	ASSERT_EQ(Attach(l, all), 0);
	Walk w = WalkList(l);
	EXPECT_EQ(w.instances, (std::vector<alist_u32>{0, 2, 3}));
	EXPECT_EQ(w.tags, (std::vector<std::string>{"0:0:5:0", "0:1:5:1", "0:1:5:2", "2:0:6:0"}));
	/* Key order: pasid before sid. */
	EXPECT_EQ(w.atcs, (std::vector<std::string>{"0:16:0", "0:17:0", "0:16:1", "3:32:0"}));

	/* Kill: the first entry of a tag run, a whole instance, an ATC user. */
	Detach(l, {T(0, IOTLB, 5, 0, 0, 1), T(2, IOTLB, 6), Atc(0, 0x10, 1)});
	w = WalkList(l);
	EXPECT_EQ(w.instances, (std::vector<alist_u32>{0, 3}));
	EXPECT_EQ(w.tags, (std::vector<std::string>{"0:0:5:0", "0:1:5:1", "0:1:5:2"}));
	EXPECT_EQ(w.atcs, (std::vector<std::string>{"0:16:0", "0:17:0", "3:32:0"}));

	/* Instance 0 with only ATC users left; instance 3 gone. */
	Detach(l, {T(0, IOTLB, 5, 0, 0, 2), T(0, PIOTLB, 5, 0, 1), T(0, PIOTLB, 5, 0, 2),
		   Atc(3, 0x20)});
	w = WalkList(l);
	EXPECT_EQ(w.instances, (std::vector<alist_u32>{0}));
	EXPECT_TRUE(w.tags.empty());
	EXPECT_EQ(w.atcs, (std::vector<std::string>{"0:16:0", "0:17:0"}));

	Detach(l, {Atc(0, 0x10), Atc(0, 0x11)});
	w = WalkList(l);
	EXPECT_TRUE(w.instances.empty());
	alist_list_free(l);
}

TEST(ListView, CViewSkipsDeadAndExposesRawEntries)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1), T(0, IOTLB, 2), T(0, IOTLB, 3)}), 0);
	Detach(l, {T(0, IOTLB, 2)});

	const alist_view *v = alist_list_read_begin(l);
	unsigned int pos = 0, n;
	alist_target t;
	std::vector<alist_u32> tags;
	while (alist_test::ViewNext(v, &pos, &t)) {
		tags.push_back(t.tag);
		EXPECT_EQ(t.users, 1u);
	}
	const alist_target *raw = alist_view_entries(v, &n);
	alist_list_read_end();
	EXPECT_EQ(tags, (std::vector<alist_u32>{1, 3}));
	ASSERT_EQ(n, 3u);
	EXPECT_EQ(raw[1].tag, 2u);
	Detach(l, {T(0, IOTLB, 1), T(0, IOTLB, 3)});
	alist_list_free(l);
}

/* A walk whose cursor is past a count trimmed under it just ends. */
TEST(ListView, CViewCursorPastTrimmedCount)
{
	alist_list *l = alist_list_alloc();
	ASSERT_EQ(Attach(l, {T(0, IOTLB, 1), T(0, IOTLB, 2), T(0, IOTLB, 3)}), 0);
	const alist_view *v = alist_list_read_begin(l);
	unsigned int pos = 0;
	alist_target t;
	ASSERT_EQ(alist_test::ViewNext(v, &pos, &t), 1);
	ASSERT_EQ(alist_test::ViewNext(v, &pos, &t), 1);
	EXPECT_EQ(pos, 2u);
	Detach(l, {T(0, IOTLB, 2), T(0, IOTLB, 3)});	/* count 3 -> 1 */
	EXPECT_EQ(alist_test::ViewNext(v, &pos, &t), 0);
	alist_list_read_end();
	Detach(l, {T(0, IOTLB, 1)});
	alist_list_free(l);
}

} // namespace
