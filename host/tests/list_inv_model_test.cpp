// SPDX-License-Identifier: GPL-2.0
/*
 * The attach list and the batcher together, against a naive model.
 *
 * Random sequences of attach, detach and replace over several domains,
 * devices on several VT-d units (some with ATS, some using a PASID), and
 * after every step an invalidation of a random domain, through the C API a
 * driver uses: alist_list_read_begin() + alist_vtd_inv_fill(). The model is
 * a plain multiset of the targets each domain must reach, kept by hand.
 * The emitted descriptors are decoded and must name every target the model
 * says is live exactly once and nothing else, with exactly one wait per
 * unit that has a live target, at the end of that unit's descriptors.
 *
 * During a replace the device must be reached through both domains until
 * the old one is detached; that window is checked at every replace.
 */
#include <alist/attach_list.h>
#include <alist/inv.h>
#include <alist/lock.h>

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "list_test_util.h"
#include "tests/inv_drain.h"

namespace {

using alist_test::Locked;
using alist_test::T;

constexpr unsigned kUnits = 3;
constexpr unsigned kDomains = 4;
constexpr unsigned kDevices = 10;

/* What a descriptor names: (type, unit, id, pasid); id is DID or SID. */
using Named = std::tuple<unsigned, alist_u32, alist_u32, alist_u32>;

struct Device {
	alist_u32 unit;
	alist_u32 sid;
	alist_u32 pasid;	/* the PASID its first-stage attach uses */
	bool ats;
	int domain = -1;
};

struct Domain {
	alist_list *list = nullptr;
	bool first_stage;	/* PASID-based IOTLB (PIOTLB) or plain IOTLB */
	/* The model: live targets with their users. */
	std::map<std::tuple<alist_u32, alist_u8, alist_u32, alist_u32, alist_u32>, int> live;
};

alist_u32 Did(unsigned domain)
{
	return 100 + domain;
}

/* The targets a device contributes to a domain, as a driver builds them. */
std::vector<alist_target> TargetsOf(const Device &d, unsigned dom, const Domain &D)
{
	std::vector<alist_target> t;

	if (D.first_stage)
		t.push_back(T(d.unit, ALIST_KIND_VTD_PIOTLB, Did(dom), 0, d.pasid));
	else
		t.push_back(T(d.unit, ALIST_KIND_VTD_IOTLB, Did(dom)));
	if (d.ats)
		t.push_back(T(d.unit, ALIST_KIND_ATC, 0, 0, D.first_stage ? d.pasid : 0, d.sid));
	return t;
}

void ModelAdd(Domain &D, const std::vector<alist_target> &t, int delta)
{
	for (const alist_target &e : t) {
		auto key = std::make_tuple(e.instance, e.kind, e.tag, e.pasid, e.sid);

		D.live[key] += delta;
		if (!D.live[key])
			D.live.erase(key);
	}
}

void Attach(Domain &D, const std::vector<alist_target> &t)
{
	Locked lock;
	alist_txn txn;

	ASSERT_EQ(alist_list_prepare_attach(D.list, t.data(), t.size(), &txn), 0);
	alist_list_commit_attach(&txn);
	ModelAdd(D, t, +1);
}

void Detach(Domain &D, std::vector<alist_target> t)
{
	Locked lock;

	alist_list_detach(D.list, t.data(), t.size());
	ModelAdd(D, t, -1);
}

/* What the model says an invalidation of @D must name. */
std::multiset<Named> Expected(const Domain &D, std::set<alist_u32> *units)
{
	std::set<Named> want;

	for (const auto &[key, users] : D.live) {
		auto [unit, kind, tag, pasid, sid] = key;

		units->insert(unit);
		if (kind == ALIST_KIND_VTD_IOTLB)
			want.insert({2, unit, tag, 0});
		else if (kind == ALIST_KIND_VTD_PIOTLB)
			want.insert({6, unit, tag, pasid});
		else
			want.insert({pasid ? 8u : 3u, unit, sid, pasid});
	}
	return {want.begin(), want.end()};
}

Named Decode(alist_u32 unit, const alist_cmd &c)
{
	alist_u64 w = c.w[0];
	unsigned type = w & 0xf;

	switch (type) {
	case 2:
		return {2, unit, (w >> 16) & 0xffff, 0};
	case 6:
		return {6, unit, (w >> 16) & 0xffff, (w >> 32) & 0xfffff};
	case 3:
		return {3, unit, (w >> 32) & 0xffff, 0};
	case 8:
		return {8, unit, (w >> 16) & 0xffff, (w >> 32) & 0xfffff};
	default:
		return {type, unit, 0, 0};
	}
}

/*
 * Invalidate @D (everything, or one naturally aligned block of pages, which
 * every format covers with one command per target) and check the result.
 */
void CheckInvalidation(const Domain &D, std::mt19937 &rng, const char *when)
{
	alist_vtd_params p{};
	alist_inv_cursor cur;
	std::multiset<Named> got;
	std::map<alist_u32, unsigned> waits;
	std::set<alist_u32> units, ended;

	p.psi = 1;
	p.mamv = 18;
	p.max_iotlb_cmds = 64;
	p.max_devtlb_cmds = 64;
	alist_inv_cursor_init(&cur, 0, 12);
	if (rng() % 3 == 0) {
		alist_inv_cursor_add_all(&cur);
	} else {
		unsigned order = rng() % 6;
		alist_u64 first = (alist_u64)(rng() % 4096) << order;

		alist_inv_cursor_add_range(&cur, first << 12,
					   ((first + (1ull << order)) << 12) - 1);
	}

	const alist_view *v = alist_list_read_begin(D.list);
	unsigned int n = 0;
	const alist_target *t = alist_view_entries(v, &n);

	/* A small buffer and table: batches end mid-unit and between units. */
	auto events = inv_test::Drain(
		[&](alist_inv_batch *b) { return alist_vtd_inv_fill(&cur, &p, t, n, b); }, 5,
		1 + rng() % 3);

	alist_list_read_end();
	for (const inv_test::Event &e : events) {
		ASSERT_FALSE(ended.count(e.instance))
			<< when << ": unit " << e.instance << " resumed after its wait";
		if (!e.sync) {
			got.insert(Decode(e.instance, e.cmd));
			continue;
		}
		waits[e.instance]++;
		ended.insert(e.instance);
	}

	std::multiset<Named> want = Expected(D, &units);

	EXPECT_EQ(got, want) << when << ": descriptors differ from the model";
	for (alist_u32 u : units)
		EXPECT_EQ(waits[u], 1u) << when << ": unit " << u << " waits";
	EXPECT_EQ(waits.size(), units.size()) << when << ": a wait for a unit with no live target";
}

TEST(ListInvModel, RandomSequencesInvalidateExactlyTheLiveTargets)
{
	for (unsigned seed = 1; seed <= 3; seed++) {
		SCOPED_TRACE("seed " + std::to_string(seed));
		std::mt19937 rng(seed);
		Domain dom[kDomains];
		Device dev[kDevices];

		for (unsigned i = 0; i < kDomains; i++) {
			dom[i].list = alist_list_alloc();
			ASSERT_NE(dom[i].list, nullptr);
			dom[i].first_stage = i % 2;
		}
		for (unsigned i = 0; i < kDevices; i++) {
			/* Two devices per unit share a SID range; some share a PASID. */
			dev[i] = Device{i % kUnits, 0x100 + i, 1 + i % 3, i % 3 == 0};
		}

		for (unsigned step = 0; step < 400; step++) {
			Device &d = dev[rng() % kDevices];
			unsigned to = rng() % kDomains;

			if (d.domain < 0) {
				Attach(dom[to], TargetsOf(d, to, dom[to]));
				d.domain = to;
			} else if (rng() % 3 == 0) {
				Detach(dom[d.domain], TargetsOf(d, d.domain, dom[d.domain]));
				d.domain = -1;
			} else if ((int)to != d.domain) {
				/* Replace: on both lists until the hardware switch. */
				unsigned from = d.domain;

				Attach(dom[to], TargetsOf(d, to, dom[to]));
				CheckInvalidation(dom[from], rng, "replace window, old domain");
				CheckInvalidation(dom[to], rng, "replace window, new domain");
				Detach(dom[from], TargetsOf(d, from, dom[from]));
				d.domain = to;
			}
			CheckInvalidation(dom[rng() % kDomains], rng, "after a step");
			if (HasFailure())
				return;
		}
		for (unsigned i = 0; i < kDevices; i++)
			if (dev[i].domain >= 0)
				Detach(dom[dev[i].domain], TargetsOf(dev[i], dev[i].domain,
								     dom[dev[i].domain]));
		for (unsigned i = 0; i < kDomains; i++) {
			CheckInvalidation(dom[i], rng, "all detached");
			alist_list_free(dom[i].list);
		}
	}
}

} // namespace
