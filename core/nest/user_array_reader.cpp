// SPDX-License-Identifier: GPL-2.0
#include "nest/user_array_reader.h"

#include <alist/env.h>
#include <alist/errno.h>

namespace alist {

int UserArrayReader::CheckHeader(const alist_user_array &a, alist_u32 type,
				 alist_u32 min_len, alist_u32 *err)
{
	if (a.type != type) {
		*err = ALIST_UARRAY_ERR_TYPE;
		return -ALIST_EINVAL;
	}
	if (a.entry_num && (a.entry_len == 0 || a.entry_len < min_len)) {
		*err = ALIST_UARRAY_ERR_LEN;
		return -ALIST_EINVAL;
	}
	return 0;
}

int UserArrayReader::Read(const alist_user_array &a, alist_u32 index, void *dst,
			  alist_u32 ksize, alist_u32 *err)
{
	/* 64-bit offset: entry_num * entry_len can exceed 32 bits. */
	const char *src = static_cast<const char *>(a.uptr) +
			  static_cast<alist_u64>(index) * a.entry_len;
	alist_u32 n = a.entry_len < ksize ? a.entry_len : ksize;

	if (a.entry_len > ksize) {
		int zero = alist_env_check_zeroed_user(src + ksize, a.entry_len - ksize);

		if (zero <= 0) {
			*err = zero < 0 ? ALIST_UARRAY_ERR_FAULT : ALIST_UARRAY_ERR_TRAILING;
			return zero < 0 ? -ALIST_EFAULT : -ALIST_E2BIG;
		}
	}
	__builtin_memset(dst, 0, ksize);
	if (alist_env_copy_from_user(dst, src, n)) {
		*err = ALIST_UARRAY_ERR_FAULT;
		return -ALIST_EFAULT;
	}
	return 0;
}

alist_u32 UserArrayReader::ReadBulk(const alist_user_array &a, alist_u32 index,
				    void *dst, alist_u32 ksize, alist_u32 max)
{
	const char *src = static_cast<const char *>(a.uptr) +
			  static_cast<alist_u64>(index) * a.entry_len;

	if (a.entry_len != ksize || !max)
		return 0;
	if (alist_env_copy_from_user(dst, src, static_cast<unsigned long>(max) * ksize))
		return 0;
	return max;
}

} // namespace alist
