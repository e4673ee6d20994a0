// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the driver against a fake SMMU in memory. The registers are a
 * zeroed buffer; an hrtimer plays the hardware every few microseconds:
 * it acknowledges CR0 and IRQ_CTRL, and consumes the command queue,
 * raising the command errors a test asks for (CERROR_ILL for one opcode,
 * CERROR_ABT once at one position, CERROR_ATC_INV_SYNC once at the
 * CMD_SYNC after an ATC_INV), as the SMMUv3 architecture describes them:
 * CONS stays at the command, CONS.ERR says why, GERROR.CMDQ_ERR toggles,
 * and the queue resumes at CONS once GERRORN acknowledges it.
 *
 * Covers command errors (the bad command skipped before the error is
 * acknowledged, -EIO to its submitter only, an aborted fetch retried), a
 * queue that stops consuming (-ETIMEDOUT, later waiters not held another
 * second, the queue usable once it runs again), event queue overflow and
 * an aborted event write, and the probe-time reset (nothing enabled
 * before the interrupts are requested; any failure leaves the SMMU
 * disabled).
 */
#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "../drivers/smmuv3/smmuv3.h"
#include "alist_waiters.h"

#define HW_REGS_SIZE	0x20000
#define HW_PERIOD_NS	(20 * NSEC_PER_USEC)
#define HW_MAX_EXEC	64
/* A give-up that took this long waited its own full time-out */
#define HW_QUICK_NS	(500 * NSEC_PER_MSEC)
#define EVT_F_TRANSLATION	0x10
#define OP_ILL		0x77
#define OP_CFGI_ALL	0x04
#define OP_NSNH_ALL	0x30
#define OP_ATC_INV	0x40
#define OP_SYNC		0x46

struct fake_smmu {
	struct smmuv3_device *smmu;
	void __iomem *regs;	/* RAM that plays the register page */
	struct hrtimer timer;
	bool running;
	bool stalled;		/* consume nothing */
	u8 ill_op;		/* raise CERROR_ILL for this opcode (0: none) */
	bool abt_armed;		/* raise CERROR_ABT once, at command @abt_pos */
	u64 abt_pos;
	bool atc_armed;		/* CERROR_ATC_INV_SYNC once, at a sync after ATC_INV */
	bool atc_seen;
	u64 pos;		/* commands consumed */
	u8 exec[HW_MAX_EXEC];	/* opcodes executed, in order */
	unsigned int nexec;
	unsigned int errors;	/* errors raised */
	u32 cr0_at_irq_request;
};

static struct fake_smmu *hw_fake;

static u32 hw_rd(struct fake_smmu *f, u32 off)
{
	return readl_relaxed(f->regs + off);
}

static void hw_wr(struct fake_smmu *f, u32 off, u32 val)
{
	writel_relaxed(val, f->regs + off);
}

static void hw_raise(struct fake_smmu *f, u32 cons, u32 err)
{
	f->errors++;
	hw_wr(f, SMMUV3_CMDQ_CONS, cons | FIELD_PREP(SMMUV3_CMDQ_CONS_ERR, err));
	hw_wr(f, SMMUV3_GERROR, hw_rd(f, SMMUV3_GERROR) ^ SMMUV3_GERROR_CMDQ_ERR);
}

/* Consume from CONS to PROD until a command error stops the queue. */
static void hw_consume(struct fake_smmu *f)
{
	struct smmuv3_queue *q = &f->smmu->cmdq;
	u32 mask = BIT(q->log2 + 1) - 1;
	u32 cons = hw_rd(f, SMMUV3_CMDQ_CONS) & mask;
	u32 prod = hw_rd(f, SMMUV3_CMDQ_PROD) & mask;

	/* Read the entries only after PROD. */
	rmb();
	while (cons != prod) {
		__le64 *slot = q->base + (size_t)(cons & (BIT(q->log2) - 1)) * q->dwords;
		u8 op = le64_to_cpu(READ_ONCE(slot[0])) & 0xff;

		if (f->abt_armed && f->pos == f->abt_pos) {
			f->abt_armed = false;
			hw_raise(f, cons, SMMUV3_CERROR_ABT);
			return;
		}
		if (f->ill_op && op == f->ill_op) {
			hw_raise(f, cons, SMMUV3_CERROR_ILL);
			return;
		}
		if (op == OP_ATC_INV)
			f->atc_seen = true;
		if (op == OP_SYNC && f->atc_armed && f->atc_seen) {
			f->atc_armed = false;
			hw_raise(f, cons, SMMUV3_CERROR_ATC_INV_SYNC);
			return;
		}
		if (f->nexec < HW_MAX_EXEC)
			f->exec[f->nexec++] = op;
		f->pos++;
		cons = (cons + 1) & mask;
		hw_wr(f, SMMUV3_CMDQ_CONS, cons);
	}
}

