// SPDX-License-Identifier: GPL-2.0
/*
 * The C API of include/alist/inv.h: both formats are the same Batcher
 * template over a different emitter, so they cannot drift apart.
 */
#include <alist/errno.h>
#include <alist/inv.h>

#include "inv/batcher.h"
#include "hw/smmuv3_emitter.h"
#include "hw/vtd_emitter.h"

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

extern "C" int alist_vtd_inv_fill(struct alist_inv_cursor *c,
				  const struct alist_vtd_params *p,
				  const struct alist_target *targets, unsigned int n,
				  struct alist_inv_batch *b)
{
	return Batcher::From(c)->Fill<alist::VtdEmitter>(p, targets, n, b);
}

extern "C" int alist_smmuv3_inv_fill(struct alist_inv_cursor *c,
				     const struct alist_smmuv3_params *p,
				     const struct alist_target *targets, unsigned int n,
				     struct alist_inv_batch *b)
{
	return Batcher::From(c)->Fill<alist::Smmuv3Emitter>(p, targets, n, b);
}

extern "C" void alist_vtd_wait_desc(struct alist_cmd *cmd, alist_u64 status_addr,
				    alist_u32 data)
{
	*cmd = alist::VtdEmitter::Wait(status_addr, data);
}

extern "C" void alist_smmuv3_cmd_sync(struct alist_cmd *cmd, unsigned int cs)
{
	*cmd = alist::Smmuv3Emitter::Sync(cs);
}
