/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Invalidation batching: the C API of the core for the drivers.
 *
 * A driver describes what changed (an inclusive byte range per unmap, as
 * struct iommu_iotlb_gather does, or "everything"), then walks the domain's
 * sorted target array through a resumable cursor. Each call fills a
 * caller-provided batch: a command buffer cut into chunks, each "commands
 * for ONE instance, then maybe a sync" (VT-d wait descriptor, SMMUv3
 * CMD_SYNC), in the order they must be issued. A batch with room for a
 * domain's whole flush gets it in one call. No callbacks: the driver owns
 * its queues, the core only decides what goes into them.
 *
 * The calling sequence, as the shared layer runs it (domain/flush.c,
 * alist_flush_range() and the alist_flush_walk() it inlines); drivers
 * call that layer:
 *
 *	struct alist_cmd cmds[ALIST_FLUSH_BATCH];
 *	struct alist_inv_chunk chunks[ALIST_FLUSH_CHUNKS];
 *	struct alist_inv_batch b = ALIST_INV_BATCH_INIT(cmds, chunks);
 *	const struct alist_target *t;
 *	struct alist_inv_cursor cur;
 *	unsigned int n;
 *	int nr;
 *
 *	smp_mb();	// PTE clears before the list read (the attach's pair)
 *	alist_inv_cursor_init(&cur, ALIST_INV_LEAF, granule_lg2);
 *	alist_inv_cursor_add_range(&cur, gather->start, gather->end);
 *	t = alist_view_entries(alist_list_read_begin(list), &n);
 *	do {
 *		nr = alist_vtd_inv_fill(&cur, params, t, n, &b);
 *		if (nr < 0)
 *			break;
 *		q->ops->submit(q->owner, &b, nr);	// chunk by chunk
 *	} while (!b.done);
 *	alist_list_read_end();
 *
 * The VT-d and SMMUv3 entry points are two instantiations of one C++
 * template (core/inv/batcher.h), so the rules below hold for both.
 *
 * Rules the core applies (Documentation/core-invalidation.rst):
 *  - dead targets (users == 0) are skipped; each distinct cache tag is
 *    named once, each device TLB once;
 *  - ranges are merged (overlapping and adjacent); each is encoded into
 *    the fewest commands that cover it exactly, or into one wider command
 *    when the cost model (struct alist_inv_cost) says the pages it
 *    over-invalidates cost less than the commands it saves; device TLBs
 *    get at most max_devtlb_cmds / max_atc_cmds commands per device (1:
 *    what Linux 7.3 sends); past a per-unit threshold, or when more than
 *    ALIST_INV_MAX_RANGES disjoint ranges were added, the whole tag is
 *    flushed instead;
 *  - VT-d: exactly one wait descriptor per instance, at its end;
 *  - SMMUv3: a CMD_SYNC at the end of each instance, plus one before the
 *    first ATC_INV when TLB invalidations precede it, plus one before the
 *    first nested-S1 clear when stage-2 invalidations precede it.
 */
#ifndef ALIST_INV_H
#define ALIST_INV_H

#include "types.h"
#include "hw/bits.h"
#include "hw/smmuv3_cmd.h"
#include "hw/vtd_desc.h"
#include "target.h"

ALIST_C_BEGIN

/*
 * struct alist_cmd - one hardware command.
 * VT-d: a 256-bit scalable-mode QI descriptor, w[0] = bits 63:0.
 * SMMUv3: a 128-bit command in w[0..1] (little-endian dwords); w[2..3] = 0.
 */
struct alist_cmd {
	alist_u64 w[4];
};

/* Disjoint ranges a cursor holds before it degrades to "all". */
#define ALIST_INV_MAX_RANGES 16

