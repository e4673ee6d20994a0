// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded stress of our drivers' concurrent paths, with QEMU's edu device
 * (1234:11e8) bound through its VFIO cdev checking every DMA.
 *
 * stress.unmap_vs_attach: MAPPERS threads each map a page of their own at
 * an IOVA slot of one IOAS, have edu write a fresh pattern through it,
 * unmap it (an invalidation and a wait on the one queue, from several
 * threads at once) and have edu write to the slot again, while a switcher
 * thread moves edu between two HWPTs of that IOAS (replace), detaches and
 * re-attaches it, and on x86_64 attaches and detaches the virtio-rng with
 * ATS to the HWPT edu is on, changing that list's device-TLB targets under
 * the walkers. Every DMA is checked:
 *
 *   - a DMA to a mapped slot lands in that slot's page, whole (no lost
 *     write, no translation of another domain or slot);
 *   - after the unmap returned, a DMA to the slot leaves the old page
 *     untouched (no stale translation on any domain edu was moved to).
 *
 * edu runs one DMA at a time: the threads take turns at its registers
 * (dma_lock), and the switcher holds that lock from a detach to the
 * re-attach, the only span in which edu has no domain. The maps, unmaps,
 * replaces and attaches themselves run concurrently.
 *
 * The iteration counts are fixed; the test prints what it did:
 * "# stress <name>: <n> DMAs checked, <n> unmaps, <n> switches".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "kselftest_harness.h"
#include "edu.h"

#define SZ_4K		0x1000UL

#define MAPPERS		3
#define ITERS		20		/* per mapper */
#define IOVA_SRC	0x01000000UL	/* each mapper's source page */
#define IOVA_SLOT	0x02000000UL	/* each mapper's slot, 2 MiB apart */
#define SLOT_STRIDE	0x200000UL
/* A faulting DMA raises one event per 4 bytes in QEMU: keep it short */
#define FAULT_LEN	64

#define RNG_VENDOR	0x1af4
#define RNG_DEVICE	0x1044

struct stress {
	struct edu edu;
	struct vfio_dev rng;	/* x86_64: the ATS virtio-rng, fd -1: none */
	__u32 hwpt[2];
	pthread_mutex_t dma_lock;
	int stop;		/* the mappers are done */
	int failed;		/* a check failed: see @failure */
	/* results, written under dma_lock or by their own thread */
	unsigned long dmas, unmaps, switches, rng_attaches;
	char failure[256];
};

struct mapper {
	struct stress *s;
	unsigned int idx;
	uint8_t *src;		/* mapped at IOVA_SRC + idx * 4K for good */
	uint8_t *page[2];	/* alternately mapped at the slot */
};

/* The first failure is kept; every thread stops at its next step */
static void fail(struct stress *s, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&s->dma_lock);
	if (!s->failed) {
		va_start(ap, fmt);
		vsnprintf(s->failure, sizeof(s->failure), fmt, ap);
		va_end(ap);
		__atomic_store_n(&s->failed, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&s->dma_lock);
}

static int failed(struct stress *s)
{
	return __atomic_load_n(&s->failed, __ATOMIC_ACQUIRE);
}

/* edu: the source page into its buffer, then the buffer to @iova */
static int dma_copy(struct stress *s, __u64 src, __u64 iova, __u64 len)
{
	int rc;

	pthread_mutex_lock(&s->dma_lock);
	rc = edu_dma(&s->edu, src, len, 0);
	if (!rc)
		rc = edu_dma(&s->edu, iova, len, 1);
	if (!rc)
		s->dmas += 2;
	pthread_mutex_unlock(&s->dma_lock);
	return rc;
}

static void *mapper_run(void *arg)
{
	struct mapper *m = arg;
	struct stress *s = m->s;
	__u64 src = IOVA_SRC + m->idx * SZ_4K;
	__u64 slot = IOVA_SLOT + m->idx * SLOT_STRIDE;
	unsigned int i;

	for (i = 0; i < ITERS && !failed(s); i++) {
		uint8_t *page = m->page[i & 1];
		uint8_t seed = (uint8_t)(m->idx * 64 + i);
		unsigned int k;

		for (k = 0; k < SZ_4K; k++)
			m->src[k] = (uint8_t)(seed + k * 13);
		memset(page, 0, SZ_4K);
		if (edu_map(&s->edu, page, slot, SZ_4K)) {
			fail(s, "mapper %u iteration %u: map: %s", m->idx, i,
			     strerror(errno));
			break;
		}
		if (dma_copy(s, src, slot, SZ_4K)) {
			fail(s, "mapper %u iteration %u: DMA: %s", m->idx, i,
			     strerror(errno));
			break;
		}
		if (memcmp(page, m->src, SZ_4K)) {
			fail(s, "mapper %u iteration %u: the DMA did not land whole",
			     m->idx, i);
			break;
		}
		if (edu_unmap(&s->edu, slot, SZ_4K)) {
			fail(s, "mapper %u iteration %u: unmap: %s", m->idx, i,
			     strerror(errno));
			break;
		}
		__atomic_fetch_add(&s->unmaps, 1, __ATOMIC_RELAXED);
		/* The old page keeps the pattern; a stale write would change it */
		for (k = 0; k < SZ_4K; k++)
			m->src[k] = (uint8_t)~m->src[k];
		if (dma_copy(s, src, slot, FAULT_LEN)) {
			fail(s, "mapper %u iteration %u: faulting DMA: %s", m->idx, i,
			     strerror(errno));
			break;
		}
		for (k = 0; k < FAULT_LEN; k++) {
			if (page[k] != (uint8_t)~m->src[k]) {
				fail(s, "mapper %u iteration %u: stale translation after the unmap",
				     m->idx, i);
				break;
			}
		}
	}
	return NULL;
}

