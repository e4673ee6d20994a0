/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The queue every model writes to, and the baseline models, written here
 * from the public descriptions of the Linux 7.3 drivers
 * (../shared/reference/linux-7.3-iommu.md A.6, A.8, B.3, B.4; no code
 * copied). Each model does the per-call and per-entry work its upstream
 * counterpart does -- no more, no less -- with the kernel-only parts
 * (IRQ masking, tracepoints, lockdep) left out for every model alike.
 *
 * Queue<kWords>: the driver's command queue. Every model hands it batches
 * of commands; it copies kWords 64-bit words per command into a ring
 * (2 for SMMUv3's 16-byte commands, 4 for VT-d's 32-byte scalable-mode
 * descriptors) and writes a sync command (CMD_SYNC / wait descriptor) where
 * the model asks for one. A sync costs no modelled wait by default
 * (g_sync_spin = 0): the table reports syncs per invalidation separately,
 * and the time columns are the software cost (anchors.md 2d metric 2a).
 * Every smp_mb() -- the baselines' and the one the drivers issue before
 * walking ours -- is alist_env_smp_mb(), on x86 the kernel's locked add.
 *
 * SpinList (VT-d, cache.c): cache_tag_flush_range(): one
 *   calculate_psi_aligned_address() per call; domain->cache_lock taken
 *   (cmpxchg spinlock; irqsave not modelled) across the whole walk,
 *   including the waits; a linked list of struct cache_tag (type, iommu
 *   pointer, device pointer, DID, PASID) grouped by IOMMU; per tag a switch
 *   on the type: IOTLB tags read the domain's use_piotlb flag and build a
 *   PASID-IOTLB (or IOTLB) descriptor field by field into the domain's
 *   qi_batch; device-TLB tags dereference the device's driver data for
 *   bus/devfn/pfsid/ats_qdep/dtlb_extra_inval and check the unit's
 *   GCMD.TE. The batch is submitted with a wait descriptor when it holds
 *   16 descriptors, at each IOMMU change and at the end, then memset. The
 *   nested user path (intel_nested_cache_invalidate_user) copies, checks
 *   and flushes once per user entry.
 * Invs734 (SMMUv3, arm_smmu_invs, 7.3.4): smp_mb(), rcu_dereference of
 *   the array, the ATS rwlock read-held when the array has ATS entries; a
 *   walk of 32-byte struct arm_smmu_inv entries skipping trash (READ_ONCE
 *   users) with a switch on the type, as upstream; per entry a prepared
 *   command (arm_smmu_make_cmd_tlbi(): opcode and ASID/VMID in data[0]);
 *   TLBI entries run arm_smmu_inv_size_too_big() and the RIL loop of
 *   arm_smmu_cmdq_batch_add_range(), which ORs NUM/SCALE into a copy of
 *   the prepared word and writes data[1] whole per command; ATS entries
 *   build the aligned span of arm_smmu_atc_inv_to_cmd() with
 *   arm_smmu_make_cmd_atc_inv(); every command goes through
 *   arm_smmu_cmdq_batch_add_cmd_p() (supports_cmd / force-sync / full
 *   checks, then a 16-byte copy) into a 64-command on-stack batch,
 *   submitted without a sync when full and with one at
 *   arm_smmu_invs_end_batch() boundaries; the batch is zero-initialised
 *   per call (`struct arm_smmu_cmdq_batch cmds = {}`).
 * FnArray (VT-d), HYPOTHETICAL: no kernel has it. The same RCU array
 *   carrying VT-d entries with one function pointer per entry (what
 *   cache.c would be on an arm_smmu_invs-style array): the PSI address
 *   and mask once per call as cache.c does, per entry the same descriptor
 *   builders as SpinList into a 16-descriptor qi_batch, submitted without
 *   a wait when full and with one at each unit change and at the end.
 *   Reported as "fnarray_hyp"; the in-tree comparison is SpinList.
 * Batch63 (vSMMU, arm_vsmmu_cache_invalidate): kzalloc of the whole array,
 *   one copy of it (user copies and allocations of every model go through
 *   the same environment calls as the core's: alist_env_copy_from_user(),
 *   alist_env_alloc()), per command the 7.3 validator (opcode switch, allowed
 *   fields, range checks) and the VMID rewrite, and an issue with CMD_SYNC
 *   every 63 commands and at the end.
 */
#ifndef ALIST_INV_BENCH_MODELS_H
#define ALIST_INV_BENCH_MODELS_H

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <alist/env.h>
#include <alist/inv.h>
#include <alist/target.h>
#include <alist/user_array.h>

