// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd ATS and device-TLB invalidation end to end. The guest has a
 * virtio-rng (1af4:1044) with an ATS capability behind a PCIe root port;
 * no guest driver takes it, so it goes to vfio-pci and is attached through
 * its VFIO cdev to iommufd page tables on our VT-d unit. QEMU has no
 * device-side cache: what is checked is what the driver queued, read from
 * /sys/kernel/debug/alist_vtd/dmarN (per-type descriptor counters, waits,
 * submissions and the last submission's descriptors), and the device's
 * ATS control register through the VFIO config region.
 *
 * Nothing here does DMA; the edu device (1234:11e8), when present, is a
 * second device without ATS sharing a page table with the virtio-rng.
 */
#include <linux/const.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "edu.h"
#include "vfio_dev.h"
#include "vtd_dbg.h"

#define RNG_VENDOR	0x1af4
#define RNG_DEVICE	0x1044

#define PG		0x1000ULL
/* 64 KiB aligned IOVAs */
#define IOVA_A		0x4000000ULL
#define IOVA_B		0x4100000ULL
#define BUF_PAGES	16

#define VTD_ECAP_DIT	_BITULL(41)

/* Descriptor types as the debugfs file prints them */
#define T_IOTLB		0x2
#define T_DEVTLB	0x3
#define T_WAIT		0x5
#define T_PIOTLB	0x6
#define T_PDEVTLB	0x8

/* Counter snapshot of the unit */
struct counts {
	uint64_t submits, descs, waits;
	uint64_t iotlb, piotlb, devtlb, pdevtlb;
	uint64_t iqe, ite, ice, timeouts;
};

static const char *const count_names[] = {
	"submits", "descs", "waits", "desc_iotlb", "desc_piotlb",
	"desc_devtlb", "desc_pdevtlb", "iqe", "ite", "ice", "timeouts",
};

static int counts_read(const char *unit, struct counts *c)
{
	uint64_t *v = (uint64_t *)c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(count_names); i++)
		if (vd_vtd_u64(unit, count_names[i], &v[i]))
			return -1;
	return 0;
}

static void counts_delta(const struct counts *a, const struct counts *b,
			 struct counts *d)
{
	const uint64_t *va = (const uint64_t *)a, *vb = (const uint64_t *)b;
	uint64_t *vd = (uint64_t *)d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(count_names); i++)
		vd[i] = vb[i] - va[i];
}

/* The last submission: debugfs dmarN/last_submit */
#define LAST_MAX	32
struct submission {
	unsigned int n;		/* descriptors, wait included */
	unsigned int kept;	/* of them listed */
	unsigned int type[LAST_MAX];
	uint64_t w0[LAST_MAX], w1[LAST_MAX];
};

static int read_last_submit(const char *unit, struct submission *s)
{
	char path[256], line[128];
	FILE *f;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), VD_VTD_DEBUGFS "/%.63s/last_submit", unit);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) || sscanf(line, "n %u", &s->n) != 1) {
		fclose(f);
		return -1;
	}
	while (s->kept < LAST_MAX && fgets(line, sizeof(line), f)) {
		unsigned int k = s->kept;

		if (sscanf(line, "%x %lx %lx", &s->type[k],
			   (unsigned long *)&s->w0[k],
			   (unsigned long *)&s->w1[k]) != 3)
			break;
		s->kept++;
	}
	fclose(f);
	return 0;
}

/* A page span [first, first + count) in 4 KiB pages */
struct span {
	uint64_t first, count;
};

/*
 * What an IOTLB-kind descriptor invalidates: page-selective ones 2^AM pages
 * at ADDR; domain-selective, all-in-PASID and global ones everything
 * (count 0 means all).
 */
static struct span iotlb_span(unsigned int type, uint64_t w0, uint64_t w1)
{
	unsigned int gran = (w0 >> 4) & 3;
	struct span s = { 0, 0 };

	if (gran == 3) {
		s.first = w1 >> 12;
		s.count = 1ULL << (w1 & 0x3f);
	}
	return s;
}

/*
 * A device-TLB descriptor's span (PCIe ATS size encoding): S = 0, one page
 * at ADDR; S = 1, the lowest clear address bit from bit 12 up says the
 * size: bit 12 clear is 2 pages, bits 12 set and 13 clear 4 pages...
 * count 0 means everything.
 */
