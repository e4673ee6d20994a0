// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the core's user-array walker on real user memory.
 *
 * IOMMU_HWPT_INVALIDATE hands the driver a user pointer; these cases put
 * the arrays in a user mapping of the test's own mm (kunit_vm_mmap()), so
 * the walker's copies are the kernel's copy_from_user()/check_zeroed_user()
 * with their real fault handling. One rule per case, as the uAPI states
 * it: the errno, the error index (entry_num), the driver error code, and
 * that nothing after the failing entry is executed.
 */
#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/uaccess.h>

#include <alist/errno.h>
#include <alist/id_table.h>
#include <alist/inv.h>
#include <alist/lock.h>
#include <alist/user_array.h>

#define VTD_ENTRY_LEN sizeof(struct alist_vtd_s1_inv)

/* A user page for the test, or skip the case. */
static void __user *uarray_page(struct kunit *test)
{
	unsigned long uaddr;

	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user mapping");
	return (void __user *)uaddr;
}

static void put_user_bytes(struct kunit *test, void __user *dst, const void *src,
			   size_t len)
{
	KUNIT_ASSERT_EQ(test, copy_to_user(dst, src, len), 0);
}

static struct alist_user_array vtd_array(void __user *uptr, u32 entry_len, u32 n)
{
	return (struct alist_user_array){
		.type = ALIST_UARRAY_TYPE_VTD_S1,
		.entry_len = entry_len,
		.entry_num = n,
		.uptr = (const void __force *)uptr,
	};
}

/* One nested domain target (DID 5, PASID 3) on instance 0. */
static const struct alist_target uarray_nested_target[] = {
	{ .instance = 0, .kind = ALIST_KIND_VTD_PIOTLB, .tag = 5, .pasid = 3, .users = 1 },
};

static const struct alist_vtd_params uarray_vtd_params = {
	.psi = 1, .mamv = 18, .max_iotlb_cmds = 32, .max_devtlb_cmds = 32,
};

/* The first descriptor of the last vtd_run() (zero when it sent none) */
static struct alist_cmd vtd_run_first;

/* Run the decoded request over the target: descriptors and waits. */
static void vtd_run(struct kunit *test, struct alist_inv_cursor *c,
		    unsigned int *cmds, unsigned int *syncs)
{
	struct alist_cmd buf[16];
	struct alist_inv_chunk chunks[2];
	struct alist_inv_batch b = ALIST_INV_BATCH_INIT(buf, chunks);
	int i, nr;

	*cmds = 0;
	*syncs = 0;
	memset(&vtd_run_first, 0, sizeof(vtd_run_first));
	if (alist_inv_cursor_empty(c))
		return;
	do {
		nr = alist_vtd_inv_fill(c, &uarray_vtd_params, uarray_nested_target, 1, &b);
		KUNIT_ASSERT_GE(test, nr, 0);
		if (nr && !*cmds && chunks[0].nr_cmds)
			vtd_run_first = buf[chunks[0].first];
		for (i = 0; i < nr; i++) {
			*cmds += chunks[i].nr_cmds;
			*syncs += chunks[i].sync;
		}
	} while (!b.done);
}

/* entry_num 0 probes the type: success, nothing done. */
static void uarray_test_type_probe(struct kunit *test)
{
	struct alist_user_array a = vtd_array(uarray_page(test), VTD_ENTRY_LEN, 0);
	struct alist_inv_cursor c;
	unsigned int cmds, syncs;

	KUNIT_EXPECT_EQ(test, alist_vtd_user_inv_decode(&a, &c), 0);
	KUNIT_EXPECT_EQ(test, a.entry_num, 0);
	vtd_run(test, &c, &cmds, &syncs);
	KUNIT_EXPECT_EQ(test, cmds, 0);
	KUNIT_EXPECT_EQ(test, syncs, 0);
}

/* The wrong data type is refused before any entry is read. */
static void uarray_test_wrong_type(struct kunit *test)
{
	struct alist_user_array a = vtd_array(uarray_page(test), VTD_ENTRY_LEN, 1);
	struct alist_inv_cursor c;

	a.type = ALIST_UARRAY_TYPE_SMMUV3;
	KUNIT_EXPECT_EQ(test, alist_vtd_user_inv_decode(&a, &c), -ALIST_EINVAL);
	KUNIT_EXPECT_EQ(test, a.entry_num, 0);
	KUNIT_EXPECT_EQ(test, a.err_code, ALIST_UARRAY_ERR_TYPE);
}

/*
 * Three valid entries, one call: all coalesced into one batch with one
 * wait, never a flush and wait per entry. Two adjacent ranges merge.
 */
