/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Batcher<Emitter>: one walk of a domain's sorted target array, turning a
 * request into hardware commands for every live target, grouped by
 * instance, with the fewest syncs the format allows.
 *
 * Static dispatch: the emitter is a template parameter (VtdEmitter or
 * Smmuv3Emitter) and so is the sink, so the per-target work inlines into
 * one loop with no indirect calls.
 *
 * A Sink is any type with
 *	bool Emit(alist_u32 instance, const alist_cmd &cmd);
 *		queue @cmd; false when full (the command was NOT taken)
 *	bool Sync(alist_u32 instance);
 *		queue a sync after everything so far (always taken); false
 *		asks the walk to pause here (a chunk boundary)
 * Run() returns false when the sink paused it; calling it again with the
 * same arguments and state resumes exactly where it stopped. That is how
 * the C API fills bounded buffers from the same code as the C++ one-shot.
 *
 * Rules:
 *  - dead entries (users == 0) are skipped;
 *  - IOTLB kinds: entries naming the same cache tag (Emitter::SameTag:
 *    the fields the command carries) are adjacent in the sort order and
 *    emitted once;
 *  - device-TLB kinds: one command set per (instance, kind, sid, pasid),
 *    even when two tags name the same device (replacement windows on a
 *    nest parent); that check is O(1) unless the run mixes tags. When
 *    everything is flushed, ATC and ATC_FULL of one device also collapse.
 *    (A ranged ATC followed by ATC_FULL of the same device -- only seen
 *    mid-replacement -- sends both: correct, one command more.);
 *  - a sync ends every instance that emitted something; the emitter adds
 *    the ordering syncs its format needs (NeedSyncBefore).
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

#include "bits.h"
#include "inv_plan.h"
#include "inv_request.h"
#include "range_set.h"
#include "range_walk.h"
#include "walk_state.h"

namespace alist {

template <class Emitter>
class Batcher {
public:
	using Params = typename Emitter::Params;

	static bool Live(const alist_target &t)
	{
		return __atomic_load_n(&t.users, __ATOMIC_RELAXED) != 0;
	}

	template <class Sink>
	static bool Run(const Params &p, const InvPlan &plan, const RangeSet &rs,
			const alist_target *t, alist_u32 n, WalkState &ws, Sink &sink)
	{
		if (ws.done)
			return true;
		if (rs.empty())
			n = 0;	/* nothing requested: no commands, no syncs */

		/*
		 * Walk on a local copy: the caller's state lives in memory the
		 * compiler cannot keep in registers across the command stores.
		 */
		WalkState w = ws;
		bool done = Walk(p, plan, rs, t, n, w, sink);

		ws = w;
		return done;
	}

private:
	template <class Sink>
	static bool Walk(const Params &p, const InvPlan &plan, const RangeSet &rs,
			 const alist_target *t, alist_u32 n, WalkState &w, Sink &sink)
	{
		while (w.idx < n) {
			const alist_target &e = t[w.idx];

			if (!w.pos.started) {
				if (!Live(e)) {
					w.idx++;
					continue;
				}
				if (ALIST_UNLIKELY(!w.have_instance || e.instance != w.instance)) {
					if (w.have_instance && w.flags.pending) {
						w.flags.Clear();
						if (!sink.Sync(w.instance))
							return false;
					}
					w.instance = e.instance;
					w.have_instance = true;
					w.flags.Clear();
					w.prev = WalkState::kNone;
					w.run_begin = WalkState::kNone;
					w.atc_begin = WalkState::kNone;
				}
				if (ALIST_UNLIKELY(!Emitter::KindValid(e.kind))) {
					WarnKind();
					w.idx++;
					continue;
				}
				if (Duplicate(plan, t, w, e) || Emitter::Covered(plan, t, w.idx)) {
					w.idx++;
					continue;
				}
				if (ALIST_UNLIKELY(Emitter::NeedSyncBefore(e.kind, w.flags))) {
					w.flags.Clear();
					if (!sink.Sync(w.instance))
						return false;
				}
				Emitter::NoteEmitting(e.kind, w.flags);
				if (w.prev == WalkState::kNone || t[w.prev].kind != e.kind)
					w.run_begin = w.idx;
				w.prev = w.idx;
				if (e.kind == ALIST_KIND_ATC) {
					if (w.atc_begin == WalkState::kNone)
						w.atc_begin = w.idx;
					w.atc_end = w.idx + 1;
				}

				/*
				 * Fast path: the plan made this target a single
				 * command (one gathered block, or a whole-tag
				 * flush). EmitTarget() builds the same command when
				 * it resumes a target the sink had no room for.
				 */
				alist_cmd c;

				if (Emitter::One(p, plan, e, &c)) {
					if (ALIST_UNLIKELY(!sink.Emit(e.instance, c))) {
						w.pos = EmitPos{RangeWalk::kUnset, 0, true};
						return false;
					}
					w.idx++;
					continue;
				}
				w.pos = EmitPos{RangeWalk::kUnset, 0, true};
			}
			if (!Emitter::EmitTarget(p, plan, rs, e, w.pos, sink))
				return false;
			w.pos.started = false;
			w.idx++;
		}
		w.done = true;
		if (w.have_instance && w.flags.pending) {
			w.flags.Clear();
			sink.Sync(w.instance);
		}
		return true;
	}

