// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the invalidation queue and the fault records of alist_vtd
 * against a unit in memory, for the conditions QEMU's unit never raises:
 * a queue that stops, a completion error, a primary fault overflow (QEMU
 * drops the faults of a source with a pending record, and the test guest
 * has one DMA engine). The registers are a zeroed page; a thread plays
 * the queue hardware: it runs the descriptors from IQH to IQT, writing
 * each wait's status, until the test stalls it.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "../drivers/vtd/vtd.h"
#include "alist_waiters.h"

/* QEMU 10.0's CAP: one fault record (NFR 0) at FRO 0x22 * 16 */
#define Q_CAP		0xd2008c222f0606ULL
/* A give-up that took this long waited its own full time-out */
#define Q_QUICK_NS	(500 * NSEC_PER_MSEC)

struct fake_qi {
	struct vtd_unit unit;
	struct task_struct *hw;
	unsigned int cpu;	/* where the submitters run */
	bool stalled;		/* the hardware fetches nothing */
};

static unsigned int fake_qi_reg_idx(struct fake_qi *q, u32 reg)
{
	return (readq(q->unit.reg + reg) >> 5) % VTD_QI_ENTRIES;
}

/* The queue hardware: every descriptor from IQH to IQT, in order */
static int fake_qi_hw(void *arg)
{
	struct fake_qi *q = arg;
	struct vtd_unit *unit = &q->unit;

	while (!kthread_should_stop()) {
		unsigned int head = fake_qi_reg_idx(q, VTD_REG_IQH);
		unsigned int tail = fake_qi_reg_idx(q, VTD_REG_IQT);

		/* Descriptors are read after the tail that covers them */
		rmb();
		while (!READ_ONCE(q->stalled) && head != tail) {
			const struct alist_cmd *c = &unit->qi[head];

			if (vtd_desc_type(c) == VTD_DESC_TYPE_WAIT)
				WRITE_ONCE(*(u32 *)phys_to_virt(c->w[1] & VTD_WAIT_ADDR),
					   FIELD_GET(VTD_WAIT_DATA, c->w[0]));
			head = (head + 1) % VTD_QI_ENTRIES;
			writeq((u64)head << 5, unit->reg + VTD_REG_IQH);
		}
		usleep_range(20, 50);
	}
	return 0;
}

/*
 * The test and its waiters run on one CPU, the hardware thread on
 * another: a submitter waiting for room spins with interrupts off.
 */
static int fake_qi_init(struct kunit *test)
{
	struct fake_qi *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	struct vtd_unit *unit;
	void *regs;

	if (!q)
		return -ENOMEM;
	regs = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	if (!regs)
		return -ENOMEM;
	unit = &q->unit;
	snprintf(unit->name, sizeof(unit->name), "kqi");
	unit->reg = (void __force __iomem *)regs;
	unit->cap = Q_CAP;
	unit->coherent = true;
	raw_spin_lock_init(&unit->qi_lock);
	spin_lock_init(&unit->fault_lock);
	/* QIE "follows" at once: GSTS is memory */
	writel(VTD_GCMD_QIE, unit->reg + VTD_REG_GSTS);
	if (vtd_qi_enable(unit))
		return -EIO;
	test->priv = q;
	if (num_online_cpus() < 2)
		return 0;
	q->cpu = cpumask_first(cpu_online_mask);
	set_cpus_allowed_ptr(current, cpumask_of(q->cpu));
	q->hw = kthread_create(fake_qi_hw, q, "alist-vtd-fakeqi");
	if (IS_ERR(q->hw)) {
		q->hw = NULL;
		return -ENOMEM;
	}
	kthread_bind(q->hw, cpumask_next(q->cpu, cpu_online_mask));
	wake_up_process(q->hw);
	return 0;
}

static void fake_qi_exit(struct kunit *test)
{
	struct fake_qi *q = test->priv;

	if (!q)
		return;
	if (q->hw)
		kthread_stop(q->hw);
	writel(0, q->unit.reg + VTD_REG_GSTS);
	vtd_qi_disable(&q->unit);
}

