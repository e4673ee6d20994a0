/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UserArrayReader: the uAPI's rules for reading one entry of a user
 * invalidation array into a fixed kernel struct, in one place for every
 * decoder (copy_struct_from_user semantics plus the array checks).
 */
#ifndef ALIST_CORE_USER_ARRAY_READER_H
#define ALIST_CORE_USER_ARRAY_READER_H

#include <alist/user_array.h>

namespace alist {

class UserArrayReader {
public:
	/*
	 * The header checks, before any entry: @type must match, entries need
	 * entry_len >= @min_len (> 0). entry_num == 0 passes (a type probe).
	 * Return: 0 or -EINVAL with @err set.
	 */
	static int CheckHeader(const alist_user_array &a, alist_u32 type,
			       alist_u32 min_len, alist_u32 *err);

	/*
	 * Copy entry @index into @dst (@ksize bytes): a shorter entry is
	 * zero-filled, a longer one must have zero trailing bytes.
	 * Return: 0, -EFAULT or -E2BIG with @err set.
	 */
	static int Read(const alist_user_array &a, alist_u32 index, void *dst,
			alist_u32 ksize, alist_u32 *err);

	/*
	 * The fast path: when entry_len == @ksize, copy up to @max entries from
	 * @index in one user copy (one STAC/CLAC window, one access_ok).
	 * Return: the entries copied; 0 when the layout differs or the copy
	 * faulted -- the caller then uses Read() for a precise error.
	 */
	static alist_u32 ReadBulk(const alist_user_array &a, alist_u32 index,
				  void *dst, alist_u32 ksize, alist_u32 max);
};

/*
 * ChunkedReader<Entry, N>: entries through a fixed on-stack window of N,
 * refilled with ReadBulk(), falling back to Read() entry by entry.
 */
template <class Entry, alist_u32 N>
class ChunkedReader {
public:
	int Get(const alist_user_array &a, alist_u32 index, Entry *e, alist_u32 *err)
	{
		if (index < base_ || index - base_ >= have_) {
			alist_u32 left = a.entry_num - index;

			base_ = index;
			have_ = UserArrayReader::ReadBulk(a, index, buf_, sizeof(Entry),
							  left < N ? left : N);
		}
		if (index - base_ < have_) {
			*e = buf_[index - base_];
			return 0;
		}
		return UserArrayReader::Read(a, index, e, sizeof(Entry), err);
	}

private:
	Entry buf_[N];
	alist_u32 base_ = 0;
	alist_u32 have_ = 0;
};

} // namespace alist

#endif /* ALIST_CORE_USER_ARRAY_READER_H */