static enum hrtimer_restart hw_tick(struct hrtimer *t)
{
	struct fake_smmu *f = container_of(t, struct fake_smmu, timer);
	u32 cr0 = hw_rd(f, SMMUV3_CR0);
	u32 gerror = hw_rd(f, SMMUV3_GERROR) ^ hw_rd(f, SMMUV3_GERRORN);

	u32 gbpa = hw_rd(f, SMMUV3_GBPA);

	hw_wr(f, SMMUV3_CR0ACK, cr0);
	hw_wr(f, SMMUV3_IRQ_CTRLACK, hw_rd(f, SMMUV3_IRQ_CTRL));
	/* A GBPA update takes effect */
	if (gbpa & SMMUV3_GBPA_UPDATE)
		hw_wr(f, SMMUV3_GBPA, gbpa & ~SMMUV3_GBPA_UPDATE);
	if ((cr0 & SMMUV3_CR0_CMDQEN) && f->smmu->cmdq.base &&
	    !(gerror & SMMUV3_GERROR_CMDQ_ERR) && !READ_ONCE(f->stalled))
		hw_consume(f);
	hrtimer_forward_now(t, ns_to_ktime(HW_PERIOD_NS));
	return HRTIMER_RESTART;
}

static int hw_irqs_request_ok(struct smmuv3_device *smmu)
{
	hw_fake->cr0_at_irq_request = hw_rd(hw_fake, SMMUV3_CR0);
	smmu->irq_ctrl = SMMUV3_IRQ_CTRL_GERROR | SMMUV3_IRQ_CTRL_EVTQ;
	return 0;
}

static int hw_irqs_request_fail(struct smmuv3_device *smmu)
{
	hw_fake->cr0_at_irq_request = hw_rd(hw_fake, SMMUV3_CR0);
	return -ENXIO;
}

static int hw_init(struct kunit *test)
{
	struct fake_smmu *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct smmuv3_device *smmu;
	struct device *dev;

	if (!f)
		return -ENOMEM;
	f->regs = (void __force __iomem *)kunit_kzalloc(test, HW_REGS_SIZE,
							GFP_KERNEL);
	smmu = kunit_kzalloc(test, sizeof(*smmu), GFP_KERNEL);
	if (!f->regs || !smmu)
		return -ENOMEM;
	f->smmu = smmu;
	dev = kunit_device_register(test, "alist-smmuv3-hw");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	dev->coherent_dma_mask = DMA_BIT_MASK(44);
	dev->dma_mask = &dev->coherent_dma_mask;
	smmu->dev = dev;
	smmu->base = f->regs;
	xa_init(&smmu->streams);
	mutex_init(&smmu->vevent_lock);
	/* 16 StreamIDs, linear table; 2^4-entry queues (CMDQS, EVTQS) */
	smmu->features = SMMUV3_FEAT_S1 | SMMUV3_FEAT_S2 | SMMUV3_FEAT_COHERENT;
	smmu->sid_bits = 4;
	smmu->idr[1] = FIELD_PREP(SMMUV3_IDR1_CMDQS, 4) | FIELD_PREP(SMMUV3_IDR1_EVTQS, 4);
	hw_fake = f;
	test->priv = f;
	hrtimer_setup(&f->timer, hw_tick, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	hrtimer_start(&f->timer, ns_to_ktime(HW_PERIOD_NS), HRTIMER_MODE_REL);
	f->running = true;
	return 0;
}

static void hw_exit(struct kunit *test)
{
	struct fake_smmu *f = test->priv;

	if (f && f->running) {
		/* Stop the SMMU using the queues before they are freed. */
		hw_wr(f, SMMUV3_CR0, 0);
		hrtimer_cancel(&f->timer);
		f->running = false;
	}
	hw_fake = NULL;
}

/* A working SMMU: the reset enables everything, in order. */
static struct smmuv3_device *hw_up(struct kunit *test)
{
	struct fake_smmu *f = test->priv;

	kunit_activate_static_stub(test, smmuv3_irqs_request, hw_irqs_request_ok);
	KUNIT_ASSERT_EQ(test, smmuv3_reset(f->smmu), 0);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_CR0),
			(u32)(SMMUV3_CR0_SMMUEN | SMMUV3_CR0_EVTQEN | SMMUV3_CR0_CMDQEN));
	f->nexec = 0;
	return f->smmu;
}

