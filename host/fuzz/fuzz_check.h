/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the C fuzz targets share. FUZZ_CHECK() names the invariant that
 * failed and aborts: libFuzzer reports that as a crash and keeps the input.
 */
#ifndef ALIST_FUZZ_CHECK_H
#define ALIST_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(c)								\
	do {									\
		if (!(c)) {							\
			fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
				__FILE__, __LINE__, #c);			\
			abort();						\
		}								\
	} while (0)

/* Little-endian reads of the input, independent of the kernel's helpers. */
static inline uint64_t fuzz_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

/* The input zero-padded (or cut) to exactly @n bytes. */
static inline void fuzz_take(uint8_t *dst, size_t n, const uint8_t *data, size_t size)
{
	memset(dst, 0, n);
	if (size)
		memcpy(dst, data, size < n ? size : n);
}

#endif
