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
 *		asks the walk to pause after it (e.g. the C API's chunk
 *		table is full)
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
 * Fast paths (same commands, fewer instructions): when the plan makes a
 * target one command (InvPlan::tlb_one / tlb_whole, the device-TLB span),
 * Emitter::One() ORs the target's fields into the plan's precomputed
 * command; a run of device TLBs of one (instance, tag, vmid) is walked by a
 * specialised loop; with InvPlan::all_one the walk never needs an in-target
 * position and never hands the sink to EmitTarget(), so a caller's sink
 * object can stay in registers. A target that passed its checks before a
 * pause (at an ordering sync, or a full sink) is marked started and only
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

#include "atc_cover.h"
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

	/*
	 * The emitter's plan (which starts from a zeroed InvPlan) plus what
	 * the device-TLB runs share.
	 */
	static void Plan(const Params &p, const InvRequest &req, InvPlan *plan)
	{
		if (!PlanFast(p, req, plan))
			PlanGeneral(p, req, plan);
	}

	/* Plan() for a request PlanFast() turned down. */
	static void PlanGeneral(const Params &p, const InvRequest &req, InvPlan *plan)
	{
		Emitter::MakePlan(p, req, plan);
	}

	/*
	 * Plan() for the emitter's common case, inline, when it has one
	 * (Emitter::PlanOneBlock()): false, and @plan untouched, otherwise.
	 */
	static ALIST_ALWAYS_INLINE bool PlanFast(const Params &p, const InvRequest &req,
						 InvPlan *plan)
	{
		if constexpr (requires { Emitter::PlanOneBlock(p, req, plan); }) {
			if (Emitter::PlanOneBlock(p, req, plan))
				return true;
		}
		return false;
	}

	/*
	 * @kAllOne: the caller checked plan.all_one; every target is then one
	 * command and the walk never hands the sink to the general
	 * EmitTarget() (so a sink object can live in registers). Not called
	 * again once it returned true (the C API answers a fill after the
	 * end from the cursor, InvCursor::Resume()).
	 */
	template <bool kAllOne = false, class Sink>
	static ALIST_ALWAYS_INLINE bool Run(const Params &p, const InvPlan &plan,
					    const RangeSet &rs, const alist_target *t,
					    alist_u32 n, WalkState &ws, Sink &sink)
	{
		if (rs.empty())
			n = 0;	/* nothing requested: no commands, no syncs */
		return Walk<kAllOne>(p, plan, rs, t, n, ws, sink);
	}

