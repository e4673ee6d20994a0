// SPDX-License-Identifier: GPL-2.0
/*
 * Invalidation benchmark cases: ours (the C API a driver calls: cursor +
 * fill into a chunk buffer, then the queue) against the baseline models of
 * inv_bench_models.h, on the same input and the same simulated queue.
 *
 * Every case also knows its minimum (commands and syncs), computed here
 * from the case's shape, independently of the core.
 *
 * Cases (bench_main.cpp times them in pairs):
 *   Range/<fmt>/N/M/atc   one 64 KiB unmap on a domain with N devices over
 *                         M instances, with/without ATS
 *                         vtd: ours, spinlist (cache.c), fnarray_hyp (a
 *                         design no kernel has, kept only as a label-
 *                         carrying reference); smmuv3: ours, invs734
 *                         (arm_smmu_invs as 7.3.4 runs it)
 *   UArray/<fmt>/E        a user invalidation array of E entries
 *                         vtd: ours, spinlist; smmuv3: ours, batch63
 * plus the plain Google Benchmark family
 *   Readers/ours/writer   walks of a live attach list while a writer
 *                         attaches/detaches
 */
#include "bench/inv_bench.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include <alist/attach_list.h>
#include <alist/env.h>
#include <alist/inv.h>
#include <alist/lock.h>
#include <alist/user_array.h>

#include "bench/inv_bench_models.h"

namespace inv_bench {

unsigned g_sync_spin = 0;

namespace {

/*
 * The drivers' parameters (drivers/vtd/unit.c narrowed by QEMU's and
 * typical hardware's CAP.MAMV = 18; drivers/smmuv3/main.c): thresholds 16
 * and 511, one device-TLB/ATC command per device, the default cost model.
 */
const alist_vtd_params kVtd{1, 18, 1, 1, 16, 1, nullptr};
const alist_smmuv3_params kSmmu{1, 12, 1, 0, 511, 1, nullptr};
/* The unmapped range: 16 pages at a 64 KiB-aligned IOVA. */
constexpr alist_u64 kStart = 0x40000000ull, kLast = kStart + 0x10000 - 1;
/*
 * Ours runs as the drivers call it: their batches (VTD_FLUSH_BATCH and
 * _CHUNKS, SMMUV3_INV_BATCH / SMMUV3_UINV_BATCH and _CHUNKS; on the stack
 * next to the cursor, except the vSMMU's kmalloc'd one) and the
 * smp_mb() they issue before reading a domain's targets (cleared PTEs
 * visible first; every baseline pays that barrier too, as a fence or a
 * lock). The range paths issue it before building the cursor, as
 * vtd_domain_flush_range() and smmuv3_inv_range() do.
 */
constexpr unsigned kBufVtd = 16;	/* VTD_FLUSH_BATCH */
constexpr unsigned kBufSmmu = 32;	/* SMMUV3_INV_BATCH */
constexpr unsigned kBufSmmuUser = 64;	/* SMMUV3_UINV_BATCH */
constexpr unsigned kChunks = 8;	/* VTD_FLUSH_CHUNKS, SMMUV3_INV_CHUNKS */

/*
 * What our drivers do around the hardware queue, per submission, that the
 * models' upstream drivers do not: VT-d vtd_qi_submit() adds to three
 * 64-bit atomic counters and, per descriptor type present, one more
 * (debugfs; counted in locals first), and keeps a copy of the submission (up to VTD_QI_LAST = 32
 * descriptors) under the queue lock (the lock itself every model pays,
 * in Queue); SMMUv3 smmuv3_cmdq_submit_span()
 * adds to its command and sync counters. domain/flush.c counts every
 * iotlb_sync (its should_fail() exists only in test-hook builds,
 * CONFIG_IOMMU_ALIST_TEST_HOOKS: a production build does not pay it).
 */
struct DriverSide {
	std::atomic<alist_u64> descs{0}, waits{0}, submits{0}, by_type[16]{};
	std::atomic<alist_u64> iotlb_syncs{0};
	alist_cmd last[32];
	unsigned last_n = 0;
};

DriverSide g_side_vtd, g_side_smmu;

/* The per-iotlb_sync part (domain/flush.c alist_iotlb_sync()). */
inline void FlushSide(DriverSide &d)
{
	d.iotlb_syncs.fetch_add(1, std::memory_order_relaxed);
}

inline void SubmitSide(VtdQueue &q, const alist_cmd *c, unsigned n, alist_u32 inst,
		       bool sync)
{
	DriverSide &d = g_side_vtd;
	unsigned k = std::min(n, 31u);

	d.descs.fetch_add(n, std::memory_order_relaxed);
	d.waits.fetch_add(sync, std::memory_order_relaxed);
	d.submits.fetch_add(1, std::memory_order_relaxed);
	unsigned by_type[16] = {};
	for (unsigned i = 0; i < n; i++)
		by_type[c[i].w[0] & 0xf]++;
	for (unsigned t = 0; t < 16; t++)
		if (by_type[t])
			d.by_type[t].fetch_add(by_type[t], std::memory_order_relaxed);
	/* Under the queue lock (Queue takes it, for every model alike). */
	q.Submit(c, n, inst, false);
	memcpy(d.last, c, k * sizeof(*c));
	d.last_n = n + sync;
	if (sync)
		q.Sync(inst);	/* the wait: polled with no lock held */
}

inline void SubmitSide(SmmuQueue &q, const alist_cmd *c, unsigned n, alist_u32 inst,
		       bool sync)
{
	DriverSide &d = g_side_smmu;

	d.descs.fetch_add(n, std::memory_order_relaxed);
	if (sync)
		d.waits.fetch_add(1, std::memory_order_relaxed);
	q.Submit(c, n, inst, false);
	if (sync)
		q.Sync(inst);
}

/* A driver's batch: its command buffer and chunk table. */
template <unsigned kCap>
struct Batch {
	alist_cmd cmds[kCap];
	alist_inv_chunk chunks[kChunks];
	alist_inv_batch b = ALIST_INV_BATCH_INIT(cmds, chunks);

