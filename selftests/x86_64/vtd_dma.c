// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd end to end: the QEMU edu device (1234:11e8) bound to vfio-pci,
 * opened through its VFIO cdev, bound to iommufd and attached to an IOAS,
 * does real DMA through our VT-d translation. Fixed IOVAs below 256 MiB
 * (edu masks addresses to 28 bits) and transfers of at most 4 KiB (edu's
 * buffer). Fault and invalidation counters come from
 * /sys/kernel/debug/alist_vtd.
 *
 * With argument "demo" the program does one DMA and prints what happened
 * (used by the make run demo). With argument "bench" it runs the fixed
 * workload of make bench (see bench() below), under our driver or the
 * in-tree one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "kselftest_harness.h"
#include "edu.h"
#include "edu_bench.h"
#include "vtd_dbg.h"

#define SZ_4K		0x1000UL

/* Fixed IOVAs, all below 256 MiB */
#define IOVA_SRC	0x1000000UL
#define IOVA_DST	0x2000000UL
#define IOVA_X		0x3000000UL

#define DBG		VD_VTD_DEBUGFS

/* A counter or register of the unit translating edu */
static int unit_u64(struct edu *e, const char *name, uint64_t *val)
{
	return vd_vtd_u64(e->iommu, name, val);
}

static int edu_open_any(struct edu *e, int need_unit, char *why, size_t len);

static int edu_open(struct edu *e, char *why, size_t len)
{
	return edu_open_any(e, 1, why, len);
}

