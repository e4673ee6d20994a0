// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the DMAR parser of alist_vtd on crafted tables, good and bad.
 * A malformed table must be rejected as a whole and never read past its
 * end (KASAN watches: every table sits at the end of its own allocation);
 * firmware mistakes Linux tolerates (RMRR bounds, more RMRRs or scopes
 * than the driver keeps) are warned about and the parse goes on.
 */
#include <kunit/test.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "../drivers/vtd/vtd.h"

#define T_MAX	512

struct dmar_buf {
	u8 b[T_MAX];
	size_t len;
};

static void t_init(struct dmar_buf *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, "DMAR", 4);
	t->b[36] = 47;		/* host address width - 1 */
	t->len = 48;
}

static void t_finish(struct dmar_buf *t)
{
	put_unaligned_le32(t->len, t->b + 4);
}

static u8 *t_sub(struct dmar_buf *t, u16 type, u16 len)
{
	u8 *p = t->b + t->len;

	put_unaligned_le16(type, p);
	put_unaligned_le16(len, p + 2);
	t->len += len;
	return p;
}

static u8 *t_drhd(struct dmar_buf *t, u8 flags, u64 base, u16 scope_len)
{
	u8 *p = t_sub(t, 0, 16 + scope_len);

	p[4] = flags;
	put_unaligned_le64(base, p + 8);
	return p + 16;
}

static void t_scope(u8 *p, u8 type, u8 bus, u8 dev, u8 fn)
{
	p[0] = type;
	p[1] = 8;
	p[5] = bus;
	p[6] = dev;
	p[7] = fn;
}

/* Parse from a copy placed at the very end of an allocation */
static int t_parse(struct kunit *test, const struct dmar_buf *t, size_t len,
		   struct vtd_dmar_info *info)
{
	u8 *copy = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, t->b, len);
	return vtd_dmar_parse(copy, len, info);
}

static void vtd_dmar_good_test(struct kunit *test)
{
	struct vtd_dmar_info *info = kunit_kzalloc(test, sizeof(*info),
						   GFP_KERNEL);
	struct dmar_buf t;
	u8 *p;

	t_init(&t);
	p = t_drhd(&t, 0, 0xfed90000, 16);
	t_scope(p, 1, 0, 1, 0);			/* endpoint 00:01.0 */
	t_scope(p + 8, 3, 0xf0, 0x1f, 0);	/* IOAPIC */
	t_drhd(&t, 1, 0xfed91000, 0);		/* INCLUDE_PCI_ALL */
	p = t_sub(&t, 1, 24 + 8);		/* RMRR */
	put_unaligned_le64(0x100000, p + 8);
	put_unaligned_le64(0x1fffff, p + 16);
	t_scope(p + 24, 1, 0, 2, 0);
	t_sub(&t, 2, 8);			/* ATSR: skipped */
	t_finish(&t);

	KUNIT_ASSERT_EQ(test, t_parse(test, &t, t.len, info), 0);
	KUNIT_EXPECT_EQ(test, info->haw, 48);
	KUNIT_ASSERT_EQ(test, info->ndrhd, 2);
	KUNIT_EXPECT_EQ(test, info->drhd[0].base, 0xfed90000ULL);
	KUNIT_EXPECT_EQ(test, info->drhd[0].size, 4096ULL);
	KUNIT_EXPECT_FALSE(test, info->drhd[0].include_all);
	KUNIT_ASSERT_EQ(test, info->drhd[0].nscopes, 2);
	KUNIT_EXPECT_EQ(test, info->drhd[0].scopes[0].type, 1);
	KUNIT_EXPECT_EQ(test, info->drhd[0].scopes[0].npath, 1);
	KUNIT_EXPECT_EQ(test, info->drhd[0].scopes[0].path[0], 0x08);
	KUNIT_EXPECT_EQ(test, info->drhd[0].scopes[1].bus, 0xf0);
	KUNIT_EXPECT_TRUE(test, info->drhd[1].include_all);
	KUNIT_EXPECT_EQ(test, info->drhd[1].nscopes, 0);
	KUNIT_ASSERT_EQ(test, info->nrmrr, 1);
	KUNIT_EXPECT_EQ(test, info->rmrr[0].base, 0x100000ULL);
	KUNIT_EXPECT_EQ(test, info->rmrr[0].last, 0x1fffffULL);
	KUNIT_EXPECT_EQ(test, info->rmrr[0].scopes[0].path[0], 0x10);

	/* The buffer may be longer than the table */
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len + 16, info), 0);

	/* The widest width the byte can say: 256 bits, not 0 */
	t.b[36] = 255;
	KUNIT_ASSERT_EQ(test, t_parse(test, &t, t.len, info), 0);
	KUNIT_EXPECT_EQ(test, info->haw, 256);
}