namespace inv_bench {

/*
 * Busy-wait iterations per sync (a volatile add each); 0 = count only.
 * bench_main.cpp sets it from --alist_sync_ns through a calibration.
 */
extern unsigned g_sync_spin;

/* Hide a value from the optimizer: every call recomputes from it. */
template <class T>
inline T Opaque(T v)
{
	asm volatile("" : "+r"(v));
	return v;
}

/* A spinlock as the kernel's fast path takes it: cmpxchg, store-release. */
class SpinLock {
public:
	void Lock()
	{
		int expected = 0;

		while (!v_.compare_exchange_weak(expected, 1, std::memory_order_acquire,
						 std::memory_order_relaxed))
			expected = 0;
	}
	void Unlock() { v_.store(0, std::memory_order_release); }

private:
	std::atomic<int> v_{0};
};

template <unsigned kWords>
class Queue {
public:
	static constexpr unsigned kEntries = 512;
	/* A word no command of either format starts with: marks syncs. */
	static constexpr alist_u64 kSyncMark = 0x5a5a5a5a5a5a5a5aull;

	/*
	 * Every driver, ours and upstream, places commands under a queue
	 * lock (VT-d qi->q_lock / our qi_lock; SMMUv3's cmpxchg on the queue
	 * pointers / our cmdq_lock): one acquisition per submission.
	 */
	void Submit(const alist_cmd *b, unsigned n, alist_u32 inst, bool sync)
	{
		lock_.Lock();
		for (unsigned i = 0; i < n; i++)
			Put(b[i].w);
		lock_.Unlock();
		cmds += n;
		if (sync)
			Sync(inst);
	}

	/* @w: n commands of kWords words each, back to back. */
	void SubmitWords(const alist_u64 *w, unsigned n, alist_u32 inst, bool sync)
	{
		lock_.Lock();
		for (unsigned i = 0; i < n; i++)
			Put(w + i * kWords);
		lock_.Unlock();
		cmds += n;
		if (sync)
			Sync(inst);
	}

	void Sync(alist_u32)
	{
		alist_u64 s[kWords] = {kSyncMark};

		Put(s);
		syncs++;
		if (g_sync_spin) {
			volatile unsigned x = 0;
			for (unsigned i = 0; i < g_sync_spin; i++)
				x = x + 1;
		}
	}

	void Reset()
	{
		cmds = syncs = 0;
		prod_ = 0;
	}

	/* Command words written since Reset() (syncs left out), if they fit. */
	bool Written(std::vector<alist_u64> *out) const
	{
		if (prod_ > kEntries)
			return false;
		for (unsigned i = 0; i < prod_; i++)
			if (ring_[i * kWords] != kSyncMark)
				out->insert(out->end(), &ring_[i * kWords], &ring_[(i + 1) * kWords]);
		return true;
	}

	unsigned long cmds = 0, syncs = 0;

private:
	/*
	 * Word by word through a general register, as kernel code copies
	 * (no vector registers there): a 16-byte load of a command the fill
	 * just stored as two 8-byte halves would stall store forwarding, a
	 * cost no driver pays. Unrolled, as the kernel's fixed-size memcpy()
	 * of a descriptor is: a 2- or 4-trip loop per command made every
	 * model's time depend on where the loop happened to be placed (one
	 * 16-byte shift of the harness moved ours by 20% on device-TLB cases).
	 */
	void Put(const alist_u64 *w)
	{
		alist_u64 *d = &ring_[(prod_++ % kEntries) * kWords];

#pragma GCC unroll 4
		for (unsigned k = 0; k < kWords; k++)
			d[k] = Opaque(w[k]);
	}

