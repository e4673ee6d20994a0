// SPDX-License-Identifier: GPL-2.0
/*
 * alist_smmuv3 end to end: QEMU's edu device (1234:11e8) bound to vfio-pci,
 * opened as a VFIO cdev, bound to iommufd, doing real DMA through our
 * SMMUv3 driver.
 *
 * edu: one DMA at a time, at most 4096 bytes, between its buffer at 0x40000
 * and a bus address below 256 MiB; faults are invisible to the device
 * (reads give zeros, writes are dropped), so faults are seen through the
 * driver's counters in debugfs and by checking the data.
 *
 * Without arguments this is a kselftest program. "smmu_dma --demo" does one
 * DMA through stage 1 + stage 2 (a nested domain) and prints the counters;
 * "smmu_dma bench" runs the fixed workload of make bench (see bench()),
 * "smmu_dma bench two" the two-SMMU one (see bench_two()).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "edu.h"
#include "edu_bench.h"

#define SZ_4K		0x1000UL
#define SZ_2M		0x200000UL

/* Fixed IOVAs: below edu's 256 MiB DMA mask, clear of the MSI window */
#define IOVA_SRC	0x01000000UL
#define IOVA_X		0x02000000UL
#define IOVA_Y		0x03000000UL
#define EDU_FAULT_LEN	4	/* one QEMU access: one event */

#define DBG_ROOT	"/sys/kernel/debug/alist_smmuv3"

/*
 * The IOMMU instance of PCI device @bdf: the name of the device that
 * registered it (the sysfs link is .../<that device>/iommu/<unit>), which is
 * also that SMMU's directory in our debugfs. Either SMMUv3 driver.
 */