static void uarray_test_coalesced(struct kunit *test)
{
	void __user *u = uarray_page(test);
	const struct alist_vtd_s1_inv e[3] = {
		{ .addr = 0x10000, .npages = 4 },	/* pages 0x10-0x13 */
		{ .addr = 0x14000, .npages = 4 },	/* 0x14-0x17: adjacent */
		{ .addr = 0x40000, .npages = 1 },
	};
	struct alist_user_array a = vtd_array(u, VTD_ENTRY_LEN, 3);
	struct alist_inv_cursor c;
	unsigned int cmds, syncs;

	put_user_bytes(test, u, e, sizeof(e));
	KUNIT_EXPECT_EQ(test, alist_vtd_user_inv_decode(&a, &c), 0);
	KUNIT_EXPECT_EQ(test, a.entry_num, 3);
	vtd_run(test, &c, &cmds, &syncs);
	/* [0x10, 0x17] is one aligned 8-page block, 0x40 one page. */
	KUNIT_EXPECT_EQ(test, cmds, 2);
	KUNIT_EXPECT_EQ(test, syncs, 1);
}

/* An entry_len below the struct's mandatory part is -EINVAL. */
static void uarray_test_short_entry_len(struct kunit *test)
{
	struct alist_user_array a = vtd_array(uarray_page(test), VTD_ENTRY_LEN - 8, 1);
	struct alist_inv_cursor c;

	KUNIT_EXPECT_EQ(test, alist_vtd_user_inv_decode(&a, &c), -ALIST_EINVAL);
	KUNIT_EXPECT_EQ(test, a.entry_num, 0);
	KUNIT_EXPECT_EQ(test, a.err_code, ALIST_UARRAY_ERR_LEN);
}

/*
 * A longer entry (a newer user struct) is accepted when the extra bytes
 * are zero, -E2BIG at the first entry where they are not; the entries
 * before it are still executed.
 */
static void uarray_test_trailing_bytes(struct kunit *test)
{
	void __user *u = uarray_page(test);
	const u32 len = VTD_ENTRY_LEN + 8;
	/* Pages far apart: one descriptor each */
	const struct alist_vtd_s1_inv e[3] = {
		{ .addr = 0x2000, .npages = 1 },
		{ .addr = 0x80000, .npages = 1 },
		{ .addr = 0x400000, .npages = 1 },
	};
	struct alist_user_array a = vtd_array(u, len, 3);
	struct alist_inv_cursor c;
	unsigned int cmds, syncs;
	const u8 one = 1;

	put_user_bytes(test, u, &e[0], sizeof(e[0]));
	put_user_bytes(test, u + len, &e[1], sizeof(e[1]));
	put_user_bytes(test, u + 2 * len, &e[2], sizeof(e[2]));
	put_user_bytes(test, u + 2 * len + VTD_ENTRY_LEN + 3, &one, 1);

	KUNIT_EXPECT_EQ(test, alist_vtd_user_inv_decode(&a, &c), -ALIST_E2BIG);
	KUNIT_EXPECT_EQ(test, a.entry_num, 2);
	KUNIT_EXPECT_EQ(test, a.err_code, ALIST_UARRAY_ERR_TRAILING);
	/* Entries 0 and 1 executed, entry 2 not */
	vtd_run(test, &c, &cmds, &syncs);
	KUNIT_EXPECT_EQ(test, cmds, 2);
	KUNIT_EXPECT_EQ(test, syncs, 1);
	KUNIT_EXPECT_EQ(test, vtd_run_first.w[1], 0x2000ULL);
}

/*
 * The array runs off the end of the mapping: -EFAULT with the index of
 * the first entry that could not be read; the valid prefix is executed.
 */
static void uarray_test_fault_mid_array(struct kunit *test)
{
	void __user *u = uarray_page(test);
	/* Two entries fit before the end of the page, the third straddles it. */
	void __user *start = u + PAGE_SIZE - 2 * VTD_ENTRY_LEN - 8;
	const struct alist_vtd_s1_inv e[2] = {
		{ .addr = 0x1000, .npages = 1 },
		{ .addr = 0x3000, .npages = 1 },
	};
	struct alist_user_array a = vtd_array(start, VTD_ENTRY_LEN, 3);
	struct alist_inv_cursor c;
	unsigned int cmds, syncs;

	put_user_bytes(test, start, e, sizeof(e));
	KUNIT_EXPECT_EQ(test, alist_vtd_user_inv_decode(&a, &c), -ALIST_EFAULT);
	KUNIT_EXPECT_EQ(test, a.entry_num, 2);
	KUNIT_EXPECT_EQ(test, a.err_code, ALIST_UARRAY_ERR_FAULT);
	vtd_run(test, &c, &cmds, &syncs);
	KUNIT_EXPECT_EQ(test, cmds, 2);
	KUNIT_EXPECT_EQ(test, syncs, 1);
}

