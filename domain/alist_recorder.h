/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recording queue of the shared driver layer (domain/recorder.c): in
 * KUnit a driver's queue hands its commands to a recorder instead of the
 * hardware, and everything above the queue runs unchanged against it.
 * Both drivers use this one; each gives it only what is its own: how it
 * encodes its sync (VT-d's wait descriptor, SMMUv3's CMD_SYNC) and how
 * an opcode is read from a command.
 *
 * A recorder holds, in submission order, the commands, the driver's
 * syncs and markers (a register command such as a VT-d GCMD write, to
 * check its order against the commands around it), and counts the
 * syncs and the submissions. It can fail the next syncs with a chosen
 * errno (what the hardware reports: an aborted VT-d wait, a CMD_SYNC
 * timeout) and call a function at each sync (the point where the
 * hardware would have seen every earlier write).
 *
 * Only in kernels with KUnit: elsewhere struct alist_recorder is never
 * defined, alist_recording() is constant false and the driver's recording
 * branches compile away, so a production module has no recorder code.
 */
#ifndef ALIST_RECORDER_H
#define ALIST_RECORDER_H

#include <linux/spinlock.h>
#include <linux/types.h>

#include <alist/inv.h>

struct alist_recorder;

#if IS_ENABLED(CONFIG_KUNIT)

/**
 * enum alist_rec_kind - what a recorded entry is
 * @ALIST_REC_CMD: a command the driver submitted
 * @ALIST_REC_SYNC: the sync the driver appended to a submission
 * @ALIST_REC_MARK: a marker (alist_rec_put_mark()); its command is zero
 */
enum alist_rec_kind {
	ALIST_REC_CMD,
	ALIST_REC_SYNC,
	ALIST_REC_MARK,
};

/**
 * struct alist_rec_entry - one recorded entry
 * @cmd: the command as the driver encoded it (zero for a marker)
 * @kind: enum alist_rec_kind
 * @mark: a marker's kind, the driver's number
 * @val: a marker's value
 */
struct alist_rec_entry {
	struct alist_cmd cmd;
	enum alist_rec_kind kind;
	u32 mark;
	u64 val;
};

/**
 * struct alist_recorder - a recording queue (KUnit)
 * @lock: serializes recording and reading
 * @e: storage, @cap entries
 * @cap: capacity of @e
 * @n: entries recorded
 * @syncs: syncs among them
 * @submits: non-empty submissions, those refused for room excluded
 * @fail_syncs: how many of the next syncs fail
 * @fail_err: the errno they fail with
 * @opcode: the driver's opcode of a command
 * @on_sync: called at each sync, or NULL
 * @priv: argument of @on_sync
 *
 * Set up with alist_rec_init(); tests read it through the accessors only.
 */
struct alist_recorder {
	raw_spinlock_t lock;
	struct alist_rec_entry *e;
	unsigned int cap;
	unsigned int n;
	unsigned int syncs;
	unsigned int submits;
	unsigned int fail_syncs;
	int fail_err;
	unsigned int (*opcode)(const struct alist_cmd *cmd);
	void (*on_sync)(void *priv);
	void *priv;
};

/**
 * alist_recording() - does a driver's queue record instead of issuing?
 * @rec: the queue's recorder, or NULL
 *
 * Context: any.
 * Return: true when @rec is set (always false without KUnit).
 */
static inline bool alist_recording(const struct alist_recorder *rec)
{
	return rec;
}

/* Used by the drivers' queues (IOMMU_ALIST namespace). */
int alist_rec_submit(struct alist_recorder *rec, const struct alist_cmd *cmds,
		     unsigned int n, const struct alist_cmd *sync);
void alist_rec_put_mark(struct alist_recorder *rec, u32 mark, u64 val);

/*
 * Test interface: KUnit only. Exported with EXPORT_SYMBOL_IF_KUNIT; the
 * tests set a recorder up and read it through these, never its fields.
 */
void alist_rec_init(struct alist_recorder *rec, struct alist_rec_entry *e,
		    unsigned int cap,
		    unsigned int (*opcode)(const struct alist_cmd *cmd));
void alist_rec_on_sync(struct alist_recorder *rec, void (*fn)(void *priv),
		       void *priv);
void alist_rec_fail_syncs(struct alist_recorder *rec, unsigned int nr, int err);
void alist_rec_reset(struct alist_recorder *rec);
unsigned int alist_rec_len(struct alist_recorder *rec);
unsigned int alist_rec_syncs(struct alist_recorder *rec);
unsigned int alist_rec_submits(struct alist_recorder *rec);
const struct alist_cmd *alist_rec_at(struct alist_recorder *rec, unsigned int i);
unsigned int alist_rec_op(struct alist_recorder *rec, unsigned int i);
int alist_rec_find_op(struct alist_recorder *rec, unsigned int op,
		      unsigned int from);
unsigned int alist_rec_count_op(struct alist_recorder *rec, unsigned int op);
bool alist_rec_is_mark(struct alist_recorder *rec, unsigned int i, u32 mark,
		       u64 *val);

#else /* !CONFIG_KUNIT */

static inline bool alist_recording(const struct alist_recorder *rec)
{
	return false;
}

static inline int alist_rec_submit(struct alist_recorder *rec,
				   const struct alist_cmd *cmds, unsigned int n,
				   const struct alist_cmd *sync)
{
	return -EOPNOTSUPP;
}

static inline void alist_rec_put_mark(struct alist_recorder *rec, u32 mark,
				      u64 val)
{
}

#endif /* CONFIG_KUNIT */

#endif /* ALIST_RECORDER_H */
