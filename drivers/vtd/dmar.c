// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: the ACPI DMAR table. vtd_dmar_parse() is a pure parser of a
 * table in memory (KUnit feeds it crafted tables): every structure is
 * bounds-checked against the table length before it is read, and a
 * malformed or truncated table is rejected as a whole; content the
 * driver cannot keep (more RMRRs or scopes than its limits) and RMRR
 * bounds firmware got wrong are warned about and the parse goes on.
 *
 * A file of its own that includes nothing but bit, byte-order and string
 * helpers, so the fuzz target host/fuzz/vtd_dmar.c builds this very file
 * on the host. Matching a device scope to a PCI device: dmar_scope.c.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>
#include <uapi/linux/pci.h>

#include "vtd_hw.h"

/* Layout (ACPI DMAR, VT-d spec chapter 8) */
#define DMAR_HDR_LEN		48	/* ACPI header + HAW, flags, reserved */
#define DMAR_LEN_OFF		4
#define DMAR_HAW_OFF		36
#define DMAR_FLAGS_OFF		37
#define DMAR_SUB_HDR_LEN	4	/* type, length */
#define DRHD_LEN		16
#define DRHD_FLAGS_OFF		4
#define DRHD_SIZE_OFF		5
#define DRHD_SEG_OFF		6
#define DRHD_BASE_OFF		8
#define RMRR_LEN		24
#define RMRR_SEG_OFF		6
#define RMRR_BASE_OFF		8
#define RMRR_LIMIT_OFF		16
#define SCOPE_HDR_LEN		6
#define SCOPE_BUS_OFF		5

#define DMAR_TYPE_DRHD		0
#define DMAR_TYPE_RMRR		1
#define DRHD_INCLUDE_ALL	BIT(0)

static int vtd_dmar_scopes(const u8 *p, size_t len, struct vtd_scope *scopes,
			   u8 *nscopes, const char *what)
{
	size_t off = 0;

	*nscopes = 0;
	while (off < len) {
		struct vtd_scope *s;
		unsigned int slen, i;

		if (len - off < SCOPE_HDR_LEN) {
			pr_err("alist_vtd: DMAR: truncated device scope in %s\n",
			       what);
			return -EINVAL;
		}
		slen = p[off + 1];
		if (slen < SCOPE_HDR_LEN || slen > len - off ||
		    (slen - SCOPE_HDR_LEN) % 2) {
			pr_err("alist_vtd: DMAR: bad device scope length %u in %s\n",
			       slen, what);
			return -EINVAL;
		}
		/* Like Linux: what the driver cannot keep is skipped, not fatal */
		if (*nscopes >= VTD_MAX_SCOPES ||
		    (slen - SCOPE_HDR_LEN) / 2 > VTD_MAX_PATH) {
			pr_warn("alist_vtd: DMAR: device scope %s in %s ignored: more than %d scopes or %d hops\n",
				*nscopes >= VTD_MAX_SCOPES ? "beyond the limit" : "too deep",
				what, VTD_MAX_SCOPES, VTD_MAX_PATH);
			off += slen;
			continue;
		}
		s = &scopes[(*nscopes)++];
		s->type = p[off];
		s->bus = p[off + SCOPE_BUS_OFF];
		s->npath = (slen - SCOPE_HDR_LEN) / 2;
		for (i = 0; i < s->npath; i++) {
			u8 dev = p[off + SCOPE_HDR_LEN + 2 * i];
			u8 fn = p[off + SCOPE_HDR_LEN + 2 * i + 1];

			if (dev > 31 || fn > 7) {
				pr_err("alist_vtd: DMAR: bad device scope path %02x.%x in %s\n",
				       dev, fn, what);
				return -EINVAL;
			}
			s->path[i] = PCI_DEVFN(dev, fn);
		}
		off += slen;
	}
	return 0;
}

static int vtd_dmar_drhd(const u8 *p, unsigned int len,
			 struct vtd_dmar_info *info)
{
	struct vtd_drhd *d;

	if (len < DRHD_LEN) {
		pr_err("alist_vtd: DMAR: DRHD of %u bytes is too short\n", len);
		return -EINVAL;
	}
	if (info->ndrhd >= VTD_MAX_UNITS) {
		pr_err("alist_vtd: DMAR: more than %d DRHD units\n",
		       VTD_MAX_UNITS);
		return -E2BIG;
	}
	d = &info->drhd[info->ndrhd];
	memset(d, 0, sizeof(*d));
	d->include_all = p[DRHD_FLAGS_OFF] & DRHD_INCLUDE_ALL;
	/* Size: 2^N pages; 0 in tables older than VT-d 2.3 means one page */
	d->size = 4096ULL << (p[DRHD_SIZE_OFF] & 0xf);
	d->segment = get_unaligned_le16(p + DRHD_SEG_OFF);
	d->base = get_unaligned_le64(p + DRHD_BASE_OFF);
	if (!d->base || d->base & 0xfff) {
		pr_err("alist_vtd: DMAR: DRHD register base %#llx is not a page\n",
		       d->base);
		return -EINVAL;
	}
	if (vtd_dmar_scopes(p + DRHD_LEN, len - DRHD_LEN, d->scopes,
			    &d->nscopes, "DRHD"))
		return -EINVAL;
	info->ndrhd++;
	return 0;
}

