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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"

#define SZ_4K		0x1000UL
#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_SRC		0x80
#define EDU_DST		0x88
#define EDU_CNT		0x90
#define EDU_CMD		0x98
#define EDU_CMD_START	0x1
#define EDU_CMD_TO_RAM	0x2
#define EDU_BUF		0x40000UL

/* Fixed IOVAs, all below 256 MiB */
#define IOVA_SRC	0x1000000UL
#define IOVA_DST	0x2000000UL
#define IOVA_X		0x3000000UL

#define DBG		"/sys/kernel/debug/alist_vtd"
#define MAP_RW		(IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

#define ASSERT_ERRNO(err, expr)			\
	do {					\
		int __rc = (expr);		\
						\
		ASSERT_EQ(-1, __rc);		\
		ASSERT_EQ(err, errno);		\
	} while (0)

struct edu {
	int iommufd;
	int devfd;
	__u32 dev_id;
	__u32 ioas_id;
	__u32 hwpt_id;
	volatile uint8_t *bar;
	size_t bar_size;
	char unit[64];
};

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static int read_u64(const char *path, uint64_t *val)
{
	char buf[64] = {};
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	*val = strtoull(buf, NULL, 0);
	return 0;
}

static int unit_u64(struct edu *e, const char *name, uint64_t *val)
{
	char path[256];

	snprintf(path, sizeof(path), DBG "/%s/%s", e->unit, name);
	return read_u64(path, val);
}

static int find_unit(char *unit, size_t len)
{
	DIR *d = opendir(DBG);
	struct dirent *de;
	int ret = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "dmar", 4)) {
			snprintf(unit, len, "%.32s", de->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

/* Find edu, bind it to vfio-pci, return its VFIO cdev path */
static int find_edu(char *cdev, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	char path[512], bdf[64] = "";

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		uint64_t ven, dev;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 de->d_name);
		if (read_u64(path, &ven))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 de->d_name);
		if (read_u64(path, &dev))
			continue;
		if (ven == EDU_VENDOR && dev == EDU_DEVICE) {
			snprintf(bdf, sizeof(bdf), "%.32s", de->d_name);
			break;
		}
	}
	closedir(d);
	if (!bdf[0])
		return -1;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	if (access(path, F_OK)) {
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/driver_override", bdf);
		write_file(path, "vfio-pci");
		write_file("/sys/bus/pci/drivers_probe", bdf);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev",
			 bdf);
	}
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "vfio", 4)) {
			snprintf(cdev, len, "/dev/vfio/devices/%.32s",
				 de->d_name);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -1;
}

static int edu_open_any(struct edu *e, int need_unit, char *why, size_t len);

static int edu_open(struct edu *e, char *why, size_t len)
{
	return edu_open_any(e, 1, why, len);
}

/* @need_unit 0: any IOMMU driver (bench mode), our counters if present */
static int edu_open_any(struct edu *e, int need_unit, char *why, size_t len)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt att = { .argsz = sizeof(att) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_region_info cfg = {
		.argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	struct vfio_region_info bar = {
		.argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX };
	char cdev[128];
	uint16_t cmd;
	void *p;

	memset(e, 0, sizeof(*e));
	e->iommufd = e->devfd = -1;
	if (find_unit(e->unit, sizeof(e->unit))) {
		e->unit[0] = 0;
		if (need_unit) {
			snprintf(why, len, "no alist_vtd unit in debugfs");
			return -1;
		}
	}
	if (find_edu(cdev, sizeof(cdev))) {
		snprintf(why, len, "no edu device bound to vfio-pci");
		return -1;
	}
	e->iommufd = open("/dev/iommu", O_RDWR);
	e->devfd = open(cdev, O_RDWR);
	if (e->iommufd < 0 || e->devfd < 0) {
		snprintf(why, len, "open /dev/iommu or %s: %s", cdev,
			 strerror(errno));
		return -1;
	}
	bind.iommufd = e->iommufd;
	if (ioctl(e->devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(e->iommufd, IOMMU_IOAS_ALLOC, &alloc)) {
		snprintf(why, len, "bind/ioas: %s", strerror(errno));
		return -1;
	}
	e->dev_id = bind.out_devid;
	e->ioas_id = alloc.out_ioas_id;
	att.pt_id = e->ioas_id;
	if (ioctl(e->devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &att)) {
		snprintf(why, len, "attach: %s", strerror(errno));
		return -1;
	}
	e->hwpt_id = att.pt_id;
	if (ioctl(e->devfd, VFIO_DEVICE_GET_REGION_INFO, &cfg) ||
	    ioctl(e->devfd, VFIO_DEVICE_GET_REGION_INFO, &bar)) {
		snprintf(why, len, "region info: %s", strerror(errno));
		return -1;
	}
	if (pread(e->devfd, &cmd, 2, cfg.offset + PCI_COMMAND) != 2)
		return -1;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(e->devfd, &cmd, 2, cfg.offset + PCI_COMMAND) != 2)
		return -1;
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, e->devfd,
		 bar.offset);
	if (p == MAP_FAILED) {
		snprintf(why, len, "mmap BAR0: %s", strerror(errno));
		return -1;
	}
	e->bar = p;
	e->bar_size = bar.size;
	return 0;
}

