// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: vtd_dmar_parse() (drivers/vtd/dmar.c, the very file
 * the module builds), the parser of the ACPI DMAR table the firmware, or
 * a broken or hostile VMM, hands the driver.
 *
 * Input: the table, exactly as it sits in memory (header included).
 *
 * Invariants:
 *  - the parser reads nothing outside the buffer it is given (a heap copy
 *    of exactly @len bytes: ASan) nor past the table's own length (the
 *    same table in a buffer that ends there parses the same);
 *  - the answer is 0, -EINVAL, -E2BIG or -ENODEV, and it is the answer of
 *    ref_parse(), the table walked again here with its own reads, so that
 *    every kept value is the bytes at the right offset and every scope
 *    lies inside its structure;
 *  - what a successful parse reports is within the driver's limits and
 *    the rules it promises: 1 to VTD_MAX_UNITS units, each with a
 *    non-zero page-aligned base and a size of 2^N pages, at most
 *    VTD_MAX_RMRRS whole-page regions that do not end below their start,
 *    at most VTD_MAX_SCOPES scopes of at most VTD_MAX_PATH hops each;
 *    the host address width is the table's value plus one.
 */
#include <errno.h>

#include "fuzz_check.h"
#include "../../drivers/vtd/vtd_hw.h"

static int ref_scopes(const uint8_t *p, size_t len, struct vtd_scope *sc, uint8_t *n)
{
	size_t off, slen, hops, i;

	*n = 0;
	for (off = 0; off < len; off += slen) {
		if (off + 6 > len)
			return -EINVAL;
		slen = p[off + 1];
		if (slen < 6 || off + slen > len || slen % 2)
			return -EINVAL;
		hops = (slen - 6) / 2;
		if (*n == VTD_MAX_SCOPES || hops > VTD_MAX_PATH)
			continue;		/* not kept, not looked into */
		sc[*n].type = p[off];
		sc[*n].bus = p[off + 5];
		sc[*n].npath = hops;
		for (i = 0; i < hops; i++) {
			uint8_t dev = p[off + 6 + 2 * i], fn = p[off + 7 + 2 * i];

			if (dev >= 32 || fn >= 8)
				return -EINVAL;
			sc[*n].path[i] = dev << 3 | fn;
		}
		(*n)++;
	}
	return 0;
}

static int ref_parse(const uint8_t *p, size_t len, struct vtd_dmar_info *o)
{
	size_t tlen, off, slen;

	memset(o, 0, sizeof(*o));
	if (len < 48 || memcmp(p, "DMAR", 4))
		return -EINVAL;
	tlen = fuzz_le(p + 4, 4);
	if (tlen < 48 || tlen > len)
		return -EINVAL;
	o->flags = p[37];
	for (off = 48; off < tlen; off += slen) {
		const uint8_t *q = p + off;

		if (off + 4 > tlen)
			return -EINVAL;
		slen = fuzz_le(q + 2, 2);
		if (slen < 4 || off + slen > tlen)
			return -EINVAL;
		if (fuzz_le(q, 2) == 0) {		/* DRHD */
			struct vtd_drhd *d = &o->drhd[o->ndrhd];

			if (slen < 16)
				return -EINVAL;
			if (o->ndrhd == VTD_MAX_UNITS)
				return -E2BIG;
			d->include_all = q[4] & 1;
			d->size = 4096ULL << (q[5] & 0xf);
			d->segment = fuzz_le(q + 6, 2);
			d->base = fuzz_le(q + 8, 8);
			if (!d->base || d->base % 4096)
				return -EINVAL;
			if (ref_scopes(q + 16, slen - 16, d->scopes, &d->nscopes))
				return -EINVAL;
			o->ndrhd++;
		} else if (fuzz_le(q, 2) == 1) {	/* RMRR */
			struct vtd_rmrr *r = &o->rmrr[o->nrmrr];

			if (slen < 24)
				return -EINVAL;
			if (o->nrmrr == VTD_MAX_RMRRS)
				continue;
			r->segment = fuzz_le(q + 6, 2);
			r->base = fuzz_le(q + 8, 8) / 4096 * 4096;
			r->last = fuzz_le(q + 16, 8) | 0xfff;
			if (fuzz_le(q + 16, 8) < fuzz_le(q + 8, 8))
				continue;		/* ends below its start: skipped */
			if (ref_scopes(q + 24, slen - 24, r->scopes, &r->nscopes))
				return -EINVAL;
			o->nrmrr++;
		}
	}
	return o->ndrhd ? 0 : -ENODEV;
}

