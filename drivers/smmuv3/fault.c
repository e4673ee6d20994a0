// SPDX-License-Identifier: GPL-2.0
/*
 * The event queue and global errors, on the wired SPIs "eventq" and
 * "gerror" (threaded handlers). QEMU records one event per failing access
 * chunk (1024 for one 4 KiB DMA), so the queue holds two such storms, the
 * log is rate-limited, and every event is counted. Readers of the fault
 * counter drain the queue first, so a test sees every event the SMMU wrote
 * before it looked.
 *
 * The stage-1 faults and configuration errors of a device nested under a
 * vSMMU with its vDEVICE go to user space instead (the vSMMU's vEVENTQ,
 * smmuv3_evt_to_user()), as Linux's driver decides: the guest owns that
 * configuration, the host has nothing to fix.
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/platform_device.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <uapi/linux/iommufd.h>

#include "smmuv3.h"

/**
 * smmuv3_evtq_init() - allocate the event queue and program its base
 * @smmu: the SMMU, queues disabled
 *
 * Context: probe; no lock needed.
 * Return: 0 or -ENOMEM.
 */
int smmuv3_evtq_init(struct smmuv3_device *smmu)
{
	mutex_init(&smmu->evtq_lock);
	return smmuv3_queue_alloc(smmu, &smmu->evtq,
				  min_t(u32, SMMUV3_EVTQ_LOG2,
					FIELD_GET(SMMUV3_IDR1_EVTQS, smmu->idr[1])),
				  SMMUV3_EVT_DWORDS, SMMUV3_EVTQ_BASE,
				  SMMUV3_EVTQ_PROD, SMMUV3_EVTQ_CONS);
}

/**
 * smmuv3_evt_to_user() - hand an event to the vEVENTQ of its device's vSMMU
 * @smmu: the SMMU
 * @evt: the raw record, CPU order
 *
 * The event goes to user space when it is one of the types the uAPI lists
 * (struct iommu_vevent_arm_smmuv3), not a stage-2 fault (S2 clear: the host
 * owns stage 2), and its StreamID belongs to a device attached to a nested
 * domain whose vSMMU also holds the device's vDEVICE. The record is passed
 * on whole with the StreamID replaced by the vSID. It stays with the host
 * when the vSMMU has no vEVENTQ of type ARM_SMMUV3. A full vEVENTQ counts
 * as delivered: the iommufd core drops the record and reports the loss in
 * the next header (IOMMU_VEVENTQ_FLAG_LOST_EVENTS or a sequence gap).
 *
 * Context: process (the event thread); may sleep, allocates nothing here
 * (the iommufd core allocates with GFP_NOWAIT). Takes vevent_lock.
 * Return: true when user space took the event.
 */
VISIBLE_IF_KUNIT bool smmuv3_evt_to_user(struct smmuv3_device *smmu, const u64 *evt)
{
	struct iommu_vevent_arm_smmuv3 vevt;
	struct smmuv3_master *master;
	struct smmuv3_evt e;
	bool taken = false;

	smmuv3_evt_decode(evt, &e);
	if (!e.user)
		return false;
	mutex_lock(&smmu->vevent_lock);
	master = xa_load(&smmu->streams, e.sid);
	if (master && master->vsmmu && master->vdev &&
	    smmuv3_vdev_viommu(master->vdev) == master->vsmmu) {
		/* vsid fits: smmuv3_vdevice_init() refuses more than 32 bits */
		smmuv3_evt_vevent(evt, master->vdev->vsid, &vevt);
		taken = smmuv3_vevent_report(master->vsmmu, &vevt) != -EOPNOTSUPP;
	}
	mutex_unlock(&smmu->vevent_lock);
	if (taken)
		atomic64_inc(&smmu->stats.vevents);
	return taken;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_evt_to_user);

static void smmuv3_evt_log(struct smmuv3_device *smmu, const u64 *evt)
{
	struct smmuv3_evt e;

	smmuv3_evt_decode(evt, &e);
	atomic64_inc(&smmu->stats.events);
	if (smmuv3_evt_to_user(smmu, evt))
		return;
	if (e.fault)
		atomic64_inc(&smmu->stats.faults);
	dev_info_ratelimited(smmu->dev,
			     "event 0x%02x sid 0x%x: %016llx %016llx %016llx %016llx\n",
			     e.type, e.sid, evt[0], evt[1], evt[2], evt[3]);
}

/**
 * smmuv3_evtq_drain() - consume every event the SMMU has written
 * @smmu: the SMMU
 *
 * Counts each event (events; faults for translation, address size, access
 * and permission faults), hands those of nested devices to their vSMMU's
 * vEVENTQ (smmuv3_evt_to_user(), counted in vevents), logs the others
 * rate-limited, and acknowledges an overflow. In test builds, does
 * nothing while debugfs evtq_hold is set.
 *
 * Context: process (may sleep). Takes evtq_lock.
 */