/**
 * struct alist_inv_cost - the cover policy's cost model, in nanoseconds
 * @cmd_ns: one IOTLB-kind command (VT-d IOTLB / PASID-IOTLB descriptor,
 *	SMMUv3 TLBI) written to the queue and processed by the unit
 * @sync_ns: one sync (VT-d wait descriptor, SMMUv3 CMD_SYNC); every cover
 *	of a request needs the same syncs, so it never changes the choice
 * @devtlb_ns: one device-TLB / ATC invalidation: a PCIe round trip
 * @refill_ns: expected cost of one page invalidated beyond the request
 *	(a translation walk, weighted by the chance it was cached and is used
 *	again)
 *
 * Per range the core sends the exact cover (k commands) or one wider
 * command over-invalidating o pages: the wider one when
 * o * @refill_ns <= (k - 1) * (@cmd_ns or @devtlb_ns).
 * Documentation/core-invalidation.rst gives the defaults and their reasons.
 */
struct alist_inv_cost {
	alist_u32 cmd_ns;
	alist_u32 sync_ns;
	alist_u32 devtlb_ns;
	alist_u32 refill_ns;
};

/* The defaults: used when a params struct's @cost is NULL. */
#define ALIST_INV_COST_DEFAULT {						\
	.cmd_ns = 100, .sync_ns = 2000, .devtlb_ns = 2000, .refill_ns = 25 }

/**
 * struct alist_vtd_params - per-unit VT-d invalidation capabilities
 * @psi: CAP.PSI, page-selective IOTLB invalidation is supported
 * @mamv: CAP.MAMV, the largest address mask (log2 pages) a PSI may use
 * @drain_read: CAP.DRD, set DR in IOTLB descriptors
 * @drain_write: CAP.DWD, set DW in IOTLB descriptors
 * @max_iotlb_cmds: page-selective descriptors per tag beyond which one
 *	domain-selective (or all-in-PASID) descriptor is used instead
 * @max_devtlb_cmds: the most device-TLB descriptors per device a request
 *	may use; an exact cover needing more is not considered and one
 *	naturally aligned span covering all ranges is used (1: never more
 *	than Linux 7.3, which sends one span per request)
 * @cost: the cover policy's cost model, NULL for ALIST_INV_COST_DEFAULT
 *
 * The driver fills this once per unit from CAP/ECAP. A domain spanning
 * units with different capabilities passes their intersection.
 */
struct alist_vtd_params {
	alist_u8 psi;
	alist_u8 mamv;
	alist_u8 drain_read;
	alist_u8 drain_write;
	alist_u16 max_iotlb_cmds;
	alist_u16 max_devtlb_cmds;
	const struct alist_inv_cost *cost;
};

/**
 * struct alist_smmuv3_params - per-unit SMMUv3 invalidation parameters
 * @ril: IDR3.RIL, range invalidation (TG/SCALE/NUM/TTL) is supported
 * @tg_lg2: the translation granule of the domain's tables: 12, 14 or 16
 * @ats: IDR0.ATS (user ATC_INV commands are refused without it)
 * @user_caps: what a vSMMU's commands may use beyond 8-bit ASIDs and no
 *	substreams (ALIST_SMMUV3_USER_*); only the user decoder reads it
 * @max_tlbi_cmds: ranged TLBI commands per tag beyond which one
 *	whole-ASID/VMID command is used (the arm64 rule is 512 without RIL)
 * @max_atc_cmds: the most ATC_INV commands per device a request may use,
 *	as @max_devtlb_cmds for VT-d (1: never more than Linux 7.3)
 * @cost: the cover policy's cost model, NULL for ALIST_INV_COST_DEFAULT
 */
struct alist_smmuv3_params {
	alist_u8 ril;
	alist_u8 tg_lg2;
	alist_u8 ats;
	alist_u8 user_caps;
	alist_u16 max_tlbi_cmds;
	alist_u16 max_atc_cmds;
	const struct alist_inv_cost *cost;
};

#define ALIST_SMMUV3_USER_ASID16 ALIST_BIT(0) /* IDR0.ASID16: 16-bit ASIDs */
#define ALIST_SMMUV3_USER_SSID ALIST_BIT(1)   /* IDR1.SSIDSIZE > 0: substreams */
#define ALIST_SMMUV3_USER_DS ALIST_BIT(2)     /* IDR5.DS: TTL 1 with 16K granule */
#define ALIST_SMMUV3_USER_ALL \
	(ALIST_SMMUV3_USER_ASID16 | ALIST_SMMUV3_USER_SSID | ALIST_SMMUV3_USER_DS)

