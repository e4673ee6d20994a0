// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: primary fault recording. The fault event interrupt stays
 * masked; a delayed work polls the fault status (and debugfs readers scan
 * on demand), logs each record rate-limited, counts it and clears it.
 * QEMU 10.0 has one fault recording register (CAP.NFR = 0) and compresses
 * further faults of a source ID while a record is pending.
 */
#include <linux/bitfield.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/pci.h>
#include <kunit/visibility.h>

#include "vtd.h"

#define VTD_FAULT_POLL_MS	20

/* Fault recording register, upper quadword */
#define VTD_FRCD_F		BIT_ULL(63)
#define VTD_FRCD_T		BIT_ULL(62)
#define VTD_FRCD_FR		GENMASK_ULL(39, 32)
#define VTD_FRCD_PP		BIT_ULL(31)
#define VTD_FRCD_SID		GENMASK_ULL(15, 0)

static void __iomem *vtd_frcd(struct vtd_unit *unit, unsigned int i)
{
	return unit->reg + FIELD_GET(VTD_CAP_FRO, unit->cap) * 16 + i * 16;
}

/**
 * vtd_fault_scan() - log, count and clear the pending fault records
 * @unit: the unit
 *
 * Context: any but hard interrupt; takes unit->fault_lock.
 * Return: nothing.
 */
void vtd_fault_scan(struct vtd_unit *unit)
{
	unsigned int nfr, i, n;
	unsigned long flags;
	u32 fsts;

	if (!unit->reg)
		return;
	nfr = FIELD_GET(VTD_CAP_NFR, unit->cap) + 1;
	spin_lock_irqsave(&unit->fault_lock, flags);
	fsts = readl(unit->reg + VTD_REG_FSTS);
	if (fsts & VTD_FSTS_PFO) {
		atomic64_inc(&unit->cnt.fault_overflows);
		writel(VTD_FSTS_PFO, unit->reg + VTD_REG_FSTS);
	}
	if (!(fsts & VTD_FSTS_PPF))
		goto out_unlock;
	i = FIELD_GET(VTD_FSTS_FRI, fsts) % nfr;
	for (n = 0; n < nfr; n++, i = (i + 1) % nfr) {
		void __iomem *frcd = vtd_frcd(unit, i);
		u64 hi = readq(frcd + 8);
		u64 lo, addr;
		unsigned int reason;
		u16 sid;

		if (!(hi & VTD_FRCD_F))
			break;
		lo = readq(frcd);
		addr = lo & PAGE_MASK;
		reason = FIELD_GET(VTD_FRCD_FR, hi);
		sid = FIELD_GET(VTD_FRCD_SID, hi);
		atomic64_inc(&unit->cnt.faults);
		WRITE_ONCE(unit->fault_last, (u64)sid << 48 |
			   (u64)reason << 40 | (addr >> PAGE_SHIFT));
		pr_err_ratelimited("alist_vtd %s: DMA %s fault from %02x:%02x.%x%s addr %#llx reason %#x\n",
				   unit->name, hi & VTD_FRCD_T ? "read" : "write",
				   PCI_BUS_NUM(sid), PCI_SLOT(sid & 0xff),
				   PCI_FUNC(sid & 0xff),
				   hi & VTD_FRCD_PP ? " (with PASID)" : "",
				   addr, reason);
		/* F is write-1-to-clear, in the record's last dword */
		writel(BIT(31), frcd + 12);
	}
out_unlock:
	spin_unlock_irqrestore(&unit->fault_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_fault_scan);

static void vtd_fault_work(struct work_struct *work)
{
	struct vtd_unit *unit = container_of(to_delayed_work(work),
					     struct vtd_unit, fault_work);

	vtd_fault_scan(unit);
	schedule_delayed_work(&unit->fault_work,
			      msecs_to_jiffies(VTD_FAULT_POLL_MS));
}

/**
 * vtd_fault_init() - clear stale records and start polling
 * @unit: the unit
 *
 * Context: process, bring-up.
 * Return: nothing.
 */
void vtd_fault_init(struct vtd_unit *unit)
{
	/* A recording unit (KUnit) has no fault registers */
	if (!unit->reg)
		return;
	INIT_DELAYED_WORK(&unit->fault_work, vtd_fault_work);
	writel(VTD_FECTL_IM, unit->reg + VTD_REG_FECTL);
	vtd_fault_scan(unit);
	/* Records seen before we owned the unit are not ours */
	atomic64_set(&unit->cnt.faults, 0);
	schedule_delayed_work(&unit->fault_work,
			      msecs_to_jiffies(VTD_FAULT_POLL_MS));
}

/**
 * vtd_fault_stop() - stop polling
 * @unit: the unit
 *
 * Context: process; may sleep.
 * Return: nothing.
 */
void vtd_fault_stop(struct vtd_unit *unit)
{
	if (unit->fault_work.work.func)
		cancel_delayed_work_sync(&unit->fault_work);
}
