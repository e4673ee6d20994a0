// SPDX-License-Identifier: GPL-2.0
/*
 * The recording queue of both drivers (alist_recorder.h). Built only in
 * kernels with KUnit, its only user: without it this file is empty and no
 * driver can reach a recorder. What the drivers' queues call is in the
 * IOMMU_ALIST namespace (drivers do not import KUnit's); what only the
 * tests call is exported to KUnit alone.
 */
#include <linux/bug.h>
#include <linux/export.h>
#include <linux/string.h>

#include <kunit/visibility.h>

#include <alist_recorder.h>

#if IS_ENABLED(CONFIG_KUNIT)

static void alist_rec_put(struct alist_recorder *rec, const struct alist_cmd *c,
			  enum alist_rec_kind kind, u32 mark, u64 val)
{
	struct alist_rec_entry *e = &rec->e[rec->n++];

	lockdep_assert_held(&rec->lock);
	if (c)
		e->cmd = *c;
	else
		memset(&e->cmd, 0, sizeof(e->cmd));
	e->kind = kind;
	e->mark = mark;
	e->val = val;
}

/**
 * alist_rec_submit() - record a submission instead of issuing it
 * @rec: the queue's recorder
 * @cmds: @n commands
 * @n: number of commands, may be 0
 * @sync: the driver's sync, appended after them; NULL for none
 *
 * The whole submission is recorded, or nothing when it does not fit.
 * With a sync, the sync counter goes up, @rec's on_sync function runs
 * (outside the recorder's lock, in the submitter's context), and the sync
 * fails if failures were asked for (alist_rec_fail_syncs()).
 *
 * Context: any; takes the recorder's lock (raw, interrupts off).
 * Return: 0; -ENOSPC when the submission does not fit (nothing recorded);
 * the errno asked for when this sync fails.
 */
int alist_rec_submit(struct alist_recorder *rec, const struct alist_cmd *cmds,
		     unsigned int n, const struct alist_cmd *sync)
{
	void (*on_sync)(void *priv) = NULL;
	unsigned long flags;
	unsigned int i;
	int ret = 0;

	if (!n && !sync)
		return 0;
	raw_spin_lock_irqsave(&rec->lock, flags);
	if (rec->cap - rec->n < n + !!sync) {
		raw_spin_unlock_irqrestore(&rec->lock, flags);
		return -ENOSPC;
	}
	for (i = 0; i < n; i++)
		alist_rec_put(rec, &cmds[i], ALIST_REC_CMD, 0, 0);
	rec->submits++;
	if (sync) {
		alist_rec_put(rec, sync, ALIST_REC_SYNC, 0, 0);
		rec->syncs++;
		on_sync = rec->on_sync;
		if (rec->fail_syncs) {
			rec->fail_syncs--;
			ret = rec->fail_err;
		}
	}
	raw_spin_unlock_irqrestore(&rec->lock, flags);
	if (on_sync)
		on_sync(rec->priv);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(alist_rec_submit, "IOMMU_ALIST");

/**
 * alist_rec_put_mark() - record a marker among the commands
 * @rec: the queue's recorder
 * @mark: the marker's kind, the driver's number
 * @val: its value (the register value written, say)
 *
 * Context: any; takes the recorder's lock.
 * Return: nothing; a full recorder drops the marker.
 */
void alist_rec_put_mark(struct alist_recorder *rec, u32 mark, u64 val)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&rec->lock, flags);
	if (rec->n < rec->cap)
		alist_rec_put(rec, NULL, ALIST_REC_MARK, mark, val);
	raw_spin_unlock_irqrestore(&rec->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(alist_rec_put_mark, "IOMMU_ALIST");

/**
 * alist_rec_init() - set a recorder up, empty
 * @rec: the recorder
 * @e: storage for @cap entries, kept by the caller
 * @cap: capacity
 * @opcode: the driver's opcode of a command (alist_rec_op())
 *
 * Context: process, before the recorder is given to a queue.
 * Return: nothing.
 */
void alist_rec_init(struct alist_recorder *rec, struct alist_rec_entry *e,
		    unsigned int cap,
		    unsigned int (*opcode)(const struct alist_cmd *cmd))
{
	memset(rec, 0, sizeof(*rec));
	raw_spin_lock_init(&rec->lock);
	rec->e = e;
	rec->cap = cap;
	rec->opcode = opcode;
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_init);

/**
 * alist_rec_on_sync() - call a function at each recorded sync
 * @rec: the recorder
 * @fn: the function (must not sleep: a driver may submit in atomic
 *	context), or NULL for none
 * @priv: its argument
 *
 * Context: any; takes the recorder's lock.
 * Return: nothing.
 */
void alist_rec_on_sync(struct alist_recorder *rec, void (*fn)(void *priv),
		       void *priv)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&rec->lock, flags);
	rec->on_sync = fn;
	rec->priv = priv;
	raw_spin_unlock_irqrestore(&rec->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_on_sync);

/**
 * alist_rec_fail_syncs() - make the next syncs fail
 * @rec: the recorder
 * @nr: how many of the next syncs fail (0: none)
 * @err: the negative errno they return
 *
 * A failed sync is recorded all the same, as the hardware ran it.
 *
 * Context: any; takes the recorder's lock.
 * Return: nothing.
 */