/* Request flags. */
#define ALIST_INV_LEAF ALIST_BIT(0) /* only leaf entries changed (IH / Leaf) */

/*
 * struct alist_inv_cursor - request plus walk position; caller-allocated
 * (on the stack), opaque. One cursor serves one walk of one target array
 * with one params struct.
 */
#define ALIST_INV_CURSOR_WORDS 48
struct alist_inv_cursor {
	alist_u64 opaque[ALIST_INV_CURSOR_WORDS];
};

/**
 * struct alist_inv_chunk - one run of commands in a batch
 * @first: index of its first command in the batch's @cmds
 * @nr_cmds: number of commands, all for @instance (0: a sync alone)
 * @instance: the instance (queue) they are for
 * @sync: a sync must be issued on @instance after these commands
 * @reserved: zero
 */
struct alist_inv_chunk {
	alist_u32 first;
	alist_u32 nr_cmds;
	alist_u32 instance;
	alist_u8 sync;
	alist_u8 reserved[3];
};

/**
 * struct alist_inv_batch - where a fill writes
 * @cmds: command buffer
 * @chunks: chunk table: the runs of @cmds, in the order they are issued
 * @cap: capacity of @cmds, at least 1
 * @max_chunks: capacity of @chunks, at least 1
 * @done: out: the walk is complete; no further fill is needed
 * @reserved: zero
 *
 * The caller sets the first four fields once (ALIST_INV_BATCH_INIT()) and
 * reuses the batch for every fill of a walk. A fill stops when @cmds or
 * @chunks is full, or when the walk is complete; it returns how many
 * chunks it wrote (a count in a register: a loop bound read back from the
 * batch would be reloaded after every queue write).
 */
struct alist_inv_batch {
	struct alist_cmd *cmds;
	struct alist_inv_chunk *chunks;
	alist_u32 cap;
	alist_u32 max_chunks;
	alist_u8 done;
	alist_u8 reserved[7];
};

/* A batch over two arrays (not pointers) of the caller. */
#define ALIST_INV_BATCH_INIT(cmd_array, chunk_array) {				\
	(cmd_array), (chunk_array),						\
	sizeof(cmd_array) / sizeof((cmd_array)[0]),				\
	sizeof(chunk_array) / sizeof((chunk_array)[0]), 0, { 0 } }

/**
 * alist_inv_cursor_init() - start a request
 * @c: the cursor
 * @flags: ALIST_INV_LEAF or 0
 * @granule_lg2: log2 of the leaf size that was unmapped (the gather's
 *	pgsize), 0 if unknown. SMMUv3 uses it for TTL and as the step without
 *	RIL; VT-d ignores it.
 *
 * The cursor is the caller's (on its stack); nothing else holds it.
 *
 * Context: any; does not sleep or allocate. No lock needed.
 * Return: nothing.
 */
void alist_inv_cursor_init(struct alist_inv_cursor *c, unsigned int flags,
			   unsigned int granule_lg2);
/**
 * alist_inv_cursor_add_range() - add a byte range to a request
 * @c: the cursor, before its first fill
 * @start: first byte
 * @last: last byte, inclusive; @start > @last is ignored
 *
 * Ranges are merged where they meet; one disjoint range too many turns
 * the request into "everything" (never less than asked).
 *
 * Context: any; does not sleep or allocate. No lock needed.
 * Return: nothing.
 */
void alist_inv_cursor_add_range(struct alist_inv_cursor *c, alist_u64 start,
				alist_u64 last);

/**
 * alist_inv_cursor_add_all() - make a request cover everything
 * @c: the cursor, before its first fill
 *
 * Every tag whole and every device TLB whole.
 *
 * Context: any; does not sleep or allocate. No lock needed.
 * Return: nothing.
 */
void alist_inv_cursor_add_all(struct alist_inv_cursor *c);

/**
 * alist_inv_cursor_empty() - has nothing been requested?
 * @c: the cursor
 *
 * Context: any. No lock needed.
 * Return: 1 if nothing was requested (a fill would emit nothing), else 0.
 */
int alist_inv_cursor_empty(const struct alist_inv_cursor *c);