/* @need_unit 0: any IOMMU driver (bench mode), our counters if present */
static int edu_open_any(struct edu *e, int need_unit, char *why, size_t len)
{
	char bdf[32], cdev[128];

	edu_reset(e);
	if (vd_vtd_unit(e->iommu, sizeof(e->iommu))) {
		e->iommu[0] = 0;
		if (need_unit) {
			snprintf(why, len, "no alist_vtd unit in debugfs");
			return -1;
		}
	}
	if (vd_find_pci(EDU_VENDOR, EDU_DEVICE, bdf, sizeof(bdf)) ||
	    vd_vfio_cdev(bdf, cdev, sizeof(cdev))) {
		snprintf(why, len, "no edu device bound to vfio-pci");
		return -1;
	}
	e->iommufd = open("/dev/iommu", O_RDWR);
	if (e->iommufd < 0 || vd_open_cdev(&e->dev, bdf, cdev)) {
		snprintf(why, len, "open /dev/iommu or %s: %s", cdev,
			 strerror(errno));
		return -1;
	}
	if (vd_bind(&e->dev, e->iommufd) ||
	    iommufd_ioas_alloc(e->iommufd, &e->ioas_id)) {
		snprintf(why, len, "bind/ioas: %s", strerror(errno));
		return -1;
	}
	if (edu_attach(e, e->ioas_id)) {
		snprintf(why, len, "attach: %s", strerror(errno));
		return -1;
	}
	if (vd_enable_dma(&e->dev))
		return -1;
	if (edu_map_bar(e)) {
		snprintf(why, len, "mmap BAR0: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Copy the page at IOVA @from to IOVA @to through edu's buffer */
static int edu_copy(struct edu *e, uint64_t from, uint64_t to)
{
	if (edu_dma(e, from, SZ_4K, 0))
		return -1;
	return edu_dma(e, to, SZ_4K, 1);
}

static int ioas_map(struct edu *e, void *va, uint64_t iova)
{
	return edu_map(e, va, iova, SZ_4K);
}

static int ioas_unmap(struct edu *e, uint64_t iova)
{
	return edu_unmap(e, iova, SZ_4K);
}

static uint8_t *page(uint8_t fill)
{
	uint8_t *p = edu_pages(SZ_4K);

	if (p)
		memset(p, fill, SZ_4K);
	return p;
}

static int all(const uint8_t *p, uint8_t v)
{
	return edu_all(p, v, SZ_4K);
}

static int set_skip_flush(int on)
{
	if (put_str(DBG "/skip_flush/times", "-1") ||
	    put_str(DBG "/skip_flush/interval", "1"))
		return -1;
	return put_str(DBG "/skip_flush/probability", on ? "100" : "0");
}

/*
 * Seconds a DMA test may take: edu moves 4 KiB per 100 ms of emulated time
 * and each fixture resets the device through VFIO, so under TCG on a busy
 * host a test takes tens of seconds; a hang still ends the test.
 */
#define DMA_TEST_TIMEOUT	90

FIXTURE(vtd) {
	struct edu e;
	uint8_t *src;
};

FIXTURE_SETUP(vtd)
{
	char why[256] = "";

	if (edu_open(&self->e, why, sizeof(why)))
		SKIP(return, "%s", why);
	self->src = page(0);
	ASSERT_NE(NULL, self->src);
	ASSERT_EQ(0, ioas_map(&self->e, self->src, IOVA_SRC));
}

FIXTURE_TEARDOWN(vtd)
{
	edu_close(&self->e);
}

/* Load edu's buffer with @v through the source page */
static int load(struct edu *e, uint8_t *src, uint8_t v)
{
	memset(src, v, SZ_4K);
	return edu_dma(e, IOVA_SRC, SZ_4K, 0);
}

TEST_F_TIMEOUT(vtd, vtd_dma_translate, DMA_TEST_TIMEOUT)
{
	uint8_t *a = page(0x11), *b = page(0x22);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, ioas_map(&self->e, a, IOVA_DST));
	ASSERT_EQ(0, ioas_map(&self->e, b, IOVA_DST + SZ_4K));
	memset(self->src, 0xa5, SZ_4K);
	ASSERT_EQ(0, edu_copy(&self->e, IOVA_SRC, IOVA_DST + SZ_4K));
	EXPECT_TRUE(all(b, 0xa5));
	EXPECT_TRUE(all(a, 0x11));
	/* And back: device reads the user page through the IOVA */
	memset(self->src, 0, SZ_4K);
	ASSERT_EQ(0, edu_copy(&self->e, IOVA_DST + SZ_4K, IOVA_SRC));
	EXPECT_TRUE(all(self->src, 0xa5));
}

TEST_F_TIMEOUT(vtd, vtd_dma_fault_after_unmap, DMA_TEST_TIMEOUT)
{
	uint64_t before, after, descs0, descs1, waits0, waits1;
	uint8_t *a = page(0);

	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, ioas_map(&self->e, a, IOVA_DST));
	ASSERT_EQ(0, load(&self->e, self->src, 0x3c));
	ASSERT_EQ(0, edu_dma(&self->e, IOVA_DST, SZ_4K, 1));
	ASSERT_TRUE(all(a, 0x3c));

	ASSERT_EQ(0, unit_u64(&self->e, "descs", &descs0));
	ASSERT_EQ(0, unit_u64(&self->e, "waits", &waits0));
	ASSERT_EQ(0, ioas_unmap(&self->e, IOVA_DST));
	ASSERT_EQ(0, unit_u64(&self->e, "descs", &descs1));
	ASSERT_EQ(0, unit_u64(&self->e, "waits", &waits1));
	/* One page, one domain ID on one unit: one descriptor, one wait */
	TH_LOG("unmap of one page: %llu descriptor(s), %llu wait(s)",
	       (unsigned long long)(descs1 - descs0),
	       (unsigned long long)(waits1 - waits0));
	EXPECT_EQ(1, descs1 - descs0);
	EXPECT_EQ(1, waits1 - waits0);

	ASSERT_EQ(0, unit_u64(&self->e, "faults", &before));
	ASSERT_EQ(0, load(&self->e, self->src, 0x77));
	ASSERT_EQ(0, edu_dma(&self->e, IOVA_DST, SZ_4K, 1));
	usleep(50000);
	ASSERT_EQ(0, unit_u64(&self->e, "faults", &after));
	EXPECT_LT(before, after);
	EXPECT_TRUE(all(a, 0x3c));
}

TEST_F_TIMEOUT(vtd, vtd_dma_remap_not_stale, DMA_TEST_TIMEOUT)
{
	uint8_t *a = page(0), *b = page(0);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, ioas_map(&self->e, a, IOVA_X));
	ASSERT_EQ(0, load(&self->e, self->src, 0x01));
	ASSERT_EQ(0, edu_dma(&self->e, IOVA_X, SZ_4K, 1));
	ASSERT_TRUE(all(a, 0x01));
	ASSERT_EQ(0, ioas_unmap(&self->e, IOVA_X));
	ASSERT_EQ(0, ioas_map(&self->e, b, IOVA_X));
	ASSERT_EQ(0, load(&self->e, self->src, 0x02));
	ASSERT_EQ(0, edu_dma(&self->e, IOVA_X, SZ_4K, 1));
	EXPECT_TRUE(all(b, 0x02));
	EXPECT_TRUE(all(a, 0x01));
}

