/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Batcher<Emitter>: one walk of a domain's sorted target array, turning a
 * planned request into hardware commands for every live target, grouped by
 * instance, with the fewest syncs the format allows. The emitter (VtdEmitter
 * or Smmuv3Emitter) is a template parameter: no indirect calls.
 *
 * Rules:
 *  - dead entries (users == 0) are skipped;
 *  - IOTLB kinds: entries naming the same cache tag (Emitter::SameTag) are
 *    adjacent in the sort order and emitted once;
 *  - device-TLB kinds: one command set per (instance, kind, sid, pasid),
 *    even when two tags name the same device (replacement windows on a
 *    nest parent); that check is O(1) unless the run mixes tags. When
 *    everything is flushed, ATC and ATC_FULL of one device also collapse.
 *    (A ranged ATC followed by ATC_FULL of the same device -- only seen
 *    mid-replacement -- sends both: correct, one command more.);
 *  - a sync ends every instance that emitted something; the emitter asks
 *    for the ordering syncs its format needs (NeedSyncBefore).
 *
 * Run() fills one BufferSink and returns false when the sink paused it (a
 * full buffer, or a full chunk table after a sync); called again with the
 * same arguments and WalkState it resumes exactly where it stopped. A
 * target that passed its checks before a pause is marked started and only
 * emitted by the next call.
 *
 * Liveness is read with a relaxed load, once per entry: a concurrent unref
 * may or may not be seen, both are correct (RCU: the caller may flush a
 * target that just went away). Published arrays never bring a dead entry
 * back to life (merge builds a new array), which the duplicate checks rely
 * on.
 */
#ifndef ALIST_CORE_BATCHER_H
#define ALIST_CORE_BATCHER_H

#include <alist/env.h>
#include <alist/target.h>

#include "inv/block_cover.h"
#include "inv/buffer_sink.h"
#include "inv/inv_plan.h"
#include "inv/range_set.h"
#include "inv/walk_state.h"

namespace alist {

template <class Emitter>
class Batcher {
public:
	using Params = typename Emitter::Params;

	static bool Run(const Params &p, const InvPlan &plan, const RangeSet &rs,
			const alist_target *t, alist_u32 n, WalkState &w, BufferSink &sink)
	{
		if (rs.empty())
			n = 0;	/* nothing requested: no commands, no syncs */
		for (; w.idx < n; w.idx++) {
			const alist_target &e = t[w.idx];

			if (!w.started) {
				if (!Live(e))
					continue;
				if (e.instance != w.instance) {
					bool sync = w.pending;
					alist_u32 done = w.instance;

					/* Switch first: a fill paused by the sync resumes switched. */
					w.NewInstance(e.instance);
					if (sync && !sink.Sync(done))
						return false;
				}
				if (!Emitter::KindValid(e.kind)) {
					alist_env_warn(__FILE__, __LINE__, "target kind of another format");
					continue;
				}
				if (Duplicate(plan, t, w, e) || Emitter::Covered(plan, t, w.idx))
					continue;

				bool sync = Emitter::NeedSyncBefore(e.kind, w);

				if (sync)
					w.ClearSyncFlags();
				Account(plan, t, w, e);
				if (sync && !sink.Sync(w.instance))
					return false;
			}
			if (!EmitTarget(p, plan, rs, e, w, sink))
				return false;
			w.started = false;
		}
		w.done = true;
		if (w.pending) {
			w.ClearSyncFlags();
			sink.Sync(w.instance);
		}
		return true;
	}

private:
	static bool IsAtc(alist_u8 kind)
	{
		return kind == ALIST_KIND_ATC || kind == ALIST_KIND_ATC_FULL;
	}

	static bool Live(const alist_target &t)
	{
		return __atomic_load_n(&t.users, __ATOMIC_RELAXED) != 0;
	}

	/* @e will emit: note it in the instance's state and start it. */
	static void Account(const InvPlan &plan, const alist_target *t, WalkState &w,
			    const alist_target &e)
	{
		w.pending = true;
		w.tlbi = w.tlbi || !IsAtc(e.kind);
		w.s2 = w.s2 || e.kind == ALIST_KIND_SMMU_S2;
		if (w.prev == WalkState::kNone || t[w.prev].kind != e.kind)
			w.run_begin = w.idx;
		w.prev = w.idx;
		/* Only a full flush collapses ATC_FULL into ATC (Duplicate()). */
		if (plan.atc_full && e.kind == ALIST_KIND_ATC) {
			if (w.atc_begin == WalkState::kNone)
				w.atc_begin = w.idx;
			w.atc_end = w.idx + 1;
		}
		w.started = true;
		w.cur = WalkState::kUnset;
	}