static struct span devtlb_span(uint64_t w1)
{
	uint64_t pfn = w1 >> 12;
	struct span s = { pfn, 1 };
	unsigned int ones = 0;

	if (!(w1 & 1))
		return s;
	while (ones < 52 && (pfn >> ones & 1))
		ones++;
	if (ones >= 51)
		return (struct span){ 0, 0 };
	s.count = 2ULL << ones;
	s.first = pfn & ~(s.count - 1);
	return s;
}

/* Do @spans (count 0: all) cover [first, first + count)? */
static int covered(const struct span *spans, unsigned int n, uint64_t first,
		   uint64_t count)
{
	uint64_t pfn;
	unsigned int i;

	for (pfn = first; pfn < first + count; pfn++) {
		for (i = 0; i < n; i++)
			if (!spans[i].count ||
			    (pfn >= spans[i].first &&
			     pfn < spans[i].first + spans[i].count))
				break;
		if (i == n)
			return 0;
	}
	return 1;
}

/* Does any page appear in two of @spans? */
static int overlapping(const struct span *spans, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (!spans[i].count || !spans[j].count ||
			    (spans[i].first < spans[j].first + spans[j].count &&
			     spans[j].first < spans[i].first + spans[i].count))
				return 1;
	return 0;
}

/*
 * What every case starts with: the virtio-rng (and edu, if present) bound
 * to one iommufd, not attached; two IOASes with one explicit HWPT each.
 */
struct ats_env {
	int iommufd;
	struct vfio_dev rng;
	struct vfio_dev edu;	/* fd -1 without edu */
	char unit[32];
	uint64_t ecap;
	unsigned int ats_pos;
	unsigned int qdep;	/* the device's invalidate queue depth */
	__u32 ioas[2];
	__u32 hwpt[2];
	uint8_t *buf;
};

/*
 * Seconds a DMA test may take: edu moves 4 KiB per 100 ms of emulated time
 * and each fixture resets the device through VFIO, so under TCG on a busy
 * host a test takes tens of seconds; a hang still ends the test.
 */
#define DMA_TEST_TIMEOUT	90

FIXTURE(ats) {
	struct ats_env e;
};

FIXTURE_SETUP(ats)
{
	__u16 cap;

	self->e.edu.fd = -1;
	self->e.rng.fd = -1;
	self->e.iommufd = -1;
	if (vd_vtd_unit(self->e.unit, sizeof(self->e.unit)))
		SKIP(return, "no alist_vtd unit in debugfs");
	if (vd_find_pci(RNG_VENDOR, RNG_DEVICE, self->e.rng.bdf,
			sizeof(self->e.rng.bdf)))
		SKIP(return, "no virtio-rng (1af4:1044) with ATS in this guest");
	ASSERT_EQ(0, vd_vtd_u64(self->e.unit, "ecap", &self->e.ecap));
	if (!(self->e.ecap & (1ULL << 2)))
		SKIP(return, "the unit has no device-TLB support (ECAP.DT)");
	self->e.iommufd = open("/dev/iommu", O_RDWR);
	ASSERT_LE(0, self->e.iommufd);
	ASSERT_EQ(0, vd_open(&self->e.rng, self->e.iommufd, RNG_VENDOR,
			     RNG_DEVICE)) TH_LOG("virtio-rng: %s", strerror(errno));
	if (vd_open(&self->e.edu, self->e.iommufd, EDU_VENDOR, EDU_DEVICE))
		vd_close(&self->e.edu);
	self->e.ats_pos = vd_ext_cap(&self->e.rng, PCI_EXT_CAP_ID_ATS);
	ASSERT_NE(0, self->e.ats_pos) TH_LOG("no ATS capability on %s", self->e.rng.bdf);
	ASSERT_EQ(0, vd_cfg_read(&self->e.rng, self->e.ats_pos + PCI_ATS_CAP, &cap,
				 sizeof(cap)));
	self->e.qdep = PCI_ATS_CAP_QDEP(cap) ?: PCI_ATS_MAX_QDEP;

	ASSERT_EQ(0, iommufd_ioas_alloc(self->e.iommufd, &self->e.ioas[0]));
	ASSERT_EQ(0, iommufd_ioas_alloc(self->e.iommufd, &self->e.ioas[1]));
	ASSERT_EQ(0, iommufd_hwpt_alloc(self->e.iommufd, self->e.rng.dev_id,
					self->e.ioas[0], 0, IOMMU_HWPT_DATA_NONE,
					NULL, 0, &self->e.hwpt[0]));
	ASSERT_EQ(0, iommufd_hwpt_alloc(self->e.iommufd, self->e.rng.dev_id,
					self->e.ioas[1], 0, IOMMU_HWPT_DATA_NONE,
					NULL, 0, &self->e.hwpt[1]));
	self->e.buf = mmap(NULL, BUF_PAGES * PG, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->e.buf);
}

