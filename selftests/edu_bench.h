/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest half of make bench, shared by the DMA programs' "bench" modes
 * (vtd_dma, smmu_dma), header only: the phases of the fixed workload, the
 * edu markers around each measured operation and the ALIST-BENCH lines
 * that scripts/bench-guest.py reads on the host.
 *
 * Each measured operation is bracketed by two writes to edu's liveness
 * register (BAR0 + 0x04, harmless), which QEMU traces
 * (memory_region_ops_write) in the same stream as the invalidations its
 * IOMMU executes, so the host counts them per operation on the QEMU side,
 * the same way for every driver. Our debugfs counters, when there are
 * any, are read outside the marked window and printed next to them.
 *
 * Lines on stdout, for the host:
 *   ALIST-BENCH start prog=P counters=C iters=K
 *   ALIST-BENCH phase id=N op=O pages=P areas=A [domain=D]
 *   ALIST-BENCH result id=N ops=K dbg_cmds=C dbg_syncs=S   (- without ours)
 *   ALIST-BENCH error id=N what=...
 *   ALIST-BENCH end rc=R
 */
#ifndef ALIST_SELFTEST_EDU_BENCH_H
#define ALIST_SELFTEST_EDU_BENCH_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "edu.h"

#define BENCH_ITERS		32
#define BENCH_MARK_BEGIN	0xab100000U
#define BENCH_MARK_END		0xab200000U
#define BENCH_SPAN		16	/* pages of the contiguous phase */

/**
 * struct bench_phase - one measured kind of operation
 * @id: its number in the ALIST-BENCH lines
 * @op: "map", "unmap", "viommu_inv"
 * @pages: pages per operation
 * @areas: IOAS areas (or array entries) per operation
 * @domain: the kind of domain, NULL to leave it out of the phase line
 * @ops: operations done
 * @cmds: commands (descriptors) our driver counted over them
 * @syncs: syncs (waits) our driver counted over them
 * @no_dbg: some operation had no debugfs counters
 */
struct bench_phase {
	unsigned int id;
	const char *op;
	unsigned int pages, areas;
	const char *domain;
	unsigned int ops;
	long long cmds, syncs;
	int no_dbg;
};

/* Our counters at one point; negative: not available */
struct bench_snap {
	long long cmds, syncs;
};

/* Each program defines it: its driver's counters, or -1 without them */
static void bench_snap(struct edu *e, struct bench_snap *s);

static inline void bench_mark(struct edu *e, uint32_t v)
{
	edu_w32(e, EDU_LIVENESS, v);
}

/* Our counters are read outside the marked window: reading queues nothing */
static inline void bench_begin(struct edu *e, struct bench_phase *ph,
			       struct bench_snap *s0)
{
	bench_snap(e, s0);
	bench_mark(e, BENCH_MARK_BEGIN | ph->id);
}

/* One operation of @ph done since bench_begin() took @s0 */
static inline void bench_end(struct edu *e, struct bench_phase *ph,
			     const struct bench_snap *s0)
{
	struct bench_snap s1;

	bench_mark(e, BENCH_MARK_END | ph->id);
	bench_snap(e, &s1);
	ph->ops++;
	if (s0->cmds < 0 || s0->syncs < 0 || s1.cmds < 0 || s1.syncs < 0) {
		ph->no_dbg = 1;
		return;
	}
	ph->cmds += s1.cmds - s0->cmds;
	ph->syncs += s1.syncs - s0->syncs;
}

static inline void bench_announce(const struct bench_phase *ph)
{
	printf("ALIST-BENCH phase id=%u op=%s pages=%u areas=%u", ph->id,
	       ph->op, ph->pages, ph->areas);
	if (ph->domain)
		printf(" domain=%s", ph->domain);
	printf("\n");
	fflush(stdout);
}

static inline void bench_report(const struct bench_phase *ph)
{
	if (!ph->no_dbg)
		printf("ALIST-BENCH result id=%u ops=%u dbg_cmds=%lld dbg_syncs=%lld\n",
		       ph->id, ph->ops, ph->cmds, ph->syncs);
	else
		printf("ALIST-BENCH result id=%u ops=%u dbg_cmds=- dbg_syncs=-\n",
		       ph->id, ph->ops);
	fflush(stdout);
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

#endif /* ALIST_SELFTEST_EDU_BENCH_H */
