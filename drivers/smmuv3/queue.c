// SPDX-License-Identifier: GPL-2.0
/*
 * The command queue: one producer at a time under cmdq_lock, commands
 * copied in, PROD written once per batch, and CMD_SYNC completion found by
 * polling CONS (QEMU has no MSI write-back or SEV). In KUnit the shared
 * layer's recorder can stand in for the hardware.
 */
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <kunit/visibility.h>

#include "smmuv3.h"

static u32 q_idx(const struct smmuv3_queue *q, u32 p)
{
	return p & (BIT(q->log2) - 1);
}

/**
 * smmuv3_queue_alloc() - allocate a queue and program its base register
 * @smmu: the SMMU, queues disabled
 * @q: the queue
 * @log2: log2 of its entries, already capped by what IDR1 allows
 * @dwords: 64-bit words per entry
 * @base: offset of its Q_BASE register
 * @prod: offset of its PROD register
 * @cons: offset of its CONS register
 *
 * Context: probe; no lock needed.
 * Return: 0 or -ENOMEM.
 */
int smmuv3_queue_alloc(struct smmuv3_device *smmu, struct smmuv3_queue *q,
		       u32 log2, u32 dwords, u32 base, u32 prod, u32 cons)
{
	size_t size = (size_t)8 * dwords << log2;

	q->log2 = log2;
	q->dwords = dwords;
	q->base = dmam_alloc_coherent(smmu->dev, size, &q->dma, GFP_KERNEL);
	if (!q->base)
		return -ENOMEM;
	q->prod_reg = smmu->base + prod;
	q->cons_reg = smmu->base + cons;
	q->prod = 0;
	q->cons = 0;
	writeq_relaxed(SMMUV3_Q_BASE_RWA | (q->dma & SMMUV3_Q_BASE_ADDR) |
		       FIELD_PREP(SMMUV3_Q_BASE_LOG2SIZE, log2),
		       smmu->base + base);
	writel_relaxed(0, q->prod_reg);
	writel_relaxed(0, q->cons_reg);
	return 0;
}

/**
 * smmuv3_cmdq_init() - allocate the command queue and program its base
 * @smmu: the SMMU, queues disabled
 *
 * Context: probe; no lock needed.
 * Return: 0 or -ENOMEM.
 */
int smmuv3_cmdq_init(struct smmuv3_device *smmu)
{
	spin_lock_init(&smmu->cmdq_lock);
	return smmuv3_queue_alloc(smmu, &smmu->cmdq,
				  min_t(u32, SMMUV3_CMDQ_LOG2,
					FIELD_GET(SMMUV3_IDR1_CMDQS, smmu->idr[1])),
				  2, SMMUV3_CMDQ_BASE, SMMUV3_CMDQ_PROD,
				  SMMUV3_CMDQ_CONS);
}

/*
 * Sample CONS into the free-running @cmdq_consumed. Producers never get
 * more than a queue ahead of the cached CONS (they wait when it is full),
 * so CONS has moved by at most a queue size since the last sample and the
 * difference modulo twice the queue size is exact. Caller holds cmdq_lock.
 */
static void smmuv3_cmdq_sample_cons(struct smmuv3_device *smmu)
{
	struct smmuv3_queue *q = &smmu->cmdq;
	u32 mask = BIT(q->log2 + 1) - 1;
	u32 cons = readl_relaxed(q->cons_reg) & mask;

	smmu->cmdq_consumed += (cons - q->cons) & mask;
	q->cons = cons;
}

static void smmuv3_cmdq_note_failed(struct smmuv3_device *smmu, u64 pos)
{
	smmu->cmdq_failed[smmu->cmdq_nfailed++ % SMMUV3_CMDQ_FAILED_LOG] = pos;
}

/* Did a command in [@first, @end) fail? Caller holds cmdq_lock. */
static bool smmuv3_cmdq_span_failed(struct smmuv3_device *smmu, u64 first, u64 end)
{
	unsigned int i, n = min_t(u64, smmu->cmdq_nfailed, SMMUV3_CMDQ_FAILED_LOG);

	for (i = 0; i < n; i++)
		if (smmu->cmdq_failed[i] >= first && smmu->cmdq_failed[i] < end)
			return true;
	return false;
}

