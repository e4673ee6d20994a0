/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bit and mask constructors for the headers shared by the freestanding C++
 * core and the C side: the hardware encodings (Put()/Get() in
 * core/base/bits.h, FIELD_PREP()/FIELD_GET() in the drivers) and the flags
 * of the core's interface. Plain constant expressions standing in for the
 * kernel's BIT(), BIT_ULL() and GENMASK_ULL(), which code that includes no
 * kernel or libc header cannot use.
 */
#ifndef ALIST_HW_BITS_H
#define ALIST_HW_BITS_H

/* Bit @n of a 32-bit word */
#define ALIST_BIT(n)			(1U << (n))
/* Bit @n of a 64-bit word */
#define ALIST_BIT_ULL(n)		(1ULL << (n))
/* Bits @h down to @l of a 64-bit word, 63 >= @h >= @l */
#define ALIST_GENMASK_ULL(h, l)		((~0ULL >> (63 - (h))) & (~0ULL << (l)))
/* @v placed in the field @mask of a 64-bit word (the kernel's FIELD_PREP) */
#define ALIST_FIELD_PREP(mask, v) \
	(((unsigned long long)(v) << __builtin_ctzll(mask)) & (mask))

#endif /* ALIST_HW_BITS_H */
