// SPDX-License-Identifier: GPL-2.0
/*
 * The C API of include/alist/inv.h: the cursor. Each format's fill is
 * in its emitter's object (hw/), the same Batcher template over a
 * different emitter, so the two cannot drift apart.
 */
#include <alist/errno.h>
#include <alist/inv.h>

#include "inv/batcher.h"

using alist::Batcher;

extern "C" void alist_inv_cursor_init(struct alist_inv_cursor *c, unsigned int flags,
				      unsigned int granule_lg2)
{
	Batcher::From(c)->Init(flags, granule_lg2);
}

extern "C" void alist_inv_cursor_add_range(struct alist_inv_cursor *c,
					   alist_u64 start, alist_u64 last)
{
	Batcher::From(c)->request().ranges.AddBytes(start, last);
}

extern "C" void alist_inv_cursor_add_all(struct alist_inv_cursor *c)
{
	Batcher::From(c)->request().ranges.SetAll();
}

extern "C" int alist_inv_cursor_empty(const struct alist_inv_cursor *c)
{
	return Batcher::From(c)->request().ranges.empty();
}
