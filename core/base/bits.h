/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bit helpers for the encoders. Builtins only: the core has no libc, and
 * these compile to single instructions on both architectures.
 */
#ifndef ALIST_CORE_BITS_H
#define ALIST_CORE_BITS_H

#include <alist/types.h>

/*
 * Inlining control for the invalidation walk: the per-target fast path is
 * forced inline into the loop, the rare paths are kept out of it.
 */
#define ALIST_ALWAYS_INLINE inline __attribute__((always_inline))
#define ALIST_NOINLINE __attribute__((noinline))
#define ALIST_LIKELY(x) __builtin_expect(!!(x), 1)
#define ALIST_UNLIKELY(x) __builtin_expect(!!(x), 0)
/*
 * A stack buffer filled before it is read: exempt from the kernel's
 * INIT_STACK_ALL_ZERO, which would clear it on every call.
 */
#if __has_attribute(uninitialized)
#define ALIST_UNINITIALIZED __attribute__((uninitialized))
#else
#define ALIST_UNINITIALIZED
#endif

namespace alist {

/* Index of the lowest set bit; @x must not be 0. */
constexpr unsigned LowBit(alist_u64 x)
{
	return static_cast<unsigned>(__builtin_ctzll(x));
}

/* 1 + index of the highest set bit, 0 for 0 (the kernel's fls64()). */
constexpr unsigned Fls(alist_u64 x)
{
	return x ? 64u - static_cast<unsigned>(__builtin_clzll(x)) : 0u;
}

/* Mask of the low @n bits, n <= 64. */
constexpr alist_u64 LowMask(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* Place @v into the field [hi:lo]. */
constexpr alist_u64 Field(alist_u64 v, unsigned hi, unsigned lo)
{
	return (v & LowMask(hi - lo + 1)) << lo;
}

/* Place @v into the field that @mask (contiguous, not 0) selects. */
constexpr alist_u64 Put(alist_u64 mask, alist_u64 v)
{
	return (v << LowBit(mask)) & mask;
}

/* Read the field of @w that @mask (contiguous, not 0) selects. */
constexpr alist_u64 Get(alist_u64 mask, alist_u64 w)
{
	return (w & mask) >> LowBit(mask);
}

constexpr unsigned Min(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

} // namespace alist

#endif /* ALIST_CORE_BITS_H */
