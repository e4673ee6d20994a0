// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the VT-d descriptor encoders and table-entry builders of
 * alist_vtd against values worked out by hand from the VT-d
 * specification (rev. 4.x, sections 6.5.2 and 9.1-9.6).
 */
#include <kunit/test.h>

#include "../drivers/vtd/vtd.h"

/* Context-cache invalidate, global: type 1, G = 01b in bits 5:4 */
static void vtd_desc_cc_global_test(struct kunit *test)
{
	struct alist_cmd d;

	vtd_desc_cc_global(&d);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x11ULL);
	KUNIT_EXPECT_EQ(test, d.w[1] | d.w[2] | d.w[3], 0ULL);
}

/* PASID-cache invalidate: type 7; G 01b PASID-selective, 11b global */
static void vtd_desc_pc_test(struct kunit *test)
{
	struct alist_cmd d;

	vtd_desc_pc_global(&d);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x37ULL);
	vtd_desc_pc_pasid(&d, 0x1234, 0x5);
	/* DID 31:16, PASID 51:32 */
	KUNIT_EXPECT_EQ(test, d.w[0], 0x0000000512340017ULL);
	vtd_desc_pc_pasid(&d, 0xffff, 0xfffff);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x000fffffffff0017ULL);
	KUNIT_EXPECT_EQ(test, d.w[1], 0ULL);
}

/* IOTLB invalidate: type 2; G 01b global, 10b domain; DW bit 6, DR 7 */
static void vtd_desc_iotlb_test(struct kunit *test)
{
	struct alist_cmd d;

	vtd_desc_iotlb_global(&d, 0);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x12ULL);
	vtd_desc_iotlb_global(&d, VTD_CAP_DRD | VTD_CAP_DWD);
	KUNIT_EXPECT_EQ(test, d.w[0], 0xd2ULL);
	vtd_desc_iotlb_dsi(&d, 0, 0x42);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x420022ULL);
	vtd_desc_iotlb_dsi(&d, VTD_CAP_DWD, 0x42);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x420062ULL);
	KUNIT_EXPECT_EQ(test, d.w[1], 0ULL);
}

/* PASID-based IOTLB, all non-global of a PASID: type 6, G 10b */
static void vtd_desc_piotlb_test(struct kunit *test)
{
	struct alist_cmd d;

	vtd_desc_piotlb_all(&d, 7, 0x10);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x0000001000070026ULL);
	KUNIT_EXPECT_EQ(test, d.w[1], 0ULL);
}

/*
 * Device-TLB invalidate: type 3; PFSID 3:0 in 15:12 and 15:4 in 63:52;
 * MIP (queue depth) 20:16, 32 encoded as 0; SID 47:32. Whole address
 * space: S = 1 with address bits 62:12 set and 63 clear.
 */
static void vtd_desc_devtlb_test(struct kunit *test)
{
	struct alist_cmd d;

	vtd_desc_devtlb_all(&d, 0x0108, 0x0100, 32);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x0100010800000003ULL);
	KUNIT_EXPECT_EQ(test, d.w[1], 0x7ffffffffffff001ULL);
	vtd_desc_devtlb_all(&d, 0x0108, 0x0123, 5);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x0120010800053003ULL);
}

/*
 * The wait descriptor the driver appends (encoded by the core): type 5,
 * SW (bit 5) only: IF (bit 4) with SW aborts QEMU 10.0, FN (bit 6) alone
 * and PD (bit 7) raise IQE there. Status data 63:32, address in qw1.
 */
static void vtd_desc_wait_test(struct kunit *test)
{
	struct alist_cmd d;

	alist_vtd_wait_desc(&d, 0x12345678, 7);
	KUNIT_EXPECT_EQ(test, d.w[0], 0x0000000700000025ULL);
	KUNIT_EXPECT_EQ(test, d.w[1], 0x12345678ULL);
	KUNIT_EXPECT_EQ(test, d.w[0] & 0xd0, 0ULL);
}

/* Root entry: LCTP 63:12 + LP bit 0, UCTP 127:76 + UP bit 64 */
static void vtd_root_entry_test(struct kunit *test)
{
	u64 *root = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, root);
	vtd_root_entry_set(root, 3, 0x12345000, 0x6789a000);
	KUNIT_EXPECT_EQ(test, root[6], 0x12345001ULL);
	KUNIT_EXPECT_EQ(test, root[7], 0x6789a001ULL);
	vtd_root_entry_set(root, 3, 0x12345000, 0);
	KUNIT_EXPECT_EQ(test, root[7], 0ULL);
	KUNIT_EXPECT_EQ(test, root[4] | root[5] | root[8], 0ULL);
}