TEST_F_TIMEOUT(vtd, vtd_skip_flush_detected, DMA_TEST_TIMEOUT)
{
	uint64_t skipped0, skipped1;
	uint8_t *a, *b;
	int stale;

	/* The fault attribute exists only in test builds of the driver */
	if (access(DBG "/skip_flush", F_OK))
		SKIP(return, "no skip_flush: driver built without CONFIG_IOMMU_ALIST_TEST_HOOKS");
	a = page(0);
	b = page(0);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, vd_get_u64(DBG "/skipped_flushes", &skipped0));
	ASSERT_EQ(0, ioas_map(&self->e, a, IOVA_X));
	ASSERT_EQ(0, load(&self->e, self->src, 0x01));
	ASSERT_EQ(0, edu_dma(&self->e, IOVA_X, SZ_4K, 1));
	ASSERT_TRUE(all(a, 0x01));

	ASSERT_EQ(0, set_skip_flush(1));
	ASSERT_EQ(0, ioas_unmap(&self->e, IOVA_X));
	ASSERT_EQ(0, set_skip_flush(0));
	ASSERT_EQ(0, vd_get_u64(DBG "/skipped_flushes", &skipped1));
	EXPECT_LT(skipped0, skipped1);

	ASSERT_EQ(0, ioas_map(&self->e, b, IOVA_X));
	ASSERT_EQ(0, load(&self->e, self->src, 0x02));
	ASSERT_EQ(0, edu_dma(&self->e, IOVA_X, SZ_4K, 1));
	/* The stale IOTLB entry still points at A: the control detects it */
	stale = all(a, 0x02) && all(b, 0x00);
	TH_LOG("flush skipped: A %s, B %s", all(a, 0x02) ? "written" : "intact",
	       all(b, 0x02) ? "written" : "untouched");
	EXPECT_TRUE(stale);
	/* Leave no stale entry behind */
	ASSERT_EQ(0, ioas_unmap(&self->e, IOVA_X));
}