static void edu_close(struct edu *e)
{
	if (e->bar)
		munmap((void *)e->bar, e->bar_size);
	if (e->devfd >= 0)
		close(e->devfd);
	if (e->iommufd >= 0)
		close(e->iommufd);
}

static int edu_dma(struct edu *e, uint64_t src, uint64_t dst, int to_ram)
{
	volatile uint64_t *r = (volatile uint64_t *)e->bar;
	int i;

	r[EDU_SRC / 8] = src;
	r[EDU_DST / 8] = dst;
	r[EDU_CNT / 8] = SZ_4K;
	r[EDU_CMD / 8] = EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0);
	for (i = 0; i < 500; i++) {
		if (!(r[EDU_CMD / 8] & EDU_CMD_START))
			return 0;
		usleep(10000);
	}
	return -1;
}

/* Copy the page at IOVA @from to IOVA @to through edu's buffer */
static int edu_copy(struct edu *e, uint64_t from, uint64_t to)
{
	if (edu_dma(e, from, EDU_BUF, 0))
		return -1;
	return edu_dma(e, EDU_BUF, to, 1);
}

static int ioas_map(struct edu *e, void *va, uint64_t iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | MAP_RW,
		.ioas_id = e->ioas_id,
		.user_va = (uintptr_t)va,
		.length = SZ_4K,
		.iova = iova,
	};

	return ioctl(e->iommufd, IOMMU_IOAS_MAP, &cmd);
}

static int ioas_unmap(struct edu *e, uint64_t iova)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = e->ioas_id,
		.iova = iova,
		.length = SZ_4K,
	};

	return ioctl(e->iommufd, IOMMU_IOAS_UNMAP, &cmd);
}

static uint8_t *page(uint8_t fill)
{
	uint8_t *p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, fill, SZ_4K);
	return p;
}

static int all(const uint8_t *p, uint8_t v)
{
	size_t i;

	for (i = 0; i < SZ_4K; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static int set_skip_flush(int on)
{
	if (write_file(DBG "/skip_flush/times", "-1") ||
	    write_file(DBG "/skip_flush/interval", "1"))
		return -1;
	return write_file(DBG "/skip_flush/probability", on ? "100" : "0");
}

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
	return edu_dma(e, IOVA_SRC, EDU_BUF, 0);
}

TEST_F(vtd, vtd_dma_translate)
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

TEST_F(vtd, vtd_dma_fault_after_unmap)
{
	uint64_t before, after, descs0, descs1, waits0, waits1;
	uint8_t *a = page(0);

	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, ioas_map(&self->e, a, IOVA_DST));
	ASSERT_EQ(0, load(&self->e, self->src, 0x3c));
	ASSERT_EQ(0, edu_dma(&self->e, EDU_BUF, IOVA_DST, 1));
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
	ASSERT_EQ(0, edu_dma(&self->e, EDU_BUF, IOVA_DST, 1));
	usleep(50000);
	ASSERT_EQ(0, unit_u64(&self->e, "faults", &after));
	EXPECT_LT(before, after);
	EXPECT_TRUE(all(a, 0x3c));
}