static void hw_reset_ok(struct kunit *test)
{
	struct fake_smmu *f = test->priv;

	hw_up(test);
	/* Interrupts were requested with everything still off */
	KUNIT_EXPECT_EQ(test, f->cr0_at_irq_request, 0U);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_IRQ_CTRL),
			(u32)(SMMUV3_IRQ_CTRL_GERROR | SMMUV3_IRQ_CTRL_EVTQ));
	/* Found disabled: GBPA as it was */
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_GBPA), 0U);
}

/*
 * Found enabled (firmware, a previous kernel): transactions abort while
 * it is reset (GBPA.ABORT, the update completed) instead of bypassing it.
 */
static void hw_reset_found_enabled(struct kunit *test)
{
	struct fake_smmu *f = test->priv;

	hw_wr(f, SMMUV3_CR0, SMMUV3_CR0_SMMUEN);
	hw_wr(f, SMMUV3_CR0ACK, SMMUV3_CR0_SMMUEN);
	hw_up(test);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_GBPA), (u32)SMMUV3_GBPA_ABORT);
}

/* With ATS, translated requests are checked (CR0.ATSCHK), from the start */
static void hw_reset_ats_check(struct kunit *test)
{
	struct fake_smmu *f = test->priv;

	f->smmu->features |= SMMUV3_FEAT_ATS;
	kunit_activate_static_stub(test, smmuv3_irqs_request, hw_irqs_request_ok);
	KUNIT_ASSERT_EQ(test, smmuv3_reset(f->smmu), 0);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_CR0),
			(u32)(SMMUV3_CR0_SMMUEN | SMMUV3_CR0_ATSCHK |
			      SMMUV3_CR0_EVTQEN | SMMUV3_CR0_CMDQEN));
}

/* The interrupts cannot be had: nothing was enabled, nothing stays on. */
static void hw_reset_irq_failure(struct kunit *test)
{
	struct fake_smmu *f = test->priv;

	kunit_activate_static_stub(test, smmuv3_irqs_request, hw_irqs_request_fail);
	KUNIT_EXPECT_EQ(test, smmuv3_reset(f->smmu), -ENXIO);
	KUNIT_EXPECT_EQ(test, f->cr0_at_irq_request, 0U);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_CR0), 0U);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_CR0ACK), 0U);
}

/* A failure after the command queue is on: disabled again, acknowledged. */
static void hw_reset_late_failure(struct kunit *test)
{
	struct fake_smmu *f = test->priv;

	kunit_activate_static_stub(test, smmuv3_irqs_request, hw_irqs_request_ok);
	f->ill_op = OP_CFGI_ALL;	/* the reset's first invalidation fails */
	KUNIT_EXPECT_EQ(test, smmuv3_reset(f->smmu), -EIO);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_CR0), 0U);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_CR0ACK), 0U);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_IRQ_CTRL), 0U);
}

static void hw_cmd(struct alist_cmd *c, u64 op)
{
	memset(c, 0, sizeof(*c));
	c->w[0] = op;
}