private:
	/*
	 * The walk works on the WalkState it is given, in place (the names
	 * below are references to its fields): a resumed fill of the C API
	 * typically handles one or two targets before the next sync ends its
	 * chunk, and copying the state into locals and back on every call
	 * cost more than it saved. A first fill passes a fresh local one
	 * instead (InvCursor::First()). The long runs (device TLBs of one
	 * tag) keep their own locals in the specialised loop.
	 */
	template <bool kAllOne, class Sink>
	static ALIST_ALWAYS_INLINE bool Walk(const Params &p, const InvPlan &plan, const RangeSet &rs,
			 const alist_target *t, alist_u32 n, WalkState &w, Sink &sink)
	{
		alist_u32 &idx = w.idx, &prev = w.prev, &run_begin = w.run_begin;
		alist_u32 &atc_begin = w.atc_begin, &atc_end = w.atc_end;
		alist_u32 &instance = w.instance;
		InstanceFlags &flags = w.flags;

		for (; idx < n; idx++) {
			const alist_target &e = t[idx];

			if (ALIST_UNLIKELY(w.pos.started)) {
				/*
				 * A target accounted for by an earlier fill (it paused
				 * at a sync before it, or the sink was full): only its
				 * commands are left.
				 */
				if constexpr (!kAllOne) {
					if (!Emitter::EmitTarget(p, plan, rs, e, w.pos, sink))
						return false;
					w.pos.started = false;
					continue;
				}
				w.pos.started = false;
			} else {
				if (!Live(e))
					continue;
				/*
				 * The state starts as a fresh instance's, so the first
				 * target needs no switch, whatever its instance.
				 */
				if (ALIST_UNLIKELY(e.instance != instance)) {
					bool sync = flags.pending();
					alist_u32 done_instance = instance;

					/*
					 * Switch to e's instance first, so that a fill
					 * paused by the sync resumes already switched.
					 */
					instance = e.instance;
					flags.Clear();
					prev = WalkState::kNone;
					run_begin = WalkState::kNone;
					atc_begin = WalkState::kNone;
					if (sync && !sink.Sync(done_instance))
						return false;
				}
				if (ALIST_UNLIKELY(!Emitter::KindValid(e.kind))) {
					WarnKind();
					continue;
				}
				if (Duplicate(plan, t, prev, run_begin, atc_begin, atc_end, idx, e) ||
				    Emitter::Covered(plan, t, idx))
					continue;

				bool sync = Emitter::NeedSyncBefore(e.kind, flags);

				if (ALIST_UNLIKELY(sync))
					flags.Clear();
				Emitter::NoteEmitting(e.kind, flags);
				if (prev == WalkState::kNone || t[prev].kind != e.kind)
					run_begin = idx;
				prev = idx;
				/* Only a full flush collapses ATC_FULL into ATC (Duplicate()). */
				if (plan.atc_full && e.kind == ALIST_KIND_ATC) {
					if (atc_begin == WalkState::kNone)
						atc_begin = idx;
					atc_end = idx + 1;
				}
				if (ALIST_UNLIKELY(sync) && !sink.Sync(instance)) {
					/*
					 * e passed its checks and is accounted: the next
					 * fill only emits it (the sync is queued first).
					 */
					w.pos = EmitPos{RangeWalk::kUnset, 0, true};
					return false;
				}
			}

			/*
			 * The device TLBs of one (instance, tag, vmid) are the N in
			 * "N devices": when the plan gives each the same one span,
			 * this target and the rest of its run are walked here. Each
			 * later target gets exactly the checks of the loop above,
			 * specialised: live; a duplicate only of the previous one
			 * (same device); no sync (any the run needs came before
			 * its first target); one command from the plan's words.
			 */
			if (e.kind == ALIST_KIND_ATC && (plan.atc_full || plan.atc_hull)) {
				/*
				 * The span's address word(s), once per run: a plan
				 * for a domain without ATS does not pay for them.
				 */
				alist_u64 words[2];

				Emitter::AtcWords(AtcCover::PlanSpan(plan), words);

				const alist_u64 w0 = words[0], w1 = words[1];

				if (ALIST_UNLIKELY(!sink.Emit(e.instance, Emitter::AtcCmd(e, w0, w1)))) {
					w.pos = EmitPos{RangeWalk::kUnset, 0, true};
					return false;
				}

				/*
				 * Locals: with -fno-strict-aliasing each command stored
				 * could alias the cursor, and fields read through it
				 * would be reloaded per device. (tag, vmid) and (pasid,
				 * sid) are compared as pairs (TagPair(), DevicePair()).
				 */
				const alist_u32 inst = instance;
				const alist_u64 tag = TagPair(t[run_begin]);
				const alist_target *f = &e + 1, *last = &e, *end = t + n;
				alist_u64 dev = DevicePair(e);
				bool paused = false;

				for (; f != end; f++) {
					if (f->instance != inst || f->kind != ALIST_KIND_ATC ||
					    TagPair(*f) != tag)
						break;

					alist_u64 d = DevicePair(*f);

					if (!Live(*f) || d == dev)
						continue;
					last = f;
					if (ALIST_UNLIKELY(!EmitSame(sink, inst,
								     Emitter::AtcCmd(*f, w0, w1)))) {
						paused = true;
						break;
					}
					dev = d;
				}
				prev = static_cast<alist_u32>(last - t);
				if (plan.atc_full)
					atc_end = prev + 1;
				if (ALIST_UNLIKELY(paused)) {
					idx = prev;
					w.pos = EmitPos{RangeWalk::kUnset, 0, true};
					return false;
				}
				/* Resume at the first target past the run (read once). */
				idx = static_cast<alist_u32>(f - t) - 1;
				continue;
			}

			/*
			 * The plan made this target a single command (one gathered
			 * block, or a whole-tag flush). EmitTarget() builds the
			 * same command when it resumes a target.
			 */
			alist_cmd c;

			if (Emitter::One(p, plan, e, &c)) {
				if (ALIST_UNLIKELY(!sink.Emit(e.instance, c))) {
					w.pos = EmitPos{RangeWalk::kUnset, 0, true};
					return false;
				}
				continue;
			}
			if constexpr (kAllOne) {
				/* Cannot happen: the plan said every target is one command. */
				WarnKind();
				continue;
			} else {
				w.pos = EmitPos{RangeWalk::kUnset, 0, true};
				if (!Emitter::EmitTarget(p, plan, rs, e, w.pos, sink))
					return false;
				w.pos.started = false;
			}
		}
		w.done = true;
		if (flags.pending()) {
			flags.Clear();
			sink.Sync(instance);
		}
		return true;
	}

	/*
	 * Emit a command for the instance the sink's chunk already holds: a
	 * sink may provide a cheaper EmitSame() for that; same contract.
	 */
	template <class Sink>
	static ALIST_ALWAYS_INLINE bool EmitSame(Sink &sink, alist_u32 instance, const alist_cmd &c)
	{
		if constexpr (requires { sink.EmitSame(c); })
			return sink.EmitSame(c);
		else
			return sink.Emit(instance, c);
	}

	static ALIST_NOINLINE void WarnKind()
	{
		alist_env_warn(__FILE__, __LINE__, "target kind of another format");
	}

	/*
	 * Two adjacent 32-bit fields of a target, (tag, vmid) and (pasid, sid),
	 * read as one value to compare both at once (equality only, so byte
	 * order does not matter).
	 */
	template <unsigned kOffset>
	static alist_u64 FieldPair(const alist_target &t)
	{
		alist_u64 v;

		__builtin_memcpy(&v, reinterpret_cast<const char *>(&t) + kOffset, sizeof(v));
		return v;
	}

	static alist_u64 TagPair(const alist_target &t)
	{
		static_assert(__builtin_offsetof(alist_target, vmid) ==
			      __builtin_offsetof(alist_target, tag) + 4);
		return FieldPair<__builtin_offsetof(alist_target, tag)>(t);
	}

	static alist_u64 DevicePair(const alist_target &t)
	{
		static_assert(__builtin_offsetof(alist_target, sid) ==
			      __builtin_offsetof(alist_target, pasid) + 4);
		return FieldPair<__builtin_offsetof(alist_target, pasid)>(t);
	}

	static bool SameDevice(const alist_target &a, const alist_target &b)
	{
		return a.kind == b.kind && a.sid == b.sid && a.pasid == b.pasid;
	}

	/* Was an equivalent command set already emitted for this instance? */
	static ALIST_ALWAYS_INLINE bool Duplicate(const InvPlan &plan, const alist_target *t,
						  alist_u32 prev, alist_u32 run_begin,
						  alist_u32 atc_begin, alist_u32 atc_end,
						  alist_u32 idx, const alist_target &e)
	{
		if (prev == WalkState::kNone)
			return false;
		/*
		 * Flushing everything, a device TLB named by an ATC entry got
		 * the same full invalidation an ATC_FULL entry asks for.
		 */
		if (ALIST_UNLIKELY(e.kind == ALIST_KIND_ATC_FULL && plan.atc_full &&
				   atc_begin != WalkState::kNone) &&
		    InRange(t, atc_begin, atc_end, e, false))
			return true;

		const alist_target &last = t[prev];

		if (!Emitter::IsAtc(e.kind))
			return last.kind == e.kind && Emitter::SameTag(last, e);
		if (last.kind != e.kind)
			return false;
		/*
		 * Within one (tag, vmid) the order is (pasid, sid): a duplicate
		 * is adjacent. The run started with e's tag, so it has no other.
		 */
		const alist_target &first = t[run_begin];

		if (ALIST_LIKELY(first.tag == e.tag && first.vmid == e.vmid))
			return SameDevice(last, e);
		/*
		 * The run mixes tags: the same device may appear under each.
		 * Scan this (instance, kind) run; rare and short.
		 */
		return InRange(t, run_begin, idx, e, true);
	}

	/*
	 * A live entry of t[begin, end) names e's device (@same_kind: and has
	 * e's kind). Out of line: rare.
	 */
	static ALIST_NOINLINE bool InRange(const alist_target *t, alist_u32 begin, alist_u32 end,
					   const alist_target &e, bool same_kind)
	{
		for (alist_u32 i = begin; i < end; i++)
			if ((!same_kind || t[i].kind == e.kind) && t[i].sid == e.sid &&
			    t[i].pasid == e.pasid && Live(t[i]))
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
	InvPlan plan;

	Batcher<Emitter>::Plan(p, req, &plan);
	WalkState w;

	w.Reset();
	if (plan.all_one) {
		while (!Batcher<Emitter>::template Run<true>(p, plan, req.ranges, t, n, w, sink))
			;
		return;
	}
	while (!Batcher<Emitter>::Run(p, plan, req.ranges, t, n, w, sink))
		;
}

} // namespace alist

#endif /* ALIST_CORE_BATCHER_H */
