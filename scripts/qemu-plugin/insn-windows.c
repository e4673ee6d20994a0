// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin for make bench (BENCH_FUNCS=1): how many guest
 * instructions each translated block executed inside the bench program's
 * marked operations, per workload.
 *
 * The program marks an operation by writing 0xab100000 | id to edu's
 * liveness register before it and 0xab200000 | id after it. The plugin
 * watches stores to MMIO made from user space (kernel blocks get no
 * memory callback, so the guest kernel runs at full plugin speed), and
 * counts every block executed while a window is open, on any vCPU. With
 * -icount the vCPUs run one at a time, so the counts are exact.
 *
 * Output (out=FILE), read by scripts/bench-funcs.py:
 *	W <id> <operations>
 *	B <id> <block start, hex> <instructions executed in windows of id>
 * and with trace=ID:K, FILE.trace: every block of the K-th operation of
 * workload ID in execution order ("<start, hex> <instructions>"), for
 * reading one operation's call sequence.
 *
 * Built by scripts/bench-guest.sh with the host's gcc, against
 * plugin-api.h: once for QEMU 10.0 (plugin API 4), once with
 * -DALIST_PLUGIN_API=7 for QEMU 11.1.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin-api.h"

EXPORT int qemu_plugin_version = ALIST_PLUGIN_API;

#define MARK_MASK	0xfff00000u
#define MARK_BEGIN	0xab100000u
#define MARK_END	0xab200000u
#define MAX_IDS		4096	/* ids are 12 bits */
#define MAX_WORKLOADS	48	/* distinct ids one run may use */

/* One translation of a block; a retranslation gets its own. */
struct block {
	uint64_t start;
	uint32_t insns;
	struct block *next;
	uint64_t runs[MAX_WORKLOADS];	/* executions, per workload slot */
};

static struct block *blocks;
static int slot_of_id[MAX_IDS];		/* slot + 1, 0: none yet */
static int id_of_slot[MAX_WORKLOADS];
static uint64_t ops_of_slot[MAX_WORKLOADS];
static int nslots;
static int open_slot = -1;		/* the window open now, -1: none */
static const char *out_path = "insn-windows.out";
static int trace_id = -1;
static unsigned long long trace_op;
static FILE *trace_file;
static bool tracing;

static void block_exec(unsigned int vcpu, void *udata)
{
	struct block *b = udata;

	if (open_slot < 0)
		return;
	b->runs[open_slot]++;
	if (tracing)
		fprintf(trace_file, "%llx %u\n", (unsigned long long)b->start, b->insns);
}

static void user_store(unsigned int vcpu, qemu_plugin_meminfo_t info,
		       uint64_t vaddr, void *udata)
{
	struct qemu_plugin_hwaddr *h = qemu_plugin_get_hwaddr(info, vaddr);
	struct plugin_mem_value v;
	uint32_t id;

	if (!h || !qemu_plugin_hwaddr_is_io(h))
		return;
	v = qemu_plugin_mem_get_value(info);
	if (v.type != PLUGIN_MEM_VALUE_U32)
		return;
	id = v.data.u32 & (MAX_IDS - 1);
	if ((v.data.u32 & MARK_MASK) == MARK_BEGIN) {
		if (!slot_of_id[id]) {
			if (nslots == MAX_WORKLOADS)
				return;
			id_of_slot[nslots] = id;
			slot_of_id[id] = ++nslots;
		}
		open_slot = slot_of_id[id] - 1;
		ops_of_slot[open_slot]++;
		tracing = trace_file && (int)id == trace_id &&
			  ops_of_slot[open_slot] == trace_op;
	} else if ((v.data.u32 & MARK_MASK) == MARK_END) {
		open_slot = -1;
		tracing = false;
	}
}

#if ALIST_PLUGIN_API >= 7
static void block_translated(struct qemu_plugin_tb *tb, void *udata)
#else
static void block_translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
#endif
{
	struct block *b = calloc(1, sizeof(*b));
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	if (!b)
		return;
	b->start = qemu_plugin_tb_vaddr(tb);
	b->insns = n;
	b->next = blocks;
	blocks = b;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, block_exec, PLUGIN_CB_NO_REGS, b);
	/* The markers come from user space: both guests' user halves are below 2^47 */
	if (b->start >> 47)
		return;
	for (i = 0; i < n; i++)
		qemu_plugin_register_vcpu_mem_cb(qemu_plugin_tb_get_insn(tb, i),
						 user_store, PLUGIN_CB_NO_REGS,
						 PLUGIN_MEM_W, NULL);
}

#if ALIST_PLUGIN_API >= 7
static void write_counts(void *udata)
#else
static void write_counts(qemu_plugin_id_t id, void *udata)
#endif
{
	FILE *f = fopen(out_path, "w");
	struct block *b;
	int s;

	if (!f)
		return;
	for (s = 0; s < nslots; s++)
		fprintf(f, "W %d %llu\n", id_of_slot[s],
			(unsigned long long)ops_of_slot[s]);
	for (b = blocks; b; b = b->next)
		for (s = 0; s < nslots; s++)
			if (b->runs[s])
				fprintf(f, "B %d %llx %llu\n", id_of_slot[s],
					(unsigned long long)b->start,
					(unsigned long long)(b->runs[s] * b->insns));
	fclose(f);
	if (trace_file)
		fclose(trace_file);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
			       int argc, char **argv)
{
	char path[4096];
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out_path = argv[i] + 4;
		} else if (!strncmp(argv[i], "trace=", 6)) {
			if (sscanf(argv[i] + 6, "%d:%llu", &trace_id, &trace_op) != 2)
				return -1;
		} else {
			fprintf(stderr, "insn-windows: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	if (trace_id >= 0) {
		snprintf(path, sizeof(path), "%s.trace", out_path);
		trace_file = fopen(path, "w");
		if (!trace_file)
			return -1;
	}
#if ALIST_PLUGIN_API >= 7
	qemu_plugin_register_vcpu_tb_trans_cb(id, block_translated, NULL);
#else
	qemu_plugin_register_vcpu_tb_trans_cb(id, block_translated);
#endif
	qemu_plugin_register_atexit_cb(id, write_counts, NULL);
	return 0;
}