TEST_F(vtd, vtd_dma_remap_not_stale)
{
	uint8_t *a = page(0), *b = page(0);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, ioas_map(&self->e, a, IOVA_X));
	ASSERT_EQ(0, load(&self->e, self->src, 0x01));
	ASSERT_EQ(0, edu_dma(&self->e, EDU_BUF, IOVA_X, 1));
	ASSERT_TRUE(all(a, 0x01));
	ASSERT_EQ(0, ioas_unmap(&self->e, IOVA_X));
	ASSERT_EQ(0, ioas_map(&self->e, b, IOVA_X));
	ASSERT_EQ(0, load(&self->e, self->src, 0x02));
	ASSERT_EQ(0, edu_dma(&self->e, EDU_BUF, IOVA_X, 1));
	EXPECT_TRUE(all(b, 0x02));
	EXPECT_TRUE(all(a, 0x01));
}

TEST_F(vtd, vtd_skip_flush_detected)
{
	uint64_t skipped0, skipped1;
	uint8_t *a = page(0), *b = page(0);
	int stale;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, read_u64(DBG "/skipped_flushes", &skipped0));
	ASSERT_EQ(0, ioas_map(&self->e, a, IOVA_X));
	ASSERT_EQ(0, load(&self->e, self->src, 0x01));
	ASSERT_EQ(0, edu_dma(&self->e, EDU_BUF, IOVA_X, 1));
	ASSERT_TRUE(all(a, 0x01));

	ASSERT_EQ(0, set_skip_flush(1));
	ASSERT_EQ(0, ioas_unmap(&self->e, IOVA_X));
	ASSERT_EQ(0, set_skip_flush(0));
	ASSERT_EQ(0, read_u64(DBG "/skipped_flushes", &skipped1));
	EXPECT_LT(skipped0, skipped1);

	ASSERT_EQ(0, ioas_map(&self->e, b, IOVA_X));
	ASSERT_EQ(0, load(&self->e, self->src, 0x02));
	ASSERT_EQ(0, edu_dma(&self->e, EDU_BUF, IOVA_X, 1));
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
		.dev_id = self->e.dev_id,
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
	EXPECT_EQ(0, vtd.flags);

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
		cmd.dev_id = self->e.dev_id;
		cmd.data_len = sizeof(big);
		cmd.data_uptr = (uintptr_t)big;
		ASSERT_EQ(0, ioctl(self->e.iommufd, IOMMU_GET_HW_INFO, &cmd));
		EXPECT_EQ(sizeof(vtd), cmd.data_len);
		EXPECT_EQ(0, big[sizeof(vtd)]);
		EXPECT_EQ(0, big[sizeof(big) - 1]);
	}
}

