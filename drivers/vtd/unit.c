// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: bring-up of one remapping unit in scalable mode: claim and
 * map its registers, refuse a unit something else still drives, root
 * table, queued invalidation, global configuration-cache and IOTLB
 * invalidation, fault recording, translation enable; and the per-bus
 * context tables with their per-device PASID directory and table.
 */
#include <linux/bitfield.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <asm/cacheflush.h>
#include <kunit/visibility.h>

#include "vtd.h"

struct vtd_unit *vtd_units[VTD_MAX_UNITS];
static DEFINE_MUTEX(vtd_units_lock);

/*
 * The core's invalidation parameters before any unit narrows them: what a
 * unit with every capability gets, and a new domain's (vtd_domain_did_get()
 * narrows them to its units'). The descriptor limits are ours, not the
 * hardware's.
 */
const struct alist_vtd_params vtd_params_default = {
	.psi = 1,
	.mamv = 63,
	.max_iotlb_cmds = 16,
	/* As Linux 7.3: one device-TLB span per device and request. */
	.max_devtlb_cmds = 1,
};
EXPORT_SYMBOL_IF_KUNIT(vtd_params_default);

/**
 * vtd_unit_from_instance() - the unit of a core instance number
 * @instance: struct alist_target.instance
 *
 * Context: any. Units are published before they are used and stay until
 * module exit.
 * Return: the unit or NULL.
 */
struct vtd_unit *vtd_unit_from_instance(unsigned int instance)
{
	if (instance >= VTD_MAX_UNITS)
		return NULL;
	return READ_ONCE(vtd_units[instance]);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_unit_from_instance);

/**
 * vtd_unit_slot_get() - give a unit an instance number
 * @unit: the unit
 *
 * Context: process; takes vtd_units_lock.
 * Return: 0, or -ENOSPC when every slot is taken.
 */