FIXTURE_TEARDOWN(ats)
{
	vd_close(&self->e.edu);
	vd_close(&self->e.rng);
	if (self->e.iommufd >= 0)
		close(self->e.iommufd);
}

/*
 * The device-TLB descriptor fields that do not depend on the range: type 3,
 * SID = the requester ID, PFSID 0 (reserved without ECAP.DIT; the PF's
 * source ID with it), QDEP (32 encoded as 0), reserved bits clear.
 */
static void check_devtlb_fields(struct __test_metadata *_metadata,
				struct ats_env *self, uint64_t w0, uint64_t w1)
{
	uint64_t pfsid = ((w0 >> 12) & 0xf) | ((w0 >> 52) << 4);
	unsigned int qdep = self->qdep >= 32 ? 0 : self->qdep;

	EXPECT_EQ(self->rng.rid, (w0 >> 32) & 0xffff);
	EXPECT_EQ(self->ecap & VTD_ECAP_DIT ? self->rng.rid : 0, pfsid);
	EXPECT_EQ(qdep, (w0 >> 16) & 0x1f);
	/* Reserved: qw0 11:4, 31:21 and 51:48; qw1 11:1 */
	EXPECT_EQ(0, w0 & 0x000f0000ffe00ff0ULL);
	EXPECT_EQ(0, w1 & 0xffe);
}

/*
 * Unmap [@iova, @iova + @pages) from @ioas and check what was queued:
 * one submission with one wait; the IOTLB-kind descriptors first, then
 * (when @devtlb) the virtio-rng's device-TLB descriptors, then the wait;
 * each kind covers the range once; the per-type counters agree. With
 * @devtlb false, no device-TLB descriptor at all, and when @iotlb is also
 * false nothing is queued.
 */
static void unmap_check(struct __test_metadata *_metadata,
			struct ats_env *self, __u32 ioas, uint64_t iova,
			uint64_t pages, int iotlb, int devtlb)
{
	struct span is[LAST_MAX], ds[LAST_MAX];
	unsigned int i, ni = 0, nd = 0;
	struct counts c0, c1, d;
	struct submission s;

	ASSERT_EQ(0, counts_read(self->unit, &c0));
	ASSERT_EQ(0, iommufd_ioas_unmap(self->iommufd, ioas, iova, pages * PG, NULL));
	ASSERT_EQ(0, counts_read(self->unit, &c1));
	counts_delta(&c0, &c1, &d);
	ASSERT_EQ(0, read_last_submit(self->unit, &s));
	TH_LOG("unmap of %llu page(s) at %#llx: %llu submission(s), %llu wait(s)",
	       (unsigned long long)pages, (unsigned long long)iova,
	       (unsigned long long)d.submits, (unsigned long long)d.waits);
	TH_LOG("  IOTLB %llu, PASID-IOTLB %llu, device-TLB %llu, PASID device-TLB %llu",
	       (unsigned long long)d.iotlb, (unsigned long long)d.piotlb,
	       (unsigned long long)d.devtlb, (unsigned long long)d.pdevtlb);
	EXPECT_EQ(0, d.iqe + d.ite + d.ice + d.timeouts);
	EXPECT_EQ(0, d.pdevtlb);
	if (!devtlb)
		EXPECT_EQ(0, d.devtlb);
	if (!iotlb && !devtlb) {
		EXPECT_EQ(0, d.submits);
		return;
	}
	/* One batch, one wait at its end */
	ASSERT_EQ(1, d.submits);
	ASSERT_EQ(1, d.waits);
	ASSERT_EQ(d.descs + 1, s.n);
	ASSERT_EQ(s.n, s.kept);
	ASSERT_EQ(T_WAIT, s.type[s.n - 1]);
	for (i = 0; i + 1 < s.n; i++) {
		if (s.type[i] == T_IOTLB || s.type[i] == T_PIOTLB) {
			/* No IOTLB-kind descriptor after a device-TLB one */
			EXPECT_EQ(0, nd) TH_LOG("descriptor %u: IOTLB after device-TLB", i);
			is[ni++] = iotlb_span(s.type[i], s.w0[i], s.w1[i]);
			/* First-stage units: PASID-IOTLB of RID2PASID (0) */
			if (s.type[i] == T_PIOTLB)
				EXPECT_EQ(0, (s.w0[i] >> 32) & 0xfffff);
		} else if (s.type[i] == T_DEVTLB) {
			check_devtlb_fields(_metadata, self, s.w0[i], s.w1[i]);
			ds[nd++] = devtlb_span(s.w1[i]);
		} else {
			EXPECT_EQ(T_DEVTLB, s.type[i])
				TH_LOG("descriptor %u: unexpected type %#x", i,
				       s.type[i]);
		}
	}
	EXPECT_EQ(d.iotlb + d.piotlb, ni);
	EXPECT_EQ(d.devtlb, nd);
	EXPECT_EQ(ni + nd, d.descs);
	if (iotlb) {
		EXPECT_LE(1, ni);
		EXPECT_TRUE(covered(is, ni, iova / PG, pages));
		EXPECT_FALSE(overlapping(is, ni));
	}
	if (devtlb) {
		EXPECT_LE(1, nd);
		EXPECT_TRUE(covered(ds, nd, iova / PG, pages));
		/* Once per device, not once per domain user */
		EXPECT_FALSE(overlapping(ds, nd));
	} else {
		EXPECT_EQ(0, nd);
	}
}

