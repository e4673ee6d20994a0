// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-injection sweep of every ioctl sequence that reaches our drivers,
 * with QEMU's edu device (1234:11e8) bound through its VFIO cdev doing DMA.
 *
 * A sequence (struct fn_seq) is a list of ioctls: bind and attach a
 * device, allocate HWPTs (paging, nest parent, nested), vIOMMU and vDEVICE
 * (arm64), replace, IOMMU_HWPT_INVALIDATE through the vIOMMU, IOAS map and
 * unmap with the device attached, destroy in more than one order. For N =
 * 1, 2, ... the sweep arms the thread's fail-nth with N and runs the
 * sequence, until it runs with no fault injected. At every N:
 *
 *   - an ioctl that failed did so because of the injected fault, with a
 *     clean errno (ENOMEM, EFAULT, ENOSPC): never an ioctl that fails
 *     untouched, never another errno;
 *   - what existed before still translates: edu writes its buffer through
 *     the device's current domain to IOVA_DST and the data lands there;
 *   - undoing what succeeded works, and leaves nothing behind: the next
 *     object ID iommufd hands out is the one it gave before the sweep, and
 *     kmemleak (the guest's /init scans at the end of the run) finds no
 *     leak.
 *
 * Each sweep prints how many injection points its sequence met:
 * "# fail-nth <sequence>: <n> points ...".
 *
 * x86_64: VT-d in QEMU has no nesting (no ECAP.NEST), so the nested VT-d
 * path is not here; arm64 adds the nest parent, vIOMMU, vDEVICE, nested
 * HWPT and vIOMMU invalidation (with allow_noncoherent_viommu, as
 * smmu_dma).
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

#include <linux/iommufd.h>

#include "kselftest_harness.h"
#include "edu.h"
#include "fail_nth.h"

#define SZ_4K		0x1000UL
#define SZ_64K		0x10000UL

/* IOVAs below edu's 256 MiB, clear of the arm64 MSI window */
#define IOVA_SRC	0x01000000UL
#define IOVA_DST	0x02000000UL
#define IOVA_X		0x03000000UL
#define IOVA_Y		0x03100000UL
#define IPA_G		0x04000000UL	/* arm64: the stage-1 tables */

#define FN_PATTERN	0x6b
/*
 * Each run of the bind sequence opens and closes the VFIO cdev, a device
 * reset each (seconds under TCG): the sweep tries every FN_BIND_STRIDE-th
 * point only, unless alist_fnth_full=1
 */
#define FN_BIND_STRIDE	8
#define FN_MAX_UNDO	16
/* A whole sweep of one sequence: thousands of N, each with a DMA */
#define FN_TIMEOUT	900

enum fn_undo_kind { FN_DESTROY, FN_UNMAP, FN_HOME };

/*
 * One thing the injected run did that the undo takes back. @maybe: it may
 * not be there any more (or yet): iommufd's IOMMU_IOAS_MAP and _UNMAP do
 * their work and then copy their answer to user space; when that copy
 * fails they return EFAULT with the work done and kept.
 */
struct fn_undo {
	enum fn_undo_kind kind;
	__u32 id;		/* FN_DESTROY: the object */
	__u64 iova, len;	/* FN_UNMAP: the range */
	int maybe;
};

/**
 * struct fn_ctx - one sweep
 * @edu: the device; bound and attached to @home before the sweep unless
 *	the sequence binds it itself (@bdf, @cdev)
 * @home: the IOAS holding src, dst (and the arm64 tables)
 * @cur_pt: what the device is attached to now (@home when untouched)
 * @src, @dst, @x: pages; @x is what the sequences map and unmap
 * @g: arm64 stage-1 tables, mapped at IPA_G
 * @bound: the sequence bound the device (own_device sequences)
 * @bound_armed: this run's bind was armed (VFIO opened the device in it)
 * @fnth: this thread's fail-nth
 * @next_id: the ID iommufd hands out next when nothing leaked
 * @step: the ioctl the run is at, for the messages
 * @vfio_detached: times VFIO left the device detached after a failed
 *	attach (its answer's copy to user space failed: VFIO detaches)
 * @bar_soft: times BAR0 could not be mmapped after a bind that absorbed
 *	the fault (VFIO's soft failure of the BAR's iomap, see
 *	fn_bound_dma_ok())
 * @undo: what to take back, in reverse order
 */
struct fn_ctx {
	struct edu edu;
	char bdf[32], cdev[128];
	__u32 home, cur_pt;
	uint8_t *src, *dst, *x;
	uint64_t *g;
	int bound;
	int bound_armed;
	int fnth;
	__u32 next_id;
	const char *step;
	unsigned int vfio_detached;
	unsigned int bar_soft;
	struct fn_undo undo[FN_MAX_UNDO];
	unsigned int nundo;
};

/*
 * A sequence: @run does the ioctls (armed); @own_device: it binds edu,
 * whose cdev the sweep opens before each run and closes after it;
 * @stride: the sweep tries every @stride-th N only (1: every N), for a
 * sequence whose runs are too slow to try every point in a test run;
 * alist_fnth_stride=S on the guest's command line multiplies it by S (a
 * quicker sweep: guest-test.sh check), alist_fnth_full=1 makes it 1
 * (guest-test.sh fail-nth).
 */
struct fn_seq {
	const char *name;
	int (*run)(struct fn_ctx *c);
	int own_device;
	unsigned int stride;
};

static void fn_push(struct fn_ctx *c, enum fn_undo_kind kind, __u32 id,
		    __u64 iova, __u64 len)
{
	if (c->nundo < FN_MAX_UNDO)
		c->undo[c->nundo++] = (struct fn_undo){ kind, id, iova, len, 0 };
}

/* The run took back @kind/@id (or the range at @iova) itself */
static void fn_drop(struct fn_ctx *c, enum fn_undo_kind kind, __u32 id,
		    __u64 iova)
{
	unsigned int i;

	for (i = c->nundo; i--;) {
		struct fn_undo *u = &c->undo[i];

		if (u->kind == kind && u->id == id && u->iova == iova) {
			memmove(u, u + 1, (c->nundo - i - 1) * sizeof(*u));
			c->nundo--;
			return;
		}
	}
}

/* The steps of a run: each returns -1 (errno set) when its ioctl fails */

static int fn_hwpt(struct fn_ctx *c, __u32 pt, __u32 flags, __u32 type,
		   void *data, __u32 len, __u32 *id)
{
	c->step = "IOMMU_HWPT_ALLOC";
	if (iommufd_hwpt_alloc(c->edu.iommufd, c->edu.dev.dev_id, pt, flags,
			       type, data, len, id))
		return -1;
	fn_push(c, FN_DESTROY, *id, 0, 0);
	return 0;
}

static int fn_ioas(struct fn_ctx *c, __u32 *id)
{
	c->step = "IOMMU_IOAS_ALLOC";
	if (iommufd_ioas_alloc(c->edu.iommufd, id))
		return -1;
	fn_push(c, FN_DESTROY, *id, 0, 0);
	return 0;
}

static int fn_destroy(struct fn_ctx *c, __u32 id)
{
	c->step = "IOMMU_DESTROY";
	if (iommufd_destroy(c->edu.iommufd, id))
		return -1;
	fn_drop(c, FN_DESTROY, id, 0);
	return 0;
}

/*
 * Attach or replace; the undo brings the device back to @home. When the
 * copy of VFIO's answer to user space fails, VFIO detaches the device
 * (vfio_df_ioctl_attach_pt()): with EFAULT the device may be on nothing.
 */
static int fn_attach(struct fn_ctx *c, __u32 pt)
{
	__u32 id = pt;

	c->step = "VFIO_DEVICE_ATTACH_IOMMUFD_PT";
	if (vd_attach(&c->edu.dev, &id)) {
		if (errno == EFAULT) {
			c->cur_pt = 0;
			c->vfio_detached++;
		}
		return -1;
	}
	c->cur_pt = pt;
	return 0;
}

static int fn_map(struct fn_ctx *c, __u32 ioas, void *va, __u64 iova,
		  __u64 len)
{
	c->step = "IOMMU_IOAS_MAP";
	if (iommufd_map_fixed(c->edu.iommufd, ioas, va, iova, len)) {
		if (errno == EFAULT) {
			fn_push(c, FN_UNMAP, ioas, iova, len);
			c->undo[c->nundo - 1].maybe = 1;
		}
		return -1;
	}
	fn_push(c, FN_UNMAP, ioas, iova, len);
	return 0;
}

static int fn_unmap(struct fn_ctx *c, __u32 ioas, __u64 iova, __u64 len)
{
	unsigned int i;

	c->step = "IOMMU_IOAS_UNMAP";
	if (iommufd_ioas_unmap(c->edu.iommufd, ioas, iova, len, NULL)) {
		for (i = 0; errno == EFAULT && i < c->nundo; i++)
			if (c->undo[i].kind == FN_UNMAP &&
			    c->undo[i].id == ioas && c->undo[i].iova == iova)
				c->undo[i].maybe = 1;
		return -1;
	}
	fn_drop(c, FN_UNMAP, ioas, iova);
	return 0;
}

/* The survivors' check: edu's buffer (the pattern) -> IOVA_DST */
static int fn_dma_ok(struct fn_ctx *c)
{
	memset(c->dst, 0, SZ_4K);
	if (edu_dma(&c->edu, IOVA_DST, SZ_4K, 1))
		return -1;
	if (!edu_all(c->dst, FN_PATTERN, SZ_4K)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Take back what the run left, newest first; never injected */
static int fn_undo(struct fn_ctx *c)
{
	while (c->nundo) {
		struct fn_undo *u = &c->undo[--c->nundo];
		int rc = 0;

		switch (u->kind) {
		case FN_DESTROY:
			rc = iommufd_destroy(c->edu.iommufd, u->id);
			break;
		case FN_UNMAP:
			rc = iommufd_ioas_unmap(c->edu.iommufd, u->id, u->iova,
						u->len, NULL);
			if (rc && errno == ENOENT && u->maybe)
				rc = 0;
			break;
		case FN_HOME:
			if (c->cur_pt != c->home) {
				rc = edu_attach(&c->edu, c->home);
				if (!rc)
					c->cur_pt = c->home;
			}
			break;
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* The ID the next object gets: iommufd allocates the lowest free one */
static int fn_probe_id(struct fn_ctx *c, __u32 *id)
{
	if (iommufd_ioas_alloc(c->edu.iommufd, id))
		return -1;
	return iommufd_destroy(c->edu.iommufd, *id);
}

/*
 * The ID iommufd must hand out next when nothing leaked: the lowest one
 * not held by what is alive, the home IOAS and, with the device bound,
 * the device and the automatic HWPT it is attached to (which a run may
 * have replaced by a new one, with another ID).
 */
static int fn_expected_id(struct fn_ctx *c, __u32 *id)
{
	__u32 live[3] = { c->home }, n = 1, k, i;

	if (c->edu.dev.fd >= 0) {
		__u32 hwpt = c->home;

		/* Attaching to where it is: no change, its HWPT's ID back */
		if (vd_attach(&c->edu.dev, &hwpt))
			return -1;
		live[n++] = c->edu.dev.dev_id;
		live[n++] = hwpt;
	}
	for (k = 1;; k++) {
		for (i = 0; i < n && live[i] != k; i++)
			;
		if (i == n)
			break;
	}
	*id = k;
	return 0;
}

/* Open edu's cdev, bind it, enable DMA, map BAR0 */
static int fn_bind(struct fn_ctx *c)
{
	if (vd_open_cdev(&c->edu.dev, c->bdf, c->cdev) ||
	    vd_bind(&c->edu.dev, c->edu.iommufd) ||
	    vd_enable_dma(&c->edu.dev))
		return -1;
	return edu_map_bar(&c->edu);
}

static void fn_unbind(struct fn_ctx *c)
{
	if (c->edu.bar)
		munmap(c->edu.bar, c->edu.bar_size);
	c->edu.bar = NULL;
	vd_close(&c->edu.dev);
	c->bound = 0;
}

/*
 * The sequences. Each leaves the state as it found it when it runs to
 * the end; a run cut short by a fault leaves what fn_undo() takes back.
 */

/*
 * Bind, attach, map and unmap with the device attached, detach. The cdev
 * is opened before the sweep arms fail-nth (fn_open_cdev()) and closed
 * after the check (fn_bound_dma_ok()): VFIO's open and release are not
 * ours, and each costs a device reset.
 */
static int seq_bind(struct fn_ctx *c)
{
	c->step = "VFIO_DEVICE_BIND_IOMMUFD";
	if (!c->bound) {
		c->bound_armed = 1;
		if (vd_bind(&c->edu.dev, c->edu.iommufd))
			return -1;
	}
	c->bound = 1;
	fn_push(c, FN_HOME, 0, 0, 0);
	if (fn_attach(c, c->home) ||
	    fn_map(c, c->home, c->x, IOVA_X, SZ_64K) ||
	    fn_unmap(c, c->home, IOVA_X, SZ_64K))
		return -1;
	c->step = "VFIO_DEVICE_DETACH_IOMMUFD_PT";
	if (vd_detach(&c->edu.dev))
		return -1;
	c->cur_pt = 0;
	return 0;
}

/* IOAS map and unmap with the device attached: a page, then 64 KiB */
static int seq_map_unmap(struct fn_ctx *c)
{
	if (fn_map(c, c->home, c->x, IOVA_X, SZ_4K) ||
	    fn_map(c, c->home, c->x, IOVA_Y, SZ_64K) ||
	    fn_unmap(c, c->home, IOVA_X, SZ_4K) ||
	    fn_unmap(c, c->home, IOVA_Y, SZ_64K))
		return -1;
	return 0;
}

/* A paging HWPT: replace to it, map and unmap on it, back, destroy */
static int seq_hwpt_paging(struct fn_ctx *c)
{
	__u32 a;

	if (fn_hwpt(c, c->home, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &a))
		return -1;
	fn_push(c, FN_HOME, 0, 0, 0);
	if (fn_attach(c, a) ||
	    fn_map(c, c->home, c->x, IOVA_X, SZ_64K) ||
	    fn_unmap(c, c->home, IOVA_X, SZ_64K) ||
	    fn_attach(c, c->home) ||
	    fn_destroy(c, a))
		return -1;
	return 0;
}

/* A attached, replaced by B; A destroyed while B is attached, then B */
static int seq_destroy_ab(struct fn_ctx *c)
{
	__u32 a, b;

	if (fn_hwpt(c, c->home, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &a) ||
	    fn_hwpt(c, c->home, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &b))
		return -1;
	fn_push(c, FN_HOME, 0, 0, 0);
	if (fn_attach(c, a) || fn_attach(c, b) || fn_destroy(c, a) ||
	    fn_attach(c, c->home) || fn_destroy(c, b))
		return -1;
	return 0;
}

/* B attached, then home; destroyed B first, then A */
static int seq_destroy_ba(struct fn_ctx *c)
{
	__u32 a, b;

	if (fn_hwpt(c, c->home, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &a) ||
	    fn_hwpt(c, c->home, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &b))
		return -1;
	fn_push(c, FN_HOME, 0, 0, 0);
	if (fn_attach(c, b) || fn_attach(c, c->home) ||
	    fn_destroy(c, b) || fn_destroy(c, a))
		return -1;
	return 0;
}

/*
 * A second IOAS with the same pages: replace to its automatic domain and
 * back, then destroy it with its mappings in place.
 */
static int seq_ioas_replace(struct fn_ctx *c)
{
	__u32 ioas;

	if (fn_ioas(c, &ioas) ||
	    fn_map(c, ioas, c->src, IOVA_SRC, SZ_4K) ||
	    fn_map(c, ioas, c->dst, IOVA_DST, SZ_4K))
		return -1;
	fn_push(c, FN_HOME, 0, 0, 0);
	if (fn_attach(c, ioas) || fn_attach(c, c->home))
		return -1;
	/* Destroying the IOAS takes its mappings with it */
	fn_drop(c, FN_UNMAP, ioas, IOVA_DST);
	fn_drop(c, FN_UNMAP, ioas, IOVA_SRC);
	if (fn_destroy(c, ioas)) {
		fn_push(c, FN_UNMAP, ioas, IOVA_SRC, SZ_4K);
		fn_push(c, FN_UNMAP, ioas, IOVA_DST, SZ_4K);
		return -1;
	}
	return 0;
}

#ifdef __aarch64__
/*
 * arm64: nesting as a VMM does it. The stage-1 tables in G (4 KiB
 * granule, 39-bit VA, levels 1 to 3) map IOVA_DST to IPA IOVA_DST, so the
 * survivors' DMA lands in the same page whether the device is on the IOAS,
 * the nest parent or the nested domain.
 */
#define G_SIZE		0x4000UL
#define G_L1		0x0000UL
#define G_L2		0x1000UL
#define G_L3		0x2000UL
#define G_CD		0x3000UL
#define S1_ASID		7ULL
#define VSID		0x42ULL
#define PTE_TABLE	0x3ULL
#define PTE_PAGE	(0x3ULL | (1ULL << 10) | (3ULL << 8) | (1ULL << 6))
#define STE0_V		1ULL
#define STE0_CFG_S1	(5ULL << 1)
#define CMD_TLBI_NH_ASID	0x11ULL
#define CMD_CFGI_CD		0x05ULL
#define PARAM_NONCOHERENT \
	"/sys/module/alist_smmuv3/parameters/allow_noncoherent_viommu"

static void s1_build(uint64_t *g)
{
	memset(g, 0, G_SIZE);
	g[G_L1 / 8] = (IPA_G + G_L2) | PTE_TABLE;
	g[G_L2 / 8 + ((IOVA_DST >> 21) & 511)] = (IPA_G + G_L3) | PTE_TABLE;
	g[G_L3 / 8 + ((IOVA_DST >> 12) & 511)] = IOVA_DST | PTE_PAGE;
	/* T0SZ 25, TG0 4K, WB, ISH, EPD1, V, IPS 44 bits, AA64, R, A, ASET */
	g[G_CD / 8] = 25ULL | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) |
		      (1ULL << 30) | (1ULL << 31) | (4ULL << 32) | (1ULL << 41) |
		      (1ULL << 45) | (1ULL << 46) | (1ULL << 47) | (S1_ASID << 48);
	g[G_CD / 8 + 1] = IPA_G + G_L1;
	g[G_CD / 8 + 3] = 0xff;	/* MAIR attr0: normal WB */
}

static int fn_viommu(struct fn_ctx *c, __u32 parent, __u32 *id)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
		.dev_id = c->edu.dev.dev_id,
		.hwpt_id = parent,
	};

	c->step = "IOMMU_VIOMMU_ALLOC";
	if (ioctl(c->edu.iommufd, IOMMU_VIOMMU_ALLOC, &cmd))
		return -1;
	*id = cmd.out_viommu_id;
	fn_push(c, FN_DESTROY, *id, 0, 0);
	return 0;
}

static int fn_vdevice(struct fn_ctx *c, __u32 viommu, __u32 *id)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu,
		.dev_id = c->edu.dev.dev_id,
		.virt_id = VSID,
	};

	c->step = "IOMMU_VDEVICE_ALLOC";
	if (ioctl(c->edu.iommufd, IOMMU_VDEVICE_ALLOC, &cmd))
		return -1;
	*id = cmd.out_vdevice_id;
	fn_push(c, FN_DESTROY, *id, 0, 0);
	return 0;
}

static int fn_nested(struct fn_ctx *c, __u32 viommu, __u32 *id)
{
	struct iommu_hwpt_arm_smmuv3 vste = {
		.ste = { STE0_V | STE0_CFG_S1 | (IPA_G + G_CD), 0 },
	};

	return fn_hwpt(c, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &vste,
		       sizeof(vste), id);
}

/* The guest's invalidation: its CD and its ASID, through the vIOMMU */
static int fn_viommu_inv(struct fn_ctx *c, __u32 viommu)
{
	struct iommu_viommu_arm_smmuv3_invalidate cmds[2] = {
		{ .cmd = { CMD_CFGI_CD | (VSID << 32), 1 } },
		{ .cmd = { CMD_TLBI_NH_ASID | (S1_ASID << 48), 0 } },
	};
	__u32 num = 2;

	c->step = "IOMMU_HWPT_INVALIDATE";
	if (iommufd_invalidate(c->edu.iommufd, viommu,
			       IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, cmds,
			       sizeof(cmds[0]), &num))
		return -1;
	if (num != 2) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

/*
 * Parent, vIOMMU, vDEVICE, nested; on the nested domain: map and unmap,
 * invalidate. Torn down in reverse (@reverse) or from the bottom up: back
 * home straight from the nested domain, vDEVICE before the nested HWPT.
 */
static int seq_nested(struct fn_ctx *c, int reverse)
{
	__u32 parent, viommu, vdev, nested;

	if (fn_hwpt(c, c->home, IOMMU_HWPT_ALLOC_NEST_PARENT,
		    IOMMU_HWPT_DATA_NONE, NULL, 0, &parent))
		return -1;
	fn_push(c, FN_HOME, 0, 0, 0);
	if (fn_attach(c, parent) ||
	    fn_viommu(c, parent, &viommu) ||
	    fn_vdevice(c, viommu, &vdev) ||
	    fn_nested(c, viommu, &nested))
		return -1;
	fn_push(c, FN_HOME, 0, 0, 0);
	if (fn_attach(c, nested) ||
	    fn_map(c, c->home, c->x, IOVA_X, SZ_64K) ||
	    fn_viommu_inv(c, viommu) ||
	    fn_unmap(c, c->home, IOVA_X, SZ_64K))
		return -1;
	if (reverse) {
		if (fn_attach(c, parent) || fn_destroy(c, nested) ||
		    fn_destroy(c, vdev) || fn_destroy(c, viommu) ||
		    fn_attach(c, c->home) || fn_destroy(c, parent))
			return -1;
		return 0;
	}
	if (fn_attach(c, c->home) || fn_destroy(c, vdev) ||
	    fn_destroy(c, nested) || fn_destroy(c, viommu) ||
	    fn_destroy(c, parent))
		return -1;
	return 0;
}

static int seq_nested_reverse(struct fn_ctx *c)
{
	return seq_nested(c, 1);
}

static int seq_nested_bottom_up(struct fn_ctx *c)
{
	return seq_nested(c, 0);
}

static int fn_viommu_allowed(void)
{
	char buf[8] = "";

	return vd_get_str(PARAM_NONCOHERENT, buf, sizeof(buf)) > 0 &&
	       buf[0] == 'Y';
}
#endif /* __aarch64__ */

/*
 * x86_64: VFIO_DEVICE_BIND_IOMMUFD enables the PCI device, which
 * evaluates the ACPI _PRT method, and ACPICA does not survive an
 * allocation failing there: a later _PRT evaluation (the release's
 * pci_disable_device()) reads freed memory (KASAN slab-use-after-free in
 * acpi_ns_get_attached_object()). Not our code: on x86_64 the bind
 * sequence binds before it arms fail-nth, unless alist_fnth_bind_acpi=1
 * (to reproduce). arm64 (device tree) sweeps the bind itself.
 */
static int fn_bind_unarmed(void)
{
#ifdef __x86_64__
	return !getenv("alist_fnth_bind_acpi");
#else
	return 0;
#endif
}

/* Injected failures come back as one of these */
static int fn_clean_errno(int err)
{
	return err == ENOMEM || err == EFAULT || err == ENOSPC;
}

/* Open iommufd and the device, the home IOAS and its mappings */
static int fn_setup(struct fn_ctx *c, int own_device, const char **why)
{
	memset(c, 0, sizeof(*c));
	edu_reset(&c->edu);
	c->fnth = -1;
	*why = "no edu device";
	if (vd_find_pci(EDU_VENDOR, EDU_DEVICE, c->bdf, sizeof(c->bdf)))
		return -1;
	*why = "cannot bind edu to vfio-pci";
	if (vd_vfio_cdev(c->bdf, c->cdev, sizeof(c->cdev)))
		return -1;
	*why = "fault attributes (debugfs failslab, fail_page_alloc)";
	if (fnth_configure())
		return -1;
	*why = "fail-nth";
	c->fnth = fnth_open();
	if (c->fnth < 0)
		return -1;
	*why = "pages";
	c->src = edu_pages(SZ_4K);
	c->dst = edu_pages(SZ_4K);
	c->x = edu_pages(SZ_64K);
	c->g = edu_pages(SZ_64K);
	if (!c->src || !c->dst || !c->x || !c->g)
		return -1;
	memset(c->src, FN_PATTERN, SZ_4K);
	*why = "open /dev/iommu";
	c->edu.iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (c->edu.iommufd < 0)
		return -1;
	*why = "IOAS";
	if (iommufd_ioas_alloc(c->edu.iommufd, &c->home) ||
	    iommufd_map_fixed(c->edu.iommufd, c->home, c->src, IOVA_SRC, SZ_4K) ||
	    iommufd_map_fixed(c->edu.iommufd, c->home, c->dst, IOVA_DST, SZ_4K))
		return -1;
	c->cur_pt = c->home;
#ifdef __aarch64__
	s1_build(c->g);
	if (iommufd_map_fixed(c->edu.iommufd, c->home, c->g, IPA_G, G_SIZE))
		return -1;
#endif
	*why = "bind edu";
	if (fn_bind(c) || edu_attach(&c->edu, c->home))
		return -1;
	c->nundo = 0;
	/* edu's buffer holds the pattern from here on: the check writes it */
	*why = "DMA";
	if (edu_dma(&c->edu, IOVA_SRC, SZ_4K, 0) || fn_dma_ok(c))
		return -1;
	if (own_device)
		fn_unbind(c);
	*why = "object IDs";
	if (fn_probe_id(c, &c->next_id))
		return -1;
	*why = NULL;
	return 0;
}

static void fn_teardown(struct fn_ctx *c)
{
	if (c->fnth >= 0)
		close(c->fnth);
	edu_close(&c->edu);
}

/*
 * For a sequence that binds the device itself, after the undo: if the
 * bind held, the device on the home IOAS still does DMA; then it is
 * closed. A bind that failed is tried again by the next run.
 *
 * One kernel behaviour is allowed for: the bind (VFIO's first open of the
 * device) requests and iomaps every BAR eagerly and takes a failure there
 * as soft (vfio_pci_core_map_bars() in drivers/vfio/pci/vfio_pci_core.c
 * stores ERR_PTR(-EBUSY) in vdev->barmap[] when the region request fails,
 * ERR_PTR(-ENOMEM) when pci_iomap() does, and the open succeeds); every
 * later mmap() of that BAR fails with what it stored (vfio_pci_core_mmap()
 * -> vfio_pci_core_get_iomap()) until the device is closed
 * (vfio_pci_core_disable() clears barmap[], nothing else writes it). So
 * after a run with an armed bind that absorbed the fault (@absorbed: met
 * and every ioctl succeeded), ENOMEM or EBUSY from the BAR's mmap is
 * counted in @bar_soft, the DMA check is skipped for that run, and the
 * close undoes it.
 */
static int fn_bound_dma_ok(struct fn_ctx *c, int absorbed)
{
	int rc = 0;

	if (c->bound) {
		c->step = "check: config space";
		rc = vd_enable_dma(&c->edu.dev);
		if (!rc) {
			c->step = "check: attach";
			rc = edu_attach(&c->edu, c->home);
		}
		if (!rc) {
			c->step = "check: mmap BAR0";
			rc = edu_map_bar(&c->edu);
			if (rc && absorbed && c->bound_armed &&
			    (errno == ENOMEM || errno == EBUSY)) {
				c->bar_soft++;
				fn_unbind(c);
				return 0;
			}
		}
		if (!rc) {
			c->step = "check: DMA";
			rc = edu_dma(&c->edu, IOVA_SRC, SZ_4K, 0);
		}
		if (!rc)
			rc = fn_dma_ok(c);
	}
	fn_unbind(c);
	return rc;
}

/* A positive number from the environment (the guest's command line) */
static unsigned int fn_env_uint(const char *name, unsigned int dflt)
{
	const char *v = getenv(name);
	unsigned long n = v ? strtoul(v, NULL, 10) : 0;

	return n && n < 1000 ? n : dflt;
}

static double fn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The sweep: N = 1, 2, ... until the sequence runs with no fault
 * injected. Returns through the harness's asserts on the first problem.
 */
static void fn_sweep(struct __test_metadata *_metadata, struct fn_ctx *c,
		     const struct fn_seq *seq)
{
	unsigned int n, left = 0, failed = 0, absorbed = 0;
	char extra[48];
	double t0 = fn_now();
	int injected = 0;
	/* alist_fnth_trace=1 on the guest's command line: every N logged */
	int trace = !!getenv("alist_fnth_trace");
	unsigned int stride = getenv("alist_fnth_full") ? 1 :
			      seq->stride * fn_env_uint("alist_fnth_stride", 1);
	int bind_unarmed = fn_bind_unarmed();

	for (n = 1; n <= FNTH_MAX; n += stride) {
		int rc, err;
		__u32 id;

		if (trace)
			fprintf(stderr, "# %s N=%u\n", seq->name, n);
		c->nundo = 0;
		c->cur_pt = c->home;
		c->step = "";
		c->bound_armed = 0;
		if (seq->own_device)
			ASSERT_EQ(0, vd_open_cdev(&c->edu.dev, c->bdf, c->cdev));
		if (seq->own_device && bind_unarmed) {
			ASSERT_EQ(0, vd_bind(&c->edu.dev, c->edu.iommufd));
			c->bound = 1;
		}
		ASSERT_EQ(0, fnth_arm(c->fnth, n));
		rc = seq->run(c);
		err = errno;
		injected = fnth_disarm(c->fnth, &left);
		ASSERT_LE(0, injected);
		if (rc) {
			if (!injected || !fn_clean_errno(err))
				TH_LOG("%s: N=%u: %s failed (%s), fault %sinjected",
				       seq->name, n, c->step, strerror(err),
				       injected ? "" : "not ");
			ASSERT_TRUE(injected);
			ASSERT_TRUE(fn_clean_errno(err));
			failed++;
		} else if (injected) {
			absorbed++;
		}
		/* What existed before the run still translates */
		if (!seq->own_device && c->cur_pt && fn_dma_ok(c)) {
			TH_LOG("%s: N=%u (%s: %s): DMA through the device's domain: %s",
			       seq->name, n, c->step, rc ? strerror(err) : "ok",
			       strerror(errno));
			ASSERT_TRUE(0);
		}
		if (fn_undo(c)) {
			TH_LOG("%s: N=%u (%s): undo: %s", seq->name, n, c->step,
			       strerror(errno));
			ASSERT_TRUE(0);
		}
		if (seq->own_device && fn_bound_dma_ok(c, injected && !rc)) {
			int e = errno;

			TH_LOG("%s: N=%u: run %s, fault %sinjected", seq->name, n,
			       rc ? strerror(err) : "ok", injected ? "" : "not ");
			errno = e;
			TH_LOG("%s: N=%u (%s): DMA after the undo: %s",
			       seq->name, n, c->step, strerror(errno));
			ASSERT_TRUE(0);
		}
		/* Nothing left behind in iommufd's object table */
		ASSERT_EQ(0, fn_expected_id(c, &c->next_id));
		ASSERT_EQ(0, fn_probe_id(c, &id));
		if (id != c->next_id)
			TH_LOG("%s: N=%u (%s): an object was left behind (next ID %u, not %u)",
			       seq->name, n, c->step, id, c->next_id);
		ASSERT_EQ(c->next_id, id);
		if (!injected)
			break;
	}
	ASSERT_FALSE(injected);
	/* The sweep meant something: at least its first point was injected */
	ASSERT_LT(0U, failed + absorbed);
	extra[0] = 0;
	if (c->bar_soft)
		snprintf(extra, sizeof(extra), ", VFIO BAR iomap soft-failed %u",
			 c->bar_soft);
	ksft_print_msg("fail-nth %s: %u points (%u tried: %u failed with an errno, ",
		       seq->name, n - left, failed + absorbed, failed);
	printf("%u absorbed; VFIO detached %u%s), %.1f s\n", absorbed,
	       c->vfio_detached, extra, fn_now() - t0);
	fflush(stdout);
}

static const struct fn_seq fn_seqs[] = {
	{ "bind", seq_bind, 1, FN_BIND_STRIDE },
	{ "map_unmap", seq_map_unmap, 0, 1 },
	{ "hwpt_paging", seq_hwpt_paging, 0, 1 },
	{ "destroy_ab", seq_destroy_ab, 0, 1 },
	{ "destroy_ba", seq_destroy_ba, 0, 1 },
	{ "ioas_replace", seq_ioas_replace, 0, 1 },
#ifdef __aarch64__
	{ "nested_reverse", seq_nested_reverse, 0, 1 },
	{ "nested_bottom_up", seq_nested_bottom_up, 0, 1 },
#endif
};

FIXTURE(fail_nth) {
	struct fn_ctx c;
};

FIXTURE_VARIANT(fail_nth) {
	const struct fn_seq *seq;
};

FIXTURE_VARIANT_ADD(fail_nth, bind) { .seq = &fn_seqs[0] };
FIXTURE_VARIANT_ADD(fail_nth, map_unmap) { .seq = &fn_seqs[1] };
FIXTURE_VARIANT_ADD(fail_nth, hwpt_paging) { .seq = &fn_seqs[2] };
FIXTURE_VARIANT_ADD(fail_nth, destroy_ab) { .seq = &fn_seqs[3] };
FIXTURE_VARIANT_ADD(fail_nth, destroy_ba) { .seq = &fn_seqs[4] };
FIXTURE_VARIANT_ADD(fail_nth, ioas_replace) { .seq = &fn_seqs[5] };
#ifdef __aarch64__
FIXTURE_VARIANT_ADD(fail_nth, nested_reverse) { .seq = &fn_seqs[6] };
FIXTURE_VARIANT_ADD(fail_nth, nested_bottom_up) { .seq = &fn_seqs[7] };
#endif

FIXTURE_SETUP(fail_nth)
{
	const char *why;

#ifdef __aarch64__
	if (variant->seq->run == seq_nested_reverse ||
	    variant->seq->run == seq_nested_bottom_up) {
		if (!fn_viommu_allowed())
			SKIP(return, "no vSMMU: allow_noncoherent_viommu off");
	}
#endif
	if (fn_setup(&self->c, variant->seq->own_device, &why)) {
		/* A kernel without FAILSLAB, FAIL_PAGE_ALLOC or fail-nth */
		if (!strcmp(why, "no edu device") ||
		    (errno == ENOENT && (!strcmp(why, "fail-nth") ||
					 !strncmp(why, "fault attributes", 16))))
			SKIP(return, "%s: %s", why, strerror(errno));
		TH_LOG("setup: %s: %s", why, strerror(errno));
		ASSERT_EQ(NULL, why);
	}
}

FIXTURE_TEARDOWN(fail_nth)
{
	fn_teardown(&self->c);
}

TEST_F_TIMEOUT(fail_nth, sweep, FN_TIMEOUT)
{
	fn_sweep(_metadata, &self->c, variant->seq);
}

TEST_HARNESS_MAIN