static struct fake_qi *fake_qi(struct kunit *test)
{
	struct fake_qi *q = test->priv;

	if (!q->hw)
		kunit_skip(test, "needs a second CPU for the queue hardware");
	return q;
}

/* The hardware runs again and catches up with what was queued */
static void fake_qi_resume(struct fake_qi *q)
{
	unsigned int i;

	WRITE_ONCE(q->stalled, false);
	for (i = 0; i < 1000; i++) {
		if (fake_qi_reg_idx(q, VTD_REG_IQH) == fake_qi_reg_idx(q, VTD_REG_IQT))
			return;
		usleep_range(1000, 2000);
	}
}

static int submit_wait(struct fake_qi *q, u64 *ns)
{
	struct alist_cmd d;
	u64 t0 = ktime_get_ns();
	int ret;

	vtd_desc_iotlb_dsi(&d, Q_CAP, 0x21);
	ret = vtd_qi_submit(&q->unit, &d, 1, true);
	if (ns)
		*ns = ktime_get_ns() - t0;
	return ret;
}

/*
 * A wait that never completes: the caller gets -ETIMEDOUT; the next one,
 * on a queue that has not moved since, gets it at once instead of after
 * another second; once the hardware runs again the queue serves the next
 * submitter.
 */
static void vtd_qi_stall_test(struct kunit *test)
{
	struct fake_qi *q = fake_qi(test);
	u64 timeouts, ns;

	KUNIT_ASSERT_EQ(test, submit_wait(q, NULL), 0);
	WRITE_ONCE(q->stalled, true);
	timeouts = atomic64_read(&q->unit.cnt.timeouts);
	KUNIT_EXPECT_EQ(test, submit_wait(q, NULL), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, atomic64_read(&q->unit.cnt.timeouts), timeouts + 1);
	KUNIT_EXPECT_EQ(test, submit_wait(q, &ns), -ETIMEDOUT);
	KUNIT_EXPECT_LT(test, ns, Q_QUICK_NS);
	KUNIT_EXPECT_EQ(test, atomic64_read(&q->unit.cnt.timeouts), timeouts + 2);

	fake_qi_resume(q);
	KUNIT_EXPECT_EQ(test, submit_wait(q, NULL), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(q->unit.qi_stall), 0ULL);
	KUNIT_EXPECT_EQ(test, submit_wait(q, &ns), 0);
}

/*
 * A full queue that does not drain: the submitter waiting for room (queue
 * lock held, interrupts off) gives up after the time-out; the next one
 * that needs room gives up at once rather than hold the lock another
 * second; a queue that drains again takes both.
 */
static void vtd_qi_full_stall_test(struct kunit *test)
{
	struct fake_qi *q = fake_qi(test);
	unsigned int i, n = VTD_QI_ENTRIES - 8;
	struct alist_cmd *d;
	u64 t0, ns;

	d = kunit_kcalloc(test, n, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	for (i = 0; i < n; i++)
		vtd_desc_iotlb_dsi(&d[i], Q_CAP, 0x30 + i);
	WRITE_ONCE(q->stalled, true);
	KUNIT_ASSERT_EQ(test, vtd_qi_submit(&q->unit, d, n, false), 0);
	KUNIT_EXPECT_EQ(test, vtd_qi_submit(&q->unit, d, 10, false), -ETIMEDOUT);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, vtd_qi_submit(&q->unit, d, 10, false), -ETIMEDOUT);
	ns = ktime_get_ns() - t0;
	KUNIT_EXPECT_LT(test, ns, Q_QUICK_NS);

	fake_qi_resume(q);
	KUNIT_EXPECT_EQ(test, vtd_qi_submit(&q->unit, d, 10, false), 0);
	KUNIT_EXPECT_EQ(test, submit_wait(q, NULL), 0);
}