/* CERROR_ILL: skipped (run as a CMD_SYNC), -EIO, the rest still runs. */
static void hw_cerror_ill(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	struct alist_cmd c[3];

	f->ill_op = OP_ILL;
	hw_cmd(&c[0], OP_NSNH_ALL);
	hw_cmd(&c[1], OP_ILL);
	hw_cmd(&c[2], OP_CFGI_ALL);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, c, 3, true), -EIO);
	KUNIT_EXPECT_EQ(test, f->errors, 1U);
	KUNIT_ASSERT_EQ(test, f->nexec, 4U);
	KUNIT_EXPECT_EQ(test, f->exec[0], OP_NSNH_ALL);
	KUNIT_EXPECT_EQ(test, f->exec[1], OP_SYNC);	/* in place of the bad one */
	KUNIT_EXPECT_EQ(test, f->exec[2], OP_CFGI_ALL);
	KUNIT_EXPECT_EQ(test, f->exec[3], OP_SYNC);
	/* The next batch is not blamed */
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, c, 1, true), 0);
}

/*
 * -EIO goes to the batch that held the bad command, not to whoever polls
 * first: A queues its bad command without a sync, B's batch waits (and
 * handles the error), then A's sync reports it.
 */
static void hw_cerror_owner(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	u64 span_a = SMMUV3_SPAN_NONE;
	struct alist_cmd bad, good;

	f->ill_op = OP_ILL;
	hw_cmd(&bad, OP_ILL);
	hw_cmd(&good, OP_NSNH_ALL);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit_span(smmu, &bad, 1, false, &span_a), 0);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, &good, 1, true), 0);
	KUNIT_EXPECT_EQ(test, f->errors, 1U);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit_span(smmu, NULL, 0, true, &span_a), -EIO);
	KUNIT_EXPECT_EQ(test, span_a, SMMUV3_SPAN_NONE);
}

/* CERROR_ABT: the command is fetched again, not dropped; no error. */
static void hw_cerror_abt(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	struct alist_cmd c[2];

	f->abt_pos = f->pos + 1;
	f->abt_armed = true;
	hw_cmd(&c[0], OP_NSNH_ALL);
	hw_cmd(&c[1], OP_CFGI_ALL);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, c, 2, true), 0);
	KUNIT_EXPECT_EQ(test, f->errors, 1U);
	KUNIT_ASSERT_EQ(test, f->nexec, 3U);
	KUNIT_EXPECT_EQ(test, f->exec[1], OP_CFGI_ALL);
	KUNIT_EXPECT_EQ(test, f->exec[2], OP_SYNC);
}

/* CERROR_ATC_INV_SYNC: the CMD_SYNC runs again; its batch gets -EIO. */
static void hw_cerror_atc_sync(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	struct alist_cmd c;

	f->atc_armed = true;
	hw_cmd(&c, OP_ATC_INV);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, &c, 1, true), -EIO);
	KUNIT_EXPECT_EQ(test, f->errors, 1U);
	KUNIT_ASSERT_EQ(test, f->nexec, 2U);
	KUNIT_EXPECT_EQ(test, f->exec[1], OP_SYNC);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, &c, 1, true), 0);
}

/*
 * The gerror interrupt sees CMDQ_ERR with nobody waiting: it skips the
 * command before acknowledging, so the SMMU does not run it again.
 */
static void hw_gerror_irq_skips(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	u64 span = SMMUV3_SPAN_NONE;
	unsigned long flags;
	struct alist_cmd c;
	unsigned int i;

	f->ill_op = OP_ILL;
	hw_cmd(&c, OP_ILL);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit_span(smmu, &c, 1, false, &span), 0);
	for (i = 0; i < 100000 && !f->errors; i++)
		udelay(1);
	KUNIT_ASSERT_EQ(test, f->errors, 1U);
	spin_lock_irqsave(&smmu->cmdq_lock, flags);
	smmuv3_gerror_handle(smmu);
	spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
	/* The bad command's slot now holds a CMD_SYNC */
	i = (smmu->cmdq_issued - 1) & (BIT(smmu->cmdq.log2) - 1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(smmu->cmdq.base[i * smmu->cmdq.dwords]) & 0xff,
			(u64)OP_SYNC);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit_span(smmu, NULL, 0, true, &span), -EIO);
	KUNIT_EXPECT_EQ(test, f->errors, 1U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.gerrors), 1LL);
}

