/* SPDX-License-Identifier: GPL-2.0 */
/*
 * InvCursor: the state behind struct alist_inv_cursor: the request, the
 * plan (made on the first fill, when the format is known) and the walk
 * position. Plain data, so it lives in the C caller's opaque buffer.
 */
#ifndef ALIST_CORE_INV_CURSOR_H
#define ALIST_CORE_INV_CURSOR_H

#include <alist/errno.h>
#include <alist/inv.h>

#include "buffer_sink.h"
#include "batcher.h"
#include "inv_plan.h"
#include "inv_request.h"
#include "walk_state.h"

namespace alist {

class InvCursor {
public:
	enum Format : alist_u8 { kNone = 0, kVtd = 1, kSmmuv3 = 2 };

	static InvCursor *From(alist_inv_cursor *c)
	{
		return reinterpret_cast<InvCursor *>(c->opaque);
	}
	static const InvCursor *From(const alist_inv_cursor *c)
	{
		return reinterpret_cast<const InvCursor *>(c->opaque);
	}

	void Init(unsigned flags, unsigned granule_lg2)
	{
		/* walk_ is set by the first fill (First()). */
		req_.Init(flags & ALIST_INV_LEAF, granule_lg2);
		format_ = kNone;
	}

	InvRequest &request() { return req_; }
	const InvRequest &request() const { return req_; }

	/* One batch of the walk for format @F with emitter @E: chunks or -errno. */
	template <class E, Format F>
	ALIST_ALWAYS_INLINE int Fill(const typename E::Params *p, const alist_target *t,
				     alist_u32 n, alist_inv_batch *b)
	{
		/* No hint: with a batch that holds the flush, the first fill is the only one. */
		if (format_ != F)
			return First<E, F>(p, t, n, b);
		if (ALIST_UNLIKELY(!BufferSink::Valid(b) || !p)) {
			/* @t and @n were checked by First(): the same on every call. */
			return -ALIST_EINVAL;
		}
		return Resume<E>(p, t, n, b);
	}

private:
	/*
	 * The first fill (inline: usually the only one): checks every argument
	 * and plans once (the unit parameters are validated here: every fill
	 * of a walk takes the same @p and @t, inv.h). A cursor never switches
	 * format.
	 *
	 * The common plan (Batcher::PlanFast()) and a fresh walk position are
	 * locals, so the compiler keeps them in registers: in the cursor,
	 * every command stored could alias them (-fno-strict-aliasing) and
	 * they were reloaded after each one. They are written back only if
	 * the walk pauses; a finished walk leaves just "done".
	 */
	template <class E, Format F>
	ALIST_ALWAYS_INLINE int First(const typename E::Params *p, const alist_target *t,
				      alist_u32 n, alist_inv_batch *b)
	{
		if (!BufferSink::Valid(b) || !p || (n && !t) || format_ != kNone ||
		    !E::ParamsValid(*p))
			return -ALIST_EINVAL;
		format_ = F;

		InvPlan plan;

		if (Batcher<E>::PlanFast(*p, req_, &plan)) {
			BufferSink sink(b);
			WalkState w;

			w.Reset();
			bool done = Batcher<E>::template Run<true>(*p, plan, req_.ranges, t, n, w, sink);

			if (ALIST_UNLIKELY(!done)) {
				plan_ = plan;
				walk_ = w;
			} else {
				walk_.done = true;
			}
			return sink.Finish(done);
		}
		Batcher<E>::PlanGeneral(*p, req_, &plan_);
		walk_.Reset();
		return Resume<E>(p, t, n, b);
	}

	/* A fill from the cursor's plan and position. */
	template <class E>
	ALIST_ALWAYS_INLINE int Resume(const typename E::Params *p, const alist_target *t,
				       alist_u32 n, alist_inv_batch *b)
	{
		if (walk_.done) {
			/* The walk ended (First() then leaves no plan_): nothing more. */
			b->done = true;
			return 0;
		}
		if (ALIST_LIKELY(plan_.all_one)) {
			/* Its own sink: this one never escapes, so it is registers. */
			BufferSink sink(b);

			bool done = Batcher<E>::template Run<true>(*p, plan_, req_.ranges, t, n,
								   walk_, sink);

			return sink.Finish(done);
		}
		return FillGeneral<E>(p, t, n, b);
	}

	/* Plans with multi-command targets: out of line, off the common path. */
	template <class E>
	ALIST_NOINLINE int FillGeneral(const typename E::Params *p, const alist_target *t,
				       alist_u32 n, alist_inv_batch *b)
	{
		BufferSink sink(b);

		return sink.Finish(Batcher<E>::Run(*p, plan_, req_.ranges, t, n, walk_, sink));
	}

	InvRequest req_;
	InvPlan plan_;
	WalkState walk_;
	Format format_;
};

static_assert(sizeof(InvCursor) <= sizeof(alist_inv_cursor),
	      "ALIST_INV_CURSOR_WORDS too small");
static_assert(alignof(InvCursor) <= alignof(alist_inv_cursor),
	      "alist_inv_cursor under-aligned");
static_assert(__is_trivially_copyable(InvCursor),
	      "the cursor lives in plain C storage");

} // namespace alist

#endif /* ALIST_CORE_INV_CURSOR_H */
