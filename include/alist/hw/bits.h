/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bit and mask constructors for the hardware encoding headers. Plain
 * constant expressions, so one header serves the freestanding C++ core
 * (Put()/Get() in core/base/bits.h) and the C drivers (FIELD_PREP(),
 * FIELD_GET()) alike. No kernel or libc header.
 */
#ifndef ALIST_HW_BITS_H
#define ALIST_HW_BITS_H

/* Bit @n of a 64-bit word */
#define ALIST_BIT_ULL(n)		(1ULL << (n))
/* Bits @h down to @l of a 64-bit word, 63 >= @h >= @l */
#define ALIST_GENMASK_ULL(h, l)		((~0ULL >> (63 - (h))) & (~0ULL << (l)))

#endif /* ALIST_HW_BITS_H */
