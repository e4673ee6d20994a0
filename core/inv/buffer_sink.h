/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BufferSink: fills the caller's struct alist_inv_batch, one chunk per
 * sync and one at the end of a fill; full buffer or chunk table: a pause.
 * Commands are written in place. Every method is always inlined: it is
 * part of the walk, and an inline copy in two objects would be a COMDAT
 * the module link may discard under the kernel's patchable entries.
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
	static ALIST_ALWAYS_INLINE bool Valid(const alist_inv_batch *b)
	{
		return b && b->cmds && b->chunks && b->cap && b->max_chunks;
	}

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
	ALIST_ALWAYS_INLINE bool Sync(alist_u32 instance)
	{
		instance_ = instance;
		return Close(true);
	}

	/* Close an unsynced open chunk, set @done. Return: chunks written. */
	ALIST_ALWAYS_INLINE int Finish(bool done)
	{
		if (out_ != first_)
			Close(false);
		batch_->done = done;
		return static_cast<int>(chunks_);
	}

private:
	/* Write the open chunk; false when no slot is left for another. */
	ALIST_ALWAYS_INLINE bool Close(bool sync)
	{
		batch_->chunks[chunks_++] =
			alist_inv_chunk{first_, out_ - first_, instance_, sync, {0, 0, 0}};
		first_ = out_;
		return chunks_ != batch_->max_chunks;
	}

	alist_inv_batch *batch_;
	alist_u32 out_;		/* where the next command goes */
	alist_u32 first_;	/* first command of the open chunk */
	alist_u32 chunks_;	/* chunks written */
	alist_u32 instance_;	/* the open chunk's instance */
};

} // namespace alist

#endif /* ALIST_CORE_BUFFER_SINK_H */
