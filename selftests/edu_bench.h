/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest half of make bench, shared by the DMA programs' "bench" modes
 * (vtd_dma, smmu_dma), header only: the workloads' phases, the edu markers
 * and the clock around each measured operation, and the ALIST-BENCH lines
 * that scripts/bench-guest.py reads on the host.
 *
 * Each measured operation is bracketed by two writes to edu's liveness
 * register (BAR0 + 0x04, harmless), which QEMU traces
 * (memory_region_ops_write) in the same stream as the invalidations its
 * IOMMU executes, so the host counts them per operation on the QEMU side,
 * the same way for every driver. Inside the markers, CLOCK_MONOTONIC is
 * read just before and just after the ioctl: the round trip from user
 * space, BENCH_TIMED times per workload, reported as p50 and p99. Our
 * debugfs counters, when there are any, are read outside the marked window
 * of the first BENCH_ITERS operations and printed next to them.
 *
 * Lines on stdout, for the host:
 *   ALIST-BENCH start prog=P counters=C iters=K timed=T
 *   ALIST-BENCH phase id=N name=W op=O req=R [domain=D] [K=V ...]
 *   ALIST-BENCH result id=N ops=K dbg_ops=J dbg_cmds=C dbg_syncs=S
 *               p50_ns=X p99_ns=Y                  (dbg_* - without ours)
 *   ALIST-BENCH error id=N what=...
 *   ALIST-BENCH end rc=R
 * R (req) is the number of 4 KiB pages the operation asks to invalidate,
 * 0 where that means nothing (attach, vIOMMU arrays).
 */
#ifndef ALIST_SELFTEST_EDU_BENCH_H
#define ALIST_SELFTEST_EDU_BENCH_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edu.h"

#define BENCH_ITERS		32	/* checked by DMA, debugfs read around */
#define BENCH_TIMED		1000	/* operations per workload, all timed */
#define BENCH_MARK_BEGIN	0xab100000U
#define BENCH_MARK_END		0xab200000U
#define BENCH_PG		0x1000UL

/**
 * struct bench_phase - one workload: one kind of measured operation
 * @id: its number in the ALIST-BENCH lines and in the markers (< 4096)
 * @name: the workload's name in the tables (no spaces)
 * @op: "unmap", "viommu_inv", "attach", "replace", "detach"
 * @req: 4 KiB pages each operation asks to invalidate (0: not a range)
 * @domain: the kind of domain, NULL to leave it out of the phase line
 * @extra: more key=value pairs for the phase line, NULL for none
 * @ops: operations done
 * @dbg_ops: operations with debugfs counts around them
 * @cmds: commands (descriptors) our driver counted over those
 * @syncs: syncs (waits) our driver counted over those
 * @no_dbg: some operation had no debugfs counters
 * @ns: round trip of each operation, nanoseconds
 */
struct bench_phase {
	unsigned int id;
	const char *name;
	const char *op;
	unsigned int req;
	const char *domain;
	const char *extra;
	unsigned int ops, dbg_ops;
	long long cmds, syncs;
	int no_dbg;
	uint64_t *ns;
};

/* Our counters and the clock at the start of one operation */
struct bench_snap {
	long long cmds, syncs;	/* negative: not available */
	struct timespec t;
};

/* Each program defines it: its driver's counters, or -1 without them */
static void bench_snap(struct edu *e, struct bench_snap *s);

static inline void bench_mark(struct edu *e, uint32_t v)
{
	edu_w32(e, EDU_LIVENESS, v);
}

static inline int bench_counting(const struct bench_phase *ph)
{
	return ph->ops < BENCH_ITERS;
}

/* Right before the ioctl: counters (first operations only), marker, clock */
static inline void bench_begin(struct edu *e, struct bench_phase *ph,
			       struct bench_snap *s0)
{
	if (bench_counting(ph))
		bench_snap(e, s0);
	bench_mark(e, BENCH_MARK_BEGIN | ph->id);
	clock_gettime(CLOCK_MONOTONIC, &s0->t);
}