TEST_F(vtd, vtd_hw_info)
{
	struct iommu_hw_info_vtd vtd = {};
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = self->e.dev.dev_id,
		.data_len = sizeof(vtd),
		.data_uptr = (uintptr_t)&vtd,
	};
	uint64_t cap, ecap;

	ASSERT_EQ(0, ioctl(self->e.iommufd, IOMMU_GET_HW_INFO, &cmd));
	EXPECT_EQ(IOMMU_HW_INFO_TYPE_INTEL_VTD, cmd.out_data_type);
	EXPECT_EQ(sizeof(vtd), cmd.data_len);
	ASSERT_EQ(0, unit_u64(&self->e, "cap", &cap));
	ASSERT_EQ(0, unit_u64(&self->e, "ecap", &ecap));
	EXPECT_EQ(cap, vtd.cap_reg);
	EXPECT_EQ(ecap, vtd.ecap_reg);
	/* Reported for every unit, as Linux does (Documentation/vtd.rst) */
	EXPECT_EQ(IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17, vtd.flags);

	/* Asking for the VT-d type explicitly works */
	cmd.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	ASSERT_EQ(0, ioctl(self->e.iommufd, IOMMU_GET_HW_INFO, &cmd));
	EXPECT_EQ(IOMMU_HW_INFO_TYPE_INTEL_VTD, cmd.out_data_type);

	/* Bad inputs: another type, unknown flags, reserved, bad device */
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->e.iommufd, IOMMU_GET_HW_INFO,
				       &cmd));
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	cmd.flags = 1U << 31;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->e.iommufd, IOMMU_GET_HW_INFO,
				       &cmd));
	cmd.flags = 0;
	cmd.__reserved[0] = 1;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->e.iommufd, IOMMU_GET_HW_INFO,
				       &cmd));
	cmd.__reserved[0] = 0;
	cmd.dev_id = self->e.ioas_id;
	ASSERT_ERRNO(ENOENT, ioctl(self->e.iommufd, IOMMU_GET_HW_INFO, &cmd));

	/* A longer user buffer has its tail zeroed */
	{
		uint8_t big[sizeof(vtd) + 16];

		memset(big, 0xff, sizeof(big));
		cmd.dev_id = self->e.dev.dev_id;
		cmd.data_len = sizeof(big);
		cmd.data_uptr = (uintptr_t)big;
		ASSERT_EQ(0, ioctl(self->e.iommufd, IOMMU_GET_HW_INFO, &cmd));
		EXPECT_EQ(sizeof(vtd), cmd.data_len);
		EXPECT_EQ(0, big[sizeof(vtd)]);
		EXPECT_EQ(0, big[sizeof(big) - 1]);
	}
}

TEST_F(vtd, vtd_nest_refused)
{
	struct iommu_hwpt_vtd_s1 s1 = {
		.pgtbl_addr = 0x100000,
		.addr_width = 48,
	};
	uint64_t ecap;
	__u32 parent, nested;
	int first_stage;

	ASSERT_EQ(0, unit_u64(&self->e, "ecap", &ecap));
	first_stage = !(ecap & (1ULL << 46));
	if (first_stage || !(ecap & (1ULL << 26))) {
		/*
		 * First-stage unit (no stage 2 to nest on), or no ECAP.NEST
		 * (QEMU 10.0): no nest parent either, as Linux answers
		 */
		ASSERT_ERRNO(EOPNOTSUPP,
			     edu_hwpt_alloc(&self->e, self->e.ioas_id,
					    IOMMU_HWPT_ALLOC_NEST_PARENT,
					    IOMMU_HWPT_DATA_NONE, NULL, 0, &parent));
		TH_LOG("NEST_PARENT refused: %s", first_stage ?
		       "first-stage unit" : "no ECAP.NEST");
		return;
	}
	ASSERT_EQ(0, edu_hwpt_alloc(&self->e, self->e.ioas_id,
				    IOMMU_HWPT_ALLOC_NEST_PARENT,
				    IOMMU_HWPT_DATA_NONE, NULL, 0, &parent));
	ASSERT_EQ(0, edu_hwpt_alloc(&self->e, parent, 0,
				    IOMMU_HWPT_DATA_VTD_S1, &s1,
				    sizeof(s1), &nested));
	/* Nesting on a non-parent paging HWPT is refused by iommufd */
	{
		__u32 plain;

		ASSERT_EQ(0, edu_hwpt_alloc(&self->e, self->e.ioas_id, 0,
					    IOMMU_HWPT_DATA_NONE, NULL, 0, &plain));
		ASSERT_ERRNO(EINVAL, edu_hwpt_alloc(&self->e, plain, 0,
						    IOMMU_HWPT_DATA_VTD_S1, &s1,
						    sizeof(s1), &nested));
	}
}

