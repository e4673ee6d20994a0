/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WalkState: where a resumable walk over a target array stands. Plain data
 * so it can live in the C caller's opaque cursor on its stack; the same
 * state drives the one-shot C++ walk.
 */
#ifndef ALIST_CORE_WALK_STATE_H
#define ALIST_CORE_WALK_STATE_H

#include <alist/types.h>

namespace alist {

/* Position inside one target's command sequence. */
struct EmitPos {
	alist_u64 cur;		/* next unit (page or granule) to cover */
	alist_u32 range;	/* index into the RangeSet */
	bool started;		/* pre-checks done, commands in progress */
};

/*
 * What the current instance has queued since its last sync. One byte,
 * read and written whole (a wider load of narrower stores still in the
 * store buffer would stall the next fill).
 */
struct InstanceFlags {
	static constexpr alist_u8 kPending = 1 << 0;	/* a sync must end the instance */
	static constexpr alist_u8 kTlbi = 1 << 1;	/* an IOTLB command (SMMUv3: before ATC_INV) */
	static constexpr alist_u8 kS2 = 1 << 2;		/* a stage-2 command (SMMUv3: before S1 clear) */

	alist_u8 bits;

	bool pending() const { return bits & kPending; }
	bool tlbi() const { return bits & kTlbi; }
	bool s2() const { return bits & kS2; }
	void Set(alist_u8 b) { bits = static_cast<alist_u8>(bits | b); }
	void Clear() { bits = 0; }
};

struct WalkState {
	static constexpr alist_u32 kNone = ~0u;

	alist_u32 idx;		/* current target */
	alist_u32 prev;		/* last target that emitted, this instance */
	alist_u32 run_begin;	/* first emitting target of prev's kind */
	alist_u32 atc_begin;	/* first and last + 1 emitting ALIST_KIND_ATC */
	alist_u32 atc_end;	/* targets of this instance */
	alist_u32 instance;	/* flags' instance (any value before the first) */
	bool done;
	InstanceFlags flags;
	EmitPos pos;

	void Reset()
	{
		idx = 0;
		prev = kNone;
		run_begin = kNone;
		atc_begin = kNone;
		atc_end = kNone;
		instance = 0;
		done = false;
		flags.Clear();
		pos = EmitPos{0, 0, false};
	}
};

} // namespace alist

#endif /* ALIST_CORE_WALK_STATE_H */