static int vtd_dmar_rmrr(const u8 *p, unsigned int len,
			 struct vtd_dmar_info *info)
{
	struct vtd_rmrr *r;

	if (len < RMRR_LEN) {
		pr_err("alist_vtd: DMAR: RMRR of %u bytes is too short\n", len);
		return -EINVAL;
	}
	/*
	 * Firmware gets RMRRs wrong; Linux warns and goes on. Regions beyond
	 * what the driver keeps and regions ending below their start are
	 * skipped; unaligned bounds are widened to whole pages.
	 */
	if (info->nrmrr >= VTD_MAX_RMRRS) {
		pr_warn("alist_vtd: DMAR: more than %d RMRRs, the others ignored\n",
			VTD_MAX_RMRRS);
		return 0;
	}
	r = &info->rmrr[info->nrmrr];
	memset(r, 0, sizeof(*r));
	r->segment = get_unaligned_le16(p + RMRR_SEG_OFF);
	r->base = get_unaligned_le64(p + RMRR_BASE_OFF);
	r->last = get_unaligned_le64(p + RMRR_LIMIT_OFF);
	if (r->last < r->base) {
		pr_warn(FW_BUG "alist_vtd: DMAR: RMRR [%#llx, %#llx] ends below its start, ignored\n",
			r->base, r->last);
		return 0;
	}
	if (r->base & 0xfff || (r->last & 0xfff) != 0xfff) {
		pr_warn(FW_BUG "alist_vtd: DMAR: RMRR [%#llx, %#llx] not page-aligned, widened to whole pages\n",
			r->base, r->last);
		r->base &= ~0xfffULL;
		r->last |= 0xfff;
	}
	if (vtd_dmar_scopes(p + RMRR_LEN, len - RMRR_LEN, r->scopes,
			    &r->nscopes, "RMRR"))
		return -EINVAL;
	info->nrmrr++;
	return 0;
}

/**
 * vtd_dmar_parse() - parse an ACPI DMAR table
 * @table: the table, header included
 * @len: bytes available at @table
 * @info: out: the units and reserved regions
 *
 * The length in the table header must fit in @len; every remapping
 * structure and device scope must fit in its parent. Structures other than
 * DRHD and RMRR are skipped by their length. The checksum is not checked
 * (ACPI did when it loaded the table).
 *
 * Context: any; no locks.
 * Return: 0, -EINVAL for a malformed or truncated
 * table, -E2BIG for more units than the driver keeps, -ENODEV when the
 * table has no DRHD. RMRRs and scopes beyond the driver's limits, and
 * RMRRs with bad bounds, are warned about and skipped or widened (as
 * Linux goes on with them), not fatal.
 */
int vtd_dmar_parse(const void *table, size_t len, struct vtd_dmar_info *info)
{
	const u8 *p = table;
	size_t tlen, off;
	int ret;

	memset(info, 0, sizeof(*info));
	if (!table || len < DMAR_HDR_LEN) {
		pr_err("alist_vtd: DMAR: table shorter than its header\n");
		return -EINVAL;
	}
	if (memcmp(p, "DMAR", 4)) {
		pr_err("alist_vtd: DMAR: bad signature\n");
		return -EINVAL;
	}
	tlen = get_unaligned_le32(p + DMAR_LEN_OFF);
	if (tlen < DMAR_HDR_LEN || tlen > len) {
		pr_err("alist_vtd: DMAR: length %zu outside [%d, %zu]\n", tlen,
		       DMAR_HDR_LEN, len);
		return -EINVAL;
	}
	info->haw = p[DMAR_HAW_OFF] + 1;
	info->flags = p[DMAR_FLAGS_OFF];

	for (off = DMAR_HDR_LEN; off < tlen;) {
		unsigned int type, slen;

		if (tlen - off < DMAR_SUB_HDR_LEN) {
			pr_err("alist_vtd: DMAR: truncated structure at %zu\n",
			       off);
			return -EINVAL;
		}
		type = get_unaligned_le16(p + off);
		slen = get_unaligned_le16(p + off + 2);
		if (slen < DMAR_SUB_HDR_LEN || slen > tlen - off) {
			pr_err("alist_vtd: DMAR: structure at %zu has bad length %u\n",
			       off, slen);
			return -EINVAL;
		}
		switch (type) {
		case DMAR_TYPE_DRHD:
			ret = vtd_dmar_drhd(p + off, slen, info);
			break;
		case DMAR_TYPE_RMRR:
			ret = vtd_dmar_rmrr(p + off, slen, info);
			break;
		default:
			ret = 0;
			break;
		}
		if (ret)
			return ret;
		off += slen;
	}
	if (!info->ndrhd) {
		pr_err("alist_vtd: DMAR: no remapping unit\n");
		return -ENODEV;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_dmar_parse);