/**
 * smmuv3_cmdq_fix_error() - make the command queue able to resume
 * @smmu: the SMMU, GERROR.CMDQ_ERR active (not yet acknowledged)
 *
 * CONS points at the command that stopped the queue; CONS.ERR says why:
 *  - CERROR_ILL (and any value this driver does not know): the command is
 *    overwritten with a CMD_SYNC, so the queue goes on without it, and its
 *    position is noted as failed;
 *  - CERROR_ABT (abort on command fetch): the command is intact in
 *    memory; the SMMU fetches it again when it resumes (never dropped);
 *  - CERROR_ATC_INV_SYNC: CONS is at the CMD_SYNC that found an ATC
 *    invalidation timed out; it stays to be run again, and its position
 *    is noted as failed: the device's ATC may be stale.
 * A submitter whose batch holds a failed position gets -EIO
 * (smmuv3_cmdq_submit()); no other does. The caller acknowledges CMDQ_ERR
 * afterwards (with a writel(), ordered after the overwrite).
 *
 * Context: any; does not sleep. Caller holds cmdq_lock.
 */
void smmuv3_cmdq_fix_error(struct smmuv3_device *smmu)
{
	struct smmuv3_queue *q = &smmu->cmdq;
	u32 cons, err;
	__le64 *slot;

	lockdep_assert_held(&smmu->cmdq_lock);
	smmuv3_cmdq_sample_cons(smmu);
	cons = readl_relaxed(q->cons_reg);
	err = FIELD_GET(SMMUV3_CMDQ_CONS_ERR, cons);
	slot = q->base + (size_t)q_idx(q, cons) * q->dwords;
	switch (err) {
	case SMMUV3_CERROR_NONE:
		return;
	case SMMUV3_CERROR_ABT:
		dev_err_ratelimited(smmu->dev, "command fetch aborted at 0x%x: retried\n",
				    cons);
		return;
	case SMMUV3_CERROR_ATC_INV_SYNC:
		dev_err_ratelimited(smmu->dev, "ATC invalidation timed out (CMD_SYNC at 0x%x)\n",
				    cons);
		smmuv3_cmdq_note_failed(smmu, smmu->cmdq_consumed);
		return;
	default:
		break;
	}
	dev_err_ratelimited(smmu->dev,
			    "command 0x%016llx 0x%016llx refused (CONS.ERR %u): skipped\n",
			    le64_to_cpu(slot[0]), le64_to_cpu(slot[1]), err);
	smmuv3_cmdq_note_failed(smmu, smmu->cmdq_consumed);
	WRITE_ONCE(slot[0], cpu_to_le64(FIELD_PREP(SMMUV3_CMD_OP, SMMUV3_OP_SYNC)));
	WRITE_ONCE(slot[1], 0);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_cmdq_fix_error);

static bool smmuv3_cmdq_err_pending(struct smmuv3_device *smmu)
{
	u32 pending = readl_relaxed(smmu->base + SMMUV3_GERROR) ^
		      readl_relaxed(smmu->base + SMMUV3_GERRORN);

	return pending & SMMUV3_GERROR_CMDQ_ERR;
}

/* A wait gives up: noted where CONS stood (alist_queue_stall_note()) */
static int smmuv3_cmdq_timeout(struct smmuv3_device *smmu)
{
	lockdep_assert_held(&smmu->cmdq_lock);
	atomic64_inc(&smmu->stats.sync_timeouts);
	alist_queue_stall_note(&smmu->cmdq_stall, smmu->cmdq_consumed);
	dev_err_ratelimited(smmu->dev, "CMD_SYNC timeout: prod 0x%x cons 0x%x\n",
			    smmu->cmdq.prod, smmu->cmdq.cons);
	return -ETIMEDOUT;
}

/*
 * Sample CONS: true when the first @end commands ever issued have been
 * consumed, *ret then -EIO if one of [@first, @end) failed.
 */
static bool smmuv3_cmdq_consumed(struct smmuv3_device *smmu, u64 first, u64 end,
				 int *ret)
{
	smmuv3_cmdq_sample_cons(smmu);
	if (smmu->cmdq_consumed < end)
		return false;
	*ret = smmuv3_cmdq_span_failed(smmu, first, end) ? -EIO : 0;
	return true;
}