	/* Was an equivalent command set already emitted for this instance? */
	static bool Duplicate(const InvPlan &plan, const alist_target *t, const WalkState &w,
			      const alist_target &e)
	{
		if (w.prev == WalkState::kNone)
			return false;
		/* Flushing everything, an ATC entry's device got what ATC_FULL asks. */
		if (e.kind == ALIST_KIND_ATC_FULL && plan.atc_full &&
		    w.atc_begin != WalkState::kNone && Named(t, w.atc_begin, w.atc_end, e, false))
			return true;

		const alist_target &last = t[w.prev];

		if (last.kind != e.kind)
			return false;
		if (!IsAtc(e.kind))
			return Emitter::SameTag(last, e);
		/*
		 * Within one (tag, vmid) the order is (pasid, sid): a duplicate
		 * is adjacent. A run that mixes tags is scanned (rare, short).
		 */
		const alist_target &first = t[w.run_begin];

		if (first.tag == e.tag && first.vmid == e.vmid)
			return last.sid == e.sid && last.pasid == e.pasid;
		return Named(t, w.run_begin, w.idx, e, true);
	}

	/* A live entry of t[begin, end) names e's device (@same_kind: as e's kind). */
	static bool Named(const alist_target *t, alist_u32 begin, alist_u32 end,
			  const alist_target &e, bool same_kind)
	{
		for (alist_u32 i = begin; i < end; i++)
			if ((!same_kind || t[i].kind == e.kind) && t[i].sid == e.sid &&
			    t[i].pasid == e.pasid && Live(t[i]))
				return true;
		return false;
	}

	/*
	 * Emit @t's commands from the walk's position on: false when the sink
	 * is full (the position says where to resume), true when @t is done.
	 */
	static bool EmitTarget(const Params &p, const InvPlan &plan, const RangeSet &rs,
			       const alist_target &t, WalkState &w, BufferSink &sink)
	{
		alist_cmd c;

		if (IsAtc(t.kind)) {
			if (t.kind == ALIST_KIND_ATC_FULL || plan.atc_full)
				return sink.Emit(t.instance, Emitter::Atc(t, 0, InvPlan::kFullOrder));
			if (plan.atc_hull)
				return sink.Emit(t.instance,
						 Emitter::Atc(t, plan.hull_base, plan.hull_order));
			/* Exact: the largest aligned block at each position. */
			return EmitCover(rs, 0, t.instance, w, sink,
					 [&](alist_u64 cur, alist_u64 last, alist_cmd *out) {
				unsigned order = BlockCover::NextOrder(cur, last, InvPlan::kFullOrder);

				*out = Emitter::Atc(t, cur, order);
				return 1ull << order;
			});
		}
		if (Emitter::Whole(p, plan, t, &c))
			return sink.Emit(t.instance, c);
		return EmitCover(rs, Emitter::UnitShift(plan), t.instance, w, sink,
				 [&](alist_u64 cur, alist_u64 last, alist_cmd *out) {
			return Emitter::Tlb(p, plan, t, cur, last, out);
		});
	}

	/*
	 * Cover every range of @rs, in units of 2^@shift pages, with the
	 * commands @step makes: step(cur, last, &cmd) encodes one command at
	 * unit @cur for the span [cur, last] and returns the units it covers.
	 */
	template <class Step>
	static bool EmitCover(const RangeSet &rs, unsigned shift, alist_u32 instance,
			      WalkState &w, BufferSink &sink, Step step)
	{
		if (w.cur == WalkState::kUnset) {
			w.range = 0;
			w.cur = rs[0].first >> shift;
		}
		while (w.range < rs.size()) {
			RangeSet::Span s = rs.SpanAt(w.range, shift);
			alist_cmd c;
			alist_u64 units = step(w.cur, s.last, &c);

			if (!sink.Emit(instance, c))
				return false;
			if (s.last - w.cur + 1 == units) {
				w.range = s.next;
				if (w.range < rs.size())
					w.cur = rs[w.range].first >> shift;
			} else {
				w.cur += units;
			}
		}
		return true;
	}
};

} // namespace alist

#endif /* ALIST_CORE_BATCHER_H */
