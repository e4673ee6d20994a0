/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BufferSink: the sink behind the C API. Fills the caller's batch (struct
 * alist_inv_batch): commands go to its buffer, and a chunk is closed at
 * each sync and at an instance change, so every chunk is "n commands for
 * one instance, then maybe a sync". The walk pauses when the buffer or the
 * chunk table is full. The open chunk and the counts stay in the sink
 * (registers, when it does not escape) until Finish().
 *
 * Every member is forced inline: that is what keeps the sink in registers,
 * and it leaves no out-of-line copy in several objects (the kernel's
 * patchable function entries cannot refer to a discarded COMDAT copy).
 */
#ifndef ALIST_CORE_BUFFER_SINK_H
#define ALIST_CORE_BUFFER_SINK_H

#include <alist/inv.h>

#include "bits.h"

namespace alist {

class BufferSink {
public:
	explicit BufferSink(alist_inv_batch *b)
		: batch_(b), out_(b->cmds), end_(b->cmds + b->cap), first_(b->cmds),
		  chunk_(b->chunks), instance_(0)
	{
	}

	BufferSink(const BufferSink &) = delete;
	BufferSink &operator=(const BufferSink &) = delete;

	/* A batch the sink can fill: both arrays present, both capacities >= 1. */
	static bool Valid(const alist_inv_batch *b)
	{
		return b && b->cmds && b->chunks && b->cap && b->max_chunks;
	}

	ALIST_ALWAYS_INLINE bool Emit(alist_u32 instance, const alist_cmd &cmd)
	{
		if (out_ == end_)
			return false;
		/* The walk syncs every instance it leaves; this is the safe net. */
		if (ALIST_UNLIKELY(out_ != first_ && instance != instance_) && !Close(false))
			return false;
		instance_ = instance;
		*out_++ = cmd;
		return true;
	}

	/* Emit() when the open chunk already has a command for this instance. */
	ALIST_ALWAYS_INLINE bool EmitSame(const alist_cmd &cmd)
	{
		if (out_ == end_)
			return false;
		*out_++ = cmd;
		return true;
	}

	/*
	 * For a producer that writes commands itself: where the next command
	 * for @instance goes and, in @room, how many fit (0 when the open
	 * chunk holds another instance). Commit() then takes the first @k.
	 */
	ALIST_ALWAYS_INLINE alist_cmd *Reserve(alist_u32 instance, alist_u32 *room)
	{
		if (out_ != first_ && instance != instance_) {
			*room = 0;
			return out_;
		}
		*room = static_cast<alist_u32>(end_ - out_);
		return out_;
	}

	ALIST_ALWAYS_INLINE void Commit(alist_u32 instance, alist_u32 k)
	{
		if (k)
			instance_ = instance;
		out_ += k;
	}

	/*
	 * Close the open chunk with a sync (always taken: the table keeps a
	 * slot for it). False, a pause, when the table is now full.
	 */
	ALIST_ALWAYS_INLINE bool Sync(alist_u32 instance)
	{
		instance_ = instance;
		return Close(true);
	}

	/*
	 * Close an unsynced open chunk and report the fill to the caller.
	 * Return: the number of chunks written.
	 */
	ALIST_ALWAYS_INLINE int Finish(bool done)
	{
		if (out_ != first_)
			Close(false);
		batch_->done = done;
		return static_cast<int>(chunk_ - batch_->chunks);
	}

private:
	/*
	 * Write the open chunk; false when no slot is left for another. The
	 * batch's base and table size are read here, once per chunk, so that
	 * the walk keeps fewer values live.
	 */
	ALIST_ALWAYS_INLINE bool Close(bool sync)
	{
		const alist_cmd *base = batch_->cmds;

		*chunk_++ = alist_inv_chunk{static_cast<alist_u32>(first_ - base),
					    static_cast<alist_u32>(out_ - first_), instance_, sync,
					    {0, 0, 0}};
		first_ = out_;
		return chunk_ != batch_->chunks + batch_->max_chunks;
	}

	alist_inv_batch *batch_;
	alist_cmd *out_;	/* where the next command goes */
	alist_cmd *end_;	/* past the buffer */
	alist_cmd *first_;	/* first command of the open chunk */
	alist_inv_chunk *chunk_;	/* where the next chunk goes */
	alist_u32 instance_;	/* the open chunk's instance */
};

} // namespace alist

#endif /* ALIST_CORE_BUFFER_SINK_H */
