/* SPDX-License-Identifier: GPL-2.0 */
/*
 * InvCursor: the state behind struct alist_inv_cursor: the request, the
 * plan (made by the first fill, when the format is known) and the walk
 * position. Plain data, so it lives in the C caller's opaque buffer.
 */
#ifndef ALIST_CORE_INV_CURSOR_H
#define ALIST_CORE_INV_CURSOR_H

#include <alist/errno.h>
#include <alist/inv.h>

#include "inv/batcher.h"
#include "inv/buffer_sink.h"
#include "inv/inv_plan.h"
#include "inv/inv_request.h"

namespace alist {

class InvCursor {
public:
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
		req_.Init(flags & ALIST_INV_LEAF, granule_lg2);
		format_ = 0;
	}

	InvRequest &request() { return req_; }
	const InvRequest &request() const { return req_; }

	/*
	 * One batch of the walk with emitter @E: chunks written, or -EINVAL.
	 * The first fill checks the unit parameters and plans (every fill of
	 * a walk takes the same @p and @t, inv.h); a cursor never changes
	 * format.
	 */
	template <class E>
	int Fill(const typename E::Params *p, const alist_target *t, alist_u32 n,
		 alist_inv_batch *b)
	{
		if (!BufferSink::Valid(b) || !p || (n && !t))
			return -ALIST_EINVAL;
		if (!format_) {
			if (!E::ParamsValid(*p))
				return -ALIST_EINVAL;
			E::MakePlan(*p, req_, &plan_);
			walk_.Reset();
			format_ = E::kFormat;
		} else if (format_ != E::kFormat) {
			return -ALIST_EINVAL;
		}

		BufferSink sink(b);

		return sink.Finish(walk_.Run<E>(*p, plan_, req_.ranges, t, n, sink));
	}

private:
	InvRequest req_;
	InvPlan plan_;
	Batcher walk_;
	alist_u8 format_;	/* 0, or the emitter's kFormat */
};

static_assert(sizeof(InvCursor) <= sizeof(alist_inv_cursor),
	      "ALIST_INV_CURSOR_WORDS too small");
static_assert(alignof(InvCursor) <= alignof(alist_inv_cursor),
	      "alist_inv_cursor under-aligned");
static_assert(__is_trivially_copyable(InvCursor),
	      "the cursor lives in plain C storage");

} // namespace alist

#endif /* ALIST_CORE_INV_CURSOR_H */
