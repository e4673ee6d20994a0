// SPDX-License-Identifier: GPL-2.0
#include "inv/buffer_sink.h"

namespace alist {

bool BufferSink::Valid(const alist_inv_batch *b)
{
	return b && b->cmds && b->chunks && b->cap && b->max_chunks;
}

bool BufferSink::Sync(alist_u32 instance)
{
	instance_ = instance;
	return Close(true);
}

int BufferSink::Finish(bool done)
{
	if (out_ != first_)
		Close(false);
	batch_->done = done;
	return static_cast<int>(chunks_);
}

/* Write the open chunk; false when no slot is left for another. */
bool BufferSink::Close(bool sync)
{
	batch_->chunks[chunks_++] = alist_inv_chunk{first_, out_ - first_, instance_, sync, {0, 0, 0}};
	first_ = out_;
	return chunks_ != batch_->max_chunks;
}

} // namespace alist