/*
 * The SMMU runs again and catches up with what was queued, before the
 * next batch (the timer that plays it may share the CPU of a batch that
 * spins with interrupts off for room).
 */
static void hw_resume(struct fake_smmu *f)
{
	unsigned int i;

	WRITE_ONCE(f->stalled, false);
	for (i = 0; i < 100; i++) {
		if (hw_rd(f, SMMUV3_CMDQ_CONS) == hw_rd(f, SMMUV3_CMDQ_PROD))
			return;
		usleep_range(10000, 20000);
	}
}

static int hw_sync(struct smmuv3_device *smmu, u64 *ns)
{
	struct alist_cmd c;
	u64 t0 = ktime_get_ns();
	int ret;

	hw_cmd(&c, OP_NSNH_ALL);
	ret = smmuv3_cmdq_submit(smmu, &c, 1, true);
	if (ns)
		*ns = ktime_get_ns() - t0;
	return ret;
}

/*
 * A CMD_SYNC that never completes: -ETIMEDOUT; the next wait, with CONS
 * where it was, gets it at once rather than after another second; once
 * the SMMU consumes again the queue serves the next submitter.
 */
static void hw_sync_stall(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	u64 ns;

	WRITE_ONCE(f->stalled, true);
	KUNIT_EXPECT_EQ(test, hw_sync(smmu, NULL), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.sync_timeouts), 1LL);
	KUNIT_EXPECT_EQ(test, hw_sync(smmu, &ns), -ETIMEDOUT);
	KUNIT_EXPECT_LT(test, ns, HW_QUICK_NS);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.sync_timeouts), 2LL);

	hw_resume(f);
	KUNIT_EXPECT_EQ(test, hw_sync(smmu, NULL), 0);
	KUNIT_EXPECT_EQ(test, smmu->cmdq_stall, 0ULL);
}

/*
 * A full queue that does not drain: the batch making room (cmdq_lock
 * held, interrupts off) gives up after the time-out, the next one at
 * once; a queue that drains again takes the next batch.
 */
static void hw_full_stall(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	unsigned int i, n = BIT(smmu->cmdq.log2);
	struct alist_cmd c[2];
	u64 span = SMMUV3_SPAN_NONE;
	u64 t0, ns;

	hw_cmd(&c[0], OP_NSNH_ALL);
	hw_cmd(&c[1], OP_NSNH_ALL);
	WRITE_ONCE(f->stalled, true);
	for (i = 0; i + 1 < n; i++)
		KUNIT_ASSERT_EQ(test, smmuv3_cmdq_submit_span(smmu, c, 1, false, &span), 0);
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, c, 2, false), -ETIMEDOUT);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, smmuv3_cmdq_submit(smmu, c, 2, false), -ETIMEDOUT);
	ns = ktime_get_ns() - t0;
	KUNIT_EXPECT_LT(test, ns, HW_QUICK_NS);

	hw_resume(f);
	KUNIT_EXPECT_EQ(test, hw_sync(smmu, NULL), 0);
}

static int hw_sync_queue(void *smmu)
{
	return hw_sync(smmu, NULL);
}

/*
 * Two waiters on one stuck queue, the second queued 900 ms after the
 * first: each gets -ETIMEDOUT, and the second gives up when the first
 * does, its wait being behind the same command: well before its own
 * second (which it would wait in full without the note).
 */
static void hw_two_waiters(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	struct alist_waiter w[2];

	KUNIT_ASSERT_EQ(test, alist_two_waiters(w, hw_sync_queue, smmu, 900,
						nr_cpu_ids, &f->stalled), 0);
	KUNIT_EXPECT_EQ(test, w[0].ret, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, w[1].ret, -ETIMEDOUT);
	/* About 100 ms: what the first had left; a full second without it */
	KUNIT_EXPECT_LT(test, w[1].end_ns - w[1].start_ns, 800 * NSEC_PER_MSEC);

	hw_resume(f);
	KUNIT_EXPECT_EQ(test, hw_sync(smmu, NULL), 0);
}