struct uarray_bad_entry {
	const char *what;
	struct alist_vtd_s1_inv e;
	int err;
	u32 code;
};

static const struct uarray_bad_entry uarray_bad_entries[] = {
	{ "unknown flag", { .addr = 0x1000, .npages = 1, .flags = 2 },
	  -ALIST_EOPNOTSUPP, ALIST_UARRAY_ERR_FLAGS },
	{ "reserved field", { .addr = 0x1000, .npages = 1, .reserved = 1 },
	  -ALIST_EOPNOTSUPP, ALIST_UARRAY_ERR_RESERVED },
	{ "unaligned address", { .addr = 0x1800, .npages = 1 },
	  -ALIST_EINVAL, ALIST_UARRAY_ERR_ALIGN },
	{ "no pages", { .addr = 0x1000, .npages = 0 },
	  -ALIST_EINVAL, ALIST_UARRAY_ERR_RANGE },
	{ "all pages from a non-zero address", { .addr = 0x1000, .npages = U64_MAX },
	  -ALIST_EINVAL, ALIST_UARRAY_ERR_RANGE },
	{ "range past 2^64", { .addr = 0xfffffffffffff000ull, .npages = 2 },
	  -ALIST_EINVAL, ALIST_UARRAY_ERR_RANGE },
};