static int hwpt_alloc(struct edu *e, __u32 pt_id, __u32 flags, __u32 type,
		      void *data, __u32 len, __u32 *out)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = e->dev_id,
		.pt_id = pt_id,
		.data_type = type,
		.data_len = len,
		.data_uptr = (uintptr_t)data,
	};
	int rc = ioctl(e->iommufd, IOMMU_HWPT_ALLOC, &cmd);

	if (!rc && out)
		*out = cmd.out_hwpt_id;
	return rc;
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
	if (first_stage) {
		/* First-stage unit: no stage 2 to nest on */
		ASSERT_ERRNO(EOPNOTSUPP,
			     hwpt_alloc(&self->e, self->e.ioas_id,
					IOMMU_HWPT_ALLOC_NEST_PARENT,
					IOMMU_HWPT_DATA_NONE, NULL, 0, NULL));
		SKIP(return, "NEST_PARENT needs a second-stage unit (this one is first-stage)");
	}
	ASSERT_EQ(0, hwpt_alloc(&self->e, self->e.ioas_id,
				IOMMU_HWPT_ALLOC_NEST_PARENT,
				IOMMU_HWPT_DATA_NONE, NULL, 0, &parent));
	/* QEMU 10.0 has no ECAP.NEST: the nested domain is refused */
	ASSERT_EQ(0, ecap & (1ULL << 26));
	ASSERT_ERRNO(EOPNOTSUPP, hwpt_alloc(&self->e, parent, 0,
					    IOMMU_HWPT_DATA_VTD_S1, &s1,
					    sizeof(s1), &nested));
	/* Nesting on a non-parent paging HWPT is refused by iommufd */
	{
		__u32 plain;

		ASSERT_EQ(0, hwpt_alloc(&self->e, self->e.ioas_id, 0,
					IOMMU_HWPT_DATA_NONE, NULL, 0, &plain));
		ASSERT_ERRNO(EINVAL, hwpt_alloc(&self->e, plain, 0,
						IOMMU_HWPT_DATA_VTD_S1, &s1,
						sizeof(s1), &nested));
	}
}