	static ALIST_NOINLINE void WarnKind()
	{
		alist_env_warn(__FILE__, __LINE__, "target kind of another format");
	}

	static bool SameDevice(const alist_target &a, const alist_target &b)
	{
		return a.kind == b.kind && a.sid == b.sid && a.pasid == b.pasid;
	}

	/* Was an equivalent command set already emitted for this instance? */
	static ALIST_ALWAYS_INLINE bool Duplicate(const InvPlan &plan, const alist_target *t,
						  const WalkState &w, const alist_target &e)
	{
		if (w.prev == WalkState::kNone)
			return false;
		/*
		 * Flushing everything, a device TLB named by an ATC entry got
		 * the same full invalidation an ATC_FULL entry asks for.
		 */
		if (ALIST_UNLIKELY(e.kind == ALIST_KIND_ATC_FULL && plan.atc_full &&
				   w.atc_begin != WalkState::kNone) &&
		    InAtcRun(t, w, e))
			return true;

		const alist_target &last = t[w.prev];

		if (!Emitter::IsAtc(e.kind))
			return last.kind == e.kind && Emitter::SameTag(last, e);
		if (last.kind != e.kind)
			return false;
		/*
		 * Within one (tag, vmid) the order is (pasid, sid): a duplicate
		 * is adjacent. The run started with e's tag, so it has no other.
		 */
		const alist_target &first = t[w.run_begin];

		if (ALIST_LIKELY(first.tag == e.tag && first.vmid == e.vmid))
			return SameDevice(last, e);
		return InMixedRun(t, w, e);
	}

	/* An ATC entry of this instance names e's device (ATC_FULL, "all"). */
	static ALIST_NOINLINE bool InAtcRun(const alist_target *t, const WalkState &w,
					    const alist_target &e)
	{
		for (alist_u32 i = w.atc_begin; i < w.atc_end; i++)
			if (t[i].sid == e.sid && t[i].pasid == e.pasid && Live(t[i]))
				return true;
		return false;
	}

	/*
	 * The run mixes tags: the same device may appear under each. Scan
	 * this (instance, kind) run; rare and short.
	 */
	static ALIST_NOINLINE bool InMixedRun(const alist_target *t, const WalkState &w,
					      const alist_target &e)
	{
		for (alist_u32 i = w.run_begin; i < w.idx; i++)
			if (SameDevice(t[i], e) && Live(t[i]))
				return true;
		return false;
	}
};

/*
 * Invalidate() - the one-shot walk for C++ callers: plan, then run to the
 * end (resuming after every pause the sink asks for).
 */
template <class Emitter, class Sink>
void Invalidate(const typename Emitter::Params &p, const InvRequest &req,
		const alist_target *t, alist_u32 n, Sink &sink)
{
	InvPlan plan = Emitter::MakePlan(p, req);
	WalkState w;

	w.Reset();
	while (!Batcher<Emitter>::Run(p, plan, req.ranges, t, n, w, sink))
		;
}

} // namespace alist

#endif /* ALIST_CORE_BATCHER_H */