/*
 * One poll step: smmuv3_cmdq_consumed(), and handle a command error
 * (whoever polls first; the gerror interrupt may have done it already).
 * Also true when the queue is still stuck where an earlier wait gave up,
 * *ret then -ETIMEDOUT.
 */
static bool smmuv3_cmdq_poll_step(struct smmuv3_device *smmu, u64 first, u64 end,
				  int *ret)
{
	lockdep_assert_held(&smmu->cmdq_lock);
	if (smmuv3_cmdq_consumed(smmu, first, end, ret))
		return true;
	if (smmuv3_cmdq_err_pending(smmu)) {
		smmuv3_gerror_handle(smmu);
	} else if (alist_queue_stalled(&smmu->cmdq_stall, smmu->cmdq_consumed)) {
		*ret = smmuv3_cmdq_timeout(smmu);
		return true;
	}
	return false;
}

/*
 * Wait, holding cmdq_lock, until everything issued was consumed: used only
 * to make room when a batch finds the queue full. Errors of the commands
 * consumed meanwhile are their submitters' to report.
 */
static int smmuv3_cmdq_drain_locked(struct smmuv3_device *smmu)
{
	u64 deadline = 0;
	u64 end = smmu->cmdq_issued;
	int ret;

	lockdep_assert_held(&smmu->cmdq_lock);
	for (;;) {
		/* [end, end) is empty: 0, or -ETIMEDOUT on a stuck queue */
		if (smmuv3_cmdq_poll_step(smmu, end, end, &ret))
			return ret;
		if (alist_queue_expired(&deadline))
			break;
		udelay(1);
	}
	return smmuv3_cmdq_timeout(smmu);
}

/*
 * Wait until the first @end commands ever issued were consumed, the lock
 * NOT held: interrupts stay on for the hardware round trip; the lock is
 * taken only for each sample of CONS.
 */
static int smmuv3_cmdq_wait(struct smmuv3_device *smmu, u64 first, u64 end)
{
	u64 deadline = 0;
	unsigned long flags;
	int ret = 0;
	bool done;

	lockdep_assert_not_held(&smmu->cmdq_lock);
	for (;;) {
		spin_lock_irqsave(&smmu->cmdq_lock, flags);
		done = smmuv3_cmdq_poll_step(smmu, first, end, &ret);
		spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
		if (done)
			return ret;
		if (alist_queue_expired(&deadline))
			break;
		udelay(1);
	}
	spin_lock_irqsave(&smmu->cmdq_lock, flags);
	ret = smmuv3_cmdq_timeout(smmu);
	spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
	return ret;
}

/*
 * Copy @n commands into the queue, then @tail when not NULL (the
 * CMD_SYNC), waiting for room when it is full; PROD is written only then
 * (the caller writes it once at the end). Its one caller holds cmdq_lock
 * (not asserted per batch: lockdep's check costs more than the copy).
 */
static int smmuv3_cmdq_place(struct smmuv3_device *smmu,
			     const struct alist_cmd *cmds, unsigned int n,
			     const struct alist_cmd *tail)
{
	struct smmuv3_queue *q = &smmu->cmdq;
	u32 size = BIT(q->log2), prod = q->prod, dwords = q->dwords;
	unsigned int i, room;
	__le64 *slot;
	int ret;

	for (;;) {
		if (!n) {
			if (!tail)
				break;
			cmds = tail;
			n = 1;
			tail = NULL;
		}
		room = size - ((prod - q->cons) & (2 * size - 1));
		if (!room) {
			q->prod = prod;
			dma_wmb();
			writel(prod, q->prod_reg);
			ret = smmuv3_cmdq_drain_locked(smmu);
			if (ret)
				return ret;
			continue;
		}
		room = min(room, n);
		for (i = 0; i < room; i++) {
			slot = q->base + (size_t)(prod & (size - 1)) * dwords;
			slot[0] = cpu_to_le64(cmds[i].w[0]);
			slot[1] = cpu_to_le64(cmds[i].w[1]);
			prod = (prod + 1) & (2 * size - 1);
		}
		cmds += room;
		n -= room;
		smmu->cmdq_issued += room;
	}
	q->prod = prod;
	return 0;
}