/* Right after it: clock, marker, counters; one operation of @ph done */
static inline void bench_end(struct edu *e, struct bench_phase *ph,
			     const struct bench_snap *s0)
{
	struct bench_snap s1;
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	bench_mark(e, BENCH_MARK_END | ph->id);
	if (ph->ns && ph->ops < BENCH_TIMED)
		ph->ns[ph->ops] = (uint64_t)(t.tv_sec - s0->t.tv_sec) * 1000000000ULL +
				  (uint64_t)t.tv_nsec - (uint64_t)s0->t.tv_nsec;
	if (!bench_counting(ph)) {
		ph->ops++;
		return;
	}
	ph->ops++;
	ph->dbg_ops++;
	bench_snap(e, &s1);
	if (s0->cmds < 0 || s0->syncs < 0 || s1.cmds < 0 || s1.syncs < 0) {
		ph->no_dbg = 1;
		return;
	}
	ph->cmds += s1.cmds - s0->cmds;
	ph->syncs += s1.syncs - s0->syncs;
}

static inline void bench_announce(struct bench_phase *ph)
{
	ph->ns = calloc(BENCH_TIMED, sizeof(*ph->ns));
	printf("ALIST-BENCH phase id=%u name=%s op=%s req=%u", ph->id,
	       ph->name, ph->op, ph->req);
	if (ph->domain)
		printf(" domain=%s", ph->domain);
	if (ph->extra)
		printf(" %s", ph->extra);
	printf("\n");
	fflush(stdout);
}

static inline int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The @pct percentile of the round trips (nearest rank), 0 without any */
static inline uint64_t bench_pct(const struct bench_phase *ph,
				 const uint64_t *sorted, unsigned int pct)
{
	unsigned int n = ph->ops < BENCH_TIMED ? ph->ops : BENCH_TIMED;
	unsigned int rank = (n * pct + 99) / 100;

	return n ? sorted[rank ? rank - 1 : 0] : 0;
}

static inline void bench_report(struct bench_phase *ph)
{
	unsigned int n = ph->ops < BENCH_TIMED ? ph->ops : BENCH_TIMED;
	uint64_t p50 = 0, p99 = 0;

	if (ph->ns) {
		qsort(ph->ns, n, sizeof(*ph->ns), bench_cmp_u64);
		p50 = bench_pct(ph, ph->ns, 50);
		p99 = bench_pct(ph, ph->ns, 99);
	}
	printf("ALIST-BENCH result id=%u ops=%u dbg_ops=%u", ph->id, ph->ops,
	       ph->dbg_ops);
	if (!ph->no_dbg)
		printf(" dbg_cmds=%lld dbg_syncs=%lld", ph->cmds, ph->syncs);
	else
		printf(" dbg_cmds=- dbg_syncs=-");
	printf(" p50_ns=%llu p99_ns=%llu\n", (unsigned long long)p50,
	       (unsigned long long)p99);
	fflush(stdout);
	free(ph->ns);
	ph->ns = NULL;
}

/* The last line; returns the program's exit status */
static inline int bench_finish(int rc)
{
	printf("ALIST-BENCH end rc=%d\n", rc ? 1 : 0);
	return rc ? 1 : 0;
}

static inline int bench_fail(unsigned int id, const char *what)
{
	printf("ALIST-BENCH error id=%u what=%s errno=%d\n", id, what, errno);
	fflush(stdout);
	return -1;
}

/*
 * The shape of an unmap workload: IOAS areas at page offsets from the
 * workload's base IOVA, unmapped by one IOAS_UNMAP over their span.
 */
struct bench_area {
	unsigned int first, pages;
};

struct bench_shape {
	const struct bench_area *areas;
	unsigned int n;
};

static inline unsigned int bench_shape_req(const struct bench_shape *s)
{
	unsigned int i, req = 0;

	for (i = 0; i < s->n; i++)
		req += s->areas[i].pages;
	return req;
}

static inline unsigned int bench_shape_end(const struct bench_shape *s)
{
	return s->areas[s->n - 1].first + s->areas[s->n - 1].pages;
}

/*
 * Checks that the mapping works before it is unmapped: called for the
 * first BENCH_ITERS operations with the last page of the shape, its CPU
 * address and its IOVA, and the operation's number.
 */
typedef int (*bench_dma_check)(struct edu *e, uint8_t *page, __u64 iova,
			       unsigned int i);