/* Write @n translation faults of StreamID 3 into the event queue. */
static void hw_events(struct fake_smmu *f, unsigned int n, bool overflow)
{
	struct smmuv3_queue *q = &f->smmu->evtq;
	u32 mask = BIT(q->log2 + 1) - 1;
	u32 prod = hw_rd(f, SMMUV3_EVTQ_PROD);
	unsigned int i;

	for (i = 0; i < n; i++) {
		__le64 *slot = q->base + (size_t)(prod & (BIT(q->log2) - 1)) * q->dwords;

		slot[0] = cpu_to_le64(EVT_F_TRANSLATION | 3ULL << 32);
		slot[1] = 0;
		slot[2] = cpu_to_le64(0x1000 * i);
		slot[3] = 0;
		prod = (prod & SMMUV3_Q_OVF) | ((prod + 1) & mask);
	}
	if (overflow)
		prod ^= SMMUV3_Q_OVF;
	/* Records visible before PROD, as the SMMU writes them */
	wmb();
	hw_wr(f, SMMUV3_EVTQ_PROD, prod);
}

/*
 * Event queue overflow (PROD.OVFLG toggled): every record still in the
 * queue is consumed, the loss counted once and acknowledged (CONS.OVACKFLG
 * = PROD.OVFLG), and later events are consumed without a second count.
 */
static void hw_evtq_overflow(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	unsigned int n = BIT(smmu->evtq.log2);

	hw_events(f, n, true);
	smmuv3_evtq_drain(smmu);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.events), (s64)n);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.evtq_overflows), 1LL);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_EVTQ_CONS),
			hw_rd(f, SMMUV3_EVTQ_PROD));
	KUNIT_EXPECT_TRUE(test, hw_rd(f, SMMUV3_EVTQ_CONS) & SMMUV3_Q_OVF);

	smmuv3_evtq_drain(smmu);
	hw_events(f, 2, false);
	smmuv3_evtq_drain(smmu);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.events), (s64)n + 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.evtq_overflows), 1LL);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_EVTQ_CONS),
			hw_rd(f, SMMUV3_EVTQ_PROD));
}

/*
 * An aborted event queue write (what QEMU raises for each event it drops
 * on a full queue): counted as events lost, then acknowledged.
 */
static void hw_evtq_abort(struct kunit *test)
{
	struct smmuv3_device *smmu = hw_up(test);
	struct fake_smmu *f = test->priv;
	unsigned long flags;

	hw_wr(f, SMMUV3_GERROR, hw_rd(f, SMMUV3_GERROR) ^ SMMUV3_GERROR_EVTQ_ABT);
	spin_lock_irqsave(&smmu->cmdq_lock, flags);
	smmuv3_gerror_handle(smmu);
	spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.evtq_overflows), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&smmu->stats.gerrors), 1LL);
	KUNIT_EXPECT_EQ(test, hw_rd(f, SMMUV3_GERRORN), hw_rd(f, SMMUV3_GERROR));
}

static struct kunit_case smmuv3_hw_cases[] = {
	KUNIT_CASE(hw_reset_ok),
	KUNIT_CASE(hw_reset_found_enabled),
	KUNIT_CASE(hw_reset_ats_check),
	KUNIT_CASE(hw_reset_irq_failure),
	KUNIT_CASE(hw_reset_late_failure),
	KUNIT_CASE(hw_cerror_ill),
	KUNIT_CASE(hw_cerror_owner),
	KUNIT_CASE(hw_cerror_abt),
	KUNIT_CASE(hw_cerror_atc_sync),
	KUNIT_CASE(hw_gerror_irq_skips),
	KUNIT_CASE_SLOW(hw_sync_stall),
	KUNIT_CASE_SLOW(hw_full_stall),
	KUNIT_CASE_SLOW(hw_two_waiters),
	KUNIT_CASE(hw_evtq_overflow),
	KUNIT_CASE(hw_evtq_abort),
	{}
};

static struct kunit_suite smmuv3_hw_suite = {
	.name = "alist_smmuv3_hw",
	.init = hw_init,
	.exit = hw_exit,
	.test_cases = smmuv3_hw_cases,
};

kunit_test_suite(smmuv3_hw_suite);