void smmuv3_evtq_drain(struct smmuv3_device *smmu)
{
	struct smmuv3_queue *q = &smmu->evtq;
	u32 mask = BIT(q->log2 + 1) - 1;
	u32 prod;

	if (alist_recording(smmu->rec))
		return;
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	if (READ_ONCE(smmu->test_evtq_hold))
		return;
#endif
	mutex_lock(&smmu->evtq_lock);
	for (;;) {
		prod = readl(q->prod_reg);
		/* Entries are read only after PROD was. */
		dma_rmb();
		if ((prod & mask) == q->cons)
			break;
		while (q->cons != (prod & mask)) {
			__le64 *slot = q->base +
				       (size_t)(q->cons & (BIT(q->log2) - 1)) * q->dwords;
			u64 evt[SMMUV3_EVT_DWORDS];
			int i;

			for (i = 0; i < SMMUV3_EVT_DWORDS; i++)
				evt[i] = le64_to_cpu(slot[i]);
			smmuv3_evt_log(smmu, evt);
			cond_resched();
			q->cons = (q->cons + 1) & mask;
		}
		if ((prod ^ readl_relaxed(q->cons_reg)) & SMMUV3_Q_OVF) {
			atomic64_inc(&smmu->stats.evtq_overflows);
			dev_warn_ratelimited(smmu->dev, "event queue overflow: events lost\n");
		}
		/* Slots read before they are handed back. */
		mb();
		writel_relaxed((prod & SMMUV3_Q_OVF) | q->cons, q->cons_reg);
	}
	mutex_unlock(&smmu->evtq_lock);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_evtq_drain);

/**
 * smmuv3_gerror_handle() - handle and acknowledge active global errors
 * @smmu: the SMMU
 *
 * A command queue error is fixed up first (smmuv3_cmdq_fix_error(): the
 * bad command is skipped or left to be retried), and only then
 * acknowledged: the SMMU resumes at CONS as soon as CMDQ_ERR is
 * acknowledged. An aborted event queue write (EVTQ_ABT_ERR) counts as
 * events lost, like an overflow: QEMU raises it for each event it drops
 * on a full queue instead of setting PROD.OVFLG.
 *
 * Context: any; does not sleep. Caller holds cmdq_lock.
 */
void smmuv3_gerror_handle(struct smmuv3_device *smmu)
{
	u32 gerror, gerrorn, active;

	lockdep_assert_held(&smmu->cmdq_lock);
	gerror = readl_relaxed(smmu->base + SMMUV3_GERROR);
	gerrorn = readl_relaxed(smmu->base + SMMUV3_GERRORN);
	active = (gerror ^ gerrorn) & SMMUV3_GERROR_ALL;
	if (!active)
		return;
	atomic64_inc(&smmu->stats.gerrors);
	if (active & SMMUV3_GERROR_EVTQ_ABT) {
		atomic64_inc(&smmu->stats.evtq_overflows);
		dev_warn_ratelimited(smmu->dev, "event queue write aborted: events lost\n");
	}
	if (active & ~(SMMUV3_GERROR_CMDQ_ERR | SMMUV3_GERROR_EVTQ_ABT))
		dev_err_ratelimited(smmu->dev, "global error 0x%x\n", active);
	if (active & SMMUV3_GERROR_CMDQ_ERR)
		smmuv3_cmdq_fix_error(smmu);
	/* The queue fix-up is visible before the SMMU may resume. */
	writel(gerror, smmu->base + SMMUV3_GERRORN);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_gerror_handle);

static irqreturn_t smmuv3_evtq_thread(int irq, void *data)
{
	smmuv3_evtq_drain(data);
	return IRQ_HANDLED;
}

static irqreturn_t smmuv3_gerror_thread(int irq, void *data)
{
	struct smmuv3_device *smmu = data;
	unsigned long flags;

	spin_lock_irqsave(&smmu->cmdq_lock, flags);
	smmuv3_gerror_handle(smmu);
	spin_unlock_irqrestore(&smmu->cmdq_lock, flags);
	return IRQ_HANDLED;
}

/* One wired SPI by its firmware name, if present; @ctrl enables it */
static int smmuv3_irq_request(struct smmuv3_device *smmu, const char *name,
			      irq_handler_t thread, const char *devname, u32 ctrl)
{
	int irq = platform_get_irq_byname_optional(to_platform_device(smmu->dev),
						   name);
	int ret;

	if (irq <= 0)
		return 0;
	ret = devm_request_threaded_irq(smmu->dev, irq, NULL, thread,
					IRQF_ONESHOT, devname, smmu);
	if (!ret)
		smmu->irq_ctrl |= ctrl;
	return ret;
}

/**
 * smmuv3_irqs_request() - request the wired interrupts
 * @smmu: the SMMU, queues initialized and disabled
 *
 * Uses the "eventq" and "gerror" SPIs; without them (no interrupt in the
 * firmware description) events are still counted whenever the fault
 * counters are read, and command errors are handled by the waiters. The
 * SMMU raises nothing until smmuv3_irqs_enable().
 *
 * Context: probe; no lock needed.
 * Return: 0 or a negative errno.
 */
int smmuv3_irqs_request(struct smmuv3_device *smmu)
{
	int ret;

	KUNIT_STATIC_STUB_REDIRECT(smmuv3_irqs_request, smmu);
	smmu->irq_ctrl = 0;
	ret = smmuv3_irq_request(smmu, "eventq", smmuv3_evtq_thread,
				 "alist-smmuv3-evtq", SMMUV3_IRQ_CTRL_EVTQ);
	return ret ?: smmuv3_irq_request(smmu, "gerror", smmuv3_gerror_thread,
					 "alist-smmuv3-gerror",
					 SMMUV3_IRQ_CTRL_GERROR);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_irqs_request);

/**
 * smmuv3_irqs_enable() - let the SMMU raise the interrupts requested
 * @smmu: the SMMU, after smmuv3_irqs_request()
 *
 * Context: probe; no lock needed.
 * Return: 0, or -ETIMEDOUT when IRQ_CTRLACK does not follow.
 */
int smmuv3_irqs_enable(struct smmuv3_device *smmu)
{
	u32 ack;

	writel(smmu->irq_ctrl, smmu->base + SMMUV3_IRQ_CTRL);
	return readl_relaxed_poll_timeout(smmu->base + SMMUV3_IRQ_CTRLACK, ack,
					  ack == smmu->irq_ctrl, 1, 100000);
}
