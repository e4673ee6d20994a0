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
	[[nodiscard]]
	static int CheckHeader(const alist_user_array &a, alist_u32 type,
			       alist_u32 min_len, alist_u32 *err);

	/*
	 * Copy entry @index into @dst (@ksize bytes): a shorter entry is
	 * zero-filled, a longer one must have zero trailing bytes.
	 * Return: 0, -EFAULT or -E2BIG with @err set.
	 */
	[[nodiscard]]
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

} // namespace alist

#endif /* ALIST_CORE_USER_ARRAY_READER_H */
