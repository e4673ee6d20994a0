/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ALIST_CORE_CHUNKED_READER_H
#define ALIST_CORE_CHUNKED_READER_H

#include <alist/user_array.h>

#include "nest/user_array_reader.h"

namespace alist {

/*
 * ChunkedReader<Entry, N>: entries through a fixed on-stack window of N,
 * refilled with ReadBulk(), falling back to Read() entry by entry.
 */
template <class Entry, alist_u32 N>
class ChunkedReader {
public:
	/* *@e points into the window (or at a lone entry) until the next Get(). */
	[[nodiscard]]
	int Get(const alist_user_array &a, alist_u32 index, const Entry **e, alist_u32 *err)
	{
		if (index < base_ || index - base_ >= have_) {
			alist_u32 left = a.entry_num - index;

			base_ = index;
			have_ = UserArrayReader::ReadBulk(a, index, buf_, sizeof(Entry),
							  left < N ? left : N);
		}
		if (index - base_ < have_) {
			*e = &buf_[index - base_];
			return 0;
		}
		*e = &one_;
		return UserArrayReader::Read(a, index, &one_, sizeof(Entry), err);
	}

private:
	Entry buf_[N];
	Entry one_;
	alist_u32 base_ = 0;
	alist_u32 have_ = 0;
};

} // namespace alist

#endif /* ALIST_CORE_CHUNKED_READER_H */