static int ats_enabled(struct ats_env *self, __u16 *ctrl)
{
	if (vd_cfg_read(&self->rng, self->ats_pos + PCI_ATS_CTRL, ctrl,
			sizeof(*ctrl)))
		return -1;
	return !!(*ctrl & PCI_ATS_CTRL_ENABLE);
}

TEST_F(ats, vtd_ats_enabled)
{
	__u32 pt = self->e.hwpt[0];
	struct counts c0, c1, d;
	__u16 ctrl;

	ASSERT_EQ(0, counts_read(self->e.unit, &c0));
	ASSERT_EQ(0, vd_attach(&self->e.rng, &pt));
	ASSERT_EQ(1, ats_enabled(&self->e, &ctrl)) TH_LOG("ATS control %#x", ctrl);
	/* Smallest translation unit: 4 KiB pages (STU 0) */
	EXPECT_EQ(0, ctrl & PCI_ATS_CTRL_STU(0x1f));
	TH_LOG("%s: ATS control %#06x, invalidate queue depth %u, RID %#06x",
	       self->e.rng.bdf, ctrl, self->e.qdep, self->e.rng.rid);
	/* Still on across a replace */
	pt = self->e.hwpt[1];
	ASSERT_EQ(0, vd_attach(&self->e.rng, &pt));
	EXPECT_EQ(1, ats_enabled(&self->e, &ctrl));
	/* Every device-TLB descriptor so far was accepted */
	ASSERT_EQ(0, counts_read(self->e.unit, &c1));
	counts_delta(&c0, &c1, &d);
	EXPECT_EQ(0, d.iqe + d.ite + d.ice + d.timeouts);
}

TEST_F_TIMEOUT(ats, vtd_devtlb_on_unmap, DMA_TEST_TIMEOUT)
{
	__u32 pt = self->e.ioas[0];

	/* Attached to the IOAS: its automatic HWPT */
	ASSERT_EQ(0, vd_attach(&self->e.rng, &pt));
	ASSERT_NE(self->e.ioas[0], pt);

	/* One page: one IOTLB PSI, one device-TLB with S = 0 */
	ASSERT_EQ(0, iommufd_map_fixed(self->e.iommufd, self->e.ioas[0], self->e.buf,
				       IOVA_A, PG));
	unmap_check(_metadata, &self->e, self->e.ioas[0], IOVA_A, 1, 1, 1);
	{
		struct submission s;

		ASSERT_EQ(0, read_last_submit(self->e.unit, &s));
		ASSERT_EQ(3, s.n);
		EXPECT_EQ(IOVA_A, s.w1[0] & ~0xfffULL);
		EXPECT_EQ(0, s.w1[0] & 0x3f);
		EXPECT_EQ(T_DEVTLB, s.type[1]);
		EXPECT_EQ(IOVA_A, s.w1[1]);
	}

	/* Four aligned pages: AM 2, and S = 1 with bit 12 set, 13 clear */
	ASSERT_EQ(0, iommufd_map_fixed(self->e.iommufd, self->e.ioas[0], self->e.buf,
				       IOVA_A, 4 * PG));
	unmap_check(_metadata, &self->e, self->e.ioas[0], IOVA_A, 4, 1, 1);
	{
		struct submission s;

		ASSERT_EQ(0, read_last_submit(self->e.unit, &s));
		ASSERT_EQ(3, s.n);
		EXPECT_EQ(2, s.w1[0] & 0x3f);
		EXPECT_EQ(T_DEVTLB, s.type[1]);
		EXPECT_EQ(IOVA_A | 0x1000 | 1, s.w1[1]);
	}
}