void alist_rec_fail_syncs(struct alist_recorder *rec, unsigned int nr, int err)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&rec->lock, flags);
	rec->fail_syncs = nr;
	rec->fail_err = err;
	raw_spin_unlock_irqrestore(&rec->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_fail_syncs);

/**
 * alist_rec_reset() - forget what was recorded
 * @rec: the recorder
 *
 * Entries and counters go; the failures asked for and the on_sync
 * function stay.
 *
 * Context: any; takes the recorder's lock.
 * Return: nothing.
 */
void alist_rec_reset(struct alist_recorder *rec)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&rec->lock, flags);
	rec->n = 0;
	rec->syncs = 0;
	rec->submits = 0;
	raw_spin_unlock_irqrestore(&rec->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_reset);

/**
 * alist_rec_len() - entries recorded
 * @rec: the recorder
 *
 * Context: any. No lock needed.
 * Return: commands, syncs and markers recorded since the last reset.
 */
unsigned int alist_rec_len(struct alist_recorder *rec)
{
	return READ_ONCE(rec->n);
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_len);

/**
 * alist_rec_syncs() - syncs recorded
 * @rec: the recorder
 *
 * Context: any. No lock needed.
 * Return: the syncs recorded since the last reset, failed ones included.
 */
unsigned int alist_rec_syncs(struct alist_recorder *rec)
{
	return READ_ONCE(rec->syncs);
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_syncs);

/**
 * alist_rec_submits() - submissions recorded
 * @rec: the recorder
 *
 * Context: any. No lock needed.
 * Return: the non-empty submissions recorded since the last reset (a
 * driver's resubmission counts again).
 */
unsigned int alist_rec_submits(struct alist_recorder *rec)
{
	return READ_ONCE(rec->submits);
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_submits);

/**
 * alist_rec_at() - the command of one entry
 * @rec: the recorder
 * @i: the entry, below alist_rec_len()
 *
 * Context: any; the entry does not change until the next reset.
 * Return: the entry's command (zero for a marker); for an @i past the
 * end a WARN and a zero command.
 */
const struct alist_cmd *alist_rec_at(struct alist_recorder *rec, unsigned int i)
{
	static const struct alist_cmd none;

	if (WARN_ON_ONCE(i >= READ_ONCE(rec->n)))
		return &none;
	return &rec->e[i].cmd;
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_at);

/**
 * alist_rec_op() - the opcode of one entry
 * @rec: the recorder
 * @i: the entry, below alist_rec_len()
 *
 * Context: any.
 * Return: the driver's opcode of the entry's command; a marker's is that
 * of a zero command (no command of either driver has it).
 */
unsigned int alist_rec_op(struct alist_recorder *rec, unsigned int i)
{
	return rec->opcode(alist_rec_at(rec, i));
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_op);

/**
 * alist_rec_find_op() - the first entry with an opcode
 * @rec: the recorder
 * @op: the driver's opcode
 * @from: the first entry looked at
 *
 * Markers are skipped.
 *
 * Context: any; takes the recorder's lock.
 * Return: the entry's index, or -1 when there is none.
 */
int alist_rec_find_op(struct alist_recorder *rec, unsigned int op,
		      unsigned int from)
{
	unsigned long flags;
	unsigned int i;
	int ret = -1;

	raw_spin_lock_irqsave(&rec->lock, flags);
	for (i = from; i < rec->n; i++) {
		if (rec->e[i].kind != ALIST_REC_MARK &&
		    rec->opcode(&rec->e[i].cmd) == op) {
			ret = i;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&rec->lock, flags);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_find_op);

/**
 * alist_rec_count_op() - how many entries have an opcode
 * @rec: the recorder
 * @op: the driver's opcode
 *
 * Markers are not counted; the driver's syncs are, under their opcode.
 *
 * Context: any; takes the recorder's lock.
 * Return: the number of commands with opcode @op.
 */
unsigned int alist_rec_count_op(struct alist_recorder *rec, unsigned int op)
{
	unsigned long flags;
	unsigned int i, nr = 0;

	raw_spin_lock_irqsave(&rec->lock, flags);
	for (i = 0; i < rec->n; i++)
		if (rec->e[i].kind != ALIST_REC_MARK &&
		    rec->opcode(&rec->e[i].cmd) == op)
			nr++;
	raw_spin_unlock_irqrestore(&rec->lock, flags);
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_count_op);

/**
 * alist_rec_is_mark() - is an entry a marker of some kind?
 * @rec: the recorder
 * @i: the entry, below alist_rec_len()
 * @mark: the marker's kind
 * @val: where its value goes, or NULL
 *
 * Context: any; the entry does not change until the next reset.
 * Return: true when entry @i is a marker of kind @mark (then *@val is set).
 */
bool alist_rec_is_mark(struct alist_recorder *rec, unsigned int i, u32 mark,
		       u64 *val)
{
	const struct alist_rec_entry *e;

	if (WARN_ON_ONCE(i >= READ_ONCE(rec->n)))
		return false;
	e = &rec->e[i];
	if (e->kind != ALIST_REC_MARK || e->mark != mark)
		return false;
	if (val)
		*val = e->val;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(alist_rec_is_mark);

#endif /* CONFIG_KUNIT */