static void vtd_dmar_bad_header_test(struct kunit *test)
{
	struct vtd_dmar_info *info = kunit_kzalloc(test, sizeof(*info),
						   GFP_KERNEL);
	struct dmar_buf t;

	t_init(&t);
	t_drhd(&t, 1, 0xfed90000, 0);
	t_finish(&t);

	KUNIT_EXPECT_EQ(test, vtd_dmar_parse(NULL, 64, info), -EINVAL);
	/* Buffer shorter than the header, and than the table's length */
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, 40, info), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len - 1, info), -EINVAL);
	/* Length below the header */
	put_unaligned_le32(20, t.b + 4);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);
	t_finish(&t);
	/* Signature */
	t.b[0] = 'X';
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);
	t.b[0] = 'D';
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), 0);
	/* A table with no unit */
	t_init(&t);
	t_sub(&t, 2, 8);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -ENODEV);
}

static void vtd_dmar_bad_struct_test(struct kunit *test)
{
	struct vtd_dmar_info *info = kunit_kzalloc(test, sizeof(*info),
						   GFP_KERNEL);
	struct dmar_buf t;
	u8 *p;

	/* Zero-length structure: would loop forever */
	t_init(&t);
	t_drhd(&t, 1, 0xfed90000, 0);
	t_sub(&t, 3, 8);
	put_unaligned_le16(0, t.b + t.len - 8 + 2);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);

	/* Structure longer than what is left of the table */
	t_init(&t);
	t_drhd(&t, 1, 0xfed90000, 0);
	put_unaligned_le16(40, t.b + 48 + 2);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);

	/* Truncated structure header at the end */
	t_init(&t);
	t_drhd(&t, 1, 0xfed90000, 0);
	t.len += 2;
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);

	/* DRHD shorter than its fixed part */
	t_init(&t);
	t_sub(&t, 0, 12);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);

	/* DRHD base zero and not page aligned */
	t_init(&t);
	t_drhd(&t, 1, 0, 0);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);
	t_init(&t);
	t_drhd(&t, 1, 0xfed90010, 0);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);

	/* RMRR shorter than its fixed part */
	t_init(&t);
	t_drhd(&t, 1, 0xfed90000, 0);
	t_sub(&t, 1, 16);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);
	/* RMRR ending below its start: skipped with a warning, table kept */
	t_init(&t);
	t_drhd(&t, 1, 0xfed90000, 0);
	p = t_sub(&t, 1, 24);
	put_unaligned_le64(0x200000, p + 8);
	put_unaligned_le64(0x100fff, p + 16);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), 0);
	KUNIT_EXPECT_EQ(test, info->ndrhd, 1);
	KUNIT_EXPECT_EQ(test, info->nrmrr, 0);
}

/* Firmware RMRR bounds that are not page-aligned: widened, like Linux */
static void vtd_dmar_rmrr_unaligned_test(struct kunit *test)
{
	struct vtd_dmar_info *info = kunit_kzalloc(test, sizeof(*info),
						   GFP_KERNEL);
	struct dmar_buf t;
	u8 *p;

	t_init(&t);
	t_drhd(&t, 1, 0xfed90000, 0);
	p = t_sub(&t, 1, 24 + 8);
	put_unaligned_le64(0x100000, p + 8);
	put_unaligned_le64(0x1ff000, p + 16);	/* end not at a page's end */
	t_scope(p + 24, 1, 0, 2, 0);
	p = t_sub(&t, 1, 24);
	put_unaligned_le64(0x300800, p + 8);	/* start inside a page */
	put_unaligned_le64(0x300fff, p + 16);
	t_finish(&t);
	KUNIT_ASSERT_EQ(test, t_parse(test, &t, t.len, info), 0);
	KUNIT_ASSERT_EQ(test, info->nrmrr, 2);
	KUNIT_EXPECT_EQ(test, info->rmrr[0].base, 0x100000ULL);
	KUNIT_EXPECT_EQ(test, info->rmrr[0].last, 0x1fffffULL);
	KUNIT_EXPECT_EQ(test, info->rmrr[0].nscopes, 1);
	KUNIT_EXPECT_EQ(test, info->rmrr[1].base, 0x300000ULL);
	KUNIT_EXPECT_EQ(test, info->rmrr[1].last, 0x300fffULL);
}

