// SPDX-License-Identifier: GPL-2.0
/*
 * The command queue: one producer at a time under cmdq_lock, commands
 * copied in, PROD written once per batch, and CMD_SYNC completion found by
 * polling CONS (QEMU has no MSI write-back or SEV). A KUnit recorder can
 * stand in for the hardware.
 */
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <kunit/visibility.h>

#include "smmuv3.h"

#define SMMUV3_POLL_TIMEOUT_US	1000000

static u32 q_idx(const struct smmuv3_queue *q, u32 p)
{
	return p & (BIT(q->log2) - 1);
}

static u32 q_wrap(const struct smmuv3_queue *q, u32 p)
{
	return p & BIT(q->log2);
}

static u32 q_next(const struct smmuv3_queue *q, u32 p)
{
	return (p + 1) & (BIT(q->log2 + 1) - 1);
}

static bool q_full(const struct smmuv3_queue *q)
{
	return q_idx(q, q->prod) == q_idx(q, q->cons) &&
	       q_wrap(q, q->prod) != q_wrap(q, q->cons);
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
	struct smmuv3_queue *q = &smmu->cmdq;
	size_t size;

	q->log2 = min_t(u32, SMMUV3_CMDQ_LOG2,
			FIELD_GET(SMMUV3_IDR1_CMDQS, smmu->idr[1]));
	q->dwords = 2;
	size = (size_t)8 * q->dwords << q->log2;
	q->base = dmam_alloc_coherent(smmu->dev, size, &q->dma, GFP_KERNEL);
	if (!q->base)
		return -ENOMEM;
	q->prod_reg = smmu->base + SMMUV3_CMDQ_PROD;
	q->cons_reg = smmu->base + SMMUV3_CMDQ_CONS;
	q->prod = 0;
	q->cons = 0;
	spin_lock_init(&smmu->cmdq_lock);

	writeq_relaxed(SMMUV3_Q_BASE_RWA | (q->dma & SMMUV3_Q_BASE_ADDR) |
		       FIELD_PREP(SMMUV3_Q_BASE_LOG2SIZE, q->log2),
		       smmu->base + SMMUV3_CMDQ_BASE);
	writel_relaxed(0, q->prod_reg);
	writel_relaxed(0, q->cons_reg);
	return 0;
}

/*
 * A command the SMMU refused (GERROR.CMDQ_ERR): CONS points at it. Replace
 * it by a CMD_SYNC so the queue can move on, then acknowledge the error.
 */
static void smmuv3_cmdq_skip_bad(struct smmuv3_device *smmu)
{
	struct smmuv3_queue *q = &smmu->cmdq;
	u32 cons = readl_relaxed(q->cons_reg);
	__le64 *slot = q->base + (size_t)q_idx(q, cons) * q->dwords;

	lockdep_assert_held(&smmu->cmdq_lock);
	dev_err_ratelimited(smmu->dev,
			    "command 0x%016llx 0x%016llx refused (CONS.ERR %lu)\n",
			    le64_to_cpu(slot[0]), le64_to_cpu(slot[1]),
			    FIELD_GET(SMMUV3_CMDQ_CONS_ERR, cons));
	slot[0] = cpu_to_le64(FIELD_PREP(SMMUV3_CMD_OP, SMMUV3_OP_SYNC));
	slot[1] = 0;
	dma_wmb();
	smmuv3_gerror_handle(smmu);
	/* Restart the consumer. */
	writel(q->prod, q->prod_reg);
}

static bool smmuv3_cmdq_err_pending(struct smmuv3_device *smmu)
{
	u32 pending = readl_relaxed(smmu->base + SMMUV3_GERROR) ^
		      readl_relaxed(smmu->base + SMMUV3_GERRORN);

	return pending & SMMUV3_GERROR_CMDQ_ERR;
}

/*
 * Sample CONS into the free-running @cmdq_consumed. Producers never get
 * more than a queue ahead of the cached CONS (they wait when it is full),
 * so CONS has moved by at most a queue size since the last sample and the
 * difference modulo twice the queue size is exact.
 */