TEST_F(vtd, vtd_bad_hwpt_alloc)
{
	struct iommu_hwpt_vtd_s1 s1 = { .addr_width = 48 };
	struct iommu_hwpt_invalidate inv = { .size = sizeof(inv) };
	struct iommu_hwpt_vtd_s1_invalidate entry = { .npages = 1 };
	uint8_t *b;
	__u32 id;

	/* Unknown allocation flag */
	ASSERT_ERRNO(EOPNOTSUPP, edu_hwpt_alloc(&self->e, self->e.ioas_id, 1U << 30,
						IOMMU_HWPT_DATA_NONE, NULL, 0, &id));
	/* Dirty tracking: not advertised */
	ASSERT_ERRNO(EOPNOTSUPP,
		     edu_hwpt_alloc(&self->e, self->e.ioas_id,
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
				    IOMMU_HWPT_DATA_NONE, NULL, 0, &id));
	/* PASID-capable domains: not supported by this driver */
	ASSERT_ERRNO(EOPNOTSUPP, edu_hwpt_alloc(&self->e, self->e.ioas_id,
						IOMMU_HWPT_ALLOC_PASID,
						IOMMU_HWPT_DATA_NONE, NULL, 0, &id));
	/* Driver data on a paging domain */
	ASSERT_ERRNO(EOPNOTSUPP, edu_hwpt_alloc(&self->e, self->e.ioas_id, 0,
						IOMMU_HWPT_DATA_VTD_S1, &s1,
						sizeof(s1), &id));
	/* Length without type, type without length */
	ASSERT_ERRNO(EINVAL, edu_hwpt_alloc(&self->e, self->e.ioas_id, 0,
					    IOMMU_HWPT_DATA_NONE, &s1, sizeof(s1),
					    &id));
	ASSERT_ERRNO(EINVAL, edu_hwpt_alloc(&self->e, self->e.ioas_id, 0,
					    IOMMU_HWPT_DATA_VTD_S1, &s1, 0, &id));

	/* Invalidation on a paging HWPT (no nested domain): refused */
	ASSERT_EQ(0, edu_hwpt_alloc(&self->e, self->e.ioas_id, 0,
				    IOMMU_HWPT_DATA_NONE, NULL, 0, &id));
	inv.hwpt_id = id;
	inv.data_uptr = (uintptr_t)&entry;
	inv.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1;
	inv.entry_len = sizeof(entry);
	inv.entry_num = 1;
	ASSERT_ERRNO(EINVAL, ioctl(self->e.iommufd, IOMMU_HWPT_INVALIDATE,
				   &inv));
	inv.__reserved = 1;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->e.iommufd, IOMMU_HWPT_INVALIDATE,
				       &inv));

	/* Nothing refused above changed the device's domain: DMA still lands */
	b = page(0);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, ioas_map(&self->e, b, IOVA_DST));
	memset(self->src, 0x3c, SZ_4K);
	ASSERT_EQ(0, edu_copy(&self->e, IOVA_SRC, IOVA_DST));
	EXPECT_TRUE(all(b, 0x3c));
}

static int vtd_demo(void)
{
	uint64_t d0, w0, d1, w1, f0, f1;
	char why[256] = "";
	struct edu e;
	uint8_t *src = page(0x5a), *dst = page(0);

	if (edu_open(&e, why, sizeof(why))) {
		printf("  no DMA demo: %s\n", why);
		return 1;
	}
	if (ioas_map(&e, src, IOVA_SRC) || ioas_map(&e, dst, IOVA_DST)) {
		printf("  IOAS map failed: %s\n", strerror(errno));
		return 1;
	}
	if (edu_copy(&e, IOVA_SRC, IOVA_DST)) {
		printf("  edu DMA timed out\n");
		return 1;
	}
	printf("  edu copied IOVA %#lx -> edu -> IOVA %#lx: destination page %s\n",
	       IOVA_SRC, IOVA_DST, all(dst, 0x5a) ? "holds the pattern" :
	       "WRONG");
	unit_u64(&e, "descs", &d0);
	unit_u64(&e, "waits", &w0);
	ioas_unmap(&e, IOVA_DST);
	unit_u64(&e, "descs", &d1);
	unit_u64(&e, "waits", &w1);
	printf("  unmap of that page: %llu invalidation descriptor(s), %llu wait(s)\n",
	       (unsigned long long)(d1 - d0), (unsigned long long)(w1 - w0));
	unit_u64(&e, "faults", &f0);
	memset(dst, 0, SZ_4K);
	edu_dma(&e, IOVA_DST, SZ_4K, 1);
	usleep(50000);
	unit_u64(&e, "faults", &f1);
	printf("  DMA to the unmapped IOVA: %s, %llu new fault record(s)\n",
	       all(dst, 0) ? "blocked" : "LANDED", (unsigned long long)(f1 - f0));
	edu_close(&e);
	return 0;
}