static int same_scopes(const struct vtd_scope *a, const struct vtd_scope *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (a[i].type != b[i].type || a[i].bus != b[i].bus ||
		    a[i].npath != b[i].npath || memcmp(a[i].path, b[i].path, a[i].npath))
			return 0;
	return 1;
}

/* Same units and regions (the slots past the counts are scratch). */
static int same(const struct vtd_dmar_info *a, const struct vtd_dmar_info *b)
{
	unsigned int i;

	if (a->flags != b->flags || a->ndrhd != b->ndrhd || a->nrmrr != b->nrmrr)
		return 0;
	for (i = 0; i < a->ndrhd; i++) {
		const struct vtd_drhd *x = &a->drhd[i], *y = &b->drhd[i];

		if (x->base != y->base || x->size != y->size || x->segment != y->segment ||
		    x->include_all != y->include_all || x->nscopes != y->nscopes ||
		    !same_scopes(x->scopes, y->scopes, x->nscopes))
			return 0;
	}
	for (i = 0; i < a->nrmrr; i++) {
		const struct vtd_rmrr *x = &a->rmrr[i], *y = &b->rmrr[i];

		if (x->base != y->base || x->last != y->last || x->segment != y->segment ||
		    x->nscopes != y->nscopes || !same_scopes(x->scopes, y->scopes, x->nscopes))
			return 0;
	}
	return 1;
}

static void check_limits(const struct vtd_dmar_info *info, const uint8_t *p)
{
	unsigned int i, j;

	FUZZ_CHECK(info->ndrhd >= 1 && info->ndrhd <= VTD_MAX_UNITS);
	FUZZ_CHECK(info->nrmrr <= VTD_MAX_RMRRS);
	FUZZ_CHECK(info->haw == p[36] + 1);
	for (i = 0; i < info->ndrhd; i++) {
		const struct vtd_drhd *d = &info->drhd[i];

		FUZZ_CHECK(d->base && !(d->base & 0xfff));
		FUZZ_CHECK(d->size >= 4096 && d->size <= 4096ULL << 15 &&
			   !(d->size & (d->size - 1)));
		FUZZ_CHECK(d->nscopes <= VTD_MAX_SCOPES);
		for (j = 0; j < d->nscopes; j++)
			FUZZ_CHECK(d->scopes[j].npath <= VTD_MAX_PATH);
	}
	for (i = 0; i < info->nrmrr; i++) {
		const struct vtd_rmrr *r = &info->rmrr[i];

		FUZZ_CHECK(!(r->base & 0xfff) && (r->last & 0xfff) == 0xfff);
		FUZZ_CHECK(r->base <= r->last);
		FUZZ_CHECK(r->nscopes <= VTD_MAX_SCOPES);
		for (j = 0; j < r->nscopes; j++)
			FUZZ_CHECK(r->scopes[j].npath <= VTD_MAX_PATH);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vtd_dmar_info info, ref, cut;
	uint8_t *t = malloc(size);
	size_t tlen;
	int ret;

	FUZZ_CHECK(t);
	if (size)
		memcpy(t, data, size);
	ret = vtd_dmar_parse(t, size, &info);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG || ret == -ENODEV);
	FUZZ_CHECK(ret == ref_parse(t, size, &ref));
	if (!ret) {
		FUZZ_CHECK(same(&info, &ref));
		check_limits(&info, t);
	}

	/* The table alone, in a buffer that ends with it: the same answer. */
	tlen = size >= 8 ? fuzz_le(t + 4, 4) : 0;
	if (tlen >= 48 && tlen < size) {
		uint8_t *c = malloc(tlen);

		FUZZ_CHECK(c);
		memcpy(c, t, tlen);
		FUZZ_CHECK(vtd_dmar_parse(c, tlen, &cut) == ret);
		FUZZ_CHECK(ret || same(&cut, &info));
		free(c);
	}
	free(t);
	return 0;
}