TEST_F_TIMEOUT(ats, vtd_devtlb_one_wait, DMA_TEST_TIMEOUT)
{
	__u32 pt = self->e.hwpt[0];

	ASSERT_EQ(0, vd_attach(&self->e.rng, &pt));
	if (self->e.edu.fd >= 0) {
		/* A second device, without ATS, on the same domain */
		pt = self->e.hwpt[0];
		ASSERT_EQ(0, vd_attach(&self->e.edu, &pt));
	}
	/*
	 * Pages 1-6 of a 64 KiB block: the core's cover policy sends the
	 * aligned block 0-7 once for the IOTLB (AM 3: two extra pages cost
	 * less than three more descriptors) and once for the device TLB (one
	 * PCIe round trip, not four), then one wait: what Linux 7.3 sends.
	 */
	ASSERT_EQ(0, iommufd_map_fixed(self->e.iommufd, self->e.ioas[0], self->e.buf,
				       IOVA_A + PG, 6 * PG));
	unmap_check(_metadata, &self->e, self->e.ioas[0], IOVA_A + PG, 6, 1, 1);
	{
		struct submission s;

		ASSERT_EQ(0, read_last_submit(self->e.unit, &s));
		ASSERT_EQ(3, s.n);
		EXPECT_EQ(IOVA_A | 3, s.w1[0] & ~0xfc0ULL);
		EXPECT_EQ(T_DEVTLB, s.type[1]);
		/* S = 1, address bits 12-13 set, 14 clear: 8 pages at IOVA_A */
		EXPECT_EQ(IOVA_A | 0x3000 | 1, s.w1[1]);
	}

	/* Sixteen pages, every one a separate IOAS area: one unmap call */
	{
		unsigned int i;

		for (i = 0; i < BUF_PAGES; i++)
			ASSERT_EQ(0, iommufd_map_fixed(self->e.iommufd, self->e.ioas[0],
						       self->e.buf + i * PG,
						       IOVA_B + i * PG, PG));
	}
	{
		struct counts c0, c1, d;

		ASSERT_EQ(0, counts_read(self->e.unit, &c0));
		ASSERT_EQ(0, iommufd_ioas_unmap(self->e.iommufd, self->e.ioas[0],
						IOVA_B, BUF_PAGES * PG, NULL));
		ASSERT_EQ(0, counts_read(self->e.unit, &c1));
		counts_delta(&c0, &c1, &d);
		TH_LOG("unmap of %u areas: %llu submission(s), %llu wait(s), %llu device-TLB",
		       BUF_PAGES, (unsigned long long)d.submits,
		       (unsigned long long)d.waits,
		       (unsigned long long)d.devtlb);
		/*
		 * iommufd unmaps area by area, one sync each: every submission
		 * carries one IOTLB and one device-TLB descriptor and a wait,
		 * the last one for the last page.
		 */
		EXPECT_EQ(BUF_PAGES, d.submits);
		EXPECT_EQ(d.submits, d.waits);
		EXPECT_EQ(d.submits, d.devtlb);
		EXPECT_EQ(0, d.iqe + d.ite + d.ice + d.timeouts);
	}
	{
		struct submission s;

		ASSERT_EQ(0, read_last_submit(self->e.unit, &s));
		ASSERT_EQ(3, s.n);
		EXPECT_EQ(IOVA_B + (BUF_PAGES - 1) * PG, s.w1[0] & ~0xfc0ULL);
		EXPECT_EQ(T_DEVTLB, s.type[1]);
		EXPECT_EQ(IOVA_B + (BUF_PAGES - 1) * PG, s.w1[1]);
	}
}