static int submit_wait_queue(void *q)
{
	return submit_wait(q, NULL);
}

/*
 * Two waiters on one stuck queue, the second queued 900 ms after the
 * first: each gets -ETIMEDOUT, and the second gives up when the first
 * does, its wait being behind the same descriptor: well before its own
 * second (which it would wait in full without the note).
 */
static void vtd_qi_two_waiters_test(struct kunit *test)
{
	struct fake_qi *q = fake_qi(test);
	struct alist_waiter w[2];

	KUNIT_ASSERT_EQ(test, alist_two_waiters(w, submit_wait_queue, q, 900,
						q->cpu, &q->stalled), 0);
	KUNIT_EXPECT_EQ(test, w[0].ret, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, w[1].ret, -ETIMEDOUT);
	/* About 100 ms: what the first had left; a full second without it */
	KUNIT_EXPECT_LT(test, w[1].end_ns - w[1].start_ns, 800 * NSEC_PER_MSEC);

	fake_qi_resume(q);
	KUNIT_EXPECT_EQ(test, submit_wait(q, NULL), 0);
}

/*
 * ICE: a completion that matched no request. Counted and cleared; the
 * waits in flight complete and get 0: no waiter's request failed.
 */
static void vtd_qi_ice_test(struct kunit *test)
{
	struct fake_qi *q = fake_qi(test);
	u64 ice = atomic64_read(&q->unit.cnt.ice);

	writel(VTD_FSTS_ICE, q->unit.reg + VTD_REG_FSTS);
	KUNIT_EXPECT_EQ(test, submit_wait(q, NULL), 0);
	/* FSTS is memory here: write-1-to-clear leaves the bit set */
	KUNIT_EXPECT_GT(test, atomic64_read(&q->unit.cnt.ice), ice);
	writel(0, q->unit.reg + VTD_REG_FSTS);
}

/*
 * Primary fault overflow: a fault came while the one record was full.
 * The scan counts the overflow, clears PFO and handles the record.
 */
static void vtd_fault_overflow_test(struct kunit *test)
{
	struct fake_qi *q = test->priv;
	struct vtd_unit *unit = &q->unit;
	void __iomem *frcd = unit->reg + FIELD_GET(VTD_CAP_FRO, Q_CAP) * 16;

	writeq(0x123000, frcd);
	writeq(BIT_ULL(63) | (0x05ULL << 32) | 0x0010, frcd + 8);
	writel(VTD_FSTS_PFO | VTD_FSTS_PPF, unit->reg + VTD_REG_FSTS);
	vtd_fault_scan(unit);
	KUNIT_EXPECT_EQ(test, atomic64_read(&unit->cnt.fault_overflows), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&unit->cnt.faults), 1LL);
	KUNIT_EXPECT_EQ(test, unit->fault_last,
			0x0010ULL << 48 | 0x05ULL << 40 | 0x123);
	/* PFO and F written back (write-1-to-clear) */
	KUNIT_EXPECT_EQ(test, readl(unit->reg + VTD_REG_FSTS), (u32)VTD_FSTS_PFO);
	KUNIT_EXPECT_EQ(test, readl(frcd + 12), (u32)BIT(31));
	writel(0, unit->reg + VTD_REG_FSTS);
}

static struct kunit_case vtd_queue_cases[] = {
	KUNIT_CASE_SLOW(vtd_qi_stall_test),
	KUNIT_CASE_SLOW(vtd_qi_full_stall_test),
	KUNIT_CASE_SLOW(vtd_qi_two_waiters_test),
	KUNIT_CASE(vtd_qi_ice_test),
	KUNIT_CASE(vtd_fault_overflow_test),
	{}
};

static struct kunit_suite vtd_queue_suite = {
	.name = "alist_vtd_queue",
	.init = fake_qi_init,
	.exit = fake_qi_exit,
	.test_cases = vtd_queue_cases,
};

kunit_test_suite(vtd_queue_suite);