static int iommu_of(const char *bdf, char *name, size_t len)
{
	char path[256], link[512], *end, *start;
	ssize_t n;

	snprintf(path, sizeof(path), VD_PCI_DEVICES "/%.63s/iommu", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	end = strstr(link, "/iommu/");
	if (!end) {
		errno = ENOENT;
		return -1;
	}
	*end = '\0';
	start = strrchr(link, '/');
	start = start ? start + 1 : link;
	if (snprintf(name, len, "%s", start) >= (int)len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The SMMU of @bdf in our debugfs: its directory's name */
static int smmu_dir_of(const char *bdf, char *name, size_t len)
{
	char path[400];
	struct stat st;

	if (iommu_of(bdf, name, len))
		return -1;
	snprintf(path, sizeof(path), DBG_ROOT "/%.255s/stats", name);
	return stat(path, &st);
}

/*
 * Two edu devices behind two different IOMMU instances (run-guest.sh
 * --machine 2smmu): their BDFs in @bdf, in order. -1 without such a pair.
 */
static int edu_pair_find(char bdf[2][32])
{
	const unsigned int ids[] = { EDU_VENDOR, EDU_DEVICE };
	char unit[2][64], tmp[32];
	DIR *dir = opendir(VD_PCI_DEVICES);
	struct dirent *ent;
	int n = 0;

	if (!dir)
		return -1;
	while (n < 2 && (ent = readdir(dir))) {
		if (ent->d_name[0] == '.' || !vd_pci_match(ent->d_name, ids) ||
		    iommu_of(ent->d_name, unit[n], sizeof(unit[n])))
			continue;
		if (n == 1 && !strcmp(unit[0], unit[1]))
			continue;
		snprintf(bdf[n++], 32, "%.31s", ent->d_name);
	}
	closedir(dir);
	if (n < 2) {
		errno = ENODEV;
		return -1;
	}
	/* The lower BDF first: the same device carries the bench markers */
	if (strcmp(bdf[0], bdf[1]) > 0) {
		memcpy(tmp, bdf[0], sizeof(tmp));
		memcpy(bdf[0], bdf[1], sizeof(tmp));
		memcpy(bdf[1], tmp, sizeof(tmp));
	}
	return 0;
}

/* One counter of the stats file, -1 if missing */
static long long smmu_stat(struct edu *edu, const char *name)
{
	char path[400], buf[1024], *p;
	size_t n = strlen(name);

	snprintf(path, sizeof(path), DBG_ROOT "/%s/stats", edu->iommu);
	if (vd_get_str(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 0);
	return -1;
}

static int edu_open_at(struct edu *edu, const char *bdf, int iommufd, int need_smmu,
		       const char **why);

/* Open, bind, a fresh IOAS; not attached (edu_attach() does that) */
static int edu_open(struct edu *edu, const char **why)
{
	char bdf[32];

	edu_reset(edu);
	*why = "no edu device";
	if (vd_find_pci(EDU_VENDOR, EDU_DEVICE, bdf, sizeof(bdf)))
		return -1;
	return edu_open_at(edu, bdf, -1, 1, why);
}

/* @need_smmu 0: any SMMUv3 driver (bench mode), our counters if present */
static int edu_open_any(struct edu *edu, int need_smmu, const char **why)
{
	char bdf[32];

	edu_reset(edu);
	*why = "no edu device";
	if (vd_find_pci(EDU_VENDOR, EDU_DEVICE, bdf, sizeof(bdf)))
		return -1;
	return edu_open_at(edu, bdf, -1, need_smmu, why);
}

/*
 * Open edu @bdf. @iommufd < 0: a new iommufd and IOAS; else a duplicate of
 * it (the same context, so edu_close() stays per device) and no IOAS: the
 * caller shares one.
 */
static int edu_open_at(struct edu *edu, const char *bdf, int iommufd, int need_smmu,
		       const char **why)
{
	char cdev[128];

	edu_reset(edu);
	*why = "no alist_smmuv3 debugfs";
	if (smmu_dir_of(bdf, edu->iommu, sizeof(edu->iommu))) {
		edu->iommu[0] = 0;
		if (need_smmu)
			return -1;
	}
	*why = "cannot bind edu to vfio-pci";
	if (vd_vfio_cdev(bdf, cdev, sizeof(cdev)))
		return -1;
	*why = "open";
	edu->iommufd = iommufd < 0 ? open("/dev/iommu", O_RDWR) : dup(iommufd);
	if (edu->iommufd < 0 || vd_open_cdev(&edu->dev, bdf, cdev))
		return -1;
	*why = "VFIO_DEVICE_BIND_IOMMUFD";
	if (vd_bind(&edu->dev, edu->iommufd))
		return -1;
	*why = "IOMMU_IOAS_ALLOC";
	if (iommufd < 0 && iommufd_ioas_alloc(edu->iommufd, &edu->ioas_id))
		return -1;
	*why = "config/BAR";
	if (vd_enable_dma(&edu->dev) || edu_map_bar(edu))
		return -1;
	*why = NULL;
	return 0;
}

static void fill_pattern(void *p, size_t len, uint8_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

static int fault_attr_set(const char *prob, const char *times)
{
	if (put_str(DBG_ROOT "/skip_flush/verbose", "0"))
		return -1;
	if (put_str(DBG_ROOT "/skip_flush/interval", "1"))
		return -1;
	if (put_str(DBG_ROOT "/skip_flush/times", times))
		return -1;
	return put_str(DBG_ROOT "/skip_flush/probability", prob);
}

FIXTURE(edu) {
	struct edu edu;
	void *src;	/* pattern page, mapped at IOVA_SRC */
	void *a;
	void *b;
};

FIXTURE_SETUP(edu)
{
	const char *why;

	if (edu_open(&self->edu, &why)) {
		if (errno == ENOENT || !strcmp(why, "no edu device"))
			SKIP(return, "%s", why);
		ASSERT_EQ(NULL, why);
	}
	ASSERT_EQ(0, edu_attach(&self->edu, self->edu.ioas_id));
	self->src = edu_pages(SZ_4K);
	self->a = edu_pages(SZ_4K);
	self->b = edu_pages(SZ_4K);
	ASSERT_NE(NULL, self->src);
	ASSERT_NE(NULL, self->a);
	ASSERT_NE(NULL, self->b);
	fill_pattern(self->src, SZ_4K, 0x31);
	ASSERT_EQ(0, edu_map(&self->edu, self->src, IOVA_SRC, SZ_4K));
	/* The edu buffer holds the pattern from here on. */
	ASSERT_EQ(0, edu_dma(&self->edu, IOVA_SRC, SZ_4K, 0));
}

FIXTURE_TEARDOWN(edu)
{
	fault_attr_set("0", "1");
	edu_close(&self->edu);
}

TEST_F(edu, smmu_dma_translate)
{
	memset(self->a, 0, SZ_4K);
	ASSERT_EQ(0, edu_map(&self->edu, self->a, IOVA_X, SZ_4K));
	ASSERT_EQ(0, edu_dma(&self->edu, IOVA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(self->a, self->src, SZ_4K));
	ASSERT_EQ(0, edu_unmap(&self->edu, IOVA_X, SZ_4K));
}

TEST_F(edu, smmu_dma_fault_after_unmap)
{
	long long f0, f1;

	ASSERT_EQ(0, edu_map(&self->edu, self->a, IOVA_X, SZ_4K));
	ASSERT_EQ(0, edu_dma(&self->edu, IOVA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(self->a, self->src, SZ_4K));
	ASSERT_EQ(0, edu_unmap(&self->edu, IOVA_X, SZ_4K));

	memset(self->a, 0x11, SZ_4K);
	f0 = smmu_stat(&self->edu, "faults");
	ASSERT_LE(0, f0);
	ASSERT_EQ(0, edu_dma(&self->edu, IOVA_X, SZ_4K, 1));
	f1 = smmu_stat(&self->edu, "faults");
	TH_LOG("faults %lld -> %lld", f0, f1);
	ASSERT_LT(f0, f1);
	ASSERT_TRUE(edu_all(self->a, 0x11, SZ_4K));
}

/*
 * What a vSMMU array's ioctl sent the SMMU since the counters were @c0
 * commands and @s0 syncs: its valid prefix of @num entries, one physical
 * command each, and one CMD_SYNC when there was any.
 */
static void inv_sent(struct __test_metadata *_metadata, struct edu *edu,
		     long long c0, long long s0, __u32 num)
{
	ASSERT_EQ((long long)num, smmu_stat(edu, "cmds") - c0);
	ASSERT_EQ(num ? 1LL : 0LL, smmu_stat(edu, "syncs") - s0);
}

/* map X -> A, DMA, unmap, map X -> B, DMA: must land in B, not A */
struct remap_bufs {
	struct edu *edu;
	void *src;
	void *a;
	void *b;
};

static void remap_case(struct __test_metadata *_metadata, struct remap_bufs *bufs,
		       int skip_flush)
{
	long long cmds0, syncs0, skips0;

	ASSERT_EQ(0, edu_map(bufs->edu, bufs->a, IOVA_X, SZ_4K));
	ASSERT_EQ(0, edu_dma(bufs->edu, IOVA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(bufs->a, bufs->src, SZ_4K));

	if (skip_flush)
		ASSERT_EQ(0, fault_attr_set("100", "1"));
	cmds0 = smmu_stat(bufs->edu, "cmds");
	syncs0 = smmu_stat(bufs->edu, "syncs");
	skips0 = smmu_stat(bufs->edu, "skip_flush");
	ASSERT_EQ(0, edu_unmap(bufs->edu, IOVA_X, SZ_4K));
	TH_LOG("one 4 KiB unmap: %lld commands, %lld CMD_SYNC (skipped flushes %lld)",
	       smmu_stat(bufs->edu, "cmds") - cmds0,
	       smmu_stat(bufs->edu, "syncs") - syncs0,
	       smmu_stat(bufs->edu, "skip_flush") - skips0);
	if (!skip_flush) {
		/* the core's minimum: one ranged TLBI and one sync */
		ASSERT_EQ(1, smmu_stat(bufs->edu, "cmds") - cmds0);
		ASSERT_EQ(1, smmu_stat(bufs->edu, "syncs") - syncs0);
	} else {
		ASSERT_EQ(1, smmu_stat(bufs->edu, "skip_flush") - skips0);
	}

	memset(bufs->a, 0, SZ_4K);
	memset(bufs->b, 0, SZ_4K);
	ASSERT_EQ(0, edu_map(bufs->edu, bufs->b, IOVA_X, SZ_4K));
	ASSERT_EQ(0, edu_dma(bufs->edu, IOVA_X, SZ_4K, 1));
	if (!skip_flush) {
		ASSERT_EQ(0, memcmp(bufs->b, bufs->src, SZ_4K));
		ASSERT_TRUE(edu_all(bufs->a, 0, SZ_4K));
	} else {
		/* The stale translation is observed: the DMA went to A. */
		ASSERT_EQ(0, memcmp(bufs->a, bufs->src, SZ_4K));
		ASSERT_TRUE(edu_all(bufs->b, 0, SZ_4K));
		ASSERT_EQ(0, fault_attr_set("0", "1"));
	}
	ASSERT_EQ(0, edu_unmap(bufs->edu, IOVA_X, SZ_4K));
}

TEST_F(edu, smmu_dma_remap_not_stale)
{
	struct remap_bufs bufs = { &self->edu, self->src, self->a, self->b };

	remap_case(_metadata, &bufs, 0);
}

TEST_F(edu, smmu_skip_flush_detected)
{
	struct stat st;

	struct remap_bufs bufs = { &self->edu, self->src, self->a, self->b };

	if (stat(DBG_ROOT "/skip_flush", &st))
		SKIP(return, "no skip_flush fault attribute");
	remap_case(_metadata, &bufs, 1);
}

/*
 * A fault storm on the real (emulated) event queue: with the driver told
 * not to drain it (test builds: evtq_hold), three faulting 4 KiB DMAs
 * raise 3072 events into a queue of 2048. The queue fills, the rest are
 * lost and counted (QEMU reports each as an aborted event write,
 * GERROR.EVTQ_ABT_ERR); drained, exactly the queue's worth is consumed,
 * and the next fault's events arrive again.
 */
TEST_F(edu, smmu_evtq_storm_overflow)
{
	char path[400];
	long long e0, e1, lost0, lost1, f1;
	struct stat st;
	int i;

	snprintf(path, sizeof(path), DBG_ROOT "/%s/evtq_hold", self->edu.iommu);
	if (stat(path, &st))
		SKIP(return, "no evtq_hold (not a test build)");
	e0 = smmu_stat(&self->edu, "events");
	lost0 = smmu_stat(&self->edu, "evtq_overflows");
	ASSERT_EQ(0, put_str(path, "1"));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, edu_dma(&self->edu, IOVA_Y, SZ_4K, 1));
	ASSERT_EQ(0, put_str(path, "0"));
	e1 = smmu_stat(&self->edu, "events");
	lost1 = smmu_stat(&self->edu, "evtq_overflows");
	TH_LOG("3 faulting DMAs with the queue held: %lld events consumed, lost %lld times",
	       e1 - e0, lost1 - lost0);
	ASSERT_EQ(2048, e1 - e0);
	ASSERT_LT(lost0, lost1);

	ASSERT_EQ(0, edu_dma(&self->edu, IOVA_Y, SZ_4K, 1));
	f1 = smmu_stat(&self->edu, "events");
	ASSERT_EQ(1024, f1 - e1);
	ASSERT_EQ(lost1, smmu_stat(&self->edu, "evtq_overflows"));
}

/*
 * Two SMMU instances, one stage-2 domain (run-guest.sh --machine 2smmu):
 * edu 0 and edu 1 sit behind different SMMUs and are attached to one
 * NEST_PARENT HWPT of one IOAS. Our domain's attach list holds a target per
 * instance, so one unmap walks one page table and sends its commands to
 * both SMMUs. Linux 7.3 refuses the second attach (-EINVAL): its domain
 * belongs to the SMMU of its first device, and a VMM needs one domain per
 * instance.
 */
FIXTURE(two) {
	struct edu e[2];
	void *src;	/* pattern page at IOVA_SRC */
	void *dst;	/* the page both devices write through IOVA_X */
	__u32 hwpt;
};

FIXTURE_SETUP(two)
{
	char bdf[2][32];
	const char *why;
	int i;

	edu_reset(&self->e[0]);
	edu_reset(&self->e[1]);
	if (edu_pair_find(bdf))
		SKIP(return, "needs two edus behind two IOMMUs (--machine 2smmu)");
	for (i = 0; i < 2; i++) {
		if (edu_open_at(&self->e[i], bdf[i], i ? self->e[0].iommufd : -1, 1, &why))
			TH_LOG("%s: %s: %s", bdf[i], why, strerror(errno));
		ASSERT_EQ(NULL, why);
	}
	TH_LOG("edu %s on %s, edu %s on %s", bdf[0], self->e[0].iommu, bdf[1],
	       self->e[1].iommu);
	ASSERT_STRNE(self->e[0].iommu, self->e[1].iommu);
	self->e[1].ioas_id = self->e[0].ioas_id;
	ASSERT_EQ(0, edu_hwpt_alloc(&self->e[0], self->e[0].ioas_id,
				    IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_DATA_NONE,
				    NULL, 0, &self->hwpt));
	ASSERT_EQ(0, edu_attach(&self->e[0], self->hwpt));
	ASSERT_EQ(0, edu_attach(&self->e[1], self->hwpt));
	self->src = edu_pages(SZ_4K);
	self->dst = edu_pages(SZ_4K);
	ASSERT_NE(NULL, self->src);
	ASSERT_NE(NULL, self->dst);
	ASSERT_EQ(0, edu_map(&self->e[0], self->src, IOVA_SRC, SZ_4K));
}

FIXTURE_TEARDOWN(two)
{
	edu_close(&self->e[1]);
	edu_close(&self->e[0]);
}

/* @e copies the pattern page to IOVA_X: 0 when it lands in @dst */
static int two_copy(struct edu *e, void *src, void *dst, uint8_t seed)
{
	fill_pattern(src, SZ_4K, seed);
	memset(dst, 0, SZ_4K);
	if (edu_dma(e, IOVA_SRC, SZ_4K, 0) || edu_dma(e, IOVA_X, SZ_4K, 1))
		return -1;
	return memcmp(dst, src, SZ_4K) ? 1 : 0;
}

/*
 * One IOAS_UNMAP of IOVA_X's page through edu @by: the commands (@dc) and
 * syncs (@ds) it cost each device's SMMU. -1: the unmap or a counter failed.
 */
static int two_unmap_cost(struct edu *e, int by, long long dc[2], long long ds[2])
{
	long long c0[2], s0[2];
	int i, rc;

	for (i = 0; i < 2; i++) {
		c0[i] = smmu_stat(&e[i], "cmds");
		s0[i] = smmu_stat(&e[i], "syncs");
	}
	rc = edu_unmap(&e[by], IOVA_X, SZ_4K);
	for (i = 0; i < 2; i++) {
		dc[i] = smmu_stat(&e[i], "cmds");
		ds[i] = smmu_stat(&e[i], "syncs");
		if (c0[i] < 0 || s0[i] < 0 || dc[i] < 0 || ds[i] < 0)
			rc = -1;
		dc[i] -= c0[i];
		ds[i] -= s0[i];
	}
	return rc ? -1 : 0;
}

TEST_F(two, smmu_two_instances_one_s2_domain)
{
	long long dc[2], ds[2], f0;
	int i;

	ASSERT_EQ(0, edu_map(&self->e[0], self->dst, IOVA_X, SZ_4K));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, two_copy(&self->e[i], self->src, self->dst, 0x40 + i));

	ASSERT_EQ(0, two_unmap_cost(self->e, 0, dc, ds));
	for (i = 0; i < 2; i++) {
		TH_LOG("one 4 KiB unmap, %s: %lld commands, %lld CMD_SYNC", self->e[i].iommu,
		       dc[i], ds[i]);
		/* the minimum on each instance: one ranged TLBI, one sync */
		ASSERT_EQ(1, dc[i]);
		ASSERT_EQ(1, ds[i]);
	}

	/* Gone from both SMMUs' TLBs: each device's write faults */
	for (i = 0; i < 2; i++) {
		memset(self->dst, 0x11, SZ_4K);
		f0 = smmu_stat(&self->e[i], "faults");
		ASSERT_EQ(0, edu_dma(&self->e[i], IOVA_X, SZ_4K, 1));
		ASSERT_LT(f0, smmu_stat(&self->e[i], "faults"));
		ASSERT_TRUE(edu_all(self->dst, 0x11, SZ_4K));
	}
}

/*
 * Detaching one device takes its SMMU off the domain's list: the other
 * device keeps translating, an unmap reaches its SMMU alone, and the
 * detached device reaches nothing. Attached again, both are served.
 */
TEST_F(two, smmu_two_instances_detach_one)
{
	long long dc[2], ds[2];
	int i;

	ASSERT_EQ(0, edu_map(&self->e[0], self->dst, IOVA_X, SZ_4K));
	ASSERT_EQ(0, vd_detach(&self->e[0].dev));
	ASSERT_EQ(0, two_copy(&self->e[1], self->src, self->dst, 0x50));
	memset(self->dst, 0x22, SZ_4K);
	ASSERT_EQ(0, edu_dma(&self->e[0], IOVA_X, SZ_4K, 1));
	ASSERT_TRUE(edu_all(self->dst, 0x22, SZ_4K));

	ASSERT_EQ(0, two_unmap_cost(self->e, 1, dc, ds));
	TH_LOG("unmap with edu 0 detached: %lld/%lld on %s, %lld/%lld on %s",
	       dc[0], ds[0], self->e[0].iommu, dc[1], ds[1], self->e[1].iommu);
	ASSERT_EQ(0, dc[0]);
	ASSERT_EQ(0, ds[0]);
	ASSERT_EQ(1, dc[1]);
	ASSERT_EQ(1, ds[1]);
	memset(self->dst, 0x33, SZ_4K);
	ASSERT_EQ(0, edu_dma(&self->e[1], IOVA_X, SZ_4K, 1));
	ASSERT_TRUE(edu_all(self->dst, 0x33, SZ_4K));

	ASSERT_EQ(0, edu_attach(&self->e[0], self->hwpt));
	ASSERT_EQ(0, edu_map(&self->e[0], self->dst, IOVA_X, SZ_4K));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, two_copy(&self->e[i], self->src, self->dst, 0x60 + i));
	ASSERT_EQ(0, two_unmap_cost(self->e, 0, dc, ds));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(1, dc[i]);
		ASSERT_EQ(1, ds[i]);
	}
}

/*
 * Replacing one device's domain by a stage 2 of another IOAS takes its
 * SMMU off the shared domain's list as a detach does: an unmap in the
 * shared IOAS reaches the other SMMU only, and the moved device keeps the
 * mapping of its new IOAS. Moved back, both are served again.
 */
TEST_F(two, smmu_two_instances_replace_one)
{
	long long dc[2], ds[2];
	__u32 ioas2, other;
	int i;

	ASSERT_EQ(0, edu_map(&self->e[0], self->dst, IOVA_X, SZ_4K));
	ASSERT_EQ(0, iommufd_ioas_alloc(self->e[1].iommufd, &ioas2));
	ASSERT_EQ(0, iommufd_map_fixed(self->e[1].iommufd, ioas2, self->src, IOVA_SRC, SZ_4K));
	ASSERT_EQ(0, iommufd_map_fixed(self->e[1].iommufd, ioas2, self->dst, IOVA_X, SZ_4K));
	ASSERT_EQ(0, edu_hwpt_alloc(&self->e[1], ioas2, IOMMU_HWPT_ALLOC_NEST_PARENT,
				    IOMMU_HWPT_DATA_NONE, NULL, 0, &other));
	ASSERT_EQ(0, edu_attach(&self->e[1], other));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, two_copy(&self->e[i], self->src, self->dst, 0x70 + i));

	ASSERT_EQ(0, two_unmap_cost(self->e, 0, dc, ds));
	TH_LOG("unmap with edu 1 moved away: %lld/%lld on %s, %lld/%lld on %s",
	       dc[0], ds[0], self->e[0].iommu, dc[1], ds[1], self->e[1].iommu);
	ASSERT_EQ(1, dc[0]);
	ASSERT_EQ(1, ds[0]);
	ASSERT_EQ(0, dc[1]);
	ASSERT_EQ(0, ds[1]);
	/* edu 1 still writes through its own IOAS; edu 0 reaches nothing */
	memset(self->dst, 0x44, SZ_4K);
	ASSERT_EQ(0, edu_dma(&self->e[0], IOVA_X, SZ_4K, 1));
	ASSERT_TRUE(edu_all(self->dst, 0x44, SZ_4K));
	ASSERT_EQ(0, two_copy(&self->e[1], self->src, self->dst, 0x72));

	ASSERT_EQ(0, edu_attach(&self->e[1], self->hwpt));
	ASSERT_EQ(0, edu_map(&self->e[0], self->dst, IOVA_X, SZ_4K));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, two_copy(&self->e[i], self->src, self->dst, 0x74 + i));
	ASSERT_EQ(0, two_unmap_cost(self->e, 0, dc, ds));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(1, dc[i]);
		ASSERT_EQ(1, ds[i]);
	}
}

/*
 * Nesting, as a VMM does it. The IOAS is the guest's IPA space; "guest
 * RAM" G is mapped in it at IPA_G and holds a stage-1 table (4 KiB
 * granule, 39-bit VA, levels 1..3), a CD, and the data pages A and B. The
 * device's VAs VA_SRC and VA_X are translated by stage 1 to IPAs, then by
 * the nest parent (stage 2) to the user pages.
 */
#define IPA_G		0x04000000UL
#define G_SIZE		0x20000UL
#define G_L1		0x0000UL
#define G_L2		0x1000UL
#define G_L3_SRC	0x2000UL
#define G_L3_X		0x3000UL
#define G_CD		0x4000UL
#define G_L3_S2F	0x5000UL
#define G_A		0x10000UL
#define G_B		0x11000UL
#define VA_SRC		IOVA_SRC	/* S1 maps it to IPA_SRC = IOVA_SRC */
#define VA_X		IOVA_X
#define VA_Z		0x05000000UL	/* not in the guest's stage 1 */
#define VA_S2F		0x06000000UL	/* stage 1 -> IPA_HOLE, not in stage 2 */
#define IPA_HOLE	0x0a000000UL
#define S1_ASID		5ULL
#define VSID		0x42ULL

#define PTE_TABLE	0x3ULL
#define PTE_PAGE	(0x3ULL | (1ULL << 10) | (3ULL << 8) | (1ULL << 6))

#define CMD_TLBI_NH_ALL		0x10ULL
#define CMD_TLBI_NH_ASID	0x11ULL
#define CMD_TLBI_NH_VA		0x12ULL
#define CMD_CFGI_CD		0x05ULL
#define CMD_ATC_INV		0x40ULL

#define STE0_V			1ULL
#define STE0_CFG(c)		((__u64)(c) << 1)
#define STE_CFG_ABORT		0
#define STE_CFG_BYPASS		4
#define STE_CFG_S1		5
#define STE_CFG_S2		6

struct nest {
	__u32 parent_id;
	__u32 viommu_id;
	__u32 vdev_id;
	__u32 nested_id;
	uint64_t *g;
};

static uint64_t *g_word(uint64_t *g, unsigned long off)
{
	return g + off / 8;
}

static void s1_build(uint64_t *g)
{
	memset(g, 0, G_SIZE);
	/* L1[0] -> L2; L2[VA >> 21] -> L3; L3[VA >> 12 & 511] -> page */
	*g_word(g, G_L1) = (IPA_G + G_L2) | PTE_TABLE;
	*g_word(g, G_L2 + 8 * ((VA_SRC >> 21) & 511)) = (IPA_G + G_L3_SRC) | PTE_TABLE;
	*g_word(g, G_L2 + 8 * ((VA_X >> 21) & 511)) = (IPA_G + G_L3_X) | PTE_TABLE;
	*g_word(g, G_L3_SRC + 8 * ((VA_SRC >> 12) & 511)) = IOVA_SRC | PTE_PAGE;
	*g_word(g, G_L3_X + 8 * ((VA_X >> 12) & 511)) = (IPA_G + G_A) | PTE_PAGE;
	*g_word(g, G_L2 + 8 * ((VA_S2F >> 21) & 511)) = (IPA_G + G_L3_S2F) | PTE_TABLE;
	*g_word(g, G_L3_S2F + 8 * ((VA_S2F >> 12) & 511)) = IPA_HOLE | PTE_PAGE;
	/* CD: T0SZ 25, TG0 4K, IR0/OR0 WB, SH0 ISH, EPD1, V, IPS 44, AA64, R, A, ASET */
	g_word(g, G_CD)[0] = 25ULL | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) |
			     (1ULL << 30) | (1ULL << 31) | (4ULL << 32) | (1ULL << 41) |
			     (1ULL << 45) | (1ULL << 46) | (1ULL << 47) | (S1_ASID << 48);
	g_word(g, G_CD)[1] = IPA_G + G_L1;
	g_word(g, G_CD)[3] = 0xff;	/* MAIR attr0: normal WB */
}

