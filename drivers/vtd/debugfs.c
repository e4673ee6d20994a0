// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: debugfs. /sys/kernel/debug/alist_vtd/ holds the global
 * counters and, in test builds only (CONFIG_IOMMU_ALIST_TEST_HOOKS), the
 * skip_flush and skip_user_inv fault attributes (negative controls: an
 * unmap's or a user array's invalidation dropped); one directory per
 * unit holds its registers
 * and counters. Tests read these.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <kunit/visibility.h>

#include "vtd.h"

atomic64_t vtd_stat_flush_all;
atomic64_t vtd_stat_user_inv;
struct alist_sync_stats vtd_sync_stats;
EXPORT_SYMBOL_IF_KUNIT(vtd_sync_stats);
/* Test builds only: the skip_flush and skip_user_inv fault attributes */
struct alist_test_hooks vtd_test_hooks = ALIST_TEST_HOOKS_INIT;

static struct dentry *vtd_dbg_root;

static int vtd_dbg_atomic_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vtd_dbg_atomic_fops, vtd_dbg_atomic_get, NULL,
			 "%llu\n");

static int vtd_dbg_faults_get(void *data, u64 *val)
{
	struct vtd_unit *unit = data;

	vtd_fault_scan(unit);
	*val = atomic64_read(&unit->cnt.faults);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vtd_dbg_faults_fops, vtd_dbg_faults_get, NULL,
			 "%llu\n");

static int vtd_dbg_gsts_get(void *data, u64 *val)
{
	struct vtd_unit *unit = data;

	*val = readl(unit->reg + VTD_REG_GSTS);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vtd_dbg_gsts_fops, vtd_dbg_gsts_get, NULL,
			 "0x%08llx\n");

/*
 * last_submit: the unit's last submission, one descriptor per line as
 * "type qw0 qw1" in hex, its wait included; a first line "n N" gives the
 * number of descriptors, which may exceed the VTD_QI_LAST lines listed.
 * Read from the queue, where it stays until the next submission (a
 * descriptor the unit rejected shows as the wait put in its place).
 */