/**
 * smmuv3_cmdq_submit_span() - issue commands as part of a larger batch
 * @smmu: the SMMU
 * @cmds: @n commands (struct alist_cmd, w[0..1] used)
 * @n: number of commands, may be 0
 * @sync: append a CMD_SYNC and wait until it completed
 * @span: the caller's batch: SMMUV3_SPAN_NONE before its first command;
 *	holds the position of that command until a CMD_SYNC ends the batch
 *
 * PROD is written once per call. The result of a CMD_SYNC covers every
 * command of the batch since *@span (then reset).
 *
 * Context: any; does not sleep. cmdq_lock (a spinlock with interrupts off:
 * the DMA API may unmap from interrupt context) is held to place commands
 * and move PROD, and for each sample of CONS, never across the wait.
 * Return: 0; -ETIMEDOUT when the SMMU did not consume the queue in time
 * (at once behind a wait that gave up and CONS has not moved since);
 * -EIO when it refused a command of the batch (the command was skipped).
 */
int smmuv3_cmdq_submit_span(struct smmuv3_device *smmu, const struct alist_cmd *cmds,
			    unsigned int n, bool sync, u64 *span)
{
	struct smmuv3_queue *q = &smmu->cmdq;
	struct alist_cmd sync_cmd;
	unsigned long flags;
	u64 first, end;
	int ret = 0;
	bool done;

	if (sync)
		alist_smmuv3_cmd_sync(&sync_cmd, ALIST_SMMUV3_SYNC_CS_NONE);
	if (alist_recording(smmu->rec)) {
		/* KUnit's recording queue: one submitter, no cmdq_lock */
		smmu->cmdq_cmds += n;
		smmu->cmdq_syncs += sync;
		return alist_rec_submit(smmu->rec, cmds, n, sync ? &sync_cmd : NULL);
	}
	if (!n && !sync)
		return 0;

	spin_lock_irqsave(&smmu->cmdq_lock, flags);
	if (*span == SMMUV3_SPAN_NONE)
		*span = smmu->cmdq_issued;
	first = *span;
	ret = smmuv3_cmdq_place(smmu, cmds, n, sync ? &sync_cmd : NULL);
	if (ret)
		goto out_unlock;
	WRITE_ONCE(smmu->cmdq_cmds, smmu->cmdq_cmds + n);
	WRITE_ONCE(smmu->cmdq_syncs, smmu->cmdq_syncs + sync);
	/* Commands visible before PROD moves. */
	dma_wmb();
	writel(q->prod, q->prod_reg);
	end = smmu->cmdq_issued;
	if (!sync) {
		spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
		return 0;
	}
	*span = SMMUV3_SPAN_NONE;
	/* An SMMU that keeps up has consumed the batch already: no relock */
	done = smmuv3_cmdq_consumed(smmu, first, end, &ret);
	spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
	return done ? ret : smmuv3_cmdq_wait(smmu, first, end);

out_unlock:
	*span = SMMUV3_SPAN_NONE;
	spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_cmdq_submit_span);

/**
 * smmuv3_cmdq_submit() - issue commands, optionally followed by a CMD_SYNC
 * @smmu: the SMMU
 * @cmds: @n commands (struct alist_cmd, w[0..1] used)
 * @n: number of commands, may be 0
 * @sync: append a CMD_SYNC and wait until it completed
 *
 * A batch of its own: see smmuv3_cmdq_submit_span().
 *
 * Context: as smmuv3_cmdq_submit_span().
 * Return: as smmuv3_cmdq_submit_span().
 */
int smmuv3_cmdq_submit(struct smmuv3_device *smmu, const struct alist_cmd *cmds,
		       unsigned int n, bool sync)
{
	u64 span = SMMUV3_SPAN_NONE;

	return smmuv3_cmdq_submit_span(smmu, cmds, n, sync, &span);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_cmdq_submit);

/**
 * smmuv3_cmd_cfgi_ste() - encode CFGI_STE for one StreamID
 * @cmd: the command
 * @sid: the StreamID
 *
 * Leaf=0: the STE and every context descriptor cached through it.
 * No lock needed.
 */