/*
 * "vtd_dma bench": the guest half of make bench (see edu_bench.h). A fixed
 * list of workloads, the same under any VT-d driver; the host counts the
 * invalidation descriptors QEMU executes between the edu markers. Under
 * our driver the debugfs counters are read around the first operations
 * too and printed next to them.
 *
 *   ALIST-BENCH start prog=vtd_dma counters=alist_vtd|none iters=K timed=T
 *
 * Workloads: the unmap shapes of edu_bench.h on edu's IOAS domain; two of
 * them again with a second device, the virtio-rng with ATS, on the same
 * domain (device-TLB invalidations); attach/replace/detach cycles.
 */
#define BENCH_IOVA		0x4000000UL	/* 64 KiB aligned, below 256 MiB */
#define RNG_VENDOR		0x1af4
#define RNG_DEVICE		0x1044

static uint8_t *bench_src;

static void bench_snap(struct edu *e, struct bench_snap *s)
{
	uint64_t descs, waits;

	s->cmds = -1;
	s->syncs = -1;
	if (e->iommu[0] && !unit_u64(e, "descs", &descs) &&
	    !unit_u64(e, "waits", &waits)) {
		s->cmds = descs;
		s->syncs = waits;
	}
}

/* The page about to be unmapped works: a DMA into it lands */
static int bench_check(struct edu *e, uint8_t *pg, __u64 iova, unsigned int i)
{
	uint8_t v = (uint8_t)(0x40 + i);

	memset(pg, 0, SZ_4K);
	if (load(e, bench_src, v) || edu_dma(e, iova, SZ_4K, 1))
		return bench_fail(0, "edu DMA timed out");
	if (!all(pg, v))
		return bench_fail(0, "DMA data did not arrive");
	return 0;
}

static int bench_attach(struct edu *e, __u32 pt)
{
	return edu_attach(e, pt);
}

static int bench_detach(struct edu *e)
{
	return vd_detach(&e->dev);
}

static const struct bench_shape bench_shapes[] = {
	BENCH_SHAPE(bench_a1), BENCH_SHAPE(bench_a1_2), BENCH_SHAPE(bench_a1_6),
	BENCH_SHAPE(bench_a3_7), BENCH_SHAPE(bench_a5_17), BENCH_SHAPE(bench_a16),
	BENCH_SHAPE(bench_scatter4), BENCH_SHAPE(bench_a1_1022),
};

/* The shapes of bench_shapes[] again on a domain edu shares with the rng */
static const unsigned int bench_ats_shapes[] = { 0, 2 };

/*
 * Two devices on one domain: a HWPT on edu's IOAS, edu and the virtio-rng
 * (ATS) attached to it. 1 when the guest has no such rng.
 */
static int bench_two_devices(struct edu *e, struct vfio_dev *rng, __u32 *hwpt)
{
	__u32 pt;

	if (vd_open(rng, e->iommufd, RNG_VENDOR, RNG_DEVICE))
		return 1;
	if (edu_hwpt_alloc(e, e->ioas_id, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, hwpt))
		return bench_fail(0, "IOMMU_HWPT_ALLOC");
	pt = *hwpt;
	if (edu_attach(e, pt) || pt != *hwpt)
		return bench_fail(0, "attach edu to the shared HWPT");
	pt = *hwpt;
	if (vd_attach(rng, &pt) || pt != *hwpt)
		return bench_fail(0, "attach the rng to the shared HWPT");
	return 0;
}

