/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BufferSink: the sink behind the C API. Fills the caller's batch (struct
 * alist_inv_batch): commands go to its buffer, and a chunk is closed at
 * each sync and at an instance change, so every chunk is "n commands for
 * one instance, then maybe a sync". The walk pauses when the buffer or the
 * chunk table is full. The open chunk and the counts stay in the sink
 * (registers, when it does not escape) until Finish().
 */
#ifndef ALIST_CORE_BUFFER_SINK_H
#define ALIST_CORE_BUFFER_SINK_H

#include <alist/inv.h>

#include "bits.h"

namespace alist {

class BufferSink {
public:
	explicit BufferSink(alist_inv_batch *b)
		: cmds_(b->cmds), chunks_(b->chunks), cap_(b->cap), max_chunks_(b->max_chunks),
		  n_(0), first_(0), nr_chunks_(0), instance_(0)
	{
	}

	BufferSink(const BufferSink &) = delete;
	BufferSink &operator=(const BufferSink &) = delete;

	/* A batch the sink can fill: both arrays present, both capacities >= 1. */
	static bool Valid(const alist_inv_batch *b)
	{
		return b && b->cmds && b->chunks && b->cap && b->max_chunks;
	}

	bool Emit(alist_u32 instance, const alist_cmd &cmd)
	{
		alist_u32 n = n_;

		if (n == cap_)
			return false;
		/* The walk syncs every instance it leaves; this is the safe net. */
		if (ALIST_UNLIKELY(n != first_ && instance != instance_) && !Close(false))
			return false;
		instance_ = instance;
		cmds_[n] = cmd;
		n_ = n + 1;
		return true;
	}

	/* Emit() when the open chunk already has a command for this instance. */
	bool EmitSame(const alist_cmd &cmd)
	{
		alist_u32 n = n_;

		if (n == cap_)
			return false;
		cmds_[n] = cmd;
		n_ = n + 1;
		return true;
	}

	/*
	 * For a producer that writes commands itself: where the next command
	 * for @instance goes and, in @room, how many fit (0 when the open
	 * chunk holds another instance). Commit() then takes the first @k.
	 */
	alist_cmd *Reserve(alist_u32 instance, alist_u32 *room)
	{
		if (n_ != first_ && instance != instance_) {
			*room = 0;
			return cmds_;
		}
		*room = cap_ - n_;
		return cmds_ + n_;
	}

	void Commit(alist_u32 instance, alist_u32 k)
	{
		if (k)
			instance_ = instance;
		n_ += k;
	}

	/*
	 * Close the open chunk with a sync (always taken: the table keeps a
	 * slot for it). False, a pause, when the table is now full.
	 */
	bool Sync(alist_u32 instance)
	{
		instance_ = instance;
		return Close(true);
	}

	/*
	 * Close an unsynced open chunk and report the fill to the caller.
	 * Return: the number of chunks written.
	 */
	int Finish(alist_inv_batch *b, bool done)
	{
		if (n_ != first_)
			Close(false);
		b->done = done;
		return static_cast<int>(nr_chunks_);
	}

private:
	/* Write the open chunk; false when no slot is left for another. */
	bool Close(bool sync)
	{
		chunks_[nr_chunks_++] = alist_inv_chunk{first_, n_ - first_, instance_, sync, {0, 0, 0}};
		first_ = n_;
		return nr_chunks_ != max_chunks_;
	}

	alist_cmd *cmds_;
	alist_inv_chunk *chunks_;
	alist_u32 cap_;
	alist_u32 max_chunks_;
	alist_u32 n_;		/* commands written */
	alist_u32 first_;	/* first command of the open chunk */
	alist_u32 nr_chunks_;	/* chunks closed */
	alist_u32 instance_;	/* the open chunk's instance */
};

} // namespace alist

#endif /* ALIST_CORE_BUFFER_SINK_H */