TEST_F_TIMEOUT(ats, vtd_devtlb_not_after_detach, DMA_TEST_TIMEOUT)
{
	int edu = self->e.edu.fd >= 0;
	struct counts c0, c1, d;
	__u32 pt = self->e.hwpt[0];

	ASSERT_EQ(0, vd_attach(&self->e.rng, &pt));
	if (edu) {
		pt = self->e.hwpt[0];
		ASSERT_EQ(0, vd_attach(&self->e.edu, &pt));
	}
	ASSERT_EQ(0, iommufd_map_fixed(self->e.iommufd, self->e.ioas[0], self->e.buf,
				       IOVA_A, PG));
	unmap_check(_metadata, &self->e, self->e.ioas[0], IOVA_A, 1, 1, 1);

	/* Detach: the device TLB is left clean, once or more */
	ASSERT_EQ(0, iommufd_map_fixed(self->e.iommufd, self->e.ioas[0], self->e.buf,
				       IOVA_A, PG));
	ASSERT_EQ(0, counts_read(self->e.unit, &c0));
	ASSERT_EQ(0, vd_detach(&self->e.rng));
	ASSERT_EQ(0, counts_read(self->e.unit, &c1));
	counts_delta(&c0, &c1, &d);
	TH_LOG("detach: %llu device-TLB, %llu wait(s)",
	       (unsigned long long)d.devtlb, (unsigned long long)d.waits);
	EXPECT_LE(1, d.devtlb);
	EXPECT_EQ(0, d.iqe + d.ite + d.ice + d.timeouts);

	/* The old domain no longer names it; edu still needs the IOTLB */
	unmap_check(_metadata, &self->e, self->e.ioas[0], IOVA_A, 1, edu, 0);

	/* Back on: the device TLB is invalidated again */
	pt = self->e.hwpt[0];
	ASSERT_EQ(0, vd_attach(&self->e.rng, &pt));
	ASSERT_EQ(0, iommufd_map_fixed(self->e.iommufd, self->e.ioas[0], self->e.buf,
				       IOVA_A, PG));
	unmap_check(_metadata, &self->e, self->e.ioas[0], IOVA_A, 1, 1, 1);
}

TEST_F_TIMEOUT(ats, vtd_devtlb_replace, DMA_TEST_TIMEOUT)
{
	int edu = self->e.edu.fd >= 0;
	struct counts c0, c1, d;
	__u32 pt = self->e.hwpt[0];
	unsigned int i;

	ASSERT_EQ(0, vd_attach(&self->e.rng, &pt));
	if (edu) {
		pt = self->e.hwpt[0];
		ASSERT_EQ(0, vd_attach(&self->e.edu, &pt));
	}
	for (i = 0; i < 2; i++) {
		/* i = 0: HWPT 0 -> 1 (edu stays on 0); i = 1: back */
		__u32 from = i, to = !i;

		ASSERT_EQ(0, iommufd_map_fixed(self->e.iommufd, self->e.ioas[0],
					       self->e.buf, IOVA_A, PG));
		ASSERT_EQ(0, iommufd_map_fixed(self->e.iommufd, self->e.ioas[1],
					       self->e.buf, IOVA_A, PG));
		ASSERT_EQ(0, counts_read(self->e.unit, &c0));
		pt = self->e.hwpt[to];
		ASSERT_EQ(0, vd_attach(&self->e.rng, &pt));
		ASSERT_EQ(0, counts_read(self->e.unit, &c1));
		counts_delta(&c0, &c1, &d);
		TH_LOG("replace HWPT %u -> %u: %llu submission(s), %llu device-TLB, %llu wait(s)",
		       from, to, (unsigned long long)d.submits,
		       (unsigned long long)d.devtlb,
		       (unsigned long long)d.waits);
		EXPECT_LE(1, d.devtlb);
		EXPECT_EQ(d.submits, d.waits);
		EXPECT_EQ(0, d.iqe + d.ite + d.ice + d.timeouts);

		/* The old domain: IOTLB only if edu stays there */
		unmap_check(_metadata, &self->e, self->e.ioas[from], IOVA_A, 1,
			    edu && from == 0, 0);
		/* The new one: IOTLB and the device TLB */
		unmap_check(_metadata, &self->e, self->e.ioas[to], IOVA_A, 1, 1, 1);
	}
}

TEST_HARNESS_MAIN