/**
 * alist_vtd_inv_fill() - emit the next batch of VT-d descriptors
 * @c: the cursor
 * @p: the unit parameters (the same on every call of one walk)
 * @targets: the domain's sorted target array (the same on every call)
 * @n: its length
 * @b: the batch: @b->cmds, @b->chunks and their capacities in; the
 *	commands, the chunks and @b->done out
 *
 * The caller issues the returned number of chunks in order; for each chunk
 * with @sync set it appends its wait descriptor (see alist_vtd_wait_desc())
 * after the chunk's descriptors. Every fill makes progress: it writes at
 * least one chunk or completes the walk.
 *
 * Context: any; does not sleep or allocate. The caller keeps @targets alive
 * (RCU read section) across all calls of the walk.
 * Return: the number of chunks written to @b->chunks (0 when nothing was
 * left), or -EINVAL for bad @p or @b, or a cursor used with the other format.
 */
int alist_vtd_inv_fill(struct alist_inv_cursor *c,
		       const struct alist_vtd_params *p,
		       const struct alist_target *targets, unsigned int n,
		       struct alist_inv_batch *b);

/**
 * alist_smmuv3_inv_fill() - emit the next batch of SMMUv3 commands
 * @c: the cursor
 * @p: the SMMU parameters (the same on every call of one walk)
 * @targets: the domain's sorted target array (the same on every call)
 * @n: its length
 * @b: the batch, as for alist_vtd_inv_fill()
 *
 * As alist_vtd_inv_fill(): for each chunk with @sync set the caller
 * appends a CMD_SYNC (see alist_smmuv3_cmd_sync()). The core puts syncs
 * where the SMMU needs them inside one instance too (TLBIs before ATC_INV,
 * stage 2 before the nested stage-1 clear).
 *
 * Context: any; does not sleep or allocate. The caller keeps @targets alive
 * (RCU read section) across all calls of the walk.
 * Return: the number of chunks written, or -EINVAL for bad @p or @b, or a
 * cursor used with the other format.
 */
int alist_smmuv3_inv_fill(struct alist_inv_cursor *c,
			  const struct alist_smmuv3_params *p,
			  const struct alist_target *targets, unsigned int n,
			  struct alist_inv_batch *b);

/**
 * alist_vtd_wait_desc() - encode a VT-d invalidation wait descriptor
 * @cmd: the descriptor
 * @status_addr: physical, 4-byte aligned address the unit writes to
 * @data: the value it writes there
 *
 * Status write only (SW=1, IF=0, FN=0): the unit writes @data to
 * @status_addr once every earlier descriptor completed. Inline: every
 * wait of the driver's queue is built here, under its lock.
 *
 * Context: any. No lock needed.
 * Return: nothing.
 */
static inline void alist_vtd_wait_desc(struct alist_cmd *cmd,
				       alist_u64 status_addr, alist_u32 data)
{
	cmd->w[0] = VTD_DESC_TYPE_WAIT | VTD_WAIT_SW |
		    ALIST_FIELD_PREP(VTD_WAIT_DATA, data);
	cmd->w[1] = status_addr & VTD_WAIT_ADDR;
	cmd->w[2] = 0;
	cmd->w[3] = 0;
}

/* SMMUv3 CMD_SYNC completion signal (CS field). */
#define ALIST_SMMUV3_SYNC_CS_NONE 0
#define ALIST_SMMUV3_SYNC_CS_IRQ 1

/**
 * alist_smmuv3_cmd_sync() - encode an SMMUv3 CMD_SYNC
 * @cmd: the command
 * @cs: ALIST_SMMUV3_SYNC_CS_NONE or ALIST_SMMUV3_SYNC_CS_IRQ
 *
 * Context: any. No lock needed.
 * Return: nothing.
 */
static inline void alist_smmuv3_cmd_sync(struct alist_cmd *cmd, unsigned int cs)
{
	cmd->w[0] = SMMUV3_OP_SYNC | ALIST_FIELD_PREP(SMMUV3_CMD0_SYNC_CS, cs);
	cmd->w[1] = 0;
	cmd->w[2] = 0;
	cmd->w[3] = 0;
}

ALIST_C_END

#endif /* ALIST_INV_H */
