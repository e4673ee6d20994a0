/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Batcher: one walk of a domain's sorted target array, turning a planned
 * request into the commands and syncs of every live target, with the
 * emitter (VtdEmitter, Smmuv3Emitter) as a template parameter. The rules
 * over kinds (dead entries, shared tags, device-TLB duplicates, the
 * TLBI_NH_ALL skip, the syncs) are in Documentation/core-invalidation.rst,
 * "Walk, de-duplication and syncs".
 *
 * It is the state behind struct alist_inv_cursor (plain data in the C
 * caller's buffer): the request, the plan and the walk position. A fill
 * paused by a full batch resumes, on the next fill with the same
 * arguments, exactly where it stopped: the drivers' batches are smaller
 * than one target's worst case.
 */
#ifndef ALIST_CORE_BATCHER_H
#define ALIST_CORE_BATCHER_H

#include <alist/env.h>
#include <alist/errno.h>
#include <alist/inv.h>
#include <alist/target.h>

#include "inv/block_cover.h"
#include "inv/buffer_sink.h"
#include "inv/inv_plan.h"
#include "inv/inv_request.h"
#include "list/target_order.h"

namespace alist {

class Batcher {
public:
	static Batcher *From(alist_inv_cursor *c)
	{
		return reinterpret_cast<Batcher *>(c->opaque);
	}
	static const Batcher *From(const alist_inv_cursor *c)
	{
		return reinterpret_cast<const Batcher *>(c->opaque);
	}

	void Init(unsigned flags, unsigned granule_lg2)
	{
		req_.Init(flags & ALIST_INV_LEAF, granule_lg2);
		format_ = 0;
	}

	InvRequest &request() { return req_; }
	const InvRequest &request() const { return req_; }

	/* Chunks written, or -EINVAL. The first fill plans; the format is fixed. */
	template <class Emitter>
	int Fill(const typename Emitter::Params *p, const alist_target *t, alist_u32 n,
		 alist_inv_batch *b)
	{
		if (!BufferSink::Valid(b) || !p || (n && !t))
			return -ALIST_EINVAL;
		if (!format_) {
			if (!Emitter::ParamsValid(*p))
				return -ALIST_EINVAL;
			Emitter::MakePlan(*p, req_, &plan_);
			format_ = Emitter::kFormat;
			atc_planned_ = false;
			idx_ = 0;
			started_ = false;
			NewInstance(0);
		} else if (format_ != Emitter::kFormat) {
			return -ALIST_EINVAL;
		}

		BufferSink sink(b);

		return sink.Finish(Run<Emitter>(*p, t, n, sink));
	}

private:
	static constexpr alist_u32 kNone = ~0u;
	static constexpr alist_u64 kUnset = ~0ull;
	static constexpr alist_u32 kAtcKinds =
		ALIST_BIT(ALIST_KIND_ATC) | ALIST_BIT(ALIST_KIND_ATC_FULL);

	/* False when @sink paused the walk, true when it is done. */
	template <class Emitter>
	bool Run(const typename Emitter::Params &p, const alist_target *t, alist_u32 n,
		 BufferSink &sink)
	{
		if (req_.ranges.empty())
			n = 0;	/* nothing requested: no commands, no syncs */
		for (; idx_ < n; idx_++) {
			const alist_target &e = t[idx_];

			if (!started_) {
				if (!Live(e))
					continue;
				if (e.instance != instance_) {
					bool sync = unsynced_ != 0;
					alist_u32 done = instance_;

					/* Switch first: a fill paused by the sync resumes switched. */
					NewInstance(e.instance);
					if (sync && !sink.Sync(done))
						return false;
				}
				if (e.kind >= ALIST_KIND_COUNT ||
				    !(Emitter::kKinds & ALIST_BIT(e.kind))) {
					alist_env_warn(__FILE__, __LINE__, "target kind of another format");
					continue;
				}
				/* Most domains have no device TLB: plan for one when met. */
				if (TargetOrder::IsAtc(e.kind) && !atc_planned_) {
					Emitter::PlanAtc(p, req_, &plan_);
					atc_planned_ = true;
				}
				if (Duplicate(t, e) || VmallSent(t, e))
					continue;

				bool sync = NeedSyncBefore<Emitter>(e.kind);

				if (sync)
					unsynced_ = 0;
				Account(t, e);
				if (sync && !sink.Sync(instance_))
					return false;
			}
			if (!EmitTarget<Emitter>(p, e, sink))
				return false;
			started_ = false;
		}
		if (unsynced_) {
			unsynced_ = 0;
			sink.Sync(instance_);
		}
		return true;
	}

	/*
	 * Relaxed: a concurrent unref may or may not be seen, both correct
	 * under RCU. A published array never revives an entry, which the
	 * duplicate checks rely on.
	 */
	static ALIST_ALWAYS_INLINE bool Live(const alist_target &t)
	{
		return __atomic_load_n(&t.users, __ATOMIC_RELAXED) != 0;
	}

	ALIST_ALWAYS_INLINE void NewInstance(alist_u32 i)
	{
		instance_ = i;
		prev_ = run_begin_ = kNone;
		unsynced_ = 0;
	}

	/* @e will emit: note it in the instance's state and start it. */
	ALIST_ALWAYS_INLINE void Account(const alist_target *t, const alist_target &e)
	{
		unsynced_ |= ALIST_BIT(e.kind);
		if (prev_ == kNone || t[prev_].kind != e.kind)
			run_begin_ = idx_;
		prev_ = idx_;
		started_ = true;
		cur_ = kUnset;
	}

	/* One command for both (IOTLB kinds). */
	static ALIST_ALWAYS_INLINE bool SameTag(const alist_target &a, const alist_target &b)
	{
		return a.kind == b.kind && a.tag == b.tag &&
		       (a.kind != ALIST_KIND_VTD_PIOTLB || a.pasid == b.pasid) &&
		       (a.kind != ALIST_KIND_SMMU_S1 || a.vmid == b.vmid);
	}

	/* SMMUv3: TLBIs before ATC_INV, stage 2 before the nested S1 clear. */
	template <class Emitter>
	ALIST_ALWAYS_INLINE bool NeedSyncBefore(alist_u8 kind) const
	{
		if (TargetOrder::IsAtc(kind))
			return Emitter::kSyncBeforeAtc && (unsynced_ & ~kAtcKinds);
		return kind == ALIST_KIND_SMMU_S1_CLEAR &&
		       (unsynced_ & ALIST_BIT(ALIST_KIND_SMMU_S2));
	}

	/* Was an equivalent command set already emitted for this instance? */
	bool Duplicate(const alist_target *t, const alist_target &e) const
	{
		if (prev_ == kNone)
			return false;

		const alist_target &last = t[prev_];

		if (!TargetOrder::IsAtc(e.kind))
			return SameTag(last, e);
		/* Flushing everything, ATC and ATC_FULL send the same command. */
		if (e.kind == ALIST_KIND_ATC_FULL && plan_.atc_full)
			return Named(t, e, true);
		if (last.kind != e.kind)
			return false;
		/*
		 * Within one (tag, vmid) a duplicate is adjacent; only a run that
		 * mixes tags (a replacement) is scanned: no O(n^2) on 256 devices.
		 */
		const alist_target &first = t[run_begin_];

		if (first.tag == e.tag && first.vmid == e.vmid)
			return last.sid == e.sid && last.pasid == e.pasid;
		return Named(t, e, false);
	}

	/* A live device-TLB entry of e's kind (@any_kind: either) before @e names its device. */
	bool Named(const alist_target *t, const alist_target &e, bool any_kind) const
	{
		for (alist_u32 i = idx_; i-- > 0;) {
			const alist_target &m = t[i];

			if (m.instance != e.instance || !TargetOrder::IsAtc(m.kind))
				return false;
			if (!any_kind && m.kind != e.kind)
				continue;
			if (m.sid == e.sid && m.pasid == e.pasid && Live(m))
				return true;
		}
		return false;
	}

	/* The plan flushes stage 2 whole and S12_VMALL of e's VMID was sent. */
	ALIST_ALWAYS_INLINE bool VmallSent(const alist_target *t, const alist_target &e) const
	{
		if (e.kind != ALIST_KIND_SMMU_S1_CLEAR || !plan_.tlb_whole)
			return false;
		return VmallSentScan(t, e);
	}

	/* Back over the S1 clears and the S2 targets of higher VMIDs. */
	bool VmallSentScan(const alist_target *t, const alist_target &e) const
	{
		for (alist_u32 i = idx_; i-- > 0;) {
			const alist_target &m = t[i];

			if (m.instance != e.instance || m.kind < ALIST_KIND_SMMU_S2 ||
			    (m.kind == ALIST_KIND_SMMU_S2 && m.tag < e.tag))
				return false;
			if (m.kind == ALIST_KIND_SMMU_S2 && m.tag == e.tag && Live(m))
				return true;
		}
		return false;
	}

	/* @t's commands from the walk's position on; false: the sink is full. */
	template <class Emitter>
	bool EmitTarget(const typename Emitter::Params &p, const alist_target &t, BufferSink &sink)
	{
		if (TargetOrder::IsAtc(t.kind)) {
			if (t.kind == ALIST_KIND_ATC_FULL || plan_.atc_full)
				return EmitOne(sink, t.instance, Emitter::Atc(t, 0, InvPlan::kFullOrder));
			if (plan_.atc_hull)
				return EmitOne(sink, t.instance,
					       Emitter::Atc(t, plan_.hull_base, plan_.hull_order));
			/* Exact: the largest aligned block at each position. */
			return EmitCover(0, t.instance, sink,
					 [&](alist_u32, alist_u64 cur, alist_u64 last, alist_cmd *out) {
				unsigned order = BlockCover::NextOrder(cur, last, InvPlan::kFullOrder);

				*out = Emitter::Atc(t, cur, order);
				return 1ull << order;
			});
		}
		/* TLBI_NH_ALL has no ranged form. */
		if (plan_.tlb_whole || t.kind == ALIST_KIND_SMMU_S1_CLEAR)
			return EmitOne(sink, t.instance, Emitter::Whole(p, t));
		return EmitCover(plan_.unit_shift, t.instance, sink,
				 [&](alist_u32 range, alist_u64 cur, alist_u64 last, alist_cmd *out) {
			return Emitter::Tlb(p, plan_, t, range, cur, last, out);
		});
	}

	/* @cmd into the sink; false, not taken, when it is full. */
	static ALIST_ALWAYS_INLINE bool EmitOne(BufferSink &sink, alist_u32 instance,
						const alist_cmd &cmd)
	{
		alist_cmd *out = sink.Slot();

		if (!out)
			return false;
		*out = cmd;
		sink.Commit(instance);
		return true;
	}

	/*
	 * Cover every range, in 2^@shift pages: step(range, cur, last, &cmd)
	 * encodes the command at unit @cur of span [cur, last] into the sink's
	 * next slot and returns the units it covers.
	 */
	template <class Step>
	bool EmitCover(unsigned shift, alist_u32 instance, BufferSink &sink, Step step)
	{
		const RangeSet &rs = req_.ranges;

		if (cur_ == kUnset) {
			range_ = 0;
			cur_ = rs[0].first >> shift;
		}
		while (range_ < rs.size()) {
			RangeSet::Span s = rs.SpanAt(range_, shift);
			alist_cmd *out = sink.Slot();

			if (!out)
				return false;

			alist_u64 units = step(range_, cur_, s.last, out);

			sink.Commit(instance);
			if (s.last - cur_ + 1 == units) {
				range_ = s.next;
				if (range_ < rs.size())
					cur_ = rs[range_].first >> shift;
			} else {
				cur_ += units;
			}
		}
		return true;
	}

	InvRequest req_;
	InvPlan plan_;
	alist_u8 format_;	/* 0, or the emitter's kFormat */
	bool atc_planned_;	/* plan_'s device-TLB part is made */
	alist_u32 idx_;		/* current target */
	alist_u32 instance_;	/* current instance (any value before the first) */
	alist_u32 prev_;	/* last target that emitted, this instance */
	alist_u32 run_begin_;	/* first emitting target of prev's kind */
	alist_u32 unsynced_;	/* bit per kind: emitted since the last sync */
	/* The current target's position: it passed its checks (started) and
	 * its commands continue at range @range_, unit @cur_ (kUnset: the first). */
	bool started_;
	alist_u32 range_;
	alist_u64 cur_;
};

static_assert(sizeof(Batcher) <= sizeof(alist_inv_cursor), "ALIST_INV_CURSOR_WORDS too small");
static_assert(alignof(Batcher) <= alignof(alist_inv_cursor), "alist_inv_cursor under-aligned");
static_assert(__is_trivially_copyable(Batcher), "the cursor lives in plain C storage");

} // namespace alist

#endif /* ALIST_CORE_BATCHER_H */
