/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The errno values the core returns, negated, as Linux defines them
 * (asm-generic/errno-base.h and errno.h; x86_64 and arm64 share them).
 * The kernel shim checks each against the kernel's own at build time.
 */
#ifndef ALIST_ERRNO_H
#define ALIST_ERRNO_H

#define ALIST_ENOENT 2
#define ALIST_EIO 5
#define ALIST_E2BIG 7
#define ALIST_ENOMEM 12
#define ALIST_EFAULT 14
#define ALIST_EBUSY 16
#define ALIST_EEXIST 17
#define ALIST_ENODEV 19
#define ALIST_EINVAL 22
#define ALIST_ENOSPC 28
#define ALIST_ERANGE 34
#define ALIST_EOVERFLOW 75
#define ALIST_EOPNOTSUPP 95
#define ALIST_ETIMEDOUT 110

#endif /* ALIST_ERRNO_H */
