/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BufferSink: fills the caller's struct alist_inv_batch, one chunk per
 * sync and one at the end of a fill; full buffer or chunk table: a pause.
 * Commands are written in place (Slot(), Commit(): always inlined); the
 * rest is out of line: an inline copy in two objects is a COMDAT the
 * module link may discard under the kernel's patchable function entries.
 */
#ifndef ALIST_CORE_BUFFER_SINK_H
#define ALIST_CORE_BUFFER_SINK_H

#include <alist/inv.h>

#include "base/bits.h"

namespace alist {

class BufferSink {
public:
	explicit BufferSink(alist_inv_batch *b)
		: batch_(b), out_(0), first_(0), chunks_(0), instance_(0)
	{
	}

	BufferSink(const BufferSink &) = delete;
	BufferSink &operator=(const BufferSink &) = delete;

	/* A batch the sink can fill: both arrays present, both capacities >= 1. */
	static bool Valid(const alist_inv_batch *b);

	/*
	 * Where the next command goes, written in place and then taken with
	 * Commit() for its instance; nullptr when the buffer is full. No chunk
	 * mixes instances: every walk syncs the instance it leaves.
	 */
	ALIST_ALWAYS_INLINE alist_cmd *Slot()
	{
		return out_ == batch_->cap ? nullptr : &batch_->cmds[out_];
	}

	ALIST_ALWAYS_INLINE void Commit(alist_u32 instance)
	{
		instance_ = instance;
		out_++;
	}

	/*
	 * Close the open chunk with a sync for @instance (always taken: the
	 * table keeps a slot for it). False, a pause, when the table is full.
	 */
	bool Sync(alist_u32 instance);

	/* Close an unsynced open chunk, set @done. Return: chunks written. */
	int Finish(bool done);

private:
	bool Close(bool sync);

	alist_inv_batch *batch_;
	alist_u32 out_;		/* where the next command goes */
	alist_u32 first_;	/* first command of the open chunk */
	alist_u32 chunks_;	/* chunks written */
	alist_u32 instance_;	/* the open chunk's instance */
};

} // namespace alist

#endif /* ALIST_CORE_BUFFER_SINK_H */