static void s1_point_x(uint64_t *g, unsigned long page)
{
	/* One 64-bit store: the SMMU never sees half a descriptor */
	__atomic_store_n(g_word(g, G_L3_X + 8 * ((VA_X >> 12) & 511)),
			 (IPA_G + page) | PTE_PAGE, __ATOMIC_SEQ_CST);
}

static int vste_alloc(struct edu *edu, struct nest *n, __u64 s0, __u64 s1, __u32 *out)
{
	struct iommu_hwpt_arm_smmuv3 vste = { .ste = { s0, s1 } };

	return edu_hwpt_alloc(edu, n->viommu_id, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &vste,
			      sizeof(vste), out);
}

static int viommu_inv(struct edu *edu, __u32 id, void *cmds, __u32 len, __u32 *num,
		      __u32 type)
{
	return iommufd_invalidate(edu->iommufd, id, type, cmds, len, num);
}

static int nest_setup(struct edu *edu, struct nest *n, void *src)
{
	struct iommu_viommu_alloc va = {
		.size = sizeof(va),
		.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
		.dev_id = edu->dev.dev_id,
	};
	struct iommu_vdevice_alloc vd = {
		.size = sizeof(vd),
		.dev_id = edu->dev.dev_id,
		.virt_id = VSID,
	};

	n->g = edu_pages(G_SIZE);
	if (!n->g)
		return -1;
	s1_build(n->g);
	if (edu_map(edu, src, IOVA_SRC, SZ_4K) || edu_map(edu, n->g, IPA_G, G_SIZE))
		return -2;
	if (edu_hwpt_alloc(edu, edu->ioas_id, IOMMU_HWPT_ALLOC_NEST_PARENT,
			   IOMMU_HWPT_DATA_NONE, NULL, 0, &n->parent_id))
		return -3;
	if (edu_attach(edu, n->parent_id))
		return -4;
	/* Stage 2 only, IPA = IOVA: load the edu buffer with the pattern. */
	if (edu_dma(edu, IOVA_SRC, SZ_4K, 0))
		return -5;
	va.hwpt_id = n->parent_id;
	if (ioctl(edu->iommufd, IOMMU_VIOMMU_ALLOC, &va))
		return -6;
	n->viommu_id = va.out_viommu_id;
	vd.viommu_id = n->viommu_id;
	if (ioctl(edu->iommufd, IOMMU_VDEVICE_ALLOC, &vd))
		return -7;
	n->vdev_id = vd.out_vdevice_id;
	if (vste_alloc(edu, n, STE0_V | STE0_CFG(STE_CFG_S1) | (IPA_G + G_CD), 0,
		       &n->nested_id))
		return -8;
	if (edu_attach(edu, n->nested_id))
		return -9;
	return 0;
}

/*
 * QEMU's SMMU has neither S2FWB nor CANWBS devices: a vSMMU exists only
 * with alist_smmuv3.allow_noncoherent_viommu=1, which taints (U).
 */
#define PARAM_NONCOHERENT "/sys/module/alist_smmuv3/parameters/allow_noncoherent_viommu"
#define TAINT_USER_BIT	6

static int noncoherent_allowed(void)
{
	char buf[8] = "";

	if (vd_get_str(PARAM_NONCOHERENT, buf, sizeof(buf)) < 0)
		return -1;
	return buf[0] == 'Y';
}

