/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BufferSink: the sink behind the C API. Fills the caller's command buffer
 * and ends the chunk at the first sync, at an instance change, or when a
 * command no longer fits, so every chunk is "n commands for one instance,
 * then maybe a sync". The chunk is written when the sink goes out of scope.
 */
#ifndef ALIST_CORE_BUFFER_SINK_H
#define ALIST_CORE_BUFFER_SINK_H

#include <alist/inv.h>

namespace alist {

class BufferSink {
public:
	BufferSink(alist_cmd *buf, alist_u32 cap, alist_inv_chunk *chunk)
		: buf_(buf), cap_(cap), n_(0), instance_(0), sync_(0), chunk_(chunk)
	{
	}

	/*
	 * The chunk is kept in registers while the walk runs and written here
	 * (the caller sets ->done from the walk's result; it reads the chunk
	 * after the sink is gone).
	 */
	~BufferSink()
	{
		chunk_->nr_cmds = n_;
		chunk_->instance = instance_;
		chunk_->sync = sync_;
	}

	BufferSink(const BufferSink &) = delete;
	BufferSink &operator=(const BufferSink &) = delete;

	bool Emit(alist_u32 instance, const alist_cmd &cmd)
	{
		alist_u32 n = n_;

		if (n == cap_ || (n && instance != instance_))
			return false;
		instance_ = instance;
		buf_[n] = cmd;
		n_ = n + 1;
		return true;
	}

	/* Emit() when the chunk already has a command for this instance. */
	bool EmitSame(const alist_cmd &cmd)
	{
		alist_u32 n = n_;

		if (n == cap_)
			return false;
		buf_[n] = cmd;
		n_ = n + 1;
		return true;
	}

	/*
	 * For a producer that writes commands itself: where the next command
	 * for @instance goes and, in @room, how many fit (0 when the chunk
	 * holds another instance). Commit() then takes the first @k of them.
	 */
	alist_cmd *Reserve(alist_u32 instance, alist_u32 *room)
	{
		if (n_ && instance != instance_) {
			*room = 0;
			return buf_;
		}
		*room = cap_ - n_;
		return buf_ + n_;
	}

	void Commit(alist_u32 instance, alist_u32 k)
	{
		if (k)
			instance_ = instance;
		n_ += k;
	}

	bool Sync(alist_u32 instance)
	{
		instance_ = instance;
		sync_ = 1;
		return false;
	}

private:
	alist_cmd *buf_;
	alist_u32 cap_;
	alist_u32 n_;
	alist_u32 instance_;
	alist_u8 sync_;
	alist_inv_chunk *chunk_;
};

} // namespace alist

#endif /* ALIST_CORE_BUFFER_SINK_H */