	/* The @nr chunks of the last fill to @q, as the drivers submit them. */
	template <class Q>
	void SubmitTo(int nr, Q &q) const
	{
		for (int i = 0; i < nr; i++)
			SubmitSide(q, &cmds[chunks[i].first], chunks[i].nr_cmds,
				   chunks[i].instance, chunks[i].sync);
	}
};

/* CAP: PSI (39), MAMV = 18 (53:48), DWD (54), DRD (55); GCMD.TE. */
constexpr alist_u64 kVtdCap = 1ull << 39 | 18ull << 48 | 1ull << 54 | 1ull << 55;

bool KeyLess(const alist_target &a, const alist_target &b)
{
	return std::tie(a.instance, a.kind, a.tag, a.vmid, a.pasid, a.sid) <
	       std::tie(b.instance, b.kind, b.tag, b.vmid, b.pasid, b.sid);
}

/* N devices round-robin over M instances; each adds the domain's IOTLB
 * target (no SID: the attach list keeps one entry per instance with N
 * users) and, with ATS, its device-TLB target. */
std::vector<alist_target> Targets(bool vtd, unsigned n, unsigned m, bool atc)
{
	std::vector<alist_target> t;
	for (unsigned d = 0; d < n; d++) {
		alist_target e{};
		e.instance = d % m;
		e.kind = vtd ? ALIST_KIND_VTD_PIOTLB : ALIST_KIND_SMMU_S1;
		e.tag = 1;
		e.pasid = vtd ? 1 : ALIST_NO_PASID;
		e.users = 1;
		if (d < m)
			t.push_back(e);
		if (atc) {
			e.kind = ALIST_KIND_ATC;
			e.sid = 0x100 + d;
			t.push_back(e);
		}
	}
	std::sort(t.begin(), t.end(), KeyLess);
	return t;
}

/*
 * One unmap as the drivers flush it: @fill is alist_{vtd,smmuv3}_inv_fill,
 * the batch is on the stack next to the cursor (vtd_inv_walk(),
 * smmuv3_domain.c).
 */
template <unsigned kCap, class P, class Q>
void RunOurs(int (*fill)(alist_inv_cursor *, const P *, const alist_target *, unsigned,
			 alist_inv_batch *),
	     const P &p, const std::vector<alist_target> &t, Q &q)
{
	Batch<kCap> b;
	alist_inv_cursor cur;

	FlushSide(std::is_same_v<Q, VtdQueue> ? g_side_vtd : g_side_smmu);
	alist_env_smp_mb();
	alist_inv_cursor_init(&cur, ALIST_INV_LEAF, 12);
	alist_inv_cursor_add_range(&cur, Opaque(kStart), Opaque(kLast));
	do {
		b.SubmitTo(fill(&cur, &p, t.data(), static_cast<unsigned>(t.size()), &b.b), q);
	} while (!b.b.done);
}

/* ---- Range invalidation, VT-d ------------------------------------------- */

struct RangeVtd {
	VtdQueue q;
	std::vector<alist_target> t;
	std::vector<vtd::Iommu> iommus;
	std::vector<vtd::DevInfo> infos;
	std::vector<vtd::Device> devs;
	std::unique_ptr<SpinList> spin;
	FnArray arr;
	std::atomic<FnArray *> slot{nullptr};
	VtdFnBatch fbatch;
};

std::unique_ptr<CaseBase> MakeRangeVtd(unsigned n, unsigned m, bool atc)
{
	auto s = std::make_unique<RangeVtd>();
	unsigned used = std::min(n, m);

	s->t = Targets(true, n, m, atc);
	s->iommus.resize(m);
	for (unsigned i = 0; i < m; i++)
		s->iommus[i] = vtd::Iommu{i, vtd::kGcmdTe, kVtdCap, 1ull << 1};
	s->infos.resize(n);
	s->devs.resize(n);
	for (unsigned d = 0; d < n; d++) {
		alist_u32 sid = 0x100 + d;
		s->infos[d] = vtd::DevInfo{static_cast<alist_u8>(sid >> 8),
					   static_cast<alist_u8>(sid), 0, 0, false};
		s->devs[d].priv = &s->infos[d];
	}

	/* SpinList: one IOTLB tag per IOMMU (refcounted), one devTLB tag per
	 * device, grouped by IOMMU as cache_tag_assign() inserts them. */
	s->spin = std::make_unique<SpinList>(true);
	for (unsigned i = 0; i < used; i++)
		s->spin->Add(SpinList::kIotlb, &s->iommus[i], 1, 1, nullptr);
	for (unsigned d = 0; atc && d < n; d++)
		s->spin->Add(SpinList::kDevTlb, &s->iommus[d % m], 1, 1, &s->devs[d]);

	/* FnArray: the same targets as a sorted array of 32-byte entries. */
	for (unsigned i = 0; i < used; i++) {
		FnEntry e{};
		e.unit = &s->iommus[i];
		e.type = kVtdIotlb;
		e.id = 1;
		e.ssid = 1;
		e.users = 1;
		e.fn = FnVtdIotlb;
		s->arr.inv.push_back(e);
	}
	for (unsigned d = 0; atc && d < n; d++) {
		FnEntry e{};
		e.unit = &s->iommus[d % m];
		e.type = kVtdDevTlb;
		e.id = 0x100 + d;
		e.ssid = 1;
		e.users = 1;
		e.fn = FnVtdDev;
		s->arr.inv.push_back(e);
	}
	std::stable_sort(s->arr.inv.begin(), s->arr.inv.end(), [](auto &a, auto &b) {
		return std::tie(static_cast<vtd::Iommu *>(a.unit)->seq_id, a.type, a.id) <
		       std::tie(static_cast<vtd::Iommu *>(b.unit)->seq_id, b.type, b.id);
	});
	s->arr.num_invs = static_cast<alist_u32>(s->arr.inv.size());
	s->arr.has_ats = atc;
	s->slot.store(&s->arr);

	return MakeCase(
		std::move(s),
		[](RangeVtd &s) { RunOurs<kBufVtd>(alist_vtd_inv_fill, kVtd, s.t, s.q); },
		[](RangeVtd &s) { s.spin->FlushRange(Opaque(kStart), Opaque(kLast), true, s.q); },
		[](RangeVtd &s) {
			FnInvRangeVtd(s.slot, Opaque(kStart), Opaque(kLast), true, s.fbatch, s.q);
		});
}

/* ---- Range invalidation, SMMUv3 ----------------------------------------- */

struct RangeSmmu {
	SmmuQueue q;
	std::vector<alist_target> t;
	std::vector<smmu::Device> devs;
	FnArray arr;
	std::atomic<FnArray *> slot{nullptr};
};

std::unique_ptr<CaseBase> MakeRangeSmmu(unsigned n, unsigned m, bool atc)
{
	auto s = std::make_unique<RangeSmmu>();
	unsigned used = std::min(n, m);

	s->t = Targets(false, n, m, atc);
	s->devs.resize(m);
	for (unsigned i = 0; i < m; i++)
		s->devs[i] = smmu::Device{i, smmu::kFeatRangeInv, 0, smmu::Cmdq{nullptr}};
	for (unsigned i = 0; i < used; i++) {
		FnEntry e{};
		e.unit = &s->devs[i];
		e.type = kS1Asid;
		e.size_opcode = smmu::kOpTlbiNhVa;
		e.nsize_opcode = smmu::kOpTlbiNhAsid;
		e.id = 1;
		e.pgsize = 12;
		e.users = 1;
		s->arr.inv.push_back(e);
	}
	for (unsigned d = 0; atc && d < n; d++) {
		FnEntry e{};
		e.unit = &s->devs[d % m];
		e.type = kAts;
		e.size_opcode = smmu::kOpAtcInv;
		e.nsize_opcode = smmu::kOpAtcInv;
		e.id = 0x100 + d;
		e.ssid = ALIST_NO_PASID;
		e.users = 1;
		s->arr.inv.push_back(e);
	}
	std::stable_sort(s->arr.inv.begin(), s->arr.inv.end(), [](auto &a, auto &b) {
		return std::tie(static_cast<smmu::Device *>(a.unit)->id, a.type, a.id) <
		       std::tie(static_cast<smmu::Device *>(b.unit)->id, b.type, b.id);
	});
	s->arr.num_invs = static_cast<alist_u32>(s->arr.inv.size());
	s->arr.has_ats = atc;
	s->slot.store(&s->arr);

	return MakeCase(
		std::move(s),
		[](RangeSmmu &s) { RunOurs<kBufSmmu>(alist_smmuv3_inv_fill, kSmmu, s.t, s.q); },
		[](RangeSmmu &s) {
			InvsRangeSmmu(s.slot, Opaque(kStart), Opaque(kLast - kStart + 1), 4096,
				       true, s.q);
		});
}

/* ---- User arrays --------------------------------------------------------- */

/* Nested domain: 2 units, one PASID-IOTLB tag each, 2 ATS devices each. */
std::vector<alist_target> NestedTargets()
{
	std::vector<alist_target> t;
	for (unsigned i = 0; i < 2; i++) {
		alist_target e{};
		e.instance = i;
		e.kind = ALIST_KIND_VTD_PIOTLB;
		e.tag = 1;
		e.pasid = 1;
		e.users = 1;
		t.push_back(e);
		for (unsigned d = 0; d < 2; d++) {
			e.kind = ALIST_KIND_ATC;
			e.sid = 0x10 * i + d;
			t.push_back(e);
		}
	}
	std::sort(t.begin(), t.end(), KeyLess);
	return t;
}

struct UArrayVtd {
	VtdQueue q;
	std::vector<alist_vtd_s1_inv> v;
	std::vector<alist_target> t;
	vtd::Iommu iommus[2];
	vtd::DevInfo infos[4];
	vtd::Device devs[4];
	std::unique_ptr<SpinList> spin;
};

std::unique_ptr<CaseBase> MakeUArrayVtd(unsigned e)
{
	auto s = std::make_unique<UArrayVtd>();

	/* E one-page entries over one aligned E-page buffer (a guest
	 * unmapping a buffer page by page), in reverse order. */
	for (unsigned i = 0; i < e; i++)
		s->v.push_back(alist_vtd_s1_inv{0x10000000ull + 0x1000ull * (e - 1 - i), 1,
						ALIST_VTD_S1_INV_LEAF, 0});
	s->t = NestedTargets();
	s->spin = std::make_unique<SpinList>(true);
	for (unsigned i = 0; i < 2; i++) {
		s->iommus[i] = vtd::Iommu{i, vtd::kGcmdTe, kVtdCap, 1ull << 1};
		s->spin->Add(SpinList::kIotlb, &s->iommus[i], 1, 1, nullptr);
		for (unsigned d = 0; d < 2; d++) {
			alist_u32 sid = 0x10 * i + d;
			s->infos[2 * i + d] = vtd::DevInfo{static_cast<alist_u8>(sid >> 8),
							   static_cast<alist_u8>(sid), 0, 0, false};
			s->devs[2 * i + d].priv = &s->infos[2 * i + d];
			s->spin->Add(SpinList::kDevTlb, &s->iommus[i], 1, 1, &s->devs[2 * i + d]);
		}
	}
	return MakeCase(
		std::move(s),
		[](UArrayVtd &s) {
			alist_user_array a{ALIST_UARRAY_TYPE_VTD_S1, sizeof(s.v[0]),
					   Opaque(static_cast<alist_u32>(s.v.size())), 0,
					   s.v.data()};
			alist_inv_cursor cur;
			Batch<kBufVtd> b;

			if (alist_vtd_user_inv_decode(&a, &cur))
				abort();
			alist_env_smp_mb();
			do {
				b.SubmitTo(alist_vtd_inv_fill(&cur, &kVtd, s.t.data(), s.t.size(),
							      &b.b),
					   s.q);
			} while (!b.b.done);
		},
		[](UArrayVtd &s) {
			alist_user_array a{ALIST_UARRAY_TYPE_VTD_S1, sizeof(s.v[0]),
					   Opaque(static_cast<alist_u32>(s.v.size())), 0,
					   s.v.data()};

			if (s.spin->InvalidateUser(&a, s.q))
				abort();
		});
}

struct UArraySmmu {
	SmmuQueue q;
	Batch<kBufSmmuUser> batch;
	std::vector<alist_smmuv3_user_cmd> v;
	smmu::Device dev{0, smmu::kFeatRangeInv, 0, smmu::Cmdq{nullptr}};
	Vsmmu vsmmu{3, true, true, nullptr};
};

std::unique_ptr<CaseBase> MakeUArraySmmu(unsigned e)
{
	auto s = std::make_unique<UArraySmmu>();

	/* E TLBI_NH_VA (ASID 5) commands, one page each. */
	for (unsigned i = 0; i < e; i++)
		s->v.push_back(alist_smmuv3_user_cmd{{0x12 | (5ull << 48),
						      0x10000000ull + 0x1000ull * i}});
	s->vsmmu.smmu = &s->dev;
	return MakeCase(
		std::move(s),
		[](UArraySmmu &s) {
			alist_user_array a{ALIST_UARRAY_TYPE_SMMUV3, sizeof(s.v[0]),
					   Opaque(static_cast<alist_u32>(s.v.size())), 0,
					   s.v.data()};
			alist_smmuv3_uinv st;

			alist_smmuv3_user_inv_init(&st, &a, &kSmmu, 0, 3, nullptr);
			do {
				s.batch.SubmitTo(alist_smmuv3_user_inv_fill(&st, &s.batch.b), s.q);
			} while (!s.batch.b.done);
			if (alist_smmuv3_user_inv_finish(&st))
				abort();
		},
		[](UArraySmmu &s) {
			alist_user_array a{ALIST_UARRAY_TYPE_SMMUV3, sizeof(s.v[0]),
					   Opaque(static_cast<alist_u32>(s.v.size())), 0,
					   s.v.data()};

			if (Batch63Invalidate(s.vsmmu, &a, s.q))
				abort();
		});
}

std::vector<CaseDef> BuildCases()
{
	std::vector<CaseDef> c;

	for (int vtd : {1, 0})
		for (int atc : {0, 1})
			for (unsigned m : {1, 2, 4, 8})
				for (unsigned n : {1, 4, 16, 64, 256}) {
					unsigned used = std::min(n, m);
					CaseDef d;
					d.family = vtd ? "Range/vtd" : "Range/smmuv3";
					d.name = d.family + "/N:" + std::to_string(n) +
						 "/M:" + std::to_string(m) +
						 "/atc:" + std::to_string(atc);
					d.n = n;
					d.min_cmds = used + (atc ? n : 0);
					if (vtd) {
						d.models = {"ours", "spinlist", "fnarray_hyp"};
						d.min_syncs = used;
						d.make = [=] { return MakeRangeVtd(n, m, atc); };
					} else {
						d.models = {"ours", "invs734"};
						d.min_syncs = used * (atc ? 2 : 1);
						d.make = [=] { return MakeRangeSmmu(n, m, atc); };
					}
					c.push_back(d);
				}
	for (unsigned e : {1, 16, 256, 4096}) {
		CaseDef d;
		d.family = "UArray/vtd";
		d.name = d.family + "/E:" + std::to_string(e);
		d.n = e;
		d.models = {"ours", "spinlist"};
		/* One aligned power-of-two range: 1 P_IOTLB + 2 devTLB per unit. */
		d.min_cmds = 6;
		d.min_syncs = 2;
		d.make = [=] { return MakeUArrayVtd(e); };
		c.push_back(d);
	}
	for (unsigned e : {1, 16, 256, 4096}) {
		CaseDef d;
		d.family = "UArray/smmuv3";
		d.name = d.family + "/E:" + std::to_string(e);
		d.n = e;
		d.models = {"ours", "batch63"};
		d.min_cmds = e;
		d.min_syncs = 1;
		d.make = [=] { return MakeUArraySmmu(e); };
		c.push_back(d);
	}
	return c;
}

} // namespace

std::vector<CaseDef> &Cases()
{
	static std::vector<CaseDef> cases = BuildCases();
	return cases;
}

/* ---- Readers against a writer (plain Google Benchmark) ------------------- */

namespace {

/* A domain with 16 devices on 2 units (ATS) plus a device that a writer
 * thread attaches and detaches as fast as it can. Readers walk the list
 * with the C API, as iotlb_sync does. */
void ReadersOurs(benchmark::State &st)
{
	static alist_list *list;
	static std::atomic<bool> stop;
	static std::atomic<unsigned long> writes;
	static std::thread writer;
	static std::vector<alist_target> t;
	bool with_writer = st.range(0);

	if (st.thread_index() == 0) {
		list = alist_list_alloc();
		t = Targets(true, 16, 2, true);
		for (auto &x : t)
			x.users = 0;
		alist_txn txn;
		alist_lock();
		if (alist_list_prepare_attach(list, t.data(), t.size(), &txn) == 0)
			alist_list_commit_attach(&txn);
		alist_unlock();
		stop = false;
		writes = 0;
		if (with_writer) {
			writer = std::thread([] {
				alist_target extra[2] = {};
				extra[0].instance = 1;
				extra[0].kind = ALIST_KIND_VTD_PIOTLB;
				extra[0].tag = 2;
				extra[0].pasid = 1;
				extra[1] = extra[0];
				extra[1].kind = ALIST_KIND_ATC;
				extra[1].sid = 0x999;
				while (!stop.load(std::memory_order_relaxed)) {
					alist_txn tx;
					alist_lock();
					if (alist_list_prepare_attach(list, extra, 2, &tx) == 0)
						alist_list_commit_attach(&tx);
					alist_unlock();
					alist_lock();
					alist_list_detach(list, extra, 2);
					alist_unlock();
					writes.fetch_add(1, std::memory_order_relaxed);
				}
			});
		}
	}
	auto q = std::make_unique<VtdQueue>();
	for (auto _ : st) {
		Batch<kBufVtd> b;
		alist_env_smp_mb();
		const alist_view *v = alist_list_read_begin(list);
		unsigned n = 0;
		const alist_target *e = alist_view_entries(v, &n);
		alist_inv_cursor cur;
		alist_inv_cursor_init(&cur, ALIST_INV_LEAF, 12);
		alist_inv_cursor_add_range(&cur, kStart, kLast);
		do {
			b.SubmitTo(alist_vtd_inv_fill(&cur, &kVtd, e, n, &b.b), *q);
		} while (!b.b.done);
		alist_list_read_end();
	}
	st.SetItemsProcessed(st.iterations());
	st.counters["cmds"] = q->cmds / static_cast<double>(st.iterations());
	st.counters["syncs"] = q->syncs / static_cast<double>(st.iterations());
	if (st.thread_index() == 0) {
		stop = true;
		if (with_writer)
			writer.join();
		st.counters["writer_ops"] = benchmark::Counter(
			static_cast<double>(writes.load()), benchmark::Counter::kIsRate);
		alist_lock();
		alist_list_detach(list, t.data(), t.size());
		alist_unlock();
		alist_list_free(list);
	}
}

BENCHMARK(ReadersOurs)
	->Name("Readers/ours")
	->ArgNames({"writer"})
	->Arg(0)
	->Arg(1)
	->Threads(1)
	->Threads(2)
	->MinTime(0.1)
	->UseRealTime();

} // namespace

} // namespace inv_bench