static long long kernel_tainted(void)
{
	char buf[32] = "";

	if (vd_get_str("/proc/sys/kernel/tainted", buf, sizeof(buf)) < 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

/*
 * Without the parameter: Linux's errno (the parameter is turned off for
 * the call, then back on: both branches run in every boot); with it: a
 * vSMMU and taint U (sticky: checked as set, and as newly set when this
 * is the boot's first vSMMU).
 */
TEST_F(edu, smmu_viommu_coherency_rule)
{
	struct iommu_viommu_alloc va = {
		.size = sizeof(va),
		.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
		.dev_id = self->edu.dev.dev_id,
	};
	int allowed = noncoherent_allowed();
	long long taint0;
	__u32 parent;
	int rc, err;

	ASSERT_LE(0, allowed);
	ASSERT_EQ(0, edu_hwpt_alloc(&self->edu, self->edu.ioas_id,
				    IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_DATA_NONE,
				    NULL, 0, &parent));
	va.hwpt_id = parent;
	/* Not a bool: refused (kstrtobool), the parameter as it was */
	ASSERT_EQ(-1, put_str(PARAM_NONCOHERENT, "maybe"));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(allowed, noncoherent_allowed());
	if (allowed)
		ASSERT_EQ(0, put_str(PARAM_NONCOHERENT, "N"));
	rc = ioctl(self->edu.iommufd, IOMMU_VIOMMU_ALLOC, &va);
	err = errno;
	if (allowed)
		ASSERT_EQ(0, put_str(PARAM_NONCOHERENT, "Y"));
	ASSERT_EQ(-1, rc);
	ASSERT_EQ(EOPNOTSUPP, err);
	if (!allowed)
		return;
	taint0 = kernel_tainted();
	ASSERT_LE(0, taint0);
	ASSERT_EQ(0, ioctl(self->edu.iommufd, IOMMU_VIOMMU_ALLOC, &va));
	ASSERT_TRUE(kernel_tainted() >> TAINT_USER_BIT & 1);
	if (taint0 >> TAINT_USER_BIT & 1)
		TH_LOG("taint U was already set by an earlier vSMMU of this boot");
}

FIXTURE(vsmmu) {
	struct edu edu;
	struct nest n;
	void *src;
};

FIXTURE_SETUP(vsmmu)
{
	const char *why;
	int rc;

	if (edu_open(&self->edu, &why)) {
		if (errno == ENOENT || !strcmp(why, "no edu device"))
			SKIP(return, "%s", why);
		ASSERT_EQ(NULL, why);
	}
	if (noncoherent_allowed() == 0)
		SKIP(return, "no vSMMU: no S2FWB, no CANWBS, allow_noncoherent_viommu off");
	self->src = edu_pages(SZ_4K);
	ASSERT_NE(NULL, self->src);
	fill_pattern(self->src, SZ_4K, 0x5c);
	rc = nest_setup(&self->edu, &self->n, self->src);
	if (rc)
		TH_LOG("nested setup step %d: %s", -rc, strerror(errno));
	ASSERT_EQ(0, rc);
}

FIXTURE_TEARDOWN(vsmmu)
{
	edu_close(&self->edu);
}

static void *g_page(struct nest *n, unsigned long off)
{
	return (uint8_t *)n->g + off;
}

TEST_F(vsmmu, smmu_nested_dma_translate)
{
	/* VA_SRC -> IPA_SRC -> src: the edu buffer gets the pattern again */
	memset(self->src, 0, SZ_4K);
	fill_pattern(self->src, SZ_4K, 0x77);
	ASSERT_EQ(0, edu_dma(&self->edu, VA_SRC, SZ_4K, 0));
	/* VA_X -> IPA_G + G_A -> page A of G */
	ASSERT_EQ(0, edu_dma(&self->edu, VA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(g_page(&self->n, G_A), self->src, SZ_4K));
	ASSERT_TRUE(edu_all(g_page(&self->n, G_B), 0, SZ_4K));
}

TEST_F(vsmmu, smmu_nested_invalidate_follows)
{
	struct iommu_viommu_arm_smmuv3_invalidate cmds[2] = {
		{ .cmd = { CMD_TLBI_NH_VA | (S1_ASID << 48), VA_X | 1 } },
		{ .cmd = { CMD_CFGI_CD | (VSID << 32), 1 } },
	};
	long long c0, s0;
	__u32 num;

	ASSERT_EQ(0, edu_dma(&self->edu, VA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(g_page(&self->n, G_A), self->src, SZ_4K));

	/* Guest moves VA_X to page B and invalidates through the vSMMU. */
	memset(g_page(&self->n, G_A), 0, SZ_4K);
	s1_point_x(self->n.g, G_B);
	/* Not invalidated yet: the SMMU still uses its cached translation. */
	ASSERT_EQ(0, edu_dma(&self->edu, VA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(g_page(&self->n, G_A), self->src, SZ_4K));
	ASSERT_TRUE(edu_all(g_page(&self->n, G_B), 0, SZ_4K));
	memset(g_page(&self->n, G_A), 0, SZ_4K);
	c0 = smmu_stat(&self->edu, "cmds");
	s0 = smmu_stat(&self->edu, "syncs");
	num = 2;
	ASSERT_EQ(0, viommu_inv(&self->edu, self->n.viommu_id, cmds, sizeof(cmds[0]), &num,
				IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(2, num);
	TH_LOG("vSMMU array of 2: %lld commands, %lld CMD_SYNC",
	       smmu_stat(&self->edu, "cmds") - c0, smmu_stat(&self->edu, "syncs") - s0);
	ASSERT_EQ(2, smmu_stat(&self->edu, "cmds") - c0);
	ASSERT_EQ(1, smmu_stat(&self->edu, "syncs") - s0);
	ASSERT_EQ(0, edu_dma(&self->edu, VA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(g_page(&self->n, G_B), self->src, SZ_4K));
	ASSERT_TRUE(edu_all(g_page(&self->n, G_A), 0, SZ_4K));

	/* Back to A, invalidated by ASID this time. */
	memset(g_page(&self->n, G_B), 0, SZ_4K);
	s1_point_x(self->n.g, G_A);
	cmds[0].cmd[0] = CMD_TLBI_NH_ASID | (S1_ASID << 48);
	cmds[0].cmd[1] = 0;
	num = 1;
	ASSERT_EQ(0, viommu_inv(&self->edu, self->n.viommu_id, cmds, sizeof(cmds[0]), &num,
				IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(1, num);
	ASSERT_EQ(0, edu_dma(&self->edu, VA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(g_page(&self->n, G_A), self->src, SZ_4K));
	ASSERT_TRUE(edu_all(g_page(&self->n, G_B), 0, SZ_4K));
}

/*
 * An unmap on the nest parent reaches the nested translation: the device
 * wrote to VA_SRC (stage 1 -> IPA IOVA_SRC, stage 2 -> src), so the SMMU
 * holds the combined entry; the unmap of IOVA_SRC sends the stage-2 range
 * and then the nested stage-1 clear of the vSMMU's VMID, each completed
 * (two commands, two CMD_SYNCs), and the device's next write faults in
 * stage 2 instead of reaching src through a stale entry.
 */
TEST_F(vsmmu, smmu_nested_parent_unmap_reaches_s1)
{
	long long c0, s0, f0;

	memset(self->src, 0x11, SZ_4K);
	ASSERT_EQ(0, edu_dma(&self->edu, VA_SRC, SZ_4K, 1));
	ASSERT_FALSE(edu_all(self->src, 0x11, SZ_4K));

	c0 = smmu_stat(&self->edu, "cmds");
	s0 = smmu_stat(&self->edu, "syncs");
	ASSERT_EQ(0, edu_unmap(&self->edu, IOVA_SRC, SZ_4K));
	TH_LOG("4 KiB unmap on the nest parent: %lld commands, %lld CMD_SYNC",
	       smmu_stat(&self->edu, "cmds") - c0, smmu_stat(&self->edu, "syncs") - s0);
	ASSERT_EQ(2, smmu_stat(&self->edu, "cmds") - c0);
	ASSERT_EQ(2, smmu_stat(&self->edu, "syncs") - s0);

	memset(self->src, 0x11, SZ_4K);
	f0 = smmu_stat(&self->edu, "faults");
	ASSERT_EQ(0, edu_dma(&self->edu, VA_SRC, EDU_FAULT_LEN, 1));
	ASSERT_LT(f0, smmu_stat(&self->edu, "faults"));
	ASSERT_TRUE(edu_all(self->src, 0x11, SZ_4K));
}

TEST_F(vsmmu, smmu_viommu_bad_cmds)
{
	static const struct {
		__u64 s0, s1;
		const char *what;
	} bad_vste[] = {
		{ STE0_V | STE0_CFG(STE_CFG_S2), 0, "stage-2 Cfg" },
		{ STE0_V | STE0_CFG(7), 0, "nested Cfg" },
		{ STE0_V | STE0_CFG(1), 0, "reserved Cfg" },
		{ STE0_V | STE0_CFG(STE_CFG_S1) | (IPA_G + G_CD) | (1ULL << 59), 0, "S1CDMax" },
		{ STE0_V | STE0_CFG(STE_CFG_S1) | (IPA_G + G_CD) | (1ULL << 55), 0,
		  "reserved word 0 bit" },
		{ STE0_V | STE0_CFG(STE_CFG_S1) | (IPA_G + G_CD), 1ULL << 44, "SHCFG" },
		{ STE0_V | STE0_CFG(STE_CFG_S1) | (IPA_G + G_CD), 1ULL << 28, "EATS w/o ATS" },
		{ STE0_V | STE0_CFG(STE_CFG_S1) | (IPA_G + G_CD), 1ULL << 27, "S1STALLD" },
		{ STE0_V | STE0_CFG(STE_CFG_S1) | (1ULL << 50), 0, "CD beyond the IPA space" },
		{ STE0_V | STE0_CFG(STE_CFG_S2) | (2ULL << 4), 0, "S1Fmt with S2" },
		{ STE0_V | STE0_CFG(STE_CFG_BYPASS), 3ULL << 28, "EATS 3 on bypass" },
	};
	/* What the architecture ignores is accepted (Documentation/smmuv3.rst) */
	static const struct {
		__u64 s0, s1;
		const char *what;
	} ignored_vste[] = {
		{ STE0_V | STE0_CFG(STE_CFG_BYPASS) | (IPA_G + G_CD), 0xd4, "stage 1 on bypass" },
		{ STE0_V | (IPA_G + G_CD) | (1ULL << 59), 0xd4, "stage 1 on abort" },
		{ STE0_V | STE0_CFG(STE_CFG_S1) | (IPA_G + G_CD) | (1ULL << 4), 2,
		  "S1Fmt, S1DSS with S1CDMax 0" },
	};
	struct iommu_viommu_arm_smmuv3_invalidate cmds[4];
	struct {
		struct iommu_viommu_arm_smmuv3_invalidate c;
		__u64 extra;
	} longer[2];
	long long c0, s0;
	__u32 id, num;
	unsigned int i;
	__u64 le = 0;
	uint8_t *far;

	for (i = 0; i < ARRAY_SIZE(bad_vste); i++) {
		TH_LOG("vSTE: %s", bad_vste[i].what);
		ASSERT_EQ(-1, vste_alloc(&self->edu, &self->n, bad_vste[i].s0,
					 bad_vste[i].s1, &id));
		ASSERT_EQ(EIO, errno);
	}
	/* Too short for struct iommu_hwpt_arm_smmuv3 */
	ASSERT_EQ(-1, edu_hwpt_alloc(&self->edu, self->n.viommu_id, 0,
				     IOMMU_HWPT_DATA_ARM_SMMUV3, &le, sizeof(le), &id));
	ASSERT_EQ(EINVAL, errno);
	for (i = 0; i < ARRAY_SIZE(ignored_vste); i++) {
		TH_LOG("vSTE: %s", ignored_vste[i].what);
		ASSERT_EQ(0, vste_alloc(&self->edu, &self->n, ignored_vste[i].s0,
					ignored_vste[i].s1, &id));
	}
	/* Good ones: abort, bypass, V=0 */
	ASSERT_EQ(0, vste_alloc(&self->edu, &self->n, STE0_V, 0, &id));
	ASSERT_EQ(0, vste_alloc(&self->edu, &self->n, STE0_V | STE0_CFG(STE_CFG_BYPASS), 0,
				&id));
	ASSERT_EQ(0, vste_alloc(&self->edu, &self->n, 0, 0, &id));

	/* Invalidation arrays: the failing index comes back in entry_num */
	memset(cmds, 0, sizeof(cmds));
	cmds[0].cmd[0] = CMD_TLBI_NH_ASID | (S1_ASID << 48);
	cmds[1].cmd[0] = CMD_TLBI_NH_ALL;
	cmds[2].cmd[0] = 0x99;				/* unknown opcode */
	num = 4;
	c0 = smmu_stat(&self->edu, "cmds");
	s0 = smmu_stat(&self->edu, "syncs");
	ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, cmds, sizeof(cmds[0]), &num,
				 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(EIO, errno);
	ASSERT_EQ(2, num);
	inv_sent(_metadata, &self->edu, c0, s0, 2);

	cmds[2].cmd[0] = CMD_TLBI_NH_ASID | (1ULL << 8);	/* bit outside the fields */
	num = 3;
	c0 = smmu_stat(&self->edu, "cmds");
	s0 = smmu_stat(&self->edu, "syncs");
	ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, cmds, sizeof(cmds[0]), &num,
				 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(EIO, errno);
	ASSERT_EQ(2, num);
	inv_sent(_metadata, &self->edu, c0, s0, 2);

	cmds[1].cmd[0] = CMD_CFGI_CD | (0x1234ULL << 32);	/* vSID not allocated */
	num = 3;
	c0 = smmu_stat(&self->edu, "cmds");
	s0 = smmu_stat(&self->edu, "syncs");
	ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, cmds, sizeof(cmds[0]), &num,
				 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(EIO, errno);
	ASSERT_EQ(1, num);
	inv_sent(_metadata, &self->edu, c0, s0, 1);

	cmds[0].cmd[0] = CMD_ATC_INV | (VSID << 32);		/* no ATS */
	num = 1;
	c0 = smmu_stat(&self->edu, "cmds");
	s0 = smmu_stat(&self->edu, "syncs");
	ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, cmds, sizeof(cmds[0]), &num,
				 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(EIO, errno);
	ASSERT_EQ(0, num);
	inv_sent(_metadata, &self->edu, c0, s0, 0);

	/* Wrong array type */
	cmds[0].cmd[0] = CMD_TLBI_NH_ALL;
	num = 1;
	ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, cmds, sizeof(cmds[0]), &num,
				 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, num);

	/* entry_num 0: a type probe */
	num = 0;
	ASSERT_EQ(0, viommu_inv(&self->edu, self->n.viommu_id, cmds, sizeof(cmds[0]), &num,
				IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));

	/* Longer entries: zero trailing bytes are fine, others are E2BIG */
	memset(longer, 0, sizeof(longer));
	longer[0].c.cmd[0] = CMD_TLBI_NH_ALL;
	longer[1].c.cmd[0] = CMD_TLBI_NH_ASID | (S1_ASID << 48);
	num = 2;
	ASSERT_EQ(0, viommu_inv(&self->edu, self->n.viommu_id, longer, sizeof(longer[0]),
				&num, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(2, num);
	longer[1].extra = 1;
	num = 2;
	c0 = smmu_stat(&self->edu, "cmds");
	s0 = smmu_stat(&self->edu, "syncs");
	ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, longer, sizeof(longer[0]),
				 &num, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(E2BIG, errno);
	ASSERT_EQ(1, num);
	inv_sent(_metadata, &self->edu, c0, s0, 1);

	/* Shorter than a command */
	num = 1;
	ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, cmds, 8, &num,
				 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, num);

	/* A fault at the first entry: nothing sent */
	far = (uint8_t *)self->n.g + G_SIZE - sizeof(cmds[0]) + 0x100000000000ULL;
	num = 2;
	c0 = smmu_stat(&self->edu, "cmds");
	s0 = smmu_stat(&self->edu, "syncs");
	ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, far, sizeof(cmds[0]), &num,
				 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(0, num);
	inv_sent(_metadata, &self->edu, c0, s0, 0);

	/* A fault in the middle: entry 0 ends a page, entry 1 is unmapped */
	{
		long pg = sysconf(_SC_PAGESIZE);
		uint8_t *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct iommu_viommu_arm_smmuv3_invalidate first = {
			.cmd = { CMD_TLBI_NH_ALL, 0 },
		};

		ASSERT_NE(MAP_FAILED, two);
		ASSERT_EQ(0, munmap(two + pg, pg));
		far = two + pg - sizeof(first);
		memcpy(far, &first, sizeof(first));
		num = 2;
		c0 = smmu_stat(&self->edu, "cmds");
		s0 = smmu_stat(&self->edu, "syncs");
		ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, far,
					 sizeof(first), &num,
					 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
		ASSERT_EQ(EFAULT, errno);
		ASSERT_EQ(1, num);
		inv_sent(_metadata, &self->edu, c0, s0, 1);
		ASSERT_EQ(0, munmap(two, pg));
	}

	/*
	 * Nothing refused above changed the setup: the nested domain still
	 * translates VA_X through stage 1 and stage 2 into page A.
	 */
	memset(self->src, 0, SZ_4K);
	fill_pattern(self->src, SZ_4K, 0x5a);
	memset(g_page(&self->n, G_A), 0, SZ_4K);
	ASSERT_EQ(0, edu_dma(&self->edu, VA_SRC, SZ_4K, 0));
	ASSERT_EQ(0, edu_dma(&self->edu, VA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(g_page(&self->n, G_A), self->src, SZ_4K));
	ASSERT_TRUE(edu_all(g_page(&self->n, G_B), 0, SZ_4K));
}

/*
 * vEVENTQ (IOMMU_VEVENTQ_TYPE_ARM_SMMUV3): stage-1 faults of the nested
 * edu come to user space as raw event records with the vSID in place of
 * the StreamID. Reading the stats file drains the SMMU's event queue, so
 * every event QEMU wrote has been routed before the vEVENTQ is read.
 */
#define EVT_F_TRANSLATION	0x10
#define EVT1_S2			_BITULL(39)

struct vevq {
	__u32 id;
	int fd;
};

struct vrec {
	struct iommufd_vevent_header hdr;
	struct iommu_vevent_arm_smmuv3 evt;
};

static int veventq_alloc(struct edu *edu, __u32 viommu, __u32 type, __u32 depth,
			 __u32 flags, struct vevq *q)
{
	struct iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.viommu_id = viommu,
		.type = type,
		.veventq_depth = depth,
	};

	if (ioctl(edu->iommufd, IOMMU_VEVENTQ_ALLOC, &cmd))
		return -1;
	q->id = cmd.out_veventq_id;
	q->fd = cmd.out_veventq_fd;
	return 0;
}

static void veventq_free(struct edu *edu, struct vevq *q)
{
	close(q->fd);
	iommufd_destroy(edu->iommufd, q->id);
}

/* One stage-1 fault: one record, the vSID, the address, stage 1 */
TEST_F(vsmmu, smmu_vevent_stage1_fault)
{
	struct vrec r[4];
	long long f0, v0;
	struct vevq q;
	ssize_t n;

	ASSERT_EQ(0, veventq_alloc(&self->edu, self->n.viommu_id,
				   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 64, 0, &q));
	f0 = smmu_stat(&self->edu, "faults");
	v0 = smmu_stat(&self->edu, "vevents");
	ASSERT_LE(0, v0);
	ASSERT_EQ(0, edu_dma(&self->edu, VA_Z, EDU_FAULT_LEN, 0));
	ASSERT_EQ(v0 + 1, smmu_stat(&self->edu, "vevents"));
	ASSERT_EQ(f0, smmu_stat(&self->edu, "faults"));

	n = read(q.fd, r, sizeof(r));
	ASSERT_EQ((ssize_t)sizeof(r[0]), n);
	EXPECT_EQ(0U, r[0].hdr.flags);
	EXPECT_EQ(0U, r[0].hdr.sequence);
	TH_LOG("vEVENT %016llx %016llx %016llx %016llx",
	       (unsigned long long)r[0].evt.evt[0], (unsigned long long)r[0].evt.evt[1],
	       (unsigned long long)r[0].evt.evt[2], (unsigned long long)r[0].evt.evt[3]);
	EXPECT_EQ(EVT_F_TRANSLATION, r[0].evt.evt[0] & 0xff);
	EXPECT_EQ(VSID, r[0].evt.evt[0] >> 32);
	EXPECT_EQ(0ULL, r[0].evt.evt[1] & EVT1_S2);
	EXPECT_EQ(VA_Z, r[0].evt.evt[2]);
	/* Nothing more, and the nested translation still works */
	ASSERT_EQ(0, read(q.fd, r, sizeof(r)));
	ASSERT_EQ(0, edu_dma(&self->edu, VA_SRC, SZ_4K, 0));
	ASSERT_EQ(0, edu_dma(&self->edu, VA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(g_page(&self->n, G_A), self->src, SZ_4K));
	veventq_free(&self->edu, &q);
}

/*
 * A storm: one faulting 4 KiB DMA is many events (QEMU: one per access).
 * The vEVENTQ keeps its depth, then a LOST_EVENTS header; the next event's
 * sequence counts every event since, so the loss is exact.
 */
TEST_F(vsmmu, smmu_vevent_storm_lost)
{
	const unsigned int depth = 8;
	struct vrec *r;
	long long v0, taken;
	struct vevq q;
	unsigned int i;
	size_t len = 64 * sizeof(*r);
	ssize_t n;

	r = calloc(64, sizeof(*r));
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, veventq_alloc(&self->edu, self->n.viommu_id,
				   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, depth, 0, &q));
	v0 = smmu_stat(&self->edu, "vevents");
	ASSERT_EQ(0, edu_dma(&self->edu, VA_Z, SZ_4K, 0));
	taken = smmu_stat(&self->edu, "vevents") - v0;
	TH_LOG("one faulting 4 KiB DMA: %lld events to the vEVENTQ of depth %u", taken, depth);
	ASSERT_LT(depth, taken);

	n = read(q.fd, r, len);
	/* depth records, then a lone header: no data follows it */
	ASSERT_EQ((ssize_t)(depth * sizeof(*r) + sizeof(r->hdr)), n);
	for (i = 0; i < depth; i++) {
		EXPECT_EQ(0U, r[i].hdr.flags);
		EXPECT_EQ(i, r[i].hdr.sequence);
		EXPECT_EQ(VSID, r[i].evt.evt[0] >> 32);
	}
	EXPECT_EQ(IOMMU_VEVENTQ_FLAG_LOST_EVENTS, r[depth].hdr.flags);
	ASSERT_EQ(0, read(q.fd, r, len));

	/* The next event: sequence = events since the start, lost included */
	ASSERT_EQ(0, edu_dma(&self->edu, VA_Z, EDU_FAULT_LEN, 0));
	ASSERT_EQ(v0 + taken + 1, smmu_stat(&self->edu, "vevents"));
	n = read(q.fd, r, len);
	ASSERT_EQ((ssize_t)sizeof(*r), n);
	EXPECT_EQ(0U, r[0].hdr.flags);
	EXPECT_EQ((__u32)taken, r[0].hdr.sequence);
	veventq_free(&self->edu, &q);
	free(r);
}

/* Stage-2 faults, and events of a vSMMU without a vEVENTQ: the host's */
TEST_F(vsmmu, smmu_vevent_host_keeps)
{
	struct vrec r[2];
	long long f0, v0;
	struct vevq q;

	f0 = smmu_stat(&self->edu, "faults");
	v0 = smmu_stat(&self->edu, "vevents");
	ASSERT_EQ(0, edu_dma(&self->edu, VA_Z, EDU_FAULT_LEN, 0));
	ASSERT_LT(f0, smmu_stat(&self->edu, "faults"));
	ASSERT_EQ(v0, smmu_stat(&self->edu, "vevents"));

	ASSERT_EQ(0, veventq_alloc(&self->edu, self->n.viommu_id,
				   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 64, 0, &q));
	f0 = smmu_stat(&self->edu, "faults");
	ASSERT_EQ(0, edu_dma(&self->edu, VA_S2F, EDU_FAULT_LEN, 0));
	ASSERT_LT(f0, smmu_stat(&self->edu, "faults"));
	ASSERT_EQ(v0, smmu_stat(&self->edu, "vevents"));
	ASSERT_EQ(0, read(q.fd, r, sizeof(r)));

	/* The vDEVICE gone: the device's stage-1 faults are the host's again */
	ASSERT_EQ(0, edu_dma(&self->edu, VA_Z, EDU_FAULT_LEN, 0));
	ASSERT_EQ(v0 + 1, smmu_stat(&self->edu, "vevents"));
	ASSERT_EQ((ssize_t)sizeof(r[0]), read(q.fd, r, sizeof(r)));
	ASSERT_EQ(0, iommufd_destroy(self->edu.iommufd, self->n.vdev_id));
	f0 = smmu_stat(&self->edu, "faults");
	ASSERT_EQ(0, edu_dma(&self->edu, VA_Z, EDU_FAULT_LEN, 0));
	ASSERT_LT(f0, smmu_stat(&self->edu, "faults"));
	ASSERT_EQ(v0 + 1, smmu_stat(&self->edu, "vevents"));
	ASSERT_EQ(0, read(q.fd, r, sizeof(r)));
	veventq_free(&self->edu, &q);
}

/* IOMMU_VEVENTQ_ALLOC's own rules (the iommufd core's errnos) */
TEST_F(vsmmu, smmu_vevent_bad_alloc)
{
	struct vevq q, q2;

	ASSERT_ERRNO(EOPNOTSUPP, veventq_alloc(&self->edu, self->n.viommu_id,
					       IOMMU_VEVENTQ_TYPE_DEFAULT, 8, 0, &q));
	ASSERT_ERRNO(EOPNOTSUPP, veventq_alloc(&self->edu, self->n.viommu_id,
					       IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 8, 1, &q));
	ASSERT_ERRNO(EINVAL, veventq_alloc(&self->edu, self->n.viommu_id,
					   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 0, 0, &q));
	ASSERT_ERRNO(EINVAL, veventq_alloc(&self->edu, self->n.viommu_id,
					   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, (1U << 19) + 1, 0, &q));
	/* Not a vIOMMU */
	ASSERT_ERRNO(ENOENT, veventq_alloc(&self->edu, self->n.parent_id,
					   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 8, 0, &q));
	/* The largest depth is fine; a second one of the type is not */
	ASSERT_EQ(0, veventq_alloc(&self->edu, self->n.viommu_id,
				   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1U << 19, 0, &q));
	ASSERT_ERRNO(EEXIST, veventq_alloc(&self->edu, self->n.viommu_id,
					   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 8, 0, &q2));
	veventq_free(&self->edu, &q);
	/* Freed: the type is free again */
	ASSERT_EQ(0, veventq_alloc(&self->edu, self->n.viommu_id,
				   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 8, 0, &q));
	veventq_free(&self->edu, &q);
}

/*
 * A translating nested domain needs the device's vDEVICE on its vSMMU
 * (-ENOENT, as Linux); abort and bypass do not. A second vSMMU on the same
 * parent has no vDEVICE for edu.
 */
TEST_F(vsmmu, smmu_nested_needs_vdevice)
{
	struct iommu_viommu_alloc va = {
		.size = sizeof(va),
		.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
		.dev_id = self->edu.dev.dev_id,
		.hwpt_id = self->n.parent_id,
	};
	struct nest other = self->n;
	__u32 s1, bypass;

	ASSERT_EQ(0, ioctl(self->edu.iommufd, IOMMU_VIOMMU_ALLOC, &va));
	other.viommu_id = va.out_viommu_id;
	ASSERT_EQ(0, vste_alloc(&self->edu, &other, STE0_V | STE0_CFG(STE_CFG_S1) | (IPA_G + G_CD),
				0, &s1));
	ASSERT_EQ(0, vste_alloc(&self->edu, &other, STE0_V | STE0_CFG(STE_CFG_BYPASS), 0,
				&bypass));
	ASSERT_ERRNO(ENOENT, edu_attach(&self->edu, s1));
	/* Refused: still nested on the first vSMMU */
	ASSERT_EQ(0, edu_dma(&self->edu, VA_X, SZ_4K, 1));
	ASSERT_EQ(0, memcmp(g_page(&self->n, G_A), self->src, SZ_4K));
	ASSERT_EQ(0, edu_attach(&self->edu, bypass));
	ASSERT_EQ(0, edu_attach(&self->edu, self->n.nested_id));
}

/* The HW_INFO this vSMMU's commands are checked against (Linux's rules) */
struct smmu_info {
	struct iommu_hw_info_arm_smmuv3 hw;
	int asid16, ssid, ds, ril;
};

static int smmu_hw_info(struct edu *edu, struct smmu_info *si)
{
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = edu->dev.dev_id,
		.data_len = sizeof(si->hw),
		.data_uptr = (uintptr_t)&si->hw,
	};

	if (ioctl(edu->iommufd, IOMMU_GET_HW_INFO, &cmd))
		return -1;
	if (cmd.out_data_type != IOMMU_HW_INFO_TYPE_ARM_SMMUV3)
		return -2;
	si->asid16 = si->hw.idr[0] >> 12 & 1;
	si->ssid = (si->hw.idr[1] >> 6 & 0x1f) != 0;
	si->ds = si->hw.idr[5] >> 7 & 1;
	si->ril = si->hw.idr[3] >> 10 & 1;
	return 0;
}

/*
 * Commands naming what HW_INFO says the SMMU lacks are -EIO with their
 * index; what it has passes. STALL_MODEL is never 0b00 (stalls are off for
 * every nested stream), so S1STALLD is refused (smmu_viommu_bad_cmds).
 */
TEST_F(vsmmu, smmu_viommu_hw_fields)
{
	struct smmu_info si;
	const struct {
		const char *what;
		__u64 w0, w1;
		int has;
	} rows[] = {
		{ "NH_ASID, 16-bit ASID", CMD_TLBI_NH_ASID | (0x105ULL << 48), 0, 1 },
		{ "NH_VA, 16-bit ASID", CMD_TLBI_NH_VA | (0x8005ULL << 48), VA_X, 1 },
		{ "CFGI_CD with SSID", CMD_CFGI_CD | (VSID << 32) | (1ULL << 12), 0, 2 },
		{ "NH_VA TG 16K TTL 1", CMD_TLBI_NH_VA | (S1_ASID << 48) | (1ULL << 12),
		  VA_X | (2ULL << 10) | (1ULL << 8), 3 },
	};
	struct iommu_viommu_arm_smmuv3_invalidate cmds[3] = {};
	long long c0, s0;
	unsigned int i;
	__u32 num;

	ASSERT_EQ(0, smmu_hw_info(&self->edu, &si));
	TH_LOG("IDR0 %08x IDR1 %08x IDR3 %08x IDR5 %08x flags %x", si.hw.idr[0], si.hw.idr[1],
	       si.hw.idr[3], si.hw.idr[5], si.hw.flags);
	EXPECT_EQ(0U, si.hw.flags);
	EXPECT_NE(0U, si.hw.idr[0] >> 24 & 3);	/* STALL_MODEL: not "configurable" */
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		int has = rows[i].has == 1 ? si.asid16 :
			  rows[i].has == 2 ? si.ssid : si.ril && si.ds;

		TH_LOG("%s: %s", rows[i].what, has ? "has it" : "lacks it");
		cmds[0].cmd[0] = CMD_TLBI_NH_ALL;
		cmds[1].cmd[0] = rows[i].w0;
		cmds[1].cmd[1] = rows[i].w1;
		cmds[2].cmd[0] = CMD_TLBI_NH_ALL;
		num = 3;
		c0 = smmu_stat(&self->edu, "cmds");
		s0 = smmu_stat(&self->edu, "syncs");
		if (has) {
			ASSERT_EQ(0, viommu_inv(&self->edu, self->n.viommu_id, cmds,
						sizeof(cmds[0]), &num,
						IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
			ASSERT_EQ(3, num);
		} else {
			ASSERT_EQ(-1, viommu_inv(&self->edu, self->n.viommu_id, cmds,
						 sizeof(cmds[0]), &num,
						 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3));
			ASSERT_EQ(EIO, errno);
			ASSERT_EQ(1, num);
		}
		/* Every command of the valid prefix reached the SMMU */
		inv_sent(_metadata, &self->edu, c0, s0, num);
	}
}

/*
 * Stress: IOMMU_HWPT_INVALIDATE arrays from INV_THREADS threads on one
 * vIOMMU while another thread destroys and re-creates edu's vDEVICE, and
 * the test's own thread moves a stage-1 page and checks every DMA. An
 * array is TLBI_NH_VA, CFGI_CD (the vSID), TLBI_NH_ASID: with the vDEVICE
 * there all three are done; without it the CFGI_CD is refused, -EIO with
 * entry_num 1 (the TLBI before it was done, nothing after it). The checker
 * points VA_X at page A or B of the guest memory, invalidates by VA and
 * has edu write through VA_X: the data lands in the new page only.
 */
#define INV_THREADS	2
#define STRESS_DMAS	40

struct vstress {
	struct edu *edu;
	struct nest *n;
	int stop;
	unsigned long done, refused, recreated;
	int bad;		/* an array's outcome was neither of the two */
	int bad_errno;
	__u32 bad_num;
};

static void *vstress_inv(void *arg)
{
	struct vstress *v = arg;
	struct iommu_viommu_arm_smmuv3_invalidate cmds[3] = {
		{ .cmd = { CMD_TLBI_NH_VA | (S1_ASID << 48), VA_SRC | 1 } },
		{ .cmd = { CMD_CFGI_CD | (VSID << 32), 1 } },
		{ .cmd = { CMD_TLBI_NH_ASID | (S1_ASID << 48), 0 } },
	};

	while (!__atomic_load_n(&v->stop, __ATOMIC_ACQUIRE)) {
		__u32 num = 3;
		int rc = viommu_inv(v->edu, v->n->viommu_id, cmds, sizeof(cmds[0]), &num,
				    IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);

		if (!rc && num == 3) {
			__atomic_fetch_add(&v->done, 1, __ATOMIC_RELAXED);
		} else if (rc && errno == EIO && num == 1) {
			__atomic_fetch_add(&v->refused, 1, __ATOMIC_RELAXED);
		} else {
			v->bad_errno = rc ? errno : 0;
			v->bad_num = num;
			__atomic_store_n(&v->bad, 1, __ATOMIC_RELEASE);
			break;
		}
	}
	return NULL;
}

static void *vstress_vdev(void *arg)
{
	struct vstress *v = arg;
	struct iommu_vdevice_alloc vd = {
		.size = sizeof(vd),
		.viommu_id = v->n->viommu_id,
		.dev_id = v->edu->dev.dev_id,
		.virt_id = VSID,
	};

	while (!__atomic_load_n(&v->stop, __ATOMIC_ACQUIRE)) {
		if (iommufd_destroy(v->edu->iommufd, v->n->vdev_id))
			break;
		/* Let some arrays meet the vSID unmapped */
		usleep(2000);
		if (ioctl(v->edu->iommufd, IOMMU_VDEVICE_ALLOC, &vd))
			break;
		__atomic_store_n(&v->n->vdev_id, vd.out_vdevice_id, __ATOMIC_RELEASE);
		v->recreated++;
		usleep(2000);
	}
	return NULL;
}

TEST_F_TIMEOUT(vsmmu, smmu_stress_inv_vs_vdevice, 600)
{
	struct iommu_viommu_arm_smmuv3_invalidate tlbi = {
		.cmd = { CMD_TLBI_NH_VA | (S1_ASID << 48), VA_X | 1 },
	};
	struct vstress v = { .edu = &self->edu, .n = &self->n };
	pthread_t inv[INV_THREADS], vdev;
	unsigned int i, dmas = 0;
	int rc = 0;

	for (i = 0; i < INV_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&inv[i], NULL, vstress_inv, &v));
	ASSERT_EQ(0, pthread_create(&vdev, NULL, vstress_vdev, &v));
	for (i = 0; i < STRESS_DMAS && !rc; i++) {
		unsigned long to = i & 1 ? G_B : G_A, from = i & 1 ? G_A : G_B;
		__u32 num = 1;

		fill_pattern(self->src, SZ_4K, (uint8_t)(i * 3));
		rc = edu_dma(&self->edu, VA_SRC, SZ_4K, 0);
		if (rc)
			break;
		memset(g_page(&self->n, G_A), 0, SZ_4K);
		memset(g_page(&self->n, G_B), 0, SZ_4K);
		s1_point_x(self->n.g, to);
		rc = viommu_inv(&self->edu, self->n.viommu_id, &tlbi, sizeof(tlbi), &num,
				IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);
		if (rc)
			break;
		rc = edu_dma(&self->edu, VA_X, SZ_4K, 1);
		if (rc)
			break;
		if (memcmp(g_page(&self->n, to), self->src, SZ_4K) ||
		    !edu_all(g_page(&self->n, from), 0, SZ_4K)) {
			TH_LOG("DMA %u went through a stale translation", i);
			rc = -1;
		}
		dmas++;
	}
	__atomic_store_n(&v.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < INV_THREADS; i++)
		pthread_join(inv[i], NULL);
	pthread_join(vdev, NULL);
	TH_LOG("stress inv_vs_vdevice: %u DMAs checked, %lu arrays done, %lu refused",
	       2 * dmas, v.done, v.refused);
	TH_LOG("stress inv_vs_vdevice: %lu vDEVICE re-creations", v.recreated);
	if (v.bad)
		TH_LOG("an array ended with errno %d, entry_num %u", v.bad_errno, v.bad_num);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, v.bad);
	/* Both outcomes were met: the race really ran */
	ASSERT_LT(0, v.done);
	ASSERT_LT(0, v.refused);
	ASSERT_LT(2, v.recreated);
}

/* "smmu_dma --demo": one DMA through stage 1 + stage 2, and the counters */
static void demo_stats(struct edu *edu, const char *when)
{
	static const char * const names[] = {
		"cmds", "syncs", "cfgi", "iotlb_syncs", "user_inv", "events", "faults",
	};
	unsigned int i;

	printf("  counters %s:", when);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		printf(" %s=%lld", names[i], smmu_stat(edu, names[i]));
	printf("\n");
}

static int smmu_demo(void)
{
	struct iommu_viommu_arm_smmuv3_invalidate inv = {
		.cmd = { CMD_TLBI_NH_VA | (S1_ASID << 48), VA_X | 1 },
	};
	long long c0, s0;
	struct edu edu;
	struct nest n;
	const char *why;
	void *src;
	__u32 num = 1;
	int rc;

	if (edu_open(&edu, &why)) {
		printf("  no DMA demo: %s\n", why);
		edu_close(&edu);
		return 0;
	}
	src = edu_pages(SZ_4K);
	if (!src)
		return 1;
	fill_pattern(src, SZ_4K, 0x42);
	rc = nest_setup(&edu, &n, src);
	if (rc) {
		printf("  nested setup failed at step %d: %s\n", -rc, strerror(errno));
		edu_close(&edu);
		return 1;
	}
	printf("  edu %s bound: NEST_PARENT hwpt %u, vIOMMU %u (vSID 0x%llx), nested hwpt %u\n",
	       edu.dev.bdf, n.parent_id, n.viommu_id, VSID, n.nested_id);
	demo_stats(&edu, "before");
	rc = edu_dma(&edu, VA_X, SZ_4K, 1);
	printf("  DMA edu -> VA 0x%lx: stage 1 -> IPA 0x%lx, stage 2 -> user page: %s\n",
	       VA_X, IPA_G + G_A,
	       !rc && !memcmp(g_page(&n, G_A), src, SZ_4K) ? "data arrived" : "FAILED");
	s1_point_x(n.g, G_B);
	c0 = smmu_stat(&edu, "cmds");
	s0 = smmu_stat(&edu, "syncs");
	rc = viommu_inv(&edu, n.viommu_id, &inv, sizeof(inv), &num,
			IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);
	printf("  guest remaps VA 0x%lx, vIOMMU TLBI_NH_VA: %s, %lld command(s), %lld CMD_SYNC\n",
	       VA_X, rc ? strerror(errno) : "ok", smmu_stat(&edu, "cmds") - c0,
	       smmu_stat(&edu, "syncs") - s0);
	rc = edu_dma(&edu, VA_X, SZ_4K, 1);
	printf("  DMA again: %s\n", !rc && !memcmp(g_page(&n, G_B), src, SZ_4K) ?
	       "follows the new mapping" : "FAILED");
	c0 = smmu_stat(&edu, "cmds");
	s0 = smmu_stat(&edu, "syncs");
	rc = edu_unmap(&edu, IOVA_SRC, SZ_4K);
	printf("  4 KiB unmap on the nest parent: %lld commands, %lld CMD_SYNC\n",
	       smmu_stat(&edu, "cmds") - c0, smmu_stat(&edu, "syncs") - s0);
	printf("    (the S2 range, then the nested S1 clear)\n");
	demo_stats(&edu, "after");
	edu_close(&edu);
	return 0;
}

/*
 * "smmu_dma bench": the guest half of make bench (see edu_bench.h). A fixed
 * list of workloads, the same under either SMMUv3 driver; the host counts
 * the commands and CMD_SYNCs QEMU's SMMU consumes (smmuv3_cmdq_opcode)
 * between the edu markers. Under ours the debugfs counters are read around
 * the first operations too and printed next to them.
 *
 *   ALIST-BENCH start prog=smmu_dma counters=alist_smmuv3|none iters=K timed=T
 *
 * Workloads: the unmap shapes of edu_bench.h on a stage-1 domain (the
 * IOAS's automatic one); attach/replace/detach cycles; then the nested
 * setup of the vsmmu fixture: a one-page unmap of the nest parent with one
 * nested domain and again with four (one attached), and vIOMMU arrays of
 * 1 to 4096 commands.
 */
#define BENCH_IOVA		0x05000000UL	/* 64 KiB aligned, clear of G */
#define BENCH_VA		(VA_SRC + SZ_4K)	/* S1: -> IPA BENCH_IOVA */

/*
 * The second device of the two-instance workload (bench_two()): its SMMU's
 * counters add to the first's, as QEMU's trace counts both SMMUs' commands.
 */
static struct edu *bench_peer;

static void bench_snap(struct edu *edu, struct bench_snap *s)
{
	struct edu *e[2] = { edu, bench_peer };
	long long c, sy;
	int i;

	s->cmds = 0;
	s->syncs = 0;
	for (i = 0; i < 2 && e[i]; i++) {
		c = e[i]->iommu[0] ? smmu_stat(e[i], "cmds") : -1;
		sy = e[i]->iommu[0] ? smmu_stat(e[i], "syncs") : -1;
		s->cmds = c < 0 || s->cmds < 0 ? -1 : s->cmds + c;
		s->syncs = sy < 0 || s->syncs < 0 ? -1 : s->syncs + sy;
	}
}

/* A DMA from edu's buffer (it holds a non-zero pattern) through @dma_va */
static int bench_dma_to(struct edu *edu, uint8_t *pg, __u64 dma_va)
{
	memset(pg, 0, SZ_4K);
	if (edu_dma(edu, dma_va, SZ_4K, 1))
		return bench_fail(0, "edu DMA timed out");
	if (edu_all(pg, 0, SZ_4K))
		return bench_fail(0, "DMA data did not arrive");
	return 0;
}

static int bench_check_s1(struct edu *edu, uint8_t *pg, __u64 iova, unsigned int i)
{
	return bench_dma_to(edu, pg, iova);
}

/* Under the nested stage 1, BENCH_VA is the device's address of BENCH_IOVA */
static int bench_check_nest(struct edu *edu, uint8_t *pg, __u64 iova, unsigned int i)
{
	return bench_dma_to(edu, pg, BENCH_VA + (iova - BENCH_IOVA));
}

/* The two-instance workload: the page is written through both devices */
static int bench_check_two(struct edu *edu, uint8_t *pg, __u64 iova, unsigned int i)
{
	return bench_dma_to(edu, pg, iova) || bench_dma_to(bench_peer, pg, iova);
}

static int bench_attach(struct edu *edu, __u32 pt)
{
	return edu_attach(edu, pt);
}

static int bench_detach(struct edu *edu)
{
	return vd_detach(&edu->dev);
}

/*
 * An array of @cnt commands as a guest driver emits them: TLBI_NH_VA for
 * VA_X first (the DMA check follows it), then mostly TLBI_NH_VA of other
 * non-adjacent pages, every 8th a TLBI_NH_ASID and every 8th a CFGI_CD.
 */
static void bench_mix(struct iommu_viommu_arm_smmuv3_invalidate *cmds,
		      unsigned int cnt)
{
	unsigned int i;

	for (i = 0; i < cnt; i++) {
		if (i % 8 == 3) {
			cmds[i].cmd[0] = CMD_TLBI_NH_ASID | (S1_ASID << 48);
			cmds[i].cmd[1] = 0;
		} else if (i % 8 == 7) {
			cmds[i].cmd[0] = CMD_CFGI_CD | (VSID << 32);
			cmds[i].cmd[1] = 1;	/* Leaf */
		} else {
			cmds[i].cmd[0] = CMD_TLBI_NH_VA | (S1_ASID << 48);
			cmds[i].cmd[1] = (VA_X + 2 * i * SZ_4K) | 1;	/* Leaf */
		}
	}
}

/*
 * BENCH_TIMED times the array; the first BENCH_ITERS times the guest first
 * moves VA_X between pages A and B of G and a DMA to VA_X checks that the
 * array made the SMMU follow.
 */
static int bench_viommu(struct edu *edu, struct nest *n, struct bench_phase *ph,
			unsigned int cnt)
{
	struct iommu_viommu_arm_smmuv3_invalidate *cmds;
	struct bench_snap s0;
	unsigned int k;
	__u32 num;

	cmds = calloc(cnt, sizeof(*cmds));
	if (!cmds)
		return bench_fail(ph->id, "calloc");
	bench_mix(cmds, cnt);
	bench_announce(ph);
	for (k = 0; k < BENCH_TIMED; k++) {
		unsigned long to = (k & 1) ? G_A : G_B;
		unsigned long from = (k & 1) ? G_B : G_A;

		if (k < BENCH_ITERS) {
			memset(g_page(n, G_A), 0, SZ_4K);
			memset(g_page(n, G_B), 0, SZ_4K);
			s1_point_x(n->g, to);
		}
		num = cnt;
		bench_begin(edu, ph, &s0);
		if (viommu_inv(edu, n->viommu_id, cmds, sizeof(cmds[0]), &num,
			       IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3) || num != cnt)
			return bench_fail(ph->id, "IOMMU_HWPT_INVALIDATE");
		bench_end(edu, ph, &s0);
		if (k >= BENCH_ITERS)
			continue;
		if (edu_dma(edu, VA_X, SZ_4K, 1))
			return bench_fail(ph->id, "edu DMA timed out");
		if (edu_all(g_page(n, to), 0, SZ_4K) || !edu_all(g_page(n, from), 0, SZ_4K))
			return bench_fail(ph->id, "DMA did not follow the invalidation");
	}
	free(cmds);
	bench_report(ph);
	return 0;
}

static const struct bench_shape bench_shapes[] = {
	BENCH_SHAPE(bench_a1), BENCH_SHAPE(bench_a1_2), BENCH_SHAPE(bench_a1_6),
	BENCH_SHAPE(bench_a3_7), BENCH_SHAPE(bench_a5_17), BENCH_SHAPE(bench_a16),
	BENCH_SHAPE(bench_scatter4), BENCH_SHAPE(bench_a1_1022),
};

static int bench(void)
{
	static const char *const names[] = {
		"unmap_1", "unmap_p1-2", "unmap_p1-6", "unmap_p3-7",
		"unmap_p5-17", "unmap_16", "unmap_scatter4", "unmap_p1-1022",
	};
	static const unsigned int arrays[] = { 1, 16, 64, 256, 4096 };
	struct bench_phase ph[ARRAY_SIZE(names)] = {};
	struct bench_phase cyc[3] = {
		{ .id = 30, .name = "attach", .op = "attach" },
		{ .id = 31, .name = "replace", .op = "replace" },
		{ .id = 32, .name = "detach", .op = "detach" },
	};
	struct bench_phase np[2] = {
		{ .id = 40, .name = "nest-parent-1nested_unmap_1", .op = "unmap",
		  .domain = "nest_parent" },
		{ .id = 41, .name = "nest-parent-4nested_unmap_1", .op = "unmap",
		  .domain = "nest_parent" },
	};
	struct bench_phase vi[ARRAY_SIZE(arrays)] = {};
	char vnm[ARRAY_SIZE(arrays)][32];
	const struct bench_shape one = BENCH_SHAPE(bench_a1);
	struct edu edu;
	struct nest n;
	const char *why;
	void *src = edu_pages(SZ_4K);
	__u32 a = 0, b = 0, extra;
	unsigned int i;
	int rc = 0, step;

	if (!src || edu_open_any(&edu, 0, &why)) {
		printf("ALIST-BENCH error id=0 what=open:%s\n", src ? why : "mmap");
		return bench_finish(1);
	}
	printf("ALIST-BENCH start prog=smmu_dma counters=%s iters=%d timed=%d\n",
	       edu.iommu[0] ? "alist_smmuv3" : "none", BENCH_ITERS, BENCH_TIMED);
	fflush(stdout);

	/* A stage-1 domain: the IOAS's automatic one */
	fill_pattern(src, SZ_4K, 0x31);
	if (edu_attach(&edu, edu.ioas_id) || edu_map(&edu, src, IOVA_SRC, SZ_4K) ||
	    edu_dma(&edu, IOVA_SRC, SZ_4K, 0))
		rc = bench_fail(0, "stage-1 setup");
	for (i = 0; !rc && i < ARRAY_SIZE(names); i++) {
		ph[i] = (struct bench_phase){ .id = 1 + i, .name = names[i],
					      .op = "unmap", .domain = "s1" };
		rc = bench_unmap(&edu, &ph[i], &bench_shapes[i], BENCH_IOVA,
				 bench_check_s1);
	}
	/* Attach/replace/detach: two stage-1 HWPTs of the IOAS */
	if (!rc && (edu_hwpt_alloc(&edu, edu.ioas_id, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &a) ||
		    edu_hwpt_alloc(&edu, edu.ioas_id, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &b) ||
		    bench_detach(&edu)))
		rc = bench_fail(30, "HWPT setup");
	if (!rc)
		rc = bench_cycle(&edu, cyc, a, b, bench_attach, bench_detach);
	edu_close(&edu);

	/* The nested setup of the vsmmu fixture: nest parent, vIOMMU, nested S1 */
	if (!rc && edu_open_any(&edu, 0, &why))
		rc = bench_fail(0, why);
	if (!rc) {
		fill_pattern(src, SZ_4K, 0x5c);
		step = nest_setup(&edu, &n, src);
		if (step) {
			printf("ALIST-BENCH error id=0 what=nested-setup-step-%d errno=%d\n",
			       -step, errno);
			rc = -1;
		}
		if (!rc) {
			/* Stage 1 maps BENCH_VA to IPA BENCH_IOVA, which the unmaps map */
			__atomic_store_n(g_word(n.g, G_L3_SRC + 8 * ((BENCH_VA >> 12) & 511)),
					 BENCH_IOVA | PTE_PAGE, __ATOMIC_SEQ_CST);
			rc = bench_unmap(&edu, &np[0], &one, BENCH_IOVA, bench_check_nest);
		}
		/* Three more nested domains on the vIOMMU, not attached */
		for (i = 0; !rc && i < 3; i++)
			if (vste_alloc(&edu, &n, STE0_V | STE0_CFG(STE_CFG_S1) | (IPA_G + G_CD),
				       0, &extra))
				rc = bench_fail(41, "nested HWPT");
		if (!rc)
			rc = bench_unmap(&edu, &np[1], &one, BENCH_IOVA, bench_check_nest);
		for (i = 0; !rc && i < ARRAY_SIZE(arrays); i++) {
			snprintf(vnm[i], sizeof(vnm[i]), "viommu-array_%u", arrays[i]);
			vi[i] = (struct bench_phase){ .id = 50 + i, .name = vnm[i],
						      .op = "viommu_inv", .domain = "nested" };
			rc = bench_viommu(&edu, &n, &vi[i], arrays[i]);
		}
		edu_close(&edu);
	}
	return bench_finish(rc);
}

/*
 * "smmu_dma bench two", on run-guest.sh --machine 2smmu (bench-guest.sh):
 * the two edus, each behind its own SMMU, on one IOAS; a one-page and a
 * pages 1-6 unmap measured as the other unmap workloads, the markers on
 * edu 0, the DMA check through both devices. Ours: one NEST_PARENT HWPT
 * for both, a domain that spans the two SMMUs (one page table, one unmap
 * walk, commands to each SMMU). Linux 7.3 refuses the second device's
 * attach (-EINVAL), so that device gets a NEST_PARENT HWPT of its own, as
 * a VMM allocates one stage 2 per SMMU instance: two page tables, each
 * mapped and unmapped by every IOAS operation.
 *
 *   ALIST-BENCH phase ... domain=nest_parent domains=1|2 shared=ok|EINVAL
 *                         instances=2
 */
static int bench_two(void)
{
	static const char *const names[] = { "two-smmu_unmap_1", "two-smmu_unmap_p1-6" };
	static const struct bench_shape shapes[] = {
		BENCH_SHAPE(bench_a1), BENCH_SHAPE(bench_a1_6),
	};
	struct bench_phase ph[ARRAY_SIZE(names)] = {};
	char bdf[2][32], extra[64], shared[16] = "ok";
	const char *why = NULL;
	void *src = edu_pages(SZ_4K);
	struct edu e[2];
	__u32 hwpt[2];
	int i, rc = 0, ndom = 1;

	edu_reset(&e[0]);
	edu_reset(&e[1]);
	if (!src || edu_pair_find(bdf)) {
		printf("ALIST-BENCH error id=0 what=no-edu-pair-behind-two-iommus\n");
		return bench_finish(1);
	}
	for (i = 0; i < 2 && !why; i++)
		if (edu_open_at(&e[i], bdf[i], i ? e[0].iommufd : -1, 0, &why))
			printf("ALIST-BENCH error id=0 what=open:%s:%s errno=%d\n", bdf[i], why,
			       errno);
	if (why)
		return bench_finish(1);
	e[1].ioas_id = e[0].ioas_id;
	printf("ALIST-BENCH start prog=smmu_dma counters=%s iters=%d timed=%d\n",
	       e[0].iommu[0] && e[1].iommu[0] ? "alist_smmuv3" : "none", BENCH_ITERS,
	       BENCH_TIMED);

	if (edu_hwpt_alloc(&e[0], e[0].ioas_id, IOMMU_HWPT_ALLOC_NEST_PARENT,
			   IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt[0]) || edu_attach(&e[0], hwpt[0]))
		rc = bench_fail(60, "NEST_PARENT-HWPT");
	if (!rc && edu_attach(&e[1], hwpt[0])) {
		/* Linux 7.3: one domain per SMMU instance */
		snprintf(shared, sizeof(shared), "%s", errno == EINVAL ? "EINVAL" : "refused");
		ndom = 2;
		if (edu_hwpt_alloc(&e[1], e[1].ioas_id, IOMMU_HWPT_ALLOC_NEST_PARENT,
				   IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt[1]) ||
		    edu_attach(&e[1], hwpt[1]))
			rc = bench_fail(60, "second-NEST_PARENT-HWPT");
	}
	printf("two-smmu: edu %s and %s behind two SMMUs; the shared attach: %s; %d domain(s)\n",
	       bdf[0], bdf[1], shared, ndom);
	fflush(stdout);
	/* Both devices' buffers hold the pattern that bench_dma_to() writes */
	fill_pattern(src, SZ_4K, 0x31);
	if (!rc && (edu_map(&e[0], src, IOVA_SRC, SZ_4K) || edu_dma(&e[0], IOVA_SRC, SZ_4K, 0) ||
		    edu_dma(&e[1], IOVA_SRC, SZ_4K, 0)))
		rc = bench_fail(60, "setup-DMA");
	/* instances: each SMMU invalidates the requested pages once */
	snprintf(extra, sizeof(extra), "domains=%d shared=%s instances=2", ndom, shared);
	bench_peer = &e[1];
	for (i = 0; !rc && i < (int)ARRAY_SIZE(names); i++) {
		ph[i] = (struct bench_phase){ .id = 60 + i, .name = names[i], .op = "unmap",
					      .domain = "nest_parent", .extra = extra };
		rc = bench_unmap(&e[0], &ph[i], &shapes[i], BENCH_IOVA, bench_check_two);
	}
	bench_peer = NULL;
	edu_close(&e[1]);
	edu_close(&e[0]);
	return bench_finish(rc);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--demo"))
		return smmu_demo();
	if (argc > 2 && !strcmp(argv[1], "bench") && !strcmp(argv[2], "two"))
		return bench_two();
	if (argc > 1 && !strcmp(argv[1], "bench"))
		return bench();
	return test_harness_run(argc, argv);
}