/*
 * An unmap workload: BENCH_TIMED times { map the areas (one IOAS_MAP
 * each), for the first operations a DMA through the last page, then the
 * measured IOAS_UNMAP of the span }. @base: the IOVA of page 0 (64 KiB
 * aligned at least, so the shape's offsets are its alignment).
 */
static inline int bench_unmap(struct edu *e, struct bench_phase *ph,
			      const struct bench_shape *s, __u64 base,
			      bench_dma_check check)
{
	unsigned int end = bench_shape_end(s), i, a;
	const struct bench_area *last = &s->areas[s->n - 1];
	unsigned int lastpg = last->first + last->pages - 1;
	__u64 first = base + s->areas[0].first * BENCH_PG;
	struct bench_snap s0;
	uint8_t *buf;

	buf = edu_pages(end * BENCH_PG);
	if (!buf)
		return bench_fail(ph->id, "mmap");
	ph->req = bench_shape_req(s);
	bench_announce(ph);
	for (i = 0; i < BENCH_TIMED; i++) {
		for (a = 0; a < s->n; a++) {
			const struct bench_area *ar = &s->areas[a];

			if (edu_map(e, buf + ar->first * BENCH_PG,
				    base + ar->first * BENCH_PG, ar->pages * BENCH_PG))
				return bench_fail(ph->id, "IOMMU_IOAS_MAP");
		}
		if (i < BENCH_ITERS && check &&
		    check(e, buf + lastpg * BENCH_PG, base + lastpg * BENCH_PG, i))
			return -1;
		bench_begin(e, ph, &s0);
		if (edu_unmap(e, first, base + end * BENCH_PG - first))
			return bench_fail(ph->id, "IOMMU_IOAS_UNMAP");
		bench_end(e, ph, &s0);
	}
	munmap(buf, end * BENCH_PG);
	bench_report(ph);
	return 0;
}

/* The unmap shapes both programs run (pages of 4 KiB, from page 0) */
static const struct bench_area bench_a1[] = { { 0, 1 } };
static const struct bench_area bench_a1_2[] = { { 1, 2 } };
static const struct bench_area bench_a1_6[] = { { 1, 6 } };
static const struct bench_area bench_a3_7[] = { { 3, 5 } };
static const struct bench_area bench_a5_17[] = { { 5, 13 } };
static const struct bench_area bench_a16[] = { { 0, 16 } };
static const struct bench_area bench_scatter4[] = { { 0, 1 }, { 2, 1 }, { 5, 1 }, { 9, 1 } };
/* An exact VT-d cover of 18 descriptors: over the 16 of the whole-tag threshold */
static const struct bench_area bench_a1_1022[] = { { 1, 1022 } };

#define BENCH_SHAPE(a)	{ a, sizeof(a) / sizeof((a)[0]) }

/*
 * One attach/replace/detach cycle per iteration, each step measured as
 * its own workload: attach to @a from no domain, replace @a by @b, detach.
 * @attach/@detach: the program's VFIO cdev calls.
 */
static inline int bench_cycle(struct edu *e, struct bench_phase *ph, __u32 a,
			      __u32 b, int (*attach)(struct edu *, __u32),
			      int (*detach)(struct edu *))
{
	struct bench_snap s0;
	unsigned int i;

	bench_announce(&ph[0]);
	bench_announce(&ph[1]);
	bench_announce(&ph[2]);
	for (i = 0; i < BENCH_TIMED; i++) {
		bench_begin(e, &ph[0], &s0);
		if (attach(e, a))
			return bench_fail(ph[0].id, "attach");
		bench_end(e, &ph[0], &s0);
		bench_begin(e, &ph[1], &s0);
		if (attach(e, b))
			return bench_fail(ph[1].id, "replace");
		bench_end(e, &ph[1], &s0);
		bench_begin(e, &ph[2], &s0);
		if (detach(e))
			return bench_fail(ph[2].id, "detach");
		bench_end(e, &ph[2], &s0);
	}
	bench_report(&ph[0]);
	bench_report(&ph[1]);
	bench_report(&ph[2]);
	return 0;
}

#endif /* ALIST_SELFTEST_EDU_BENCH_H */
