// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: the unit's queued invalidation interface. 256-bit descriptors
 * (IQA.DW = 1) in a 4 KiB queue; a submission optionally ends with a wait
 * descriptor that writes a sequence number to a status word (status write
 * only: SW+IF aborts QEMU 10.0, FN-only and PD waits raise IQE there), and
 * the status is polled for a bounded time. Queue errors are recovered:
 * the bad descriptor is overwritten by a harmless wait and the tail is
 * rewritten so the hardware resumes.
 *
 * A KUnit recording queue (unit->recorder, the shared layer's recorder)
 * takes the descriptors instead of the hardware; everything above this
 * file runs unchanged against it.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "vtd.h"

/* IQH/IQT hold the byte offset: index * 32 with 256-bit descriptors */
#define VTD_QI_SHIFT		5
/* Submissions of one request whose wait an ITE aborted, before giving up */
#define VTD_QI_ATTEMPTS		4

static unsigned int vtd_qi_head(struct vtd_unit *unit)
{
	return (readq(unit->reg + VTD_REG_IQH) >> VTD_QI_SHIFT) & VTD_QI_MASK;
}

static void vtd_qi_set_tail(struct vtd_unit *unit)
{
	writeq((u64)unit->qi_tail << VTD_QI_SHIFT, unit->reg + VTD_REG_IQT);
}

/* Where a wait gave up: the head (alist_queue_stall_note()); counted */
static void vtd_qi_note_stall(struct vtd_unit *unit)
{
	atomic64_inc(&unit->cnt.timeouts);
	alist_queue_stall_note(&unit->qi_stall, vtd_qi_head(unit));
}

static bool vtd_qi_stalled(struct vtd_unit *unit, unsigned int head)
{
	if (!alist_queue_stalled(&unit->qi_stall, head))
		return false;
	atomic64_inc(&unit->cnt.timeouts);
	return true;
}

/*
 * Recover from a queue error, the queue lock held. The error belongs to
 * the submitters whose waits it concerns, not to the caller: each waiter
 * tells from a generation and a status value (vtd_qi_poll()).
 *
 * IQE: the descriptor at the head is bad. It is replaced by a harmless
 * wait, so the waits after it complete; the status value at this moment
 * says which were still pending, and one of them (or a wait queued later
 * by the same flush) belongs to the bad descriptor's submitter. Which one
 * is not known: every wait pending then fails with -EIO (its submitter
 * then keeps what the invalidation was for, e.g. leaks page-table pages),
 * never a success for the descriptor dropped.
 *
 * ITE: the unit stops fetching and aborts every wait still pending, so
 * those waits never write their status; a later wait that completes
 * writes a larger value. The status value at this moment (every wait up
 * to it completed) and a new ITE generation tell each waiter whether its
 * own wait was aborted (vtd_qi_poll()), and it resubmits.
 */
static void vtd_qi_error(struct vtd_unit *unit, u32 fsts)
{
	lockdep_assert_held(&unit->qi_lock);
	if (fsts & VTD_FSTS_IQE) {
		unsigned int head = vtd_qi_head(unit);
		struct alist_cmd bad = unit->qi[head];

		atomic64_inc(&unit->cnt.iqe);
		pr_err_ratelimited("alist_vtd %s: invalidation queue error at %u: %016llx %016llx, descriptor skipped\n",
				   unit->name, head, bad.w[0], bad.w[1]);
		alist_vtd_wait_desc(&unit->qi[head], virt_to_phys(unit->qi_dummy),
				    0);
		/* A unit without ECAP.C reads the replacement from memory */
		vtd_flush_cache(unit, &unit->qi[head], sizeof(unit->qi[head]));
		WRITE_ONCE(unit->qi_iqe_done, READ_ONCE(*unit->qi_status));
		/* Waiters read the status word, then the generation */
		smp_wmb();
		WRITE_ONCE(unit->qi_iqe_gen, unit->qi_iqe_gen + 1);
		/* The replacement is in memory before the queue restarts */
		wmb();
		writel(VTD_FSTS_IQE, unit->reg + VTD_REG_FSTS);
		/* Clearing IQE does not restart QEMU's queue: rewrite IQT */
		vtd_qi_set_tail(unit);
	}
	if (fsts & VTD_FSTS_ITE) {
		atomic64_inc(&unit->cnt.ite);
		pr_err_ratelimited("alist_vtd %s: device-TLB invalidation timed out\n",
				   unit->name);
		WRITE_ONCE(unit->qi_ite_done, READ_ONCE(*unit->qi_status));
		/* Waiters read the status word, then the generation */
		smp_wmb();
		WRITE_ONCE(unit->qi_ite_gen, unit->qi_ite_gen + 1);
		writel(VTD_FSTS_ITE, unit->reg + VTD_REG_FSTS);
		vtd_qi_set_tail(unit);
	}
	/*
	 * ICE: a device answered with a completion that matches no request
	 * (bad ITag or source). The queue goes on, and the request it should
	 * have answered still ends in its completion or in an ITE: nobody's
	 * wait failed. Counted and cleared, as Linux does.
	 */
	if (fsts & VTD_FSTS_ICE) {
		atomic64_inc(&unit->cnt.ice);
		pr_err_ratelimited("alist_vtd %s: invalidation completion error\n",
				   unit->name);
		writel(VTD_FSTS_ICE, unit->reg + VTD_REG_FSTS);
	}
}

static bool vtd_qi_room(struct vtd_unit *unit, unsigned int head,
			unsigned int need)
{
	return VTD_QI_ENTRIES - 1 - ((unit->qi_tail - head) & VTD_QI_MASK) >= need;
}

/*
 * Wait until @need slots are free; the queue lock is held. IQH is read
 * only when the head seen last leaves too little room: the unit only
 * moves it on towards the tail, so room counted from an older head is
 * never more than there is, and most submissions read no register.
 * Errors seen while waiting are recovered so the queue drains, but they
 * belong to other submissions: the caller's descriptors are queued all
 * the same.
 */
static int vtd_qi_space(struct vtd_unit *unit, unsigned int need)
{
	u64 deadline = 0;

	if (vtd_qi_room(unit, unit->qi_head_seen, need))
		return 0;
	/* Asserted here, off the fast path: lockdep is costly per submission */
	lockdep_assert_held(&unit->qi_lock);
	for (;;) {
		unsigned int head = vtd_qi_head(unit);
		u32 fsts;

		unit->qi_head_seen = head;
		if (vtd_qi_room(unit, head, need))
			return 0;
		fsts = readl(unit->reg + VTD_REG_FSTS);
		if (fsts & (VTD_FSTS_IQE | VTD_FSTS_ITE | VTD_FSTS_ICE))
			vtd_qi_error(unit, fsts);
		else if (vtd_qi_stalled(unit, head))
			return -ETIMEDOUT;
		if (alist_queue_expired(&deadline))
			break;
		udelay(1);
	}
	vtd_qi_note_stall(unit);
	pr_err_ratelimited("alist_vtd %s: invalidation queue full for %u ms\n",
			   unit->name, ALIST_QUEUE_TIMEOUT_MS);
	return -ETIMEDOUT;
}

/*
 * Has the wait with status value @seq completed? The queue completes in
 * order and every wait writes its own value to the one status word, so a
 * value at or past @seq (modulo 2^32) means it has.
 */
static bool vtd_qi_seq_done(u32 status, u32 seq)
{
	return (s32)(status - seq) >= 0;
}

/**
 * vtd_qi_wait_aborted() - was a wait aborted by an invalidation time-out?
 * @seq: the wait's status value
 * @gen0: the unit's ITE generation when the wait was queued
 * @gen: the generation now
 * @ite_done: the status value when the last ITE was handled
 *
 * One ITE since the wait was queued aborted it unless it had completed
 * by then. After two or more the first one's status value is gone:
 * count the wait aborted, resubmitting is harmless.
 *
 * Context: any.
 * Return: true when the wait must be resubmitted.
 */
VISIBLE_IF_KUNIT bool vtd_qi_wait_aborted(u32 seq, u32 gen0, u32 gen,
					  u32 ite_done)
{
	if (gen == gen0)
		return false;
	if (gen - gen0 > 1)
		return true;
	return !vtd_qi_seq_done(ite_done, seq);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_qi_wait_aborted);

/*
 * Poll the status word for @seq, the queue lock NOT held: interrupts stay
 * on for the hardware round trip. Queue errors are handled under the lock.
 * -EAGAIN: an ITE aborted the wait; -EIO: the wait was pending when a bad
 * descriptor was dropped (@gen0, @iqe0: the ITE and IQE generations when
 * the wait was queued).
 */
static int vtd_qi_poll(struct vtd_unit *unit, u32 seq, u32 gen0, u32 iqe0)
{
	u64 deadline = 0;
	unsigned long flags;

	for (;;) {
		u32 status = READ_ONCE(*unit->qi_status);
		u32 gen, iqe, fsts;

		/*
		 * A status written after an ITE or IQE (the unit resumes only
		 * once the handler bumped the generation) comes with the new
		 * generation: read the status first.
		 */
		dma_rmb();
		gen = READ_ONCE(unit->qi_ite_gen);
		iqe = READ_ONCE(unit->qi_iqe_gen);
		if (gen != gen0 || iqe != iqe0) {
			/* Pairs with the smp_wmb()s of vtd_qi_error() */
			smp_rmb();
			if (vtd_qi_wait_aborted(seq, gen0, gen,
						READ_ONCE(unit->qi_ite_done)))
				return -EAGAIN;
			if (vtd_qi_wait_aborted(seq, iqe0, iqe,
						READ_ONCE(unit->qi_iqe_done)))
				return -EIO;
		}
		if (vtd_qi_seq_done(status, seq)) {
			/*
			 * The queue moved: a stall note is stale. Cleared
			 * here, as the head it holds wraps every 128
			 * descriptors and could match again by chance.
			 */
			if (unlikely(READ_ONCE(unit->qi_stall)))
				WRITE_ONCE(unit->qi_stall, 0);
			return 0;
		}
		fsts = readl(unit->reg + VTD_REG_FSTS);
		if (fsts & (VTD_FSTS_IQE | VTD_FSTS_ITE | VTD_FSTS_ICE)) {
			raw_spin_lock_irqsave(&unit->qi_lock, flags);
			/* Another waiter may have handled it meanwhile */
			vtd_qi_error(unit, readl(unit->reg + VTD_REG_FSTS));
			raw_spin_unlock_irqrestore(&unit->qi_lock, flags);
			/* Answered by the generation checks above */
		} else if (READ_ONCE(unit->qi_stall) &&
			   vtd_qi_stalled(unit, vtd_qi_head(unit))) {
			return -ETIMEDOUT;
		}
		if (alist_queue_expired(&deadline))
			break;
		/* A wait takes a microsecond or two: a delay would add as much */
		cpu_relax();
	}
	vtd_qi_note_stall(unit);
	pr_err_ratelimited("alist_vtd %s: invalidation wait %u not done after %u ms (status %u)\n",
			   unit->name, seq, ALIST_QUEUE_TIMEOUT_MS,
			   READ_ONCE(*unit->qi_status));
	return -ETIMEDOUT;
}

static __always_inline void vtd_cnt_add(u64 *v, unsigned int n)
{
	WRITE_ONCE(*v, *v + n);
}

/* Count one submission (debugfs); the queue lock is held. */
static __always_inline void vtd_qi_count(struct vtd_unit *unit,
					 const struct alist_cmd *cmds,
					 unsigned int n, bool wait)
{
	struct vtd_qi_counters *c = &unit->qi_cnt;
	unsigned int i;

	vtd_cnt_add(&c->descs, n);
	vtd_cnt_add(&c->waits, wait);
	vtd_cnt_add(&c->submits, 1);
	for (i = 0; i < n; i++) {
		unsigned int type = vtd_desc_type(&cmds[i]);

		vtd_cnt_add(&c->desc[type < ARRAY_SIZE(c->desc) ? type : 0], 1);
	}
}

/*
 * The recording queue (KUnit): descriptors and wait go to the shared
 * layer's recorder, under the queue lock so the status values of the
 * waits are recorded in order. A wait the recorder is told to fail with
 * -EAGAIN is KUnit's stand-in for one aborted by an ITE, which QEMU
 * never raises.
 */
static int vtd_qi_record(struct vtd_unit *unit, const struct alist_cmd *cmds,
			 unsigned int n, bool wait)
{
	struct alist_cmd w;
	unsigned long flags;
	int ret;

	raw_spin_lock_irqsave(&unit->qi_lock, flags);
	if (wait)
		alist_vtd_wait_desc(&w, virt_to_phys(unit->qi_status),
				    ++unit->qi_seq);
	ret = alist_rec_submit(unit->recorder, cmds, n, wait ? &w : NULL);
	if (ret != -ENOSPC)
		vtd_qi_count(unit, cmds, n, wait);
	raw_spin_unlock_irqrestore(&unit->qi_lock, flags);
	return ret;
}

/* Place @n descriptors and, with @wait, a wait; then poll for it. */
static int vtd_qi_issue(struct vtd_unit *unit, const struct alist_cmd *cmds,
			unsigned int n, bool wait)
{
	unsigned int i, first;
	unsigned long flags;
	u32 seq = 0, gen0, iqe0;
	int ret;

	raw_spin_lock_irqsave(&unit->qi_lock, flags);
	ret = vtd_qi_space(unit, n + wait);
	if (ret) {
		raw_spin_unlock_irqrestore(&unit->qi_lock, flags);
		return ret;
	}
	first = unit->qi_tail;
	for (i = 0; i < n; i++) {
		unit->qi[unit->qi_tail] = cmds[i];
		unit->qi_tail = (unit->qi_tail + 1) & VTD_QI_MASK;
	}
	gen0 = unit->qi_ite_gen;
	iqe0 = unit->qi_iqe_gen;
	if (wait) {
		seq = ++unit->qi_seq;
		alist_vtd_wait_desc(&unit->qi[unit->qi_tail],
				    virt_to_phys(unit->qi_status), seq);
		unit->qi_tail = (unit->qi_tail + 1) & VTD_QI_MASK;
	}
	unit->qi_last = first;
	unit->qi_last_n = n + wait;
	vtd_qi_count(unit, cmds, n, wait);
	/* A unit without ECAP.C reads the new slots from memory */
	if (!unit->coherent) {
		if (unit->qi_tail > first) {
			vtd_flush_cache(unit, &unit->qi[first],
					(unit->qi_tail - first) * sizeof(*unit->qi));
		} else {
			vtd_flush_cache(unit, &unit->qi[first],
					(VTD_QI_ENTRIES - first) * sizeof(*unit->qi));
			vtd_flush_cache(unit, unit->qi,
					unit->qi_tail * sizeof(*unit->qi));
		}
	}
	/* Descriptors are visible before the tail moves */
	wmb();
	vtd_qi_set_tail(unit);
	raw_spin_unlock_irqrestore(&unit->qi_lock, flags);
	return wait ? vtd_qi_poll(unit, seq, gen0, iqe0) : 0;
}

/* vtd_qi_submit(), inlined into the flushes' queue: one call less per unmap. */
static __always_inline int __vtd_qi_submit(struct vtd_unit *unit,
					   const struct alist_cmd *cmds,
					   unsigned int n, bool wait)
{
	unsigned int attempt;
	int ret = 0;

	if (!n && !wait)
		return 0;
	for (attempt = 0; attempt < VTD_QI_ATTEMPTS; attempt++) {
		if (alist_recording(unit->recorder))
			ret = vtd_qi_record(unit, cmds, n, wait);
		else
			ret = vtd_qi_issue(unit, cmds, n, wait);
		if (ret != -EAGAIN)
			return ret;
	}
	atomic64_inc(&unit->cnt.timeouts);
	pr_err_ratelimited("alist_vtd %s: invalidation aborted by time-outs %u times, given up\n",
			   unit->name, VTD_QI_ATTEMPTS);
	return -ETIMEDOUT;
}

/**
 * vtd_qi_submit() - queue invalidation descriptors, optionally wait
 * @unit: the unit
 * @cmds: @n descriptors
 * @n: number of descriptors (may be 0 with @wait)
 * @wait: append a wait descriptor and poll until everything queued so far
 *	completed
 *
 * A wait aborted by an invalidation time-out (ITE) is submitted again with
 * its descriptors, as Linux does, up to VTD_QI_ATTEMPTS times: only the
 * submitter whose device hangs gets -ETIMEDOUT.
 *
 * Context: any. The queue lock (a raw spinlock: the DMA API may unmap from
 * interrupt context) is held with interrupts off only to place descriptors
 * and move the tail; the wait polls with interrupts on and no lock held.
 * Return: 0; -ETIMEDOUT when the queue did not drain, the wait did not
 * complete in time (at once behind a wait that gave up on a queue that
 * has not moved since), or it was aborted by ITE every time; -EIO when a
 * queue error (IQE) dropped a descriptor while the wait was pending (its
 * own or another submitter's: each wait pending then fails); -ENOSPC when
 * a recording queue is full.
 */
int vtd_qi_submit(struct vtd_unit *unit, const struct alist_cmd *cmds,
		  unsigned int n, bool wait)
{
	return __vtd_qi_submit(unit, cmds, n, wait);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_qi_submit);

/*
 * The queue of the shared layer's flushes: each chunk goes to its unit's
 * queue, with the wait the chunk asks for. Every chunk is issued even
 * after one failed (other units are not left stale).
 */
static int vtd_queue_submit(void *owner, const struct alist_inv_batch *b,
			    int nr)
{
	const struct alist_inv_chunk *ch;
	struct vtd_unit *unit;
	int i, err, ret = 0;

	for (i = 0; i < nr; i++) {
		ch = &b->chunks[i];
		unit = vtd_unit_from_instance(ch->instance);
		if (!unit)
			continue;
		err = __vtd_qi_submit(unit, &b->cmds[ch->first], ch->nr_cmds,
				      ch->sync);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/* Every VT-d flush: chunks name their unit (VTD_QUEUE() adds the params). */
const struct alist_queue_ops vtd_queue_ops = {
	.format = ALIST_HW_VTD,
	.batch_cmds = 16,
	.submit = vtd_queue_submit,
};
EXPORT_SYMBOL_IF_KUNIT(vtd_queue_ops);

/**
 * vtd_qi_enable() - allocate and enable the invalidation queue
 * @unit: the unit, QI off
 *
 * Context: process; may sleep. Caller serializes bring-up of @unit.
 * Return: 0, -ENOMEM, or -ETIMEDOUT when QIES did not follow QIE.
 */
int vtd_qi_enable(struct vtd_unit *unit)
{
	u32 sts;
	int ret;

	unit->qi = (struct alist_cmd *)get_zeroed_page(GFP_KERNEL);
	if (!unit->qi)
		return -ENOMEM;
	unit->qi_status = kzalloc(2 * sizeof(u32), GFP_KERNEL);
	if (!unit->qi_status) {
		ret = -ENOMEM;
		goto err_free_queue;
	}
	unit->qi_dummy = unit->qi_status + 1;
	if (alist_recording(unit->recorder))
		return 0;

	unit->qi_tail = 0;
	unit->qi_head_seen = 0;
	writeq(0, unit->reg + VTD_REG_IQT);
	/* QS = 0: one 4 KiB page, 128 descriptors of 256 bits */
	writeq(virt_to_phys(unit->qi) | VTD_IQA_DW, unit->reg + VTD_REG_IQA);
	unit->gcmd |= VTD_GCMD_QIE;
	writel(unit->gcmd, unit->reg + VTD_REG_GCMD);
	ret = readl_poll_timeout(unit->reg + VTD_REG_GSTS, sts,
				 sts & VTD_GCMD_QIE, 1, 100000);
	if (ret) {
		pr_err("alist_vtd %s: queued invalidation did not enable\n",
		       unit->name);
		unit->gcmd &= ~VTD_GCMD_QIE;
		goto err_free_status;
	}
	return 0;

err_free_status:
	kfree(unit->qi_status);
	unit->qi_status = NULL;
err_free_queue:
	free_page((unsigned long)unit->qi);
	unit->qi = NULL;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_qi_enable);

/**
 * vtd_qi_disable() - disable the queue and free it
 * @unit: the unit; translation is already off
 *
 * Context: process; may sleep. Caller serializes tear-down of @unit.
 * Return: nothing.
 */
void vtd_qi_disable(struct vtd_unit *unit)
{
	u32 sts;

	if (!unit->qi)
		return;
	if (!alist_recording(unit->recorder) && (unit->gcmd & VTD_GCMD_QIE)) {
		unit->gcmd &= ~VTD_GCMD_QIE;
		writel(unit->gcmd, unit->reg + VTD_REG_GCMD);
		if (readl_poll_timeout(unit->reg + VTD_REG_GSTS, sts,
				       !(sts & VTD_GCMD_QIE), 1, 100000))
			pr_err("alist_vtd %s: queued invalidation did not disable\n",
			       unit->name);
	}
	kfree(unit->qi_status);
	unit->qi_status = NULL;
	free_page((unsigned long)unit->qi);
	unit->qi = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_qi_disable);