TEST_F(vtd, vtd_bad_hwpt_alloc)
{
	struct iommu_hwpt_vtd_s1 s1 = { .addr_width = 48 };
	struct iommu_hwpt_invalidate inv = { .size = sizeof(inv) };
	struct iommu_hwpt_vtd_s1_invalidate entry = { .npages = 1 };
	__u32 id;

	/* Unknown allocation flag */
	ASSERT_ERRNO(EOPNOTSUPP, hwpt_alloc(&self->e, self->e.ioas_id, 1U << 30,
					    IOMMU_HWPT_DATA_NONE, NULL, 0, &id));
	/* Dirty tracking: not advertised */
	ASSERT_ERRNO(EOPNOTSUPP,
		     hwpt_alloc(&self->e, self->e.ioas_id,
				IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
				IOMMU_HWPT_DATA_NONE, NULL, 0, &id));
	/* PASID-capable domains: not supported by this driver */
	ASSERT_ERRNO(EOPNOTSUPP, hwpt_alloc(&self->e, self->e.ioas_id,
					    IOMMU_HWPT_ALLOC_PASID,
					    IOMMU_HWPT_DATA_NONE, NULL, 0, &id));
	/* Driver data on a paging domain */
	ASSERT_ERRNO(EOPNOTSUPP, hwpt_alloc(&self->e, self->e.ioas_id, 0,
					    IOMMU_HWPT_DATA_VTD_S1, &s1,
					    sizeof(s1), &id));
	/* Length without type, type without length */
	ASSERT_ERRNO(EINVAL, hwpt_alloc(&self->e, self->e.ioas_id, 0,
					IOMMU_HWPT_DATA_NONE, &s1, sizeof(s1),
					&id));
	ASSERT_ERRNO(EINVAL, hwpt_alloc(&self->e, self->e.ioas_id, 0,
					IOMMU_HWPT_DATA_VTD_S1, &s1, 0, &id));

	/* Invalidation on a paging HWPT (no nested domain): refused */
	ASSERT_EQ(0, hwpt_alloc(&self->e, self->e.ioas_id, 0,
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
}

static int demo(void)
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
	edu_dma(&e, EDU_BUF, IOVA_DST, 1);
	usleep(50000);
	unit_u64(&e, "faults", &f1);
	printf("  DMA to the unmapped IOVA: %s, %llu new fault record(s)\n",
	       all(dst, 0) ? "blocked" : "LANDED", (unsigned long long)(f1 - f0));
	edu_close(&e);
	return 0;
}


/*
 * "vtd_dma bench": the guest half of make bench. A fixed workload of IOAS
 * maps, edu DMAs and IOAS unmaps, the same under any VT-d driver. Each
 * measured operation is bracketed by two writes to edu's liveness register
 * (BAR0 + 0x04, harmless), which QEMU traces (memory_region_ops_write) in
 * the same stream as the invalidation descriptors it executes, so the host
 * (scripts/bench-guest.py) counts descriptors per operation on the QEMU
 * side, the same way for every driver. Under our driver the debugfs
 * counters are read around each operation too and printed next to it.
 *
 * Lines on stdout, for the host:
 *   ALIST-BENCH start prog=vtd_dma counters=alist_vtd|none iters=K
 *   ALIST-BENCH phase id=N op=map|unmap pages=P areas=A
 *   ALIST-BENCH result id=N ops=K dbg_cmds=C dbg_syncs=S   (- without ours)
 *   ALIST-BENCH error id=N what=...
 *   ALIST-BENCH end rc=R
 */
#define BENCH_ITERS		32
#define BENCH_MARK_REG		0x04
#define BENCH_MARK_BEGIN	0xab100000U
#define BENCH_MARK_END		0xab200000U
#define BENCH_IOVA		0x4000000UL	/* 64 KiB aligned, below 256 MiB */
#define BENCH_SPAN		16		/* pages of the contiguous phase */

/* Pages of the scattered phase: four separate IOAS areas, one unmap */
static const unsigned int bench_scatter[] = { 0, 2, 5, 9 };

struct bench_phase {
	unsigned int id;
	const char *op;
	unsigned int pages, areas;
	unsigned int ops;
	uint64_t cmds, syncs;
	int no_dbg;	/* some operation had no debugfs counters */
};

struct bench_snap {
	uint64_t descs, waits;
	int ok;
};

static void bench_mark(struct edu *e, uint32_t v)
{
	__atomic_store_n((volatile uint32_t *)(e->bar + BENCH_MARK_REG), v,
			 __ATOMIC_SEQ_CST);
}

static void bench_snap(struct edu *e, struct bench_snap *s)
{
	s->ok = e->unit[0] && !unit_u64(e, "descs", &s->descs) &&
		!unit_u64(e, "waits", &s->waits);
}

/* Our counters are read outside the marked window: reading them queues nothing */
static void bench_begin(struct edu *e, struct bench_phase *ph,
			struct bench_snap *s0)
{
	bench_snap(e, s0);
	bench_mark(e, BENCH_MARK_BEGIN | ph->id);
}

static void bench_end(struct edu *e, struct bench_phase *ph,
		      const struct bench_snap *s0)
{
	struct bench_snap s1;

	bench_mark(e, BENCH_MARK_END | ph->id);
	bench_snap(e, &s1);
	ph->ops++;
	if (s0->ok && s1.ok) {
		ph->cmds += s1.descs - s0->descs;
		ph->syncs += s1.waits - s0->waits;
	} else {
		ph->no_dbg = 1;
	}
}

static void bench_announce(const struct bench_phase *ph)
{
	printf("ALIST-BENCH phase id=%u op=%s pages=%u areas=%u\n", ph->id,
	       ph->op, ph->pages, ph->areas);
	fflush(stdout);
}

static void bench_report(const struct bench_phase *ph)
{
	if (!ph->no_dbg)
		printf("ALIST-BENCH result id=%u ops=%u dbg_cmds=%llu dbg_syncs=%llu\n",
		       ph->id, ph->ops, (unsigned long long)ph->cmds,
		       (unsigned long long)ph->syncs);
	else
		printf("ALIST-BENCH result id=%u ops=%u dbg_cmds=- dbg_syncs=-\n",
		       ph->id, ph->ops);
	fflush(stdout);
}

static int bench_fail(unsigned int id, const char *what)
{
	printf("ALIST-BENCH error id=%u what=%s errno=%d\n", id, what, errno);
	fflush(stdout);
	return -1;
}

static int ioas_map_len(struct edu *e, void *va, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | MAP_RW,
		.ioas_id = e->ioas_id,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	return ioctl(e->iommufd, IOMMU_IOAS_MAP, &cmd);
}

static int ioas_unmap_len(struct edu *e, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = e->ioas_id,
		.iova = iova,
		.length = len,
	};

	return ioctl(e->iommufd, IOMMU_IOAS_UNMAP, &cmd);
}

