/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's edu device (1234:11e8) as the DMA engine of the selftests, header
 * only: its register map, the device opened through VFIO with an IOAS of
 * its own, its BAR0 mapped, and DMA between its buffer and an IOVA.
 *
 * edu does one DMA at a time, of at most 4 KiB (its buffer at EDU_BUF),
 * to or from a bus address it masks to 28 bits: IOVAs must stay below
 * 256 MiB. DMA faults are invisible to it (reads give zeros, writes are
 * dropped): tests see them in the IOMMU driver's counters and the data.
 */
#ifndef ALIST_SELFTEST_EDU_H
#define ALIST_SELFTEST_EDU_H

#include <errno.h>
#include <linux/const.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfio_dev.h"

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8

/* BAR0 registers */
#define EDU_LIVENESS	0x04	/* scratch, harmless to write */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1
#define EDU_CMD_TO_RAM	0x2

#define EDU_BUF		0x40000UL	/* the device's buffer, as a DMA address */
#define EDU_BUF_SIZE	0x1000UL	/* the most one DMA moves */
#define EDU_DMA_LIMIT	_BITUL(28)	/* bus addresses are masked to 28 bits */

/* A DMA that has not finished after 5 s has failed */
#define EDU_POLL_US	1000
#define EDU_POLL_MAX	5000

/**
 * struct edu - edu bound to an iommufd through its VFIO cdev
 * @iommufd: /dev/iommu
 * @dev: the VFIO device
 * @ioas_id: an IOAS of its own
 * @bar: BAR0, mapped
 * @bar_size: its size
 * @iommu: the IOMMU unit's name in our driver's debugfs (empty: none)
 */
struct edu {
	int iommufd;
	struct vfio_dev dev;
	__u32 ioas_id;
	uint8_t *bar;
	size_t bar_size;
	char iommu[64];
};

/* Nothing open yet: what edu_close() may be called on */
static inline void edu_reset(struct edu *e)
{
	memset(e, 0, sizeof(*e));
	e->iommufd = -1;
	e->dev.fd = -1;
}

static inline int edu_map_bar(struct edu *e)
{
	e->bar = vd_bar_mmap(&e->dev, VFIO_PCI_BAR0_REGION_INDEX, &e->bar_size);
	return e->bar ? 0 : -1;
}

static inline void edu_close(struct edu *e)
{
	if (e->bar)
		munmap(e->bar, e->bar_size);
	e->bar = NULL;
	vd_close(&e->dev);
	if (e->iommufd >= 0)
		close(e->iommufd);
	e->iommufd = -1;
}

/* Attach (or replace) to an IOAS or HWPT */
static inline int edu_attach(struct edu *e, __u32 pt_id)
{
	return vd_attach(&e->dev, &pt_id);
}

/* Map @len bytes at @va to @iova of edu's IOAS, read and write */
static inline int edu_map(struct edu *e, void *va, __u64 iova, __u64 len)
{
	return iommufd_map_fixed(e->iommufd, e->ioas_id, va, iova, len);
}

static inline int edu_unmap(struct edu *e, __u64 iova, __u64 len)
{
	return iommufd_ioas_unmap(e->iommufd, e->ioas_id, iova, len, NULL);
}

/* A HWPT for edu on @pt_id; @hwpt_id may be NULL */
static inline int edu_hwpt_alloc(struct edu *e, __u32 pt_id, __u32 flags,
				 __u32 type, void *data, __u32 len,
				 __u32 *hwpt_id)
{
	return iommufd_hwpt_alloc(e->iommufd, e->dev.dev_id, pt_id, flags,
				  type, data, len, hwpt_id);
}

/* MMIO: single accesses the compiler may not merge or elide */
static inline void edu_w32(struct edu *e, unsigned long off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(e->bar + off), v,
			 __ATOMIC_SEQ_CST);
}

static inline void edu_w64(struct edu *e, unsigned long off, uint64_t v)
{
	__atomic_store_n((uint64_t *)(e->bar + off), v,
			 __ATOMIC_SEQ_CST);
}

static inline uint64_t edu_r64(struct edu *e, unsigned long off)
{
	return __atomic_load_n((uint64_t *)(e->bar + off),
			       __ATOMIC_SEQ_CST);
}

/*
 * One DMA of @len bytes, waited for; @to_ram: edu's buffer -> @iova, else
 * @iova -> edu's buffer. -1 with EINVAL beyond edu's limits, ETIMEDOUT
 * when the device does not finish.
 */
static inline int edu_dma(struct edu *e, __u64 iova, __u64 len, int to_ram)
{
	int i;

	if (len > EDU_BUF_SIZE || iova >= EDU_DMA_LIMIT ||
	    len > EDU_DMA_LIMIT - iova) {
		errno = EINVAL;
		return -1;
	}
	edu_w64(e, EDU_DMA_SRC, to_ram ? EDU_BUF : iova);
	edu_w64(e, EDU_DMA_DST, to_ram ? iova : EDU_BUF);
	edu_w64(e, EDU_DMA_CNT, len);
	edu_w64(e, EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
	for (i = 0; i < EDU_POLL_MAX; i++) {
		if (!(edu_r64(e, EDU_DMA_CMD) & EDU_CMD_START))
			return 0;
		usleep(EDU_POLL_US);
	}
	errno = ETIMEDOUT;
	return -1;
}

/* @len bytes of anonymous memory, populated, for DMA; NULL on failure */
static inline void *edu_pages(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Does every one of the @len bytes at @p hold @v? */
static inline int edu_all(const void *p, uint8_t v, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != v)
			return 0;
	return 1;
}

#endif /* ALIST_SELFTEST_EDU_H */
