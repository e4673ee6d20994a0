/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WalkState: where a resumable walk over a target array stands, and what
 * the current instance has queued since its last sync. Plain data: it
 * lives in the C caller's opaque cursor.
 */
#ifndef ALIST_CORE_WALK_STATE_H
#define ALIST_CORE_WALK_STATE_H

#include <alist/types.h>

namespace alist {

struct WalkState {
	static constexpr alist_u32 kNone = ~0u;
	static constexpr alist_u64 kUnset = ~0ull;

	alist_u32 idx;		/* current target */
	alist_u32 instance;	/* current instance (any value before the first) */
	alist_u32 prev;		/* last target that emitted, this instance */
	alist_u32 run_begin;	/* first emitting target of prev's kind */
	alist_u32 atc_begin;	/* first and last + 1 emitting ALIST_KIND_ATC */
	alist_u32 atc_end;	/* targets of this instance (a full flush only) */
	bool done;		/* the walk is complete */
	bool pending;		/* a sync must end this instance */
	bool tlbi;		/* an IOTLB command since the last sync */
	bool s2;		/* a stage-2 command since the last sync */
	/* The current target's position: it passed its checks (started) and
	 * its commands continue at range @range, unit @cur (kUnset: the first). */
	bool started;
	alist_u32 range;
	alist_u64 cur;

	void Reset()
	{
		*this = WalkState{};
		NewInstance(0);
	}

	void NewInstance(alist_u32 i)
	{
		instance = i;
		prev = run_begin = atc_begin = kNone;
		ClearSyncFlags();
	}

	void ClearSyncFlags() { pending = tlbi = s2 = false; }
};

} // namespace alist

#endif /* ALIST_CORE_WALK_STATE_H */