int vtd_unit_slot_get(struct vtd_unit *unit)
{
	unsigned int i;
	int ret = -ENOSPC;

	mutex_lock(&vtd_units_lock);
	for (i = 0; i < VTD_MAX_UNITS; i++) {
		if (!vtd_units[i]) {
			unit->index = i;
			WRITE_ONCE(vtd_units[i], unit);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&vtd_units_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_unit_slot_get);

/**
 * vtd_unit_slot_put() - release the instance number of a unit
 * @unit: the unit
 *
 * Context: process; takes vtd_units_lock. No domain may still name it.
 * Return: nothing.
 */
void vtd_unit_slot_put(struct vtd_unit *unit)
{
	mutex_lock(&vtd_units_lock);
	if (vtd_units[unit->index] == unit)
		WRITE_ONCE(vtd_units[unit->index], NULL);
	mutex_unlock(&vtd_units_lock);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_unit_slot_put);

/**
 * vtd_flush_cache() - write CPU caches back for a table the unit reads
 * @unit: the unit (nothing to do when its walks snoop)
 * @addr: start
 * @size: bytes
 *
 * Context: any.
 * Return: nothing.
 */
void vtd_flush_cache(struct vtd_unit *unit, void *addr, size_t size)
{
	if (!unit->coherent)
		clflush_cache_range(addr, size);
}

/**
 * vtd_unit_init_caps() - derive the driver's view of CAP/ECAP
 * @unit: the unit with cap and ecap read
 *
 * Context: process, before the unit is used.
 * Return: nothing.
 */
void vtd_unit_init_caps(struct vtd_unit *unit)
{
	unsigned int sagaw = FIELD_GET(VTD_CAP_SAGAW, unit->cap);
	unsigned int mgaw = FIELD_GET(VTD_CAP_MGAW, unit->cap) + 1;

	unit->ndids = 1U << (4 + 2 * FIELD_GET(VTD_CAP_ND, unit->cap));
	/* AGAW 2 (48-bit, 4 levels) when offered, else 3-level */
	unit->agaw = (sagaw & BIT(2)) && mgaw >= 48 ? 2 : 1;
	unit->coherent = unit->ecap & VTD_ECAP_C;
	unit->first_stage = !(unit->ecap & VTD_ECAP_SLTS) &&
			    (unit->ecap & VTD_ECAP_FLTS);
	vtd_unit_init_params(unit);
}

/**
 * vtd_unit_init_params() - the unit's invalidation parameters, from CAP
 * @unit: the unit with cap read
 *
 * What the core may emit on this unit: page-selective IOTLB descriptors
 * (CAP.PSI) up to an address mask of CAP.MAMV, read and write draining
 * (CAP.DRD, CAP.DWD); and whether a map needs an invalidation (CAP.CM,
 * as emulated units may have). A domain's are combined from its units'
 * in vtd_domain_did_get().
 *
 * Context: process, before the unit is used. No lock needed.
 * Return: nothing.
 */
void vtd_unit_init_params(struct vtd_unit *unit)
{
	struct alist_vtd_params *p = &unit->params;

	*p = vtd_params_default;
	p->psi = !!(unit->cap & VTD_CAP_PSI);
	p->mamv = min_t(u8, p->mamv, FIELD_GET(VTD_CAP_MAMV, unit->cap));
	p->drain_read = !!(unit->cap & VTD_CAP_DRD);
	p->drain_write = !!(unit->cap & VTD_CAP_DWD);
	unit->caching_mode = unit->cap & VTD_CAP_CM;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_unit_init_params);

static int vtd_gcmd_sync(struct vtd_unit *unit, u32 cmd, u32 sts_bit, bool on)
{
	u32 sts;

	if (alist_recording(unit->recorder)) {
		alist_rec_put_mark(unit->recorder, VTD_REC_MARK_GCMD, cmd);
		return 0;
	}
	writel(cmd, unit->reg + VTD_REG_GCMD);
	return readl_poll_timeout(unit->reg + VTD_REG_GSTS, sts,
				  !!(sts & sts_bit) == on, 1, 100000);
}

static int vtd_unit_global_inv(struct vtd_unit *unit)
{
	struct alist_cmd d[3];

	vtd_desc_cc_global(&d[0]);
	vtd_desc_pc_global(&d[1]);
	vtd_desc_iotlb_global(&d[2], unit->cap);
	return vtd_qi_submit(unit, d, ARRAY_SIZE(d), true);
}

/**
 * vtd_unit_probe() - claim, map and check one DRHD unit
 * @drhd: its DMAR description
 *
 * Refuses a unit whose translation, interrupt remapping or queued
 * invalidation is already on: another driver (the in-tree one, firmware)
 * owns it. Scalable mode with queued invalidation is required.
 *
 * Context: process, module init; takes vtd_units_lock.
 * Return: 0 with the unit published, -EBUSY, -ENODEV, -ENOMEM, -ENOSPC.
 */
int vtd_unit_probe(const struct vtd_drhd *drhd)
{
	struct vtd_unit *unit;
	u32 gsts;
	int ret;

	unit = kzalloc_obj(*unit);
	if (!unit)
		return -ENOMEM;
	unit->drhd = *drhd;
	unit->reg_phys = drhd->base;
	unit->reg_size = drhd->size;
	ida_init(&unit->did_ida);
	mutex_init(&unit->ctx_lock);
	raw_spin_lock_init(&unit->qi_lock);
	spin_lock_init(&unit->fault_lock);
	INIT_LIST_HEAD(&unit->bound);

	ret = vtd_unit_slot_get(unit);
	if (ret)
		goto err_free_unit;
	snprintf(unit->name, sizeof(unit->name), "dmar%u", unit->index);

	if (!request_mem_region(unit->reg_phys, unit->reg_size, "alist_vtd")) {
		pr_err("alist_vtd %s: registers at %#llx are claimed by another driver (boot with intel_iommu=off intremap=off)\n",
		       unit->name, unit->reg_phys);
		ret = -EBUSY;
		goto err_put_slot;
	}
	unit->reg = ioremap(unit->reg_phys, unit->reg_size);
	if (!unit->reg) {
		ret = -ENOMEM;
		goto err_release_region;
	}
	unit->ver = readl(unit->reg + VTD_REG_VER);
	unit->cap = readq(unit->reg + VTD_REG_CAP);
	unit->ecap = readq(unit->reg + VTD_REG_ECAP);
	gsts = readl(unit->reg + VTD_REG_GSTS);
	pr_info("alist_vtd %s: at %#llx, version %u.%u, cap %#llx ecap %#llx\n",
		unit->name, unit->reg_phys, (unit->ver >> 4) & 0xf,
		unit->ver & 0xf, unit->cap, unit->ecap);

	if (gsts & (VTD_GCMD_TE | VTD_GCMD_IRE | VTD_GCMD_QIE)) {
		pr_err("alist_vtd %s: unit already enabled (GSTS %#x: %s%s%s): another driver owns it; boot with intel_iommu=off intremap=off\n",
		       unit->name, gsts, gsts & VTD_GCMD_TE ? "TES " : "",
		       gsts & VTD_GCMD_IRE ? "IRES " : "",
		       gsts & VTD_GCMD_QIE ? "QIES" : "");
		ret = -EBUSY;
		goto err_unmap;
	}
	if (!(unit->ecap & VTD_ECAP_SMTS) || !(unit->ecap & VTD_ECAP_QI) ||
	    !(unit->ecap & (VTD_ECAP_SLTS | VTD_ECAP_FLTS))) {
		pr_err("alist_vtd %s: needs scalable mode with queued invalidation and a translation stage (ecap %#llx)\n",
		       unit->name, unit->ecap);
		ret = -ENODEV;
		goto err_unmap;
	}
	vtd_unit_init_caps(unit);
	return 0;

err_unmap:
	iounmap(unit->reg);
err_release_region:
	release_mem_region(unit->reg_phys, unit->reg_size);
err_put_slot:
	vtd_unit_slot_put(unit);
err_free_unit:
	kfree(unit);
	return ret;
}

/**
 * vtd_unit_enable() - bring a probed unit up, translation still off
 * @unit: the unit
 *
 * Root table (every context entry non-present), queued invalidation,
 * global invalidation of the caches, fault polling. Translation goes on
 * only in vtd_unit_start(), once devices that keep their driver have
 * their entries.
 *
 * Context: process, module init.
 * Return: 0 or a negative errno; on error the unit is left disabled.
 */
int vtd_unit_enable(struct vtd_unit *unit)
{
	int ret;

	unit->root = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (!unit->root)
		return -ENOMEM;
	vtd_flush_cache(unit, unit->root, PAGE_SIZE);
	if (unit->reg)
		writeq(virt_to_phys(unit->root) | VTD_RTADDR_SMT,
		       unit->reg + VTD_REG_RTADDR);
	ret = vtd_gcmd_sync(unit, unit->gcmd | VTD_GCMD_SRTP, VTD_GCMD_SRTP,
			    true);
	if (ret) {
		pr_err("alist_vtd %s: root table pointer not latched\n",
		       unit->name);
		goto err_free_root;
	}
	ret = vtd_qi_enable(unit);
	if (ret)
		goto err_free_root;
	ret = vtd_unit_global_inv(unit);
	if (ret) {
		pr_err("alist_vtd %s: global invalidation failed: %d\n",
		       unit->name, ret);
		goto err_disable_qi;
	}
	vtd_fault_init(unit);
	return 0;

err_disable_qi:
	vtd_qi_disable(unit);
err_free_root:
	free_page((unsigned long)unit->root);
	unit->root = NULL;
	return ret;
}

/**
 * vtd_unit_translate() - turn DMA remapping on or off
 * @unit: an enabled unit
 * @on: the state wanted
 *
 * Context: process; caller serializes bring-up and tear-down of @unit.
 * Return: 0, or -ETIMEDOUT when the status did not follow (the shadow
 * copy keeps the old state).
 */
int vtd_unit_translate(struct vtd_unit *unit, bool on)
{
	u32 gcmd = on ? unit->gcmd | VTD_GCMD_TE : unit->gcmd & ~VTD_GCMD_TE;
	int ret;

	if (gcmd == unit->gcmd)
		return 0;
	ret = vtd_gcmd_sync(unit, gcmd, VTD_GCMD_TE, on);
	if (ret) {
		pr_err("alist_vtd %s: translation did not turn %s\n",
		       unit->name, on ? "on" : "off");
		return ret;
	}
	unit->gcmd = gcmd;
	return 0;
}

/**
 * vtd_unit_start() - enable a unit and turn translation on
 * @unit: a probed unit
 *
 * Devices that already have a driver get their identity entries while
 * translation is still off, so their DMA is never blocked: translation
 * goes on last.
 *
 * Context: process, module init.
 * Return: 0 or a negative errno; on error the caller undoes what was
 * done with vtd_unit_stop() and vtd_unit_remove().
 */
int vtd_unit_start(struct vtd_unit *unit)
{
	int ret;

	ret = vtd_unit_enable(unit);
	if (ret)
		return ret;
	ret = vtd_unit_keep_bound(unit);
	if (ret)
		return ret;
	ret = vtd_unit_translate(unit, true);
	if (ret)
		return ret;
	pr_info("alist_vtd %s: scalable mode, %s-stage paging, %u domain IDs, translation on\n",
		unit->name, unit->first_stage ? "first" : "second", unit->ndids);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vtd_unit_start);

/**
 * vtd_unit_stop() - turn translation off, then drop the bound devices'
 *	entries
 * @unit: the unit, unregistered from the IOMMU core
 *
 * The reverse of vtd_unit_start(): devices that keep their driver DMA
 * untranslated from the moment translation is off, before their entries
 * go; their DMA is never blocked on the way out either.
 *
 * Context: process, module init failure or exit.
 * Return: nothing.
 */
void vtd_unit_stop(struct vtd_unit *unit)
{
	/* Should the unit not follow, the entries stay: they are still used */
	if (vtd_unit_translate(unit, false))
		return;
	vtd_unit_free_bound(unit);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_unit_stop);

/**
 * vtd_unit_remove() - disable a unit and free it
 * @unit: the unit (no device probed on it any more; vtd_unit_stop() done)
 *
 * Context: process, module init failure or exit.
 * Return: nothing.
 */
void vtd_unit_remove(struct vtd_unit *unit)
{
	unsigned int bus;

	debugfs_remove_recursive(unit->dbg);
	unit->dbg = NULL;
	vtd_fault_stop(unit);
	if (vtd_unit_translate(unit, false) || !list_empty(&unit->bound)) {
		/* The unit may still walk these tables: leak them */
		pr_err("alist_vtd %s: still translating, its tables are leaked\n",
		       unit->name);
		return;
	}
	vtd_qi_disable(unit);
	for (bus = 0; bus < 256; bus++) {
		free_page((unsigned long)unit->ctx[bus].lo);
		free_page((unsigned long)unit->ctx[bus].hi);
	}
	free_page((unsigned long)unit->root);
	if (unit->reg) {
		iounmap(unit->reg);
		release_mem_region(unit->reg_phys, unit->reg_size);
	}
	ida_destroy(&unit->did_ida);
	vtd_unit_slot_put(unit);
	kfree(unit);
}
EXPORT_SYMBOL_IF_KUNIT(vtd_unit_remove);

static u64 *vtd_ctx_slot(struct vtd_unit *unit, unsigned int bus, u8 devfn,
			 bool alloc)
{
	struct vtd_bus_ctx *bc = &unit->ctx[bus];
	u64 **table = devfn < 128 ? &bc->lo : &bc->hi;

	lockdep_assert_held(&unit->ctx_lock);
	if (!*table) {
		if (!alloc)
			return NULL;
		*table = (u64 *)get_zeroed_page(GFP_KERNEL);
		if (!*table)
			return NULL;
		vtd_flush_cache(unit, *table, PAGE_SIZE);
		vtd_root_entry_set(unit->root, bus,
				   bc->lo ? virt_to_phys(bc->lo) : 0,
				   bc->hi ? virt_to_phys(bc->hi) : 0);
		vtd_flush_cache(unit, &unit->root[bus * 2], 16);
	}
	return *table + (devfn & 0x7f) * 4;
}

/**
 * vtd_unit_ctx_install() - make a device's context entry present
 * @unit: the unit
 * @vdev: the device, with its PASID directory allocated
 *
 * When the invalidation fails the entry is made non-present again, but
 * the unit may have seen it: the caller must not free the PASID tables.
 *
 * Context: process; takes unit->ctx_lock.
 * Return: 0, -ENOMEM (nothing written), or the invalidation's error.
 */
int vtd_unit_ctx_install(struct vtd_unit *unit, struct vtd_dev *vdev)
{
	struct alist_cmd d;
	u64 ce[4], *slot;
	int i, ret;

	mutex_lock(&unit->ctx_lock);
	slot = vtd_ctx_slot(unit, PCI_BUS_NUM(vdev->sid), vdev->sid & 0xff,
			    true);
	if (!slot) {
		mutex_unlock(&unit->ctx_lock);
		return -ENOMEM;
	}
	/* PDTS 0: 128 directory entries (8192 PASIDs) */
	vtd_ctx_entry_build(ce, virt_to_phys(vdev->pasid_dir), 0, vdev->ats);
	for (i = 3; i >= 0; i--)
		WRITE_ONCE(slot[i], ce[i]);
	vtd_flush_cache(unit, slot, 32);
	mutex_unlock(&unit->ctx_lock);

	/* Non-present entries are not cached: only caching mode needs this */
	vtd_desc_cc_global(&d);
	ret = vtd_qi_submit(unit, &d, 1, true);
	if (ret)
		vtd_unit_ctx_clear(unit, vdev);
	return ret;
}

/**
 * vtd_unit_ctx_clear() - make a device's context entry non-present
 * @unit: the unit
 * @vdev: the device (its PASID entry is already non-present)
 *
 * Context: process; takes unit->ctx_lock.
 * Return: 0, or the invalidation's error: the unit may still walk the
 * device's PASID tables, which must then not be freed.
 */
int vtd_unit_ctx_clear(struct vtd_unit *unit, struct vtd_dev *vdev)
{
	struct alist_cmd d[2];
	u64 *slot;

	mutex_lock(&unit->ctx_lock);
	slot = vtd_ctx_slot(unit, PCI_BUS_NUM(vdev->sid), vdev->sid & 0xff,
			    false);
	if (slot) {
		WRITE_ONCE(slot[0], 0);
		vtd_flush_cache(unit, slot, 32);
	}
	mutex_unlock(&unit->ctx_lock);
	vtd_desc_cc_global(&d[0]);
	vtd_desc_pc_global(&d[1]);
	return vtd_qi_submit(unit, d, ARRAY_SIZE(d), true);
}