static void smmuv3_cmdq_sample_cons(struct smmuv3_device *smmu)
{
	struct smmuv3_queue *q = &smmu->cmdq;
	u32 mask = BIT(q->log2 + 1) - 1;
	u32 cons = readl_relaxed(q->cons_reg) & mask;

	lockdep_assert_held(&smmu->cmdq_lock);
	smmu->cmdq_consumed += (cons - q->cons) & mask;
	q->cons = cons;
}

/*
 * One poll step: sample CONS, and skip a refused command. Returns true
 * when the first @target commands ever issued have been consumed.
 */
static bool smmuv3_cmdq_poll_step(struct smmuv3_device *smmu, u64 target, int *ret)
{
	lockdep_assert_held(&smmu->cmdq_lock);
	smmuv3_cmdq_sample_cons(smmu);
	if (smmu->cmdq_consumed >= target)
		return true;
	if (smmuv3_cmdq_err_pending(smmu)) {
		smmuv3_cmdq_skip_bad(smmu);
		*ret = -EIO;
	}
	return false;
}

static int smmuv3_cmdq_timeout(struct smmuv3_device *smmu)
{
	atomic64_inc(&smmu->stats.sync_timeouts);
	dev_err_ratelimited(smmu->dev, "CMD_SYNC timeout: prod 0x%x cons 0x%x\n",
			    smmu->cmdq.prod, smmu->cmdq.cons);
	return -ETIMEDOUT;
}

/*
 * Wait, holding cmdq_lock, until everything issued was consumed: used only
 * to make room when a batch finds the queue full.
 */
static int smmuv3_cmdq_drain_locked(struct smmuv3_device *smmu)
{
	unsigned int us;
	int ret = 0;

	lockdep_assert_held(&smmu->cmdq_lock);
	for (us = 0; us < SMMUV3_POLL_TIMEOUT_US; us++) {
		if (smmuv3_cmdq_poll_step(smmu, smmu->cmdq_issued, &ret))
			return ret;
		udelay(1);
	}
	return smmuv3_cmdq_timeout(smmu);
}

/*
 * Wait until the first @target commands ever issued were consumed, the
 * lock NOT held: interrupts stay on for the hardware round trip; the lock
 * is taken only for each sample of CONS.
 */
static int smmuv3_cmdq_wait(struct smmuv3_device *smmu, u64 target)
{
	unsigned long flags;
	unsigned int us;
	int ret = 0;
	bool done;

	lockdep_assert_not_held(&smmu->cmdq_lock);
	for (us = 0; us < SMMUV3_POLL_TIMEOUT_US; us++) {
		spin_lock_irqsave(&smmu->cmdq_lock, flags);
		done = smmuv3_cmdq_poll_step(smmu, target, &ret);
		spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
		if (done)
			return ret;
		udelay(1);
	}
	spin_lock_irqsave(&smmu->cmdq_lock, flags);
	ret = smmuv3_cmdq_timeout(smmu);
	spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
	return ret;
}

static void smmuv3_cmdq_put(struct smmuv3_device *smmu, const struct alist_cmd *cmd)
{
	struct smmuv3_queue *q = &smmu->cmdq;
	__le64 *slot = q->base + (size_t)q_idx(q, q->prod) * q->dwords;

	slot[0] = cpu_to_le64(cmd->w[0]);
	slot[1] = cpu_to_le64(cmd->w[1]);
	q->prod = q_next(q, q->prod);
	smmu->cmdq_issued++;
}

static int smmuv3_cmdq_record(struct smmuv3_recorder *rec, const struct alist_cmd *cmds,
			      unsigned int n, bool sync)
{
	unsigned int i;

	for (i = 0; i < n + sync; i++) {
		struct alist_cmd c;

		if (i < n)
			c = cmds[i];
		else
			alist_smmuv3_cmd_sync(&c, ALIST_SMMUV3_SYNC_CS_NONE);
		if (rec->n < rec->cap)
			rec->cmds[rec->n] = c;
		rec->n++;
	}
	if (sync) {
		rec->syncs++;
		if (rec->on_sync)
			rec->on_sync(rec);
		if (rec->fail_sync) {
			int err = rec->fail_sync;

			rec->fail_sync = 0;
			return err;
		}
	}
	return 0;
}