	alist_u64 ring_[kEntries * kWords];
	unsigned prod_ = 0;
	SpinLock lock_;
};

using VtdQueue = Queue<4>;
using SmmuQueue = Queue<2>;

inline unsigned FlsLong(alist_u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* ===================== VT-d: cache.c / qi_batch ========================= */

namespace vtd {

constexpr unsigned kPageShift = 12;
constexpr unsigned kMaxAgawPfnWidth = 52;
constexpr unsigned kBatchMax = 16; /* QI_MAX_BATCHED_DESC_COUNT */
constexpr alist_u32 kGcmdTe = 1u << 31;

struct QiDesc {
	alist_u64 qw0, qw1, qw2, qw3;
};

struct QiBatch {
	QiDesc descs[kBatchMax];
	unsigned index;
};

struct Iommu {
	alist_u32 seq_id;
	alist_u32 gcmd;
	alist_u64 cap;	/* bit 39 PSI, bits 53:48 MAMV */
	alist_u64 ecap;	/* bit 1 QI */
};

struct DevInfo {
	alist_u8 bus, devfn;
	alist_u16 pfsid;
	alist_u16 ats_qdep;
	bool dtlb_extra_inval;
};

struct Device {
	DevInfo *priv;	/* dev_iommu_priv_get() */
};

inline bool CapPgselInv(alist_u64 cap) { return (cap >> 39) & 1; }
inline unsigned CapMaxAmaskVal(alist_u64 cap) { return (cap >> 48) & 0x3f; }

/* qi_desc_* of iommu.h, field by field. */
inline void DescPiotlb(alist_u16 did, alist_u32 pasid, alist_u64 addr, unsigned mask,
		       bool ih, QiDesc *d)
{
	if (mask >= kMaxAgawPfnWidth) {
		d->qw0 = (alist_u64)pasid << 32 | (alist_u64)did << 16 | 2ull << 4 | 6;
		d->qw1 = 0;
	} else {
		alist_u64 align = 1ull << (kPageShift + mask);

		if (addr & (align - 1)) /* WARN_ON_ONCE + ALIGN_DOWN */
			addr &= ~(align - 1);
		d->qw0 = (alist_u64)pasid << 32 | (alist_u64)did << 16 | 3ull << 4 | 6;
		d->qw1 = (addr & ~0xfffull) | (alist_u64)ih << 6 | (mask & 0x3f);
	}
	d->qw2 = 0;
	d->qw3 = 0;
}

inline void DescIotlb(const Iommu &iommu, alist_u16 did, alist_u64 addr, unsigned mask,
		      alist_u64 gran, QiDesc *d)
{
	alist_u64 dw = (iommu.cap >> 54) & 1, dr = (iommu.cap >> 55) & 1;

	d->qw0 = (alist_u64)did << 16 | dr << 7 | dw << 6 | gran << 4 | 2;
	d->qw1 = (addr & ~0xfffull) | (addr & 1) << 6 | (mask & 0x3f);
	d->qw2 = 0;
	d->qw3 = 0;
}

inline void DescDevIotlbPasid(alist_u16 sid, alist_u16 pfsid, alist_u32 pasid,
			      alist_u16 qdep, alist_u64 addr, unsigned size_order,
			      QiDesc *d)
{
	alist_u64 mask = 1ull << (kPageShift + size_order - 1);

	d->qw0 = (alist_u64)pasid << 32 | (alist_u64)sid << 16 | (alist_u64)(qdep & 0x1f) << 4 |
		 8 | (alist_u64)(pfsid & 0xf) << 12 | (alist_u64)((pfsid >> 4) & 0xfff) << 52;
	d->qw1 = addr & ~0xfffull;
	if (size_order) {
		d->qw1 |= ((1ull << (size_order + kPageShift)) - 1) & ~((1ull << kPageShift) - 1);
		d->qw1 &= ~mask;
		d->qw1 |= 1ull << 11;
	}
	d->qw2 = 0;
	d->qw3 = 0;
}

inline void DescDevIotlb(alist_u16 sid, alist_u16 pfsid, alist_u16 qdep, alist_u64 addr,
			 unsigned mask, QiDesc *d)
{
	if (mask) {
		addr |= (1ull << (kPageShift + mask - 1)) - 1;
		d->qw1 = (addr & ~0xfffull) | 1;
	} else {
		d->qw1 = addr & ~0xfffull;
	}
	if (qdep >= 32)
		qdep = 0;
	d->qw0 = (alist_u64)sid << 32 | (alist_u64)(qdep & 0x1f) << 16 | 3 |
		 (alist_u64)(pfsid & 0xf) << 12 | (alist_u64)((pfsid >> 4) & 0xfff) << 52;
	d->qw2 = 0;
	d->qw3 = 0;
}

/* 7.3 calculate_psi_aligned_address(): one aligned span over [start, end]. */
inline alist_u64 PsiAlignedAddress(alist_u64 start, alist_u64 end, unsigned *mask)
{
	unsigned sz_lg2 = FlsLong(start ^ end);

	if (sz_lg2 <= kPageShift) {
		*mask = 0;
		return start & ~0xfffull;
	}
	if (sz_lg2 >= 64) {
		*mask = kMaxAgawPfnWidth;
		return 0;
	}
	*mask = sz_lg2 - kPageShift;
	return start & ~((1ull << sz_lg2) - 1);
}

/*
 * qi_batch_*: @wait_when_full is upstream's behaviour (qi_submit_sync()
 * always appends a wait); FnArray queues a full batch without one.
 */
template <bool kWaitWhenFull>
class Batcher {
public:
	void Flush(const Iommu *iommu, VtdQueue &q, bool wait = true)
	{
		if (!iommu || !b_.index)
			return;
		q.SubmitWords(&b_.descs[0].qw0, b_.index, iommu->seq_id, wait);
		memset(&b_, 0, sizeof(b_));
	}

	QiDesc *Next() { return &b_.descs[b_.index]; }

	void Increment(const Iommu *iommu, VtdQueue &q)
	{
		if (++b_.index == kBatchMax)
			Flush(iommu, q, kWaitWhenFull);
	}

	void AddPiotlb(const Iommu *iommu, alist_u16 did, alist_u32 pasid, alist_u64 addr,
		       unsigned mask, bool ih, VtdQueue &q)
	{
		DescPiotlb(did, pasid, addr, mask, ih, Next());
		Increment(iommu, q);
	}

	void AddIotlb(const Iommu *iommu, alist_u16 did, alist_u64 addr, unsigned mask,
		      alist_u64 gran, VtdQueue &q)
	{
		DescIotlb(*iommu, did, addr, mask, gran, Next());
		Increment(iommu, q);
	}

	void AddDevIotlb(const Iommu *iommu, const DevInfo &info, alist_u32 pasid,
			 alist_u64 addr, unsigned mask, VtdQueue &q)
	{
		alist_u16 sid = static_cast<alist_u16>(info.bus << 8 | info.devfn);

		for (int rep = 0; rep < (info.dtlb_extra_inval ? 2 : 1); rep++) {
			if (!(iommu->gcmd & kGcmdTe))
				return;
			if (pasid == ALIST_NO_PASID)
				DescDevIotlb(sid, info.pfsid, info.ats_qdep, addr, mask, Next());
			else
				DescDevIotlbPasid(sid, info.pfsid, pasid, info.ats_qdep, addr,
						  mask, Next());
			Increment(iommu, q);
		}
	}

	/* cache_tag_flush_iotlb() for one IOTLB-type tag. */
	void FlushIotlb(bool use_piotlb, const Iommu *iommu, alist_u16 did, alist_u32 pasid,
			alist_u64 addr, unsigned mask, bool ih, VtdQueue &q)
	{
		if (use_piotlb) {
			AddPiotlb(iommu, did, pasid, addr, mask, ih, q);
			return;
		}
		alist_u64 gran = 3; /* PSI */

		if (!CapPgselInv(iommu->cap) || mask > CapMaxAmaskVal(iommu->cap)) {
			addr = 0;
			mask = 0;
			ih = false;
			gran = 2; /* DSI */
		}
		AddIotlb(iommu, did, addr | ih, mask, gran, q);
	}

private:
	QiBatch b_{};
};

} // namespace vtd

/* --- (a) SpinList: cache_tag_flush_range() ------------------------------- */

class SpinList {
public:
	enum Type { kIotlb, kDevTlb };
	struct Tag {
		Tag *next;
		Type type;
		vtd::Iommu *iommu;
		vtd::Device *dev;
		alist_u16 domain_id;
		alist_u32 pasid;
		unsigned users;
	};

	/* @first_stage: a first-stage (or nested) domain: PASID-IOTLB. */
	explicit SpinList(bool first_stage)
		: type_(first_stage ? kNested : kPaging), fs_paging_(false) {}
	~SpinList()
	{
		while (head_) {
			Tag *t = head_;
			head_ = t->next;
			delete t;
		}
	}

	/* cache_tag_assign(): after the last tag of the same IOMMU. */
	void Add(Type type, vtd::Iommu *iommu, alist_u16 did, alist_u32 pasid, vtd::Device *dev)
	{
		lock_.Lock();
		Tag *t = new Tag{nullptr, type, iommu, dev, did, pasid, 1};
		Tag **pp = &head_, *after = nullptr;
		for (Tag *c = head_; c; c = c->next)
			if (c->iommu == iommu)
				after = c;
		if (after)
			pp = &after->next;
		else
			while (*pp)
				pp = &(*pp)->next;
		t->next = *pp;
		*pp = t;
		lock_.Unlock();
	}

	/* [start, end] inclusive bytes. */
	__attribute__((noinline)) void FlushRange(alist_u64 start, alist_u64 end, bool ih,
						  VtdQueue &q)
	{
		unsigned mask;
		alist_u64 addr;
		const vtd::Iommu *iommu = nullptr;

		if (start == 0 && end == ~0ull) {
			addr = 0;
			mask = vtd::kMaxAgawPfnWidth;
		} else {
			addr = vtd::PsiAlignedAddress(start, end, &mask);
		}
		lock_.Lock();
		for (Tag *tag = head_; tag; tag = tag->next) {
			if (iommu && iommu != tag->iommu)
				batch_.Flush(iommu, q);
			iommu = tag->iommu;
			switch (tag->type) {
			case kIotlb:
				batch_.FlushIotlb(UsePiotlb(), iommu, tag->domain_id, tag->pasid,
						  addr, mask, ih, q);
				break;
			case kDevTlb:
				batch_.AddDevIotlb(iommu, *tag->dev->priv, tag->pasid, addr, mask, q);
				break;
			}
		}
		batch_.Flush(iommu, q);
		lock_.Unlock();
	}

	/* intel_nested_cache_invalidate_user(): flush + wait per entry. */
	__attribute__((noinline)) int InvalidateUser(alist_user_array *a, VtdQueue &q)
	{
		unsigned index, processed = 0;
		int ret = 0;

		if (a->type != ALIST_UARRAY_TYPE_VTD_S1) {
			ret = -22;
			goto out;
		}
		for (index = 0; index < a->entry_num; index++) {
			alist_vtd_s1_inv e;

			/* iommu_copy_struct_from_user_array(), entry_len == sizeof */
			if (a->entry_len < sizeof(e)) {
				ret = -22;
				break;
			}
			if (alist_env_copy_from_user(&e, static_cast<const char *>(a->uptr) +
							      index * a->entry_len,
						     sizeof(e))) {
				ret = -14;
				break;
			}
			if ((e.flags & ~ALIST_VTD_S1_INV_LEAF) || e.reserved) {
				ret = -95;
				break;
			}
			if ((e.addr & 0xfff) || (e.npages == ~0ull && e.addr)) {
				ret = -22;
				break;
			}
			FlushRange(e.addr, e.addr + (e.npages << 12) - 1,
				   e.flags & ALIST_VTD_S1_INV_LEAF, q);
			processed++;
		}
out:
		a->entry_num = processed;
		return ret;
	}

private:
	enum DomainType { kPaging, kSva, kNested };

	/* intel_domain_use_piotlb(), read per IOTLB tag. */
	bool UsePiotlb() const { return type_ == kSva || type_ == kNested || fs_paging_; }

	DomainType type_;
	bool fs_paging_;
	SpinLock lock_;
	Tag *head_ = nullptr;
	vtd::Batcher<true> batch_;
};

/* --- (b) Invs734 (SMMUv3) and the hypothetical VT-d FnArray -------------- */

/* 7.3 arm_smmu_inv_type order. */
enum FnType : alist_u8 {
	kS1Asid,
	kS2Vmid,
	kS2VmidS1Clear,
	kAts,
	kAtsFull,
	kVtdIotlb = 16,
	kVtdDevTlb,
};

inline bool FnIsAts(alist_u8 t)
{
	return t == kAts || t == kAtsFull || t == kVtdDevTlb;
}

/* The request as arm_smmu_domain_inv_range() gets it. */
struct FnReq {
	alist_u64 iova;
	alist_u64 size;
	alist_u64 granule;
	bool leaf;
	/* VT-d only: computed once per call, as cache.c does. */
	alist_u64 psi_addr;
	unsigned psi_mask;
};

namespace smmu {

constexpr unsigned kBatchEntries = 64;	/* CMDQ_BATCH_ENTRIES */
constexpr alist_u32 kFeatRangeInv = 1u << 0;
constexpr alist_u32 kOptForceSync = 1u << 0;
constexpr unsigned kAtcSizeAll = 52;

enum Op : alist_u8 {
	kOpTlbiNhAll = 0x10,
	kOpTlbiNhAsid = 0x11,
	kOpTlbiNhVa = 0x12,
	kOpTlbiS12Vmall = 0x28,
	kOpTlbiS2Ipa = 0x2a,
	kOpAtcInv = 0x40,
};

struct Cmd;

struct Cmdq {
	bool (*supports_cmd)(const Cmd *); /* NULL for the main queue */
};

struct Device {
	alist_u32 id;
	alist_u32 features;
	alist_u32 options;
	Cmdq cmdq;
};

struct Batch {
	alist_u64 cmds[kBatchEntries * 2];
	Cmdq *cmdq;
	int num;
};

inline alist_u64 Prep(alist_u64 v, unsigned hi, unsigned lo)
{
	return (v << lo) & (((hi - lo + 1) >= 64 ? ~0ull : ((1ull << (hi - lo + 1)) - 1)) << lo);
}

/* struct arm_smmu_cmd: the 16 bytes, built in place (7.3.4). */
struct Cmd {
	alist_u64 data[2];
};

/* arm_smmu_make_cmd_op() / _tlbi() / _atc_inv(): a prepared word. */
inline Cmd MakeCmdOp(alist_u8 op)
{
	Cmd c = {};

	c.data[0] = Prep(op, 7, 0);
	return c;
}

inline Cmd MakeCmdTlbi(alist_u8 op, alist_u16 asid, alist_u16 vmid)
{
	Cmd c = MakeCmdOp(op);

	c.data[0] |= Prep(asid, 63, 48) | Prep(vmid, 47, 32);
	return c;
}

inline Cmd MakeCmdAtcInv(alist_u32 sid, alist_u32 ssid, alist_u64 addr, alist_u8 size)
{
	Cmd c = MakeCmdOp(kOpAtcInv);

	c.data[0] |= Prep(ssid != ALIST_NO_PASID, 11, 11) | Prep(ssid, 31, 12) | Prep(sid, 63, 32);
	c.data[1] |= Prep(size, 5, 0) | (addr & ~0xfffull);
	return c;
}

inline void BatchInit(Device *smmu, Batch *cmds, const Cmd *)
{
	cmds->num = 0;
	cmds->cmdq = &smmu->cmdq; /* arm_smmu_get_cmdq(): the main queue */
}

/* arm_smmu_cmdq_batch_add_cmd_p(): checks, then a 16-byte copy. */
inline void BatchAddCmdP(Device *smmu, Batch *cmds, const Cmd *cmd, SmmuQueue &q)
{
	bool unsupported = cmds->cmdq->supports_cmd && !cmds->cmdq->supports_cmd(cmd);
	bool force_sync = cmds->num == kBatchEntries - 1 && (smmu->options & kOptForceSync);

	if (force_sync || unsupported) {
		q.SubmitWords(cmds->cmds, cmds->num, smmu->id, true);
		BatchInit(smmu, cmds, cmd);
	}
	if (cmds->num == kBatchEntries) {
		q.SubmitWords(cmds->cmds, cmds->num, smmu->id, false);
		BatchInit(smmu, cmds, cmd);
	}
	memcpy(&cmds->cmds[cmds->num * 2], cmd->data, sizeof(cmd->data));
	cmds->num++;
}

inline bool SizeTooBig(const Device *smmu, alist_u64 size, alist_u64 granule)
{
	if (!size || size == ~0ull)
		return true;
	if (smmu->features & kFeatRangeInv)
		return false;
	alist_u64 max_tlbi_ops = 1ull << (FlsLong(granule) - 1 - 3);

	return size >= max_tlbi_ops * granule;
}

/*
 * arm_smmu_cmdq_batch_add_range() of 7.3.4: @cmd carries opcode and
 * ASID/VMID in data[0]; each iteration ORs NUM/SCALE into a copy of that
 * word and writes data[1] whole.
 */
inline void BatchAddRange(Device *smmu, Batch *cmds, Cmd *cmd, bool leaf, alist_u64 iova,
			  alist_u64 size, alist_u64 granule, alist_u64 pgsize, SmmuQueue &q)
{
	alist_u64 end = iova + size, num_pages = 0, tg = pgsize, tg_enc = 0, ttl = 0;
	alist_u64 inv_range = granule, orig_data0 = cmd->data[0];

	if (!size)
		return;
	if (smmu->features & kFeatRangeInv) {
		num_pages = size >> tg;
		tg_enc = (tg - 10) / 2;
		if (leaf)
			ttl = 4 - ((FlsLong(granule) - 1 - 3) / (tg - 3));
		else if ((num_pages & 31) == 1)
			num_pages++;
	}
	while (iova < end) {
		if (smmu->features & kFeatRangeInv) {
			unsigned long scale = __builtin_ctzll(num_pages);
			unsigned long num = (num_pages >> scale) & 31;

			cmd->data[0] = orig_data0 | Prep(num - 1, 16, 12) | Prep(scale & 0x1f, 24, 20);
			inv_range = num << (scale + tg);
			num_pages -= num << scale;
		}
		cmd->data[1] = Prep(leaf, 0, 0) | Prep(ttl, 9, 8) | Prep(tg_enc, 11, 10) |
			       (iova & ~0xfffull);
		BatchAddCmdP(smmu, cmds, cmd, q);
		iova += inv_range;
	}
}

/* arm_smmu_atc_inv_to_cmd() */
inline Cmd AtcInvToCmd(alist_u32 sid, alist_u32 ssid, alist_u64 iova, alist_u64 size)
{
	alist_u64 page_start = iova >> 12, page_end = (iova + size - 1) >> 12;
	unsigned log2_span = FlsLong(page_start ^ page_end);
	alist_u64 span_mask = (1ull << log2_span) - 1;

	page_start &= ~span_mask;
	return MakeCmdAtcInv(sid, ssid, page_start << 12, static_cast<alist_u8>(log2_span));
}

} // namespace smmu

struct FnEntry;
/* The hypothetical VT-d FnArray's per-entry call (no kernel has it). */
using FnInv = void (*)(const FnEntry &, const FnReq &, void *batch, void *queue);

/* struct arm_smmu_inv (32 bytes); @fn only for the hypothetical VT-d array. */
struct FnEntry {
	void *unit;		/* smmu::Device * or vtd::Iommu * */
	alist_u8 type;
	alist_u8 size_opcode;
	alist_u8 nsize_opcode;
	alist_u32 id;		/* ASID / VMID / SID; VT-d: DID */
	union {
		alist_u64 pgsize;	/* log2, FEAT_RANGE_INV */
		alist_u32 ssid;		/* ATS; VT-d: PASID */
	};
	int users;
	alist_u16 pfsid, qdep;	/* VT-d device TLB only */
	FnInv fn;
};

struct FnArray {
	std::atomic<int> rwlock{0};	/* readers; fences ATS entries */
	bool has_ats = false;
	std::vector<FnEntry> inv;
	alist_u32 num_invs = 0;
};

/* arm_smmu_inv_to_cmdq_batch() of 7.3.4 */
inline void InvToBatch(const FnEntry &inv, smmu::Batch &cmds, smmu::Cmd &cmd,
		       const FnReq &r, SmmuQueue &q)
{
	auto *dev = static_cast<smmu::Device *>(inv.unit);

	if (smmu::SizeTooBig(dev, r.size, r.granule)) {
		smmu::Cmd nsize = cmd;

		nsize.data[0] = (nsize.data[0] & ~0xffull) | inv.nsize_opcode;
		smmu::BatchAddCmdP(dev, &cmds, &nsize, q);
		return;
	}
	smmu::BatchAddRange(dev, &cmds, &cmd, r.leaf, r.iova, r.size, r.granule, inv.pgsize, q);
}

/* arm_smmu_invs_end_batch() */
inline bool EndBatch(const FnEntry &cur, const FnEntry &next)
{
	if (cur.unit != next.unit)
		return true;
	if (next.type == kS2VmidS1Clear && cur.type != kS2VmidS1Clear)
		return true;
	return FnIsAts(next.type) && !FnIsAts(cur.type);
}

inline bool FnLive(const FnEntry &e)
{
	return __atomic_load_n(&e.users, __ATOMIC_RELAXED) != 0;
}

/* __arm_smmu_domain_inv_range() of 7.3.4: a switch on the entry type. */
inline void InvsWalkSmmu(const FnArray &invs, const FnReq &r, SmmuQueue &q)
{
	smmu::Batch cmds = {};	/* upstream zero-initialises the 1 KiB batch */
	const FnEntry *cur = invs.inv.data();
	const FnEntry *end = cur + __atomic_load_n(&invs.num_invs, __ATOMIC_RELAXED);

	for (; cur != end; cur++)
		if (FnLive(*cur))
			break;
	while (cur != end) {
		auto *dev = static_cast<smmu::Device *>(cur->unit);
		smmu::Cmd cmd = smmu::MakeCmdOp(cur->size_opcode);
		const FnEntry *next;

		if (!cmds.num)
			smmu::BatchInit(dev, &cmds, &cmd);
		switch (cur->type) {
		case kS1Asid:
			cmd = smmu::MakeCmdTlbi(cur->size_opcode, static_cast<alist_u16>(cur->id), 0);
			InvToBatch(*cur, cmds, cmd, r, q);
			break;
		case kS2Vmid:
			cmd = smmu::MakeCmdTlbi(cur->size_opcode, 0, static_cast<alist_u16>(cur->id));
			InvToBatch(*cur, cmds, cmd, r, q);
			break;
		case kS2VmidS1Clear:
			if (smmu::SizeTooBig(dev, r.size, r.granule))
				break;
			cmd = smmu::MakeCmdTlbi(cur->size_opcode, 0, static_cast<alist_u16>(cur->id));
			smmu::BatchAddCmdP(dev, &cmds, &cmd, q);
			break;
		case kAts:
			cmd = smmu::AtcInvToCmd(cur->id, cur->ssid, r.iova, r.size);
			smmu::BatchAddCmdP(dev, &cmds, &cmd, q);
			break;
		case kAtsFull:
			cmd = smmu::MakeCmdAtcInv(cur->id, ALIST_NO_PASID, 0, smmu::kAtcSizeAll);
			smmu::BatchAddCmdP(dev, &cmds, &cmd, q);
			break;
		default:
			break;
		}
		for (next = cur + 1; next != end; next++)
			if (FnLive(*next))
				break;
		if (cmds.num && (next == end || EndBatch(*cur, *next))) {
			q.SubmitWords(cmds.cmds, cmds.num, dev->id, true);
			cmds.num = 0;
		}
		cur = next;
	}
}

/* arm_smmu_domain_inv_range(): [iova, iova + size) */
__attribute__((noinline)) inline void InvsRangeSmmu(std::atomic<FnArray *> &slot,
						    alist_u64 iova, alist_u64 size,
						    alist_u64 granule, bool leaf, SmmuQueue &q)
{
	FnReq r{iova, size, granule, leaf, 0, 0};

	alist_env_smp_mb();
	FnArray *invs = slot.load(std::memory_order_acquire);
	if (invs->has_ats) {
		invs->rwlock.fetch_add(1, std::memory_order_acquire);
		InvsWalkSmmu(*invs, r, q);
		invs->rwlock.fetch_sub(1, std::memory_order_release);
	} else {
		InvsWalkSmmu(*invs, r, q);
	}
}

/* --- VT-d per-entry functions --- */

using VtdFnBatch = vtd::Batcher<false>;

inline void FnVtdIotlb(const FnEntry &e, const FnReq &r, void *b, void *q)
{
	static_cast<VtdFnBatch *>(b)->FlushIotlb(true, static_cast<vtd::Iommu *>(e.unit),
						  static_cast<alist_u16>(e.id), e.ssid,
						  r.psi_addr, r.psi_mask, r.leaf,
						  *static_cast<VtdQueue *>(q));
}

inline void FnVtdDev(const FnEntry &e, const FnReq &r, void *b, void *q)
{
	vtd::DevInfo info{static_cast<alist_u8>(e.id >> 8), static_cast<alist_u8>(e.id),
			  e.pfsid, e.qdep, false};

	static_cast<VtdFnBatch *>(b)->AddDevIotlb(static_cast<vtd::Iommu *>(e.unit), info,
						  e.ssid, r.psi_addr, r.psi_mask,
						  *static_cast<VtdQueue *>(q));
}

/* [start, end] inclusive bytes, as cache_tag_flush_range() takes it. */
__attribute__((noinline)) inline void FnInvRangeVtd(std::atomic<FnArray *> &slot,
						    alist_u64 start, alist_u64 end_incl,
						    bool ih, VtdFnBatch &batch, VtdQueue &q)
{
	FnReq r{start, end_incl - start + 1, 4096, ih, 0, 0};

	if (start == 0 && end_incl == ~0ull)
		r.psi_mask = vtd::kMaxAgawPfnWidth;
	else
		r.psi_addr = vtd::PsiAlignedAddress(start, end_incl, &r.psi_mask);
	alist_env_smp_mb();
	FnArray *invs = slot.load(std::memory_order_acquire);
	const FnEntry *cur = invs->inv.data();
	const FnEntry *end = cur + __atomic_load_n(&invs->num_invs, __ATOMIC_RELAXED);
	const vtd::Iommu *unit = nullptr;

	if (invs->has_ats)
		invs->rwlock.fetch_add(1, std::memory_order_acquire);
	for (; cur != end; cur++) {
		if (!FnLive(*cur))
			continue;
		auto *u = static_cast<const vtd::Iommu *>(cur->unit);
		if (unit && unit != u)
			batch.Flush(unit, q);
		unit = u;
		cur->fn(*cur, r, &batch, &q);
	}
	batch.Flush(unit, q);
	if (invs->has_ats)
		invs->rwlock.fetch_sub(1, std::memory_order_release);
}

/* --- (c) Batch63: arm_vsmmu_cache_invalidate() --------------------------- */

struct Vsmmu {
	alist_u16 vmid;
	bool ril;
	bool ats;
	smmu::Device *smmu;
};

/* 7.3 arm_vsmmu_validate_user_cmd() + convert, for the TLBI opcodes. */
inline int VsmmuConvert(const Vsmmu &v, alist_u64 *cmd)
{
	alist_u64 d0 = cmd[0], d1 = cmd[1];
	alist_u64 ok0 = 0xff, ok1 = 0;

	switch (d0 & 0xff) {
	case 0x30: /* TLBI_NSNH_ALL -> TLBI_NH_ALL */
		cmd[0] = smmu::kOpTlbiNhAll | smmu::Prep(v.vmid, 47, 32);
		cmd[1] = 0;
		return 0;
	case smmu::kOpTlbiNhVa:
		ok0 |= smmu::Prep(~0ull, 63, 48) | smmu::Prep(~0ull, 47, 32);
		ok1 |= 1 | smmu::Prep(~0ull, 63, 12);
		if (v.ril) {
			ok0 |= smmu::Prep(~0ull, 16, 12) | smmu::Prep(~0ull, 24, 20);
			ok1 |= smmu::Prep(~0ull, 9, 8) | smmu::Prep(~0ull, 11, 10);
		}
		break;
	case 0x13: /* TLBI_NH_VAA */
		ok0 |= smmu::Prep(~0ull, 47, 32);
		ok1 |= 1 | smmu::Prep(~0ull, 63, 12);
		if (v.ril) {
			ok0 |= smmu::Prep(~0ull, 16, 12) | smmu::Prep(~0ull, 24, 20);
			ok1 |= smmu::Prep(~0ull, 9, 8) | smmu::Prep(~0ull, 11, 10);
		}
		break;
	case smmu::kOpTlbiNhAsid:
		ok0 |= smmu::Prep(~0ull, 63, 48) | smmu::Prep(~0ull, 47, 32);
		break;
	case smmu::kOpTlbiNhAll:
		ok0 |= smmu::Prep(~0ull, 47, 32);
		break;
	default:
		return -5; /* ATC/CFGI need a vSID table: not in this bench */
	}
	if ((d0 & ~ok0) || (d1 & ~ok1))
		return -5;
	/* arm_vsmmu_validate_range(): TG=0 carries no NUM/SCALE/TTL. */
	if ((d0 & 0xff) != smmu::kOpTlbiNhAsid && (d0 & 0xff) != smmu::kOpTlbiNhAll &&
	    !((d1 >> 10) & 3) &&
	    ((d0 & (smmu::Prep(~0ull, 16, 12) | smmu::Prep(~0ull, 24, 20))) ||
	     (d1 & smmu::Prep(~0ull, 9, 8))))
		return -5;
	cmd[0] = (d0 & ~smmu::Prep(~0ull, 47, 32)) | smmu::Prep(v.vmid, 47, 32);
	return 0;
}

__attribute__((noinline)) inline int Batch63Invalidate(const Vsmmu &v, alist_user_array *a,
						       SmmuQueue &q)
{
	struct Cmd {
		alist_u64 cmd[2];
	};
	Cmd *last, *cur, *end;
	int ret;

	if (!a->entry_num)
		return -22;
	/*
	 * kzalloc_objs + iommu_copy_struct_from_full_user_array(), through
	 * the same environment calls the core uses (allocation, user copy).
	 */
	Cmd *cmds = static_cast<Cmd *>(alist_env_alloc(a->entry_num * sizeof(Cmd)));
	if (!cmds)
		return -12;
	memset(cmds, 0, a->entry_num * sizeof(Cmd));
	if (a->entry_len == sizeof(Cmd)) {
		if (alist_env_copy_from_user(cmds, a->uptr, a->entry_num * sizeof(Cmd))) {
			alist_env_free(cmds);
			return -14;
		}
	} else {
		for (unsigned i = 0; i < a->entry_num; i++)
			if (alist_env_copy_from_user(&cmds[i],
						     static_cast<const char *>(a->uptr) +
							     i * a->entry_len,
						     sizeof(Cmd))) {
				alist_env_free(cmds);
				return -14;
			}
	}
	cur = cmds;
	end = cmds + a->entry_num;
	last = cmds;
	ret = 0;
	while (cur != end) {
		ret = VsmmuConvert(v, cur->cmd);
		if (ret)
			goto out;
		cur++;
		if (cur != end && (cur - last) != smmu::kBatchEntries - 1)
			continue;
		q.SubmitWords(last->cmd, static_cast<unsigned>(cur - last), v.smmu->id, true);
		last = cur;
	}
out:
	a->entry_num = static_cast<alist_u32>(cur - cmds);
	alist_env_free(cmds);
	return ret;
}

} // namespace inv_bench

#endif /* ALIST_INV_BENCH_MODELS_H */