void smmuv3_cmd_cfgi_ste(struct alist_cmd *cmd, u32 sid)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->w[0] = FIELD_PREP(SMMUV3_CMD_OP, SMMUV3_OP_CFGI_STE) |
		    FIELD_PREP(SMMUV3_CMD0_SID, sid);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_cmd_cfgi_ste);

/**
 * smmuv3_cmdq_submit_batch() - issue the chunks one core fill wrote
 * @owner: the SMMU of the flush (a domain's first, or a vSMMU's): its
 *	chunks need no lookup
 * @b: the batch the fill wrote
 * @nr: what the fill returned: the number of chunks, or a negative errno
 *
 * The submit of smmuv3_queue_ops (see struct alist_queue_ops). Each chunk
 * goes to the SMMU of its instance: a domain's list may hold targets on
 * several SMMUs. Each SMMU's chunks are one batch of their own there (a
 * CMD_SYNC reports on its SMMU's commands since its previous one).
 *
 * Context: as smmuv3_cmdq_submit().
 * Return: 0; the fill's errno; -ENODEV for a chunk of no SMMU (the others
 * are issued); else the first error of smmuv3_cmdq_submit().
 */
int smmuv3_cmdq_submit_batch(void *owner, const struct alist_inv_batch *b,
			     int nr)
{
	/* Written before read (nsmmus): not cleared per call */
	struct smmuv3_device *smmus[ALIST_FLUSH_CHUNKS] __uninitialized;
	u64 spans[ALIST_FLUSH_CHUNKS] __uninitialized;
	struct smmuv3_device *home = owner, *smmu;
	const struct alist_inv_chunk *ch;
	int i, k, nsmmus = 0, err, ret = 0;

	if (WARN_ON_ONCE(nr < 0))
		return nr;
	if (WARN_ON_ONCE(nr > ALIST_FLUSH_CHUNKS))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		ch = &b->chunks[i];
		for (k = 0; k < nsmmus; k++)
			if (smmus[k]->instance == ch->instance)
				break;
		if (k == nsmmus) {
			smmu = ch->instance == home->instance ? home :
			       smmuv3_from_instance(ch->instance);
			if (!smmu) {
				ret = ret ?: -ENODEV;
				continue;
			}
			smmus[nsmmus] = smmu;
			spans[nsmmus++] = SMMUV3_SPAN_NONE;
		}
		err = smmuv3_cmdq_submit_span(smmus[k], &b->cmds[ch->first],
					      ch->nr_cmds, ch->sync, &spans[k]);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/* The queue of the shared layer's flushes: chunks go to their SMMU. */
const struct alist_queue_ops smmuv3_queue_ops = {
	.format = ALIST_HW_SMMUV3,
	.batch_cmds = 32,
	.submit = smmuv3_cmdq_submit_batch,
};
EXPORT_SYMBOL_IF_KUNIT(smmuv3_queue_ops);

/**
 * smmuv3_cmd_cfgi_all() - encode CFGI_ALL (CFGI_STE_RANGE, Range = 31)
 * @cmd: the command
 *
 * No lock needed.
 */
void smmuv3_cmd_cfgi_all(struct alist_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->w[0] = FIELD_PREP(SMMUV3_CMD_OP, SMMUV3_OP_CFGI_ALL);
	cmd->w[1] = FIELD_PREP(SMMUV3_CMD1_RANGE, 31);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_cmd_cfgi_all);

/**
 * smmuv3_sync_ste() - invalidate the cached configuration of one StreamID
 * @smmu: the SMMU
 * @sid: the StreamID whose STE (and CD) changed
 *
 * Issues CFGI_STE (Leaf=0, so the CDs reached through it too), then a
 * CMD_SYNC.
 *
 * Context: any; does not sleep.
 * Return: as smmuv3_cmdq_submit().
 */
int smmuv3_sync_ste(struct smmuv3_device *smmu, u32 sid)
{
	struct alist_cmd cmd;

	smmuv3_cmd_cfgi_ste(&cmd, sid);
	atomic64_inc(&smmu->stats.cfgi);
	return smmuv3_cmdq_submit(smmu, &cmd, 1, true);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_sync_ste);