static int vtd_dbg_last_submit_show(struct seq_file *m, void *v)
{
	struct vtd_unit *unit = m->private;
	const struct alist_cmd *d;
	unsigned long flags;
	unsigned int i, n;

	raw_spin_lock_irqsave(&unit->qi_lock, flags);
	n = unit->qi ? unit->qi_last_n : 0;
	seq_printf(m, "n %u\n", n);
	for (i = 0; i < min_t(unsigned int, n, VTD_QI_LAST); i++) {
		d = &unit->qi[(unit->qi_last + i) & VTD_QI_MASK];
		seq_printf(m, "%x %016llx %016llx\n", vtd_desc_type(d),
			   d->w[0], d->w[1]);
	}
	raw_spin_unlock_irqrestore(&unit->qi_lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vtd_dbg_last_submit);

static void vtd_dbg_counter(const char *name, struct dentry *dir,
			    atomic64_t *v)
{
	debugfs_create_file_unsafe(name, 0444, dir, v, &vtd_dbg_atomic_fops);
}

/* A queue counter: written under the queue lock, read without it */
static int vtd_dbg_qi_get(void *data, u64 *val)
{
	*val = READ_ONCE(*(u64 *)data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vtd_dbg_qi_fops, vtd_dbg_qi_get, NULL, "%llu\n");

static void vtd_dbg_qi_counter(const char *name, struct dentry *dir, u64 *v)
{
	debugfs_create_file_unsafe(name, 0444, dir, v, &vtd_dbg_qi_fops);
}

/* The per-type counters, by descriptor type (vtd_qi_counters.desc) */
static const char *const vtd_dbg_desc_names[] = {
	[0] = "desc_other",
	[VTD_DESC_TYPE_CC] = "desc_cc",
	[VTD_DESC_TYPE_IOTLB] = "desc_iotlb",
	[VTD_DESC_TYPE_DEVTLB] = "desc_devtlb",
	[VTD_DESC_TYPE_IEC] = "desc_iec",
	[VTD_DESC_TYPE_WAIT] = "desc_wait",
	[VTD_DESC_TYPE_PIOTLB] = "desc_piotlb",
	[VTD_DESC_TYPE_PC] = "desc_pc",
	[VTD_DESC_TYPE_PDEVTLB] = "desc_pdevtlb",
};

static_assert(ARRAY_SIZE(vtd_dbg_desc_names) ==
	      ARRAY_SIZE(((struct vtd_qi_counters *)NULL)->desc));

/**
 * vtd_debugfs_init() - create /sys/kernel/debug/alist_vtd
 *
 * Context: process, module init.
 * Return: nothing (debugfs errors are not
 * fatal).
 */
void vtd_debugfs_init(void)
{
	unsigned int held = alist_test_fail_nth_hold();

	vtd_dbg_root = debugfs_create_dir("alist_vtd", NULL);
	alist_test_hooks_init(&vtd_test_hooks, vtd_dbg_root);
	vtd_dbg_counter("iotlb_syncs", vtd_dbg_root,
			&vtd_sync_stats.iotlb_syncs);
	vtd_dbg_counter("flush_all", vtd_dbg_root, &vtd_stat_flush_all);
	vtd_dbg_counter("skipped_flushes", vtd_dbg_root,
			&vtd_sync_stats.skipped);
	vtd_dbg_counter("user_invalidations", vtd_dbg_root,
			&vtd_stat_user_inv);
	vtd_dbg_counter("leaked_table_pages", vtd_dbg_root,
			&vtd_sync_stats.leaked_pages);
	alist_test_fail_nth_release(held);
}

/**
 * vtd_debugfs_unit() - the per-unit directory
 * @unit: an enabled unit
 *
 * Context: process, module init.
 * Return: nothing.
 */
void vtd_debugfs_unit(struct vtd_unit *unit)
{
	unsigned int held = alist_test_fail_nth_hold();
	struct dentry *dir = debugfs_create_dir(unit->name, vtd_dbg_root);
	unsigned int i;

	unit->dbg = dir;
	debugfs_create_x64("cap", 0444, dir, &unit->cap);
	debugfs_create_x64("ecap", 0444, dir, &unit->ecap);
	debugfs_create_x32("ver", 0444, dir, &unit->ver);
	debugfs_create_x64("reg_base", 0444, dir, &unit->reg_phys);
	debugfs_create_file_unsafe("gsts", 0444, dir, unit, &vtd_dbg_gsts_fops);
	debugfs_create_file_unsafe("faults", 0444, dir, unit,
				   &vtd_dbg_faults_fops);
	debugfs_create_x64("fault_last", 0444, dir, &unit->fault_last);
	vtd_dbg_counter("fault_overflows", dir, &unit->cnt.fault_overflows);
	vtd_dbg_qi_counter("descs", dir, &unit->qi_cnt.descs);
	vtd_dbg_qi_counter("waits", dir, &unit->qi_cnt.waits);
	vtd_dbg_qi_counter("submits", dir, &unit->qi_cnt.submits);
	for (i = 0; i < ARRAY_SIZE(vtd_dbg_desc_names); i++)
		vtd_dbg_qi_counter(vtd_dbg_desc_names[i], dir,
				   &unit->qi_cnt.desc[i]);
	debugfs_create_file("last_submit", 0444, dir, unit,
			    &vtd_dbg_last_submit_fops);
	vtd_dbg_counter("iqe", dir, &unit->cnt.iqe);
	vtd_dbg_counter("ite", dir, &unit->cnt.ite);
	vtd_dbg_counter("ice", dir, &unit->cnt.ice);
	vtd_dbg_counter("timeouts", dir, &unit->cnt.timeouts);
	alist_test_fail_nth_release(held);
}

/**
 * vtd_debugfs_exit() - remove everything
 *
 * Context: process, module exit.
 * Return: nothing.
 */
void vtd_debugfs_exit(void)
{
	debugfs_remove_recursive(vtd_dbg_root);
}