/*
 * Scalable-mode context entry: P bit 0, FPD 1 (clear), DTE 2, PASIDE 3,
 * PDTS 11:9, PASIDDIRPTR 63:12; RID_PASID in 83:64 (0).
 */
static void vtd_ctx_entry_test(struct kunit *test)
{
	u64 ce[4];

	vtd_ctx_entry_build(ce, 0x12345000, 2, true);
	KUNIT_EXPECT_EQ(test, ce[0], 0x12345405ULL);
	KUNIT_EXPECT_EQ(test, ce[1] | ce[2] | ce[3], 0ULL);
	vtd_ctx_entry_build(ce, 0xabcdef000, 0, false);
	KUNIT_EXPECT_EQ(test, ce[0], 0xabcdef001ULL);
}

/*
 * PASID table entry: P 0, FPD 1, AW 4:2, PGTT 8:6, SSPTPTR 63:12; DID
 * 79:64, PWSNP 87, PGSNP 88; SRE 128, FLPM 131:130, WPE 132, EAFE 135,
 * FSPTPTR 191:140.
 */
static void vtd_pasid_entry_test(struct kunit *test)
{
	struct vtd_pe_cfg ss = {
		.pgtt = VTD_PGTT_SS, .did = 5, .aw = 2, .ssptptr = 0xabc000,
	};
	struct vtd_pe_cfg fs = {
		.pgtt = VTD_PGTT_FS, .did = 9, .aw = 2, .fsptptr = 0x55000,
	};
	struct vtd_pe_cfg pt = { .pgtt = VTD_PGTT_PT, .did = 1, .aw = 2 };
	struct vtd_pe_cfg nest = {
		.pgtt = VTD_PGTT_NESTED, .did = 0x20, .aw = 1,
		.ssptptr = 0x7000, .fsptptr = 0x9000, .flpm = 1,
		.sre = true, .wpe = true, .eafe = true, .pgsnp = true,
		.pwsnp = true,
	};
	u64 pe[8];
	int i;

	vtd_pasid_entry_build(pe, &ss);
	KUNIT_EXPECT_EQ(test, pe[0], 0xabc089ULL);
	KUNIT_EXPECT_EQ(test, pe[1], 5ULL);
	KUNIT_EXPECT_EQ(test, pe[2], 0ULL);

	vtd_pasid_entry_build(pe, &fs);
	KUNIT_EXPECT_EQ(test, pe[0], 0x49ULL);
	KUNIT_EXPECT_EQ(test, pe[1], 9ULL);
	KUNIT_EXPECT_EQ(test, pe[2], 0x55000ULL);

	vtd_pasid_entry_build(pe, &pt);
	KUNIT_EXPECT_EQ(test, pe[0], 0x109ULL);
	KUNIT_EXPECT_EQ(test, pe[1], 1ULL);

	vtd_pasid_entry_build(pe, &nest);
	KUNIT_EXPECT_EQ(test, pe[0], 0x70c5ULL);
	KUNIT_EXPECT_EQ(test, pe[1], 0x1800020ULL);
	KUNIT_EXPECT_EQ(test, pe[2], 0x9095ULL);
	for (i = 3; i < 8; i++)
		KUNIT_EXPECT_EQ(test, pe[i], 0ULL);
}

static struct kunit_case vtd_desc_cases[] = {
	KUNIT_CASE(vtd_desc_cc_global_test),
	KUNIT_CASE(vtd_desc_pc_test),
	KUNIT_CASE(vtd_desc_iotlb_test),
	KUNIT_CASE(vtd_desc_piotlb_test),
	KUNIT_CASE(vtd_desc_devtlb_test),
	KUNIT_CASE(vtd_desc_wait_test),
	KUNIT_CASE(vtd_root_entry_test),
	KUNIT_CASE(vtd_ctx_entry_test),
	KUNIT_CASE(vtd_pasid_entry_test),
	{}
};

static struct kunit_suite vtd_desc_suite = {
	.name = "alist_vtd_desc",
	.test_cases = vtd_desc_cases,
};

kunit_test_suite(vtd_desc_suite);