static int bench(void)
{
	static const char *const names[] = {
		"unmap_1", "unmap_p1-2", "unmap_p1-6", "unmap_p3-7",
		"unmap_p5-17", "unmap_16", "unmap_scatter4", "unmap_p1-1022",
	};
	struct bench_phase ph[ARRAY_SIZE(names)] = {}, ats[ARRAY_SIZE(bench_ats_shapes)] = {};
	struct bench_phase cyc[3] = {
		{ .id = 30, .name = "attach", .op = "attach" },
		{ .id = 31, .name = "replace", .op = "replace" },
		{ .id = 32, .name = "detach", .op = "detach" },
	};
	char why[256] = "", nm[ARRAY_SIZE(bench_ats_shapes)][48];
	struct vfio_dev rng = { .fd = -1 };
	__u32 hwpt, a = 0, b = 0;
	struct edu e;
	unsigned int i;
	int rc = 0;

	bench_src = page(0);
	if (edu_open_any(&e, 0, why, sizeof(why)) || !bench_src) {
		printf("ALIST-BENCH error id=0 what=open:%s\n", why);
		return bench_finish(1);
	}
	printf("ALIST-BENCH start prog=vtd_dma counters=%s iters=%d timed=%d\n",
	       e.iommu[0] ? "alist_vtd" : "none", BENCH_ITERS, BENCH_TIMED);
	fflush(stdout);
	if (ioas_map(&e, bench_src, IOVA_SRC))
		rc = bench_fail(0, "IOMMU_IOAS_MAP source");
	for (i = 0; !rc && i < ARRAY_SIZE(names); i++) {
		ph[i] = (struct bench_phase){ .id = 1 + i, .name = names[i], .op = "unmap" };
		rc = bench_unmap(&e, &ph[i], &bench_shapes[i], BENCH_IOVA, bench_check);
	}

	/* Two devices, one with ATS, on one domain */
	if (!rc) {
		rc = bench_two_devices(&e, &rng, &hwpt);
		if (rc > 0) {
			printf("ALIST-BENCH note what=no-ats-rng\n");
			rc = 0;
		} else {
			for (i = 0; !rc && i < ARRAY_SIZE(bench_ats_shapes); i++) {
				snprintf(nm[i], sizeof(nm[i]), "2dev-ats_%s",
					 names[bench_ats_shapes[i]]);
				ats[i] = (struct bench_phase){ .id = 20 + i, .name = nm[i],
							       .op = "unmap" };
				rc = bench_unmap(&e, &ats[i],
						 &bench_shapes[bench_ats_shapes[i]],
						 BENCH_IOVA, bench_check);
			}
			if (!rc && (vd_detach(&rng) || edu_attach(&e, e.ioas_id)))
				rc = bench_fail(0, "back to the IOAS");
		}
		vd_close(&rng);
	}

	/* Attach/replace/detach: two HWPTs of edu's IOAS */
	if (!rc && (edu_hwpt_alloc(&e, e.ioas_id, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &a) ||
		    edu_hwpt_alloc(&e, e.ioas_id, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &b) ||
		    bench_detach(&e)))
		rc = bench_fail(30, "HWPT setup");
	if (!rc)
		rc = bench_cycle(&e, cyc, a, b, bench_attach, bench_detach);
	if (!rc && edu_attach(&e, e.ioas_id))
		rc = bench_fail(30, "attach after the cycles");
	edu_close(&e);
	return bench_finish(rc);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "demo"))
		return vtd_demo();
	if (argc > 1 && !strcmp(argv[1], "bench"))
		return bench();
	return test_harness_run(argc, argv);
}