/*
 * One map/unmap phase pair: K times { map (one IOAS_MAP per area), DMA
 * into the last page through the new mapping, check it, unmap (one
 * IOAS_UNMAP over the whole span) }. @offs lists the page offsets of the
 * areas (NULL: one area of @pages pages).
 */
static int bench_map_unmap(struct edu *e, uint8_t *src, struct bench_phase *map,
			   struct bench_phase *unmap, const unsigned int *offs,
			   unsigned int pages)
{
	unsigned int areas = offs ? map->areas : 1, span, last, i, a;
	struct bench_snap s0;
	uint8_t *buf;

	span = offs ? offs[areas - 1] + 1 : pages;
	last = offs ? offs[areas - 1] : pages - 1;
	buf = mmap(NULL, span * SZ_4K, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		return bench_fail(map->id, "mmap");
	bench_announce(map);
	bench_announce(unmap);
	for (i = 0; i < BENCH_ITERS; i++) {
		uint8_t v = (uint8_t)(0x40 + i);

		memset(buf, 0, span * SZ_4K);
		bench_begin(e, map, &s0);
		for (a = 0; a < areas; a++) {
			unsigned int off = offs ? offs[a] : 0;
			unsigned int n = offs ? 1 : pages;

			if (ioas_map_len(e, buf + off * SZ_4K,
					 BENCH_IOVA + off * SZ_4K, n * SZ_4K))
				return bench_fail(map->id, "IOMMU_IOAS_MAP");
		}
		bench_end(e, map, &s0);

		if (load(e, src, v) ||
		    edu_dma(e, EDU_BUF, BENCH_IOVA + last * SZ_4K, 1))
			return bench_fail(map->id, "edu DMA timed out");
		if (!all(buf + last * SZ_4K, v))
			return bench_fail(map->id, "DMA data did not arrive");

		bench_begin(e, unmap, &s0);
		if (ioas_unmap_len(e, BENCH_IOVA, span * SZ_4K))
			return bench_fail(unmap->id, "IOMMU_IOAS_UNMAP");
		bench_end(e, unmap, &s0);
	}
	munmap(buf, span * SZ_4K);
	bench_report(map);
	bench_report(unmap);
	return 0;
}

static int bench(void)
{
	struct bench_phase ph[] = {
		{ 1, "map", 1, 1 }, { 2, "unmap", 1, 1 },
		{ 3, "map", BENCH_SPAN, 1 }, { 4, "unmap", BENCH_SPAN, 1 },
		{ 5, "map", ARRAY_SIZE(bench_scatter), ARRAY_SIZE(bench_scatter) },
		{ 6, "unmap", ARRAY_SIZE(bench_scatter), ARRAY_SIZE(bench_scatter) },
	};
	char why[256] = "";
	struct edu e;
	uint8_t *src = page(0);
	int rc = 0;

	if (edu_open_any(&e, 0, why, sizeof(why)) || !src) {
		printf("ALIST-BENCH error id=0 what=open:%s\n", why);
		printf("ALIST-BENCH end rc=1\n");
		return 1;
	}
	printf("ALIST-BENCH start prog=vtd_dma counters=%s iters=%d\n",
	       e.unit[0] ? "alist_vtd" : "none", BENCH_ITERS);
	fflush(stdout);
	if (ioas_map(&e, src, IOVA_SRC))
		rc = bench_fail(0, "IOMMU_IOAS_MAP source");
	if (!rc)
		rc = bench_map_unmap(&e, src, &ph[0], &ph[1], NULL, 1);
	if (!rc)
		rc = bench_map_unmap(&e, src, &ph[2], &ph[3], NULL, BENCH_SPAN);
	if (!rc)
		rc = bench_map_unmap(&e, src, &ph[4], &ph[5], bench_scatter, 0);
	edu_close(&e);
	printf("ALIST-BENCH end rc=%d\n", rc ? 1 : 0);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "demo"))
		return demo();
	if (argc > 1 && !strcmp(argv[1], "bench"))
		return bench();
	return test_harness_run(argc, argv);
}