/* More RMRRs or scopes than the driver keeps: the rest ignored */
static void vtd_dmar_over_limits_test(struct kunit *test)
{
	struct vtd_dmar_info *info = kunit_kzalloc(test, sizeof(*info),
						   GFP_KERNEL);
	struct dmar_buf t;
	u8 *p;
	int i;

	t_init(&t);
	t_drhd(&t, 1, 0xfed90000, 0);
	for (i = 0; i < VTD_MAX_RMRRS + 2; i++) {
		p = t_sub(&t, 1, 24);
		put_unaligned_le64(0x100000 * (i + 1), p + 8);
		put_unaligned_le64(0x100000 * (i + 1) + 0xfff, p + 16);
	}
	t_finish(&t);
	KUNIT_ASSERT_EQ(test, t_parse(test, &t, t.len, info), 0);
	KUNIT_EXPECT_EQ(test, info->nrmrr, VTD_MAX_RMRRS);
	KUNIT_EXPECT_EQ(test, info->rmrr[VTD_MAX_RMRRS - 1].base,
			0x100000ULL * VTD_MAX_RMRRS);

	t_init(&t);
	p = t_drhd(&t, 0, 0xfed90000, 8 * (VTD_MAX_SCOPES + 2));
	for (i = 0; i < VTD_MAX_SCOPES + 2; i++)
		t_scope(p + 8 * i, 1, 0, i, 0);
	t_finish(&t);
	KUNIT_ASSERT_EQ(test, t_parse(test, &t, t.len, info), 0);
	KUNIT_EXPECT_EQ(test, info->ndrhd, 1);
	KUNIT_EXPECT_EQ(test, info->drhd[0].nscopes, VTD_MAX_SCOPES);
	KUNIT_EXPECT_EQ(test, info->drhd[0].scopes[VTD_MAX_SCOPES - 1].path[0],
			PCI_DEVFN(VTD_MAX_SCOPES - 1, 0));
}

static void vtd_dmar_bad_scope_test(struct kunit *test)
{
	struct vtd_dmar_info *info = kunit_kzalloc(test, sizeof(*info),
						   GFP_KERNEL);
	struct dmar_buf t;
	u8 *p;

	/* Scope length below its header */
	t_init(&t);
	p = t_drhd(&t, 0, 0xfed90000, 8);
	t_scope(p, 1, 0, 1, 0);
	p[1] = 5;
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);
	/* Odd path length */
	p[1] = 7;
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);
	/* Scope running past its DRHD */
	p[1] = 10;
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);
	/* Device number above 31 */
	p[1] = 8;
	p[6] = 32;
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);
	p[6] = 1;
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), 0);
	/* Only part of a scope header left */
	t_init(&t);
	t_drhd(&t, 0, 0xfed90000, 4);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -EINVAL);
}

static void vtd_dmar_too_many_test(struct kunit *test)
{
	struct vtd_dmar_info *info = kunit_kzalloc(test, sizeof(*info),
						   GFP_KERNEL);
	struct dmar_buf t;
	int i;

	t_init(&t);
	for (i = 0; i <= VTD_MAX_UNITS; i++)
		t_drhd(&t, 0, 0xfed90000 + i * 0x1000, 0);
	t_finish(&t);
	KUNIT_EXPECT_EQ(test, t_parse(test, &t, t.len, info), -E2BIG);
}

static struct kunit_case vtd_dmar_cases[] = {
	KUNIT_CASE(vtd_dmar_good_test),
	KUNIT_CASE(vtd_dmar_bad_header_test),
	KUNIT_CASE(vtd_dmar_bad_struct_test),
	KUNIT_CASE(vtd_dmar_bad_scope_test),
	KUNIT_CASE(vtd_dmar_too_many_test),
	KUNIT_CASE(vtd_dmar_rmrr_unaligned_test),
	KUNIT_CASE(vtd_dmar_over_limits_test),
	{}
};

static struct kunit_suite vtd_dmar_suite = {
	.name = "alist_vtd_dmar",
	.test_cases = vtd_dmar_cases,
};

kunit_test_suite(vtd_dmar_suite);
