/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width types shared by the C++ core and the C shims.
 *
 * The core never includes a kernel header, and the kernel C side must not
 * include libc headers, so both sides use these. They are spelled exactly as
 * the kernel's int-ll64 types (u64 is unsigned long long on every arch) so a
 * pointer to one is compatible with a pointer to the other in C.
 */
#ifndef ALIST_TYPES_H
#define ALIST_TYPES_H

typedef unsigned long long alist_u64;
typedef unsigned int alist_u32;
typedef unsigned short alist_u16;
typedef unsigned char alist_u8;

#ifdef __cplusplus
#define ALIST_C_BEGIN extern "C" {
#define ALIST_C_END }
#define ALIST_STATIC_ASSERT(e, msg) static_assert(e, msg)
#else
#define ALIST_C_BEGIN
#define ALIST_C_END
#define ALIST_STATIC_ASSERT(e, msg) _Static_assert(e, msg)
#endif

ALIST_STATIC_ASSERT(sizeof(alist_u64) == 8, "alist_u64 must be 64 bits");
ALIST_STATIC_ASSERT(sizeof(alist_u32) == 4, "alist_u32 must be 32 bits");
ALIST_STATIC_ASSERT(sizeof(void *) == 8, "the core supports 64-bit kernels only");

#endif /* ALIST_TYPES_H */
