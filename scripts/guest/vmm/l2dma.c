// SPDX-License-Identifier: GPL-2.0
/*
 * make vmm, in L2: edu DMA through L2's own SMMUv3 driver (stage 1 of the
 * vSMMU), which QEMU's accelerated vSMMU installs on alist_smmuv3 in L1
 * (nested on L1's stage 2). Uses VFIO type1 in L2, so L2's kernel builds
 * the stage-1 tables and invalidates them on unmap.
 *
 *   1. map two pages at IOVA_SRC and IOVA_DST; RAM -> edu from IOVA_SRC,
 *      edu -> RAM to IOVA_DST; the pattern must land in the second page
 *   2. unmap IOVA_DST (L2 invalidates its stage 1: CMD_TLBI_* + CMD_SYNC,
 *      which QEMU forwards to the vIOMMU in L1)
 *   3. edu -> RAM to IOVA_DST again: a stage-1 translation fault, which
 *      reaches L2's event queue through alist_smmuv3's vEVENTQ; the page
 *      keeps its old contents
 *
 * usage: l2dma BDF. Prints VMM-L2-* lines; exit 0 when 1 and 3 hold.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

/* edu's registers and its 4 KiB DMA buffer (QEMU's docs/specs/edu.rst) */
#define EDU_ID		0x00
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_BUF		0x40000
#define CMD_START	1
#define CMD_TO_RAM	2

/* edu masks DMA addresses to 28 bits */
#define IOVA_SRC	0x100000ULL
#define IOVA_DST	0x101000ULL
#define PAGE		4096

static volatile uint8_t *bar;

static void wr64(unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(bar + off) = v;
}

static uint64_t rd64(unsigned int off)
{
	return *(volatile uint64_t *)(bar + off);
}

static int dma(uint64_t src, uint64_t dst, uint64_t cmd)
{
	int i;

	wr64(EDU_DMA_SRC, src);
	wr64(EDU_DMA_DST, dst);
	wr64(EDU_DMA_CNT, 64);
	wr64(EDU_DMA_CMD, cmd | CMD_START);
	for (i = 0; i < 10000; i++) {
		if (!(rd64(EDU_DMA_CMD) & CMD_START))
			return 0;
		usleep(100);
	}
	return -1;
}

static int map(int c, void *va, uint64_t iova)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va, .iova = iova, .size = PAGE,
	};

	return ioctl(c, VFIO_IOMMU_MAP_DMA, &m);
}

int main(int argc, char **argv)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = 0 };
	struct vfio_iommu_type1_dma_unmap um = {
		.argsz = sizeof(um), .iova = IOVA_DST, .size = PAGE,
	};
	char path[256], grp[64];
	uint8_t *src, *dst;
	int c, g, d, n, ok = 1;
	ssize_t l;

	if (argc != 2)
		return 2;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", argv[1]);
	l = readlink(path, grp, sizeof(grp) - 1);
	if (l < 0)
		return perror("iommu_group"), 1;
	grp[l] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(grp, '/') + 1);
	c = open("/dev/vfio/vfio", O_RDWR);
	g = open(path, O_RDWR);
	if (c < 0 || g < 0)
		return perror("open vfio"), 1;
	if (ioctl(g, VFIO_GROUP_GET_STATUS, &gs) ||
	    ioctl(g, VFIO_GROUP_SET_CONTAINER, &c) ||
	    ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return perror("vfio container"), 1;
	d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, argv[1]);
	if (d < 0 || ioctl(d, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return perror("vfio device"), 1;
	bar = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, d, ri.offset);
	if (bar == MAP_FAILED)
		return perror("mmap bar"), 1;
	printf("VMM-L2-EDU-ID %#x\n", *(volatile uint32_t *)(bar + EDU_ID));

	src = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (src == MAP_FAILED)
		return perror("mmap"), 1;
	dst = src + PAGE;
	for (n = 0; n < 64; n++)
		src[n] = 0xa0 + n;
	memset(dst, 0x11, PAGE);
	if (map(c, src, IOVA_SRC) || map(c, dst, IOVA_DST))
		return perror("VFIO_IOMMU_MAP_DMA"), 1;

	/* 1: through stage 1 (L2) and stage 2 (L1) */
	if (dma(IOVA_SRC, EDU_BUF, 0) || dma(EDU_BUF, IOVA_DST, CMD_TO_RAM)) {
		printf("VMM-L2-DMA1 timeout\n");
		return 1;
	}
	n = memcmp(src, dst, 64);
	printf("VMM-L2-DMA1 %s (dst[0]=%#x)\n", n ? "mismatch" : "landed", dst[0]);
	ok &= !n;

	/* 2: unmap; L2's driver invalidates its stage 1 */
	if (ioctl(c, VFIO_IOMMU_UNMAP_DMA, &um))
		return perror("VFIO_IOMMU_UNMAP_DMA"), 1;
	printf("VMM-L2-UNMAP done\n");

	/* 3: the page is gone from stage 1: a fault, and no write */
	memset(dst, 0x22, 64);
	n = dma(EDU_BUF, IOVA_DST, CMD_TO_RAM);
	printf("VMM-L2-DMA2 %s, page %s\n", n ? "timeout" : "completed",
	       dst[0] == 0x22 ? "untouched" : "WRITTEN");
	ok &= dst[0] == 0x22;
	return ok ? 0 : 1;
}