/* x86_64: the ATS device on edu's HWPT and off it again */
static int rng_cycle(struct stress *s, __u32 hwpt)
{
	__u32 pt = hwpt;

	if (s->rng.fd < 0)
		return 0;
	if (vd_attach(&s->rng, &pt) || vd_detach(&s->rng))
		return -1;
	s->rng_attaches++;
	return 0;
}

static void *switcher_run(void *arg)
{
	struct stress *s = arg;
	unsigned int n = 0;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) && !failed(s)) {
		__u32 pt = s->hwpt[n & 1];

		if (n % 4 == 3) {
			/* No DMA while edu has no domain */
			pthread_mutex_lock(&s->dma_lock);
			if (vd_detach(&s->edu.dev) || vd_attach(&s->edu.dev, &pt)) {
				pthread_mutex_unlock(&s->dma_lock);
				fail(s, "switch %u: detach and attach: %s", n, strerror(errno));
				break;
			}
			pthread_mutex_unlock(&s->dma_lock);
		} else if (edu_attach(&s->edu, pt)) {
			fail(s, "switch %u: replace: %s", n, strerror(errno));
			break;
		}
		if (rng_cycle(s, s->hwpt[n & 1])) {
			fail(s, "switch %u: virtio-rng attach/detach: %s", n,
			     strerror(errno));
			break;
		}
		n++;
		s->switches = n;
	}
	return NULL;
}

static int rng_open(struct stress *s)
{
	char bdf[32], cdev[128];

	s->rng.fd = -1;
	if (vd_find_pci(RNG_VENDOR, RNG_DEVICE, bdf, sizeof(bdf)))
		return 0;	/* arm64: no such device */
	if (vd_vfio_cdev(bdf, cdev, sizeof(cdev)) || vd_open_cdev(&s->rng, bdf, cdev))
		return -1;
	return vd_bind(&s->rng, s->edu.iommufd);
}

FIXTURE(stress) {
	struct stress s;
	struct mapper m[MAPPERS];
	void *mem;
};

FIXTURE_SETUP(stress)
{
	struct stress *s = &self->s;
	char bdf[32], cdev[128];
	unsigned int i;

	memset(s, 0, sizeof(*s));
	edu_reset(&s->edu);
	s->rng.fd = -1;
	pthread_mutex_init(&s->dma_lock, NULL);
	if (vd_find_pci(EDU_VENDOR, EDU_DEVICE, bdf, sizeof(bdf)))
		SKIP(return, "no edu device");
	ASSERT_EQ(0, vd_vfio_cdev(bdf, cdev, sizeof(cdev)));
	s->edu.iommufd = open("/dev/iommu", O_RDWR);
	ASSERT_LE(0, s->edu.iommufd);
	ASSERT_EQ(0, vd_open_cdev(&s->edu.dev, bdf, cdev));
	ASSERT_EQ(0, vd_bind(&s->edu.dev, s->edu.iommufd));
	ASSERT_EQ(0, vd_enable_dma(&s->edu.dev));
	ASSERT_EQ(0, edu_map_bar(&s->edu));
	ASSERT_EQ(0, iommufd_ioas_alloc(s->edu.iommufd, &s->edu.ioas_id));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, edu_hwpt_alloc(&s->edu, s->edu.ioas_id, 0,
					    IOMMU_HWPT_DATA_NONE, NULL, 0,
					    &s->hwpt[i]));
	ASSERT_EQ(0, edu_attach(&s->edu, s->hwpt[0]));
	ASSERT_EQ(0, rng_open(s));

	/* Per mapper: a source page mapped for good, two slot pages */
	self->mem = edu_pages(MAPPERS * 3 * SZ_4K);
	ASSERT_NE(NULL, self->mem);
	for (i = 0; i < MAPPERS; i++) {
		struct mapper *m = &self->m[i];

		m->s = s;
		m->idx = i;
		m->src = (uint8_t *)self->mem + (3 * i) * SZ_4K;
		m->page[0] = m->src + SZ_4K;
		m->page[1] = m->src + 2 * SZ_4K;
		ASSERT_EQ(0, edu_map(&s->edu, m->src, IOVA_SRC + i * SZ_4K, SZ_4K));
	}
}

FIXTURE_TEARDOWN(stress)
{
	vd_close(&self->s.rng);
	edu_close(&self->s.edu);
	if (self->mem)
		munmap(self->mem, MAPPERS * 3 * SZ_4K);
}

TEST_F_TIMEOUT(stress, unmap_vs_attach, 600)
{
	struct stress *s = &self->s;
	pthread_t mt[MAPPERS], st;
	unsigned int i;

	ASSERT_EQ(0, pthread_create(&st, NULL, switcher_run, s));
	for (i = 0; i < MAPPERS; i++)
		ASSERT_EQ(0, pthread_create(&mt[i], NULL, mapper_run, &self->m[i]));
	for (i = 0; i < MAPPERS; i++)
		pthread_join(mt[i], NULL);
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	pthread_join(st, NULL);
	TH_LOG("stress unmap_vs_attach: %lu DMAs checked, %lu unmaps, %lu switches",
	       s->dmas, s->unmaps, s->switches);
	TH_LOG("stress unmap_vs_attach: %lu ATS device attaches", s->rng_attaches);
	if (s->failed)
		TH_LOG("%s", s->failure);
	ASSERT_EQ(0, s->failed);
	ASSERT_EQ(MAPPERS * ITERS, s->unmaps);
	/* The switches really ran beside the mappers */
	ASSERT_LT(4, s->switches);
	if (s->rng.fd >= 0)
		ASSERT_LT(4, s->rng_attaches);
}

TEST_HARNESS_MAIN
