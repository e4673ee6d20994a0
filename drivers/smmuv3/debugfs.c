// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/alist_smmuv3/
 *	skip_flush/		fault attribute: iotlb_sync skips its TLBI (test builds)
 *	skip_user_inv/		fault attribute: a vIOMMU array is dropped (test builds)
 *	<smmu>/info		ID registers and features
 *	<smmu>/stats		every counter, "name value" per line
 *	<smmu>/faults		fault count (the event queue is drained first)
 *	<smmu>/events		event count (likewise)
 *	<smmu>/evtq_hold	1: leave the event queue undrained (test builds)
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "smmuv3.h"

static struct dentry *smmuv3_debugfs_dir;

/**
 * smmuv3_debugfs_root() - the driver's debugfs directory
 *
 * Created on first use (module init); no lock needed after that.
 * Return: the directory (an error pointer if debugfs is unavailable, which
 * the debugfs API accepts).
 */
struct dentry *smmuv3_debugfs_root(void)
{
	if (!smmuv3_debugfs_dir)
		smmuv3_debugfs_dir = debugfs_create_dir("alist_smmuv3", NULL);
	return smmuv3_debugfs_dir;
}

static int smmuv3_info_show(struct seq_file *s, void *unused)
{
	struct smmuv3_device *smmu = s->private;
	static const char * const names[] = {
		"s1", "s2", "coherent", "2lvl-strtab", "ril", "fwb", "ats", "msi", "sev",
		"stalls",
	};
	unsigned int i;

	seq_printf(s, "instance %u\n", smmu->instance);
	for (i = 0; i < ARRAY_SIZE(smmu->idr); i++)
		seq_printf(s, "idr%u 0x%08x\n", i, smmu->idr[i]);
	seq_printf(s, "iidr 0x%08x\naidr 0x%08x\n", smmu->iidr, smmu->aidr);
	seq_puts(s, "features");
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (smmu->features & BIT(i))
			seq_printf(s, " %s", names[i]);
	seq_printf(s, "\noas %u\nsid_bits %u\nasid_bits %u\nvmid_bits %u\n",
		   smmu->oas, smmu->sid_bits, smmu->asid_bits, smmu->vmid_bits);
	seq_printf(s, "cmdq_entries %u\nevtq_entries %u\npgsize_bitmap 0x%lx\n",
		   1U << smmu->cmdq.log2, 1U << smmu->evtq.log2, smmu->pgsize_bitmap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smmuv3_info);

#define SMMUV3_STAT_AS(name, field) { name, offsetof(struct smmuv3_stats, field) }
#define SMMUV3_STAT(name) SMMUV3_STAT_AS(#name, name)

static const struct {
	const char *name;
	size_t offset;
} smmuv3_stat_fields[] = {
	SMMUV3_STAT(cfgi),
	SMMUV3_STAT_AS("iotlb_syncs", sync.iotlb_syncs),
	SMMUV3_STAT(user_inv),
	SMMUV3_STAT(user_inv_skipped),
	SMMUV3_STAT(events),
	SMMUV3_STAT(faults),
	SMMUV3_STAT(vevents),
	SMMUV3_STAT(evtq_overflows),
	SMMUV3_STAT(gerrors),
	SMMUV3_STAT(sync_timeouts),
	SMMUV3_STAT(live_viommus),
	SMMUV3_STAT(live_nested),
	SMMUV3_STAT(live_vdevices),
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	/* Test builds only: no production module names the test hook */
	SMMUV3_STAT_AS("skip_flush", sync.skipped),
#endif
};

static int smmuv3_stats_show(struct seq_file *s, void *unused)
{
	struct smmuv3_device *smmu = s->private;
	unsigned int i;

	smmuv3_evtq_drain(smmu);
	/* Counted under cmdq_lock by the submissions, read without it */
	seq_printf(s, "cmds %llu\nsyncs %llu\n", READ_ONCE(smmu->cmdq_cmds),
		   READ_ONCE(smmu->cmdq_syncs));
	for (i = 0; i < ARRAY_SIZE(smmuv3_stat_fields); i++) {
		atomic64_t *v = (void *)&smmu->stats + smmuv3_stat_fields[i].offset;

		seq_printf(s, "%s %lld\n", smmuv3_stat_fields[i].name, atomic64_read(v));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smmuv3_stats);

static int smmuv3_faults_show(struct seq_file *s, void *unused)
{
	struct smmuv3_device *smmu = s->private;

	smmuv3_evtq_drain(smmu);
	seq_printf(s, "%lld\n", atomic64_read(&smmu->stats.faults));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smmuv3_faults);

static int smmuv3_events_show(struct seq_file *s, void *unused)
{
	struct smmuv3_device *smmu = s->private;

	smmuv3_evtq_drain(smmu);
	seq_printf(s, "%lld\n", atomic64_read(&smmu->stats.events));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smmuv3_events);

/**
 * smmuv3_debugfs_add() - create an SMMU's debugfs directory
 * @smmu: the SMMU, fully initialized
 *
 * Context: probe; no lock needed.
 */
void smmuv3_debugfs_add(struct smmuv3_device *smmu)
{
	unsigned int held = alist_test_fail_nth_hold();
	struct dentry *dir = debugfs_create_dir(dev_name(smmu->dev), smmuv3_debugfs_root());

	smmu->debugfs = dir;
	debugfs_create_file("info", 0444, dir, smmu, &smmuv3_info_fops);
	debugfs_create_file("stats", 0444, dir, smmu, &smmuv3_stats_fops);
	debugfs_create_file("faults", 0444, dir, smmu, &smmuv3_faults_fops);
	debugfs_create_file("events", 0444, dir, smmu, &smmuv3_events_fops);
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	debugfs_create_bool("evtq_hold", 0600, dir, &smmu->test_evtq_hold);
#endif
	alist_test_fail_nth_release(held);
}

/**
 * smmuv3_debugfs_remove() - remove an SMMU's debugfs directory
 * @smmu: the SMMU
 *
 * Context: remove; no lock needed.
 */
void smmuv3_debugfs_remove(struct smmuv3_device *smmu)
{
	debugfs_remove_recursive(smmu->debugfs);
	smmu->debugfs = NULL;
}

/**
 * smmuv3_debugfs_exit() - remove the driver's debugfs directory
 *
 * Context: module exit; no lock needed.
 */
void smmuv3_debugfs_exit(void)
{
	debugfs_remove_recursive(smmuv3_debugfs_dir);
	smmuv3_debugfs_dir = NULL;
}