/**
 * smmuv3_cmdq_submit() - issue commands, optionally followed by a CMD_SYNC
 * @smmu: the SMMU
 * @cmds: @n commands (struct alist_cmd, w[0..1] used)
 * @n: number of commands, may be 0
 * @sync: append a CMD_SYNC and wait until it completed
 *
 * Commands are copied into the queue, waiting for room when it is full;
 * PROD is written once for the whole batch. With @sync the queue is polled
 * until CONS passes the CMD_SYNC, bounded by one second.
 *
 * Context: any; does not sleep. cmdq_lock (a spinlock with interrupts off:
 * the DMA API may unmap from interrupt context) is held while commands are
 * placed and PROD moves, and for each sample of CONS, never across the
 * wait for the CMD_SYNC: no caller, and no user ioctl, keeps interrupts
 * off for the hardware round trip.
 * Return: 0; -ETIMEDOUT when the SMMU did not consume the queue in time;
 * -EIO when it refused a command (the command was skipped).
 */
int smmuv3_cmdq_submit(struct smmuv3_device *smmu, const struct alist_cmd *cmds,
		       unsigned int n, bool sync)
{
	struct smmuv3_queue *q = &smmu->cmdq;
	struct alist_cmd sync_cmd;
	unsigned long flags;
	unsigned int i;
	u64 target;
	int ret = 0;

	atomic64_add(n, &smmu->stats.cmds);
	if (sync)
		atomic64_inc(&smmu->stats.syncs);
	if (smmu->rec)
		return smmuv3_cmdq_record(smmu->rec, cmds, n, sync);
	if (!n && !sync)
		return 0;

	alist_smmuv3_cmd_sync(&sync_cmd, ALIST_SMMUV3_SYNC_CS_NONE);
	spin_lock_irqsave(&smmu->cmdq_lock, flags);
	for (i = 0; i < n + sync; i++) {
		if (q_full(q)) {
			dma_wmb();
			writel(q->prod, q->prod_reg);
			ret = smmuv3_cmdq_drain_locked(smmu);
			if (ret == -ETIMEDOUT)
				goto out_unlock;
		}
		smmuv3_cmdq_put(smmu, i < n ? &cmds[i] : &sync_cmd);
	}
	/* Commands visible before PROD moves. */
	dma_wmb();
	writel(q->prod, q->prod_reg);
	target = smmu->cmdq_issued;
	spin_unlock_irqrestore(&smmu->cmdq_lock, flags);

	if (sync)
		ret = smmuv3_cmdq_wait(smmu, target) ?: ret;
	return ret;

out_unlock:
	spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
	return ret;
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
 * @smmu: the SMMU every chunk must be for
 * @b: the batch the fill wrote
 * @nr: what the fill returned: the number of chunks, or a negative errno
 *
 * Each chunk goes to the queue in order, with its CMD_SYNC. A queue error
 * does not stop the chunks after it (they are invalidations still owed).
 *
 * Context: as smmuv3_cmdq_submit().
 * Return: 0; the fill's errno; -EINVAL for a chunk of another SMMU (none
 * issued); else the first error of smmuv3_cmdq_submit().
 */
int smmuv3_cmdq_submit_batch(struct smmuv3_device *smmu,
			     const struct alist_inv_batch *b, int nr)
{
	const struct alist_inv_chunk *ch;
	int i, err, ret = 0;

	if (WARN_ON_ONCE(nr < 0))
		return nr;
	for (i = 0; i < nr; i++)
		if (WARN_ON_ONCE(b->chunks[i].instance != smmu->instance))
			return -EINVAL;
	for (i = 0; i < nr; i++) {
		ch = &b->chunks[i];
		err = smmuv3_cmdq_submit(smmu, &b->cmds[ch->first], ch->nr_cmds,
					 ch->sync);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

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