static void uarray_bad_desc(const struct uarray_bad_entry *t, char *desc)
{
	strscpy(desc, t->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(uarray_bad, uarray_bad_entries, uarray_bad_desc);

/*
 * A bad entry after a good one: its errno and code, entry_num 1, the good
 * entry executed, the entry after the bad one not executed.
 */
static void uarray_test_bad_entry(struct kunit *test)
{
	const struct uarray_bad_entry *t = test->param_value;
	void __user *u = uarray_page(test);
	struct alist_vtd_s1_inv e[3] = {
		{ .addr = 0x5000, .npages = 1 },
		t->e,
		{ .addr = 0x90000, .npages = 1 },
	};
	struct alist_user_array a = vtd_array(u, VTD_ENTRY_LEN, 3);
	struct alist_inv_cursor c;
	unsigned int cmds, syncs;

	put_user_bytes(test, u, e, sizeof(e));
	KUNIT_EXPECT_EQ(test, alist_vtd_user_inv_decode(&a, &c), t->err);
	KUNIT_EXPECT_EQ(test, a.entry_num, 1);
	KUNIT_EXPECT_EQ(test, a.err_code, t->code);
	vtd_run(test, &c, &cmds, &syncs);
	KUNIT_EXPECT_EQ(test, cmds, 1);
	KUNIT_EXPECT_EQ(test, syncs, 1);
	KUNIT_EXPECT_EQ(test, vtd_run_first.w[1], 0x5000ULL);
}

/* addr 0 and npages U64_MAX ask for everything: one all-in-PASID command. */
static void uarray_test_all(struct kunit *test)
{
	void __user *u = uarray_page(test);
	const struct alist_vtd_s1_inv e = { .addr = 0, .npages = U64_MAX };
	struct alist_user_array a = vtd_array(u, VTD_ENTRY_LEN, 1);
	struct alist_inv_cursor c;
	unsigned int cmds, syncs;

	put_user_bytes(test, u, &e, sizeof(e));
	KUNIT_EXPECT_EQ(test, alist_vtd_user_inv_decode(&a, &c), 0);
	vtd_run(test, &c, &cmds, &syncs);
	KUNIT_EXPECT_EQ(test, cmds, 1);
	KUNIT_EXPECT_EQ(test, syncs, 1);
	/* PASID-based IOTLB, all of the PASID (G = 2) */
	KUNIT_EXPECT_EQ(test, vtd_run_first.w[0] & 0xf, 6ULL);
	KUNIT_EXPECT_EQ(test, (vtd_run_first.w[0] >> 4) & 3, 2ULL);
}

/* SMMUv3 command words. */
#define SMMU_OP_TLBI_NH_ASID	0x11
#define SMMU_OP_CFGI_CD		0x05
#define SMMU_OP_CMD_SYNC	0x46

static const struct alist_smmuv3_params uarray_smmu_params = {
	.ril = 1, .tg_lg2 = 12, .max_tlbi_cmds = 512, .max_atc_cmds = 32,
};

/*
 * A vSMMU array: a TLBI by ASID, a CFGI_CD naming vSID 1 (translated to
 * the physical StreamID), then a command the guest may not send (a
 * CMD_SYNC: the kernel owns syncs). The first two go out in one batch with
 * one sync; the third is refused with its index, and the VMID the guest
 * cannot choose is forced to the vSMMU's.
 */
static void uarray_test_smmuv3_vsid(struct kunit *test)
{
	void __user *u = uarray_page(test);
	const struct alist_smmuv3_user_cmd cmds[3] = {
		{ { SMMU_OP_TLBI_NH_ASID | (7ull << 48) | (0x99ull << 32), 0 } },
		{ { SMMU_OP_CFGI_CD | (1ull << 32), 1 } },
		{ { SMMU_OP_CMD_SYNC, 0 } },
	};
	struct alist_user_array a = {
		.type = ALIST_UARRAY_TYPE_SMMUV3,
		.entry_len = sizeof(struct alist_smmuv3_user_cmd),
		.entry_num = 3,
		.uptr = (const void __force *)u,
	};
	struct alist_id_table *vsids;
	struct alist_smmuv3_uinv st;
	struct alist_cmd buf[8];
	struct alist_inv_chunk chunks[1];
	struct alist_inv_batch b = ALIST_INV_BATCH_INIT(buf, chunks);
	unsigned int n = 0, syncs = 0, i;
	bool saw_tlbi = false, saw_cfgi = false;
	int nr;

	put_user_bytes(test, u, cmds, sizeof(cmds));
	vsids = alist_id_table_alloc();
	KUNIT_ASSERT_NOT_NULL(test, vsids);
	alist_lock();
	KUNIT_ASSERT_EQ(test, alist_id_table_insert(vsids, 1, 0x8), 0);
	alist_unlock();

	alist_smmuv3_user_inv_init(&st, &a, &uarray_smmu_params, 0, 3, vsids);
	do {
		/* One chunk per fill: buffer offsets start at 0 */
		nr = alist_smmuv3_user_inv_fill(&st, &b);
		KUNIT_ASSERT_GE(test, nr, 0);
		if (!nr)
			continue;
		KUNIT_ASSERT_EQ(test, chunks[0].first, 0U);
		for (i = 0; i < chunks[0].nr_cmds; i++) {
			u64 w0 = buf[i].w[0];

			if ((w0 & 0xff) == SMMU_OP_TLBI_NH_ASID) {
				saw_tlbi = true;
				KUNIT_EXPECT_EQ(test, (w0 >> 48) & 0xffff, 7);
				KUNIT_EXPECT_EQ(test, (w0 >> 32) & 0xffff, 3);
			}
			if ((w0 & 0xff) == SMMU_OP_CFGI_CD) {
				saw_cfgi = true;
				KUNIT_EXPECT_EQ(test, w0 >> 32, 0x8);
			}
		}
		n += chunks[0].nr_cmds;
		syncs += chunks[0].sync;
	} while (!b.done);

	KUNIT_EXPECT_EQ(test, alist_smmuv3_user_inv_finish(&st), -ALIST_EIO);
	KUNIT_EXPECT_EQ(test, a.entry_num, 2);
	KUNIT_EXPECT_EQ(test, a.err_code, ALIST_UARRAY_ERR_OPCODE);
	KUNIT_EXPECT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, syncs, 1);
	KUNIT_EXPECT_TRUE(test, saw_tlbi);
	KUNIT_EXPECT_TRUE(test, saw_cfgi);

	alist_id_table_free(vsids);
}

static struct kunit_case alist_uarray_test_cases[] = {
	KUNIT_CASE(uarray_test_type_probe),
	KUNIT_CASE(uarray_test_wrong_type),
	KUNIT_CASE(uarray_test_coalesced),
	KUNIT_CASE(uarray_test_short_entry_len),
	KUNIT_CASE(uarray_test_trailing_bytes),
	KUNIT_CASE(uarray_test_fault_mid_array),
	KUNIT_CASE_PARAM(uarray_test_bad_entry, uarray_bad_gen_params),
	KUNIT_CASE(uarray_test_all),
	KUNIT_CASE(uarray_test_smmuv3_vsid),
	{}
};

static struct kunit_suite alist_uarray_test_suite = {
	.name = "alist_core_uarray",
	.test_cases = alist_uarray_test_cases,
};

kunit_test_suite(alist_uarray_test_suite);
