/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared driver layer of iommu_alist.ko: what every driver of the
 * project does the same way, written once. A driver describes its
 * hardware queue once (struct alist_queue_ops, static const) and calls
 * these helpers from its iommu_domain_ops; it never walks an attach list
 * or drains a core batch itself.
 *
 * Flushes (domain/flush.c): a gathered range (alist_iotlb_sync()), a range
 * or everything of a domain, the targets that left a list. Each walks the
 * domain's attach list under RCU after the one smp_mb() that orders the
 * caller's page-table stores before the list read, and hands every fill
 * of the core's batcher to the driver's queue in one call: one indirect
 * call per fill (a chunk table), none per command.
 *
 * The attach protocol (domain/attach.c): prepare, commit and the full
 * barrier, the driver's hardware switch, leave-clean of the old domain;
 * a domain's attach list with the reserve that lets a device's first
 * attach and its return to its default domain allocate nothing
 * (alist_attach_list_alloc(), alist_attach_reserve()).
 *
 * User invalidation (domain/user.c): IOMMU_HWPT_INVALIDATE arrays through
 * the core's user-array walker to the queue, with the error index; nothing
 * allocated per call.
 *
 * Locking. The core's update lock (include/alist/lock.h) serializes the
 * writers of attach lists and ID tables, and nothing else; only this layer
 * takes it, for exactly the list-writing steps: alist_attach_prepare()
 * to alist_attach_commit() or alist_attach_abort(), the detach of
 * alist_attach_leave() and alist_attach_detach(), a list's reserve (alist_attach_list_alloc(),
 * alist_attach_reserve()), alist_vid_map() and alist_vid_unmap(). A driver's
 * own state (domain IDs, context and PASID entries, STEs and CDs,
 * coherency accounting) is under locks the driver owns, each asserted
 * with lockdep_assert_held() where it is needed. The order is
 *
 *	driver locks  ->  the core's update lock  ->  queue locks
 *
 * never the reverse: a driver may call these helpers holding its own
 * locks, and never takes one of them between a prepare and its commit or
 * abort (the only span where this layer returns holding the update lock).
 * Flushes and user invalidation take no lock of the core at all (RCU).
 *
 * Documentation/architecture.rst draws where this sits.
 */
#ifndef ALIST_DOMAIN_H
#define ALIST_DOMAIN_H

#include <linux/atomic.h>
#include <linux/fault-inject.h>
#include <linux/iommu.h>
#include <linux/moduleparam.h>

struct dentry;

#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>

#include <alist/attach_list.h>
#include <alist/id_table.h>
#include <alist/inv.h>
#include <alist/user_array.h>

/* Commands and chunks a driver's queue receives per fill, at most. */
#define ALIST_FLUSH_BATCH	32
#define ALIST_FLUSH_CHUNKS	8

/* Targets a detach reports, at most (old and new list of one device). */
#define ALIST_FLUSH_LEFT_MAX	8

/**
 * enum alist_hw_format - the command format of a driver's queue
 * @ALIST_HW_VTD: VT-d queued-invalidation descriptors (alist_vtd_inv_fill())
 * @ALIST_HW_SMMUV3: SMMUv3 commands (alist_smmuv3_inv_fill())
 */
enum alist_hw_format {
	ALIST_HW_VTD,
	ALIST_HW_SMMUV3,
};

/**
 * struct alist_queue_ops - a driver's invalidation queue, described once
 * @format: the command format, which selects the core's fill
 * @batch_cmds: commands per fill, at most %ALIST_FLUSH_BATCH (how many a
 *	driver hands its queue at once decides its doorbell writes)
 * @submit: issue the @nr chunks one fill wrote to @b, in order, each with
 *	the sync it asks for; a queue error does not stop the chunks after it.
 *	Returns 0 or the first error; -EINVAL refuses the whole batch (a chunk
 *	for a queue this owner does not have) and ends the walk. Called from
 *	any context, in an RCU read section; must not sleep.
 */
struct alist_queue_ops {
	enum alist_hw_format format;
	unsigned int batch_cmds;
	int (*submit)(void *owner, const struct alist_inv_batch *b, int nr);
};

/**
 * struct alist_queue - where one flush's commands go
 * @ops: the driver's queue description
 * @owner: the first argument of @ops->submit (the SMMU; NULL for VT-d,
 *	whose chunks name their unit)
 * @params: the format's parameters: struct alist_vtd_params or struct
 *	alist_smmuv3_params, the same for the whole flush
 */
struct alist_queue {
	const struct alist_queue_ops *ops;
	void *owner;
	const void *params;
};

/* A queue wait gives up after this long, measured on the clock */
#define ALIST_QUEUE_TIMEOUT_MS	1000U

/**
 * alist_queue_expired() - has a queue wait's time run out?
 * @deadline: the wait's deadline, 0 before its first call
 *
 * Called after a poll that found the wait not done. The first call starts
 * the clock: a wait done at its first poll, as most are, never reads it.
 * On the clock, not a count of polls: counting would stretch the wait by
 * the cost of each register read, many times over under emulation.
 *
 * Context: any. No lock needed.
 * Return: true once ALIST_QUEUE_TIMEOUT_MS have passed since the first
 * call.
 */
static inline bool alist_queue_expired(u64 *deadline)
{
	u64 now = ktime_get_mono_fast_ns();

	if (!*deadline) {
		*deadline = now + ALIST_QUEUE_TIMEOUT_MS * NSEC_PER_MSEC;
		return false;
	}
	return now > *deadline;
}

/**
 * alist_queue_stall_note() - note where a queue stood when a wait gave up
 * @stall: the queue's note, 0 when there is none
 * @pos: how far the hardware had got (VT-d: the queue head; SMMUv3: the
 *	commands consumed)
 *
 * A queue runs in order: while @pos does not move, every later wait is
 * behind the same stuck entry, and alist_queue_stalled() lets it give up
 * at once instead of spending another ALIST_QUEUE_TIMEOUT_MS (maybe with
 * the queue lock held and interrupts off, when it waits for room). No
 * caller waits on a failure that happened before it came.
 *
 * Context: any. With or without the queue's lock: the note is read and
 * written with READ_ONCE()/WRITE_ONCE().
 * Return: nothing.
 */
static inline void alist_queue_stall_note(u64 *stall, u64 pos)
{
	WRITE_ONCE(*stall, pos + 1);
}

/**
 * alist_queue_stalled() - is a queue still stuck where a wait gave up?
 * @stall: the queue's note (alist_queue_stall_note())
 * @pos: how far the hardware has got now
 *
 * Context: any; as alist_queue_stall_note().
 * Return: true while @pos is where the note says; a position that moved
 * clears the note and returns false.
 */
static inline bool alist_queue_stalled(u64 *stall, u64 pos)
{
	u64 note = READ_ONCE(*stall);

	if (!note)
		return false;
	if (note == pos + 1)
		return true;
	WRITE_ONCE(*stall, 0);
	return false;
}

/**
 * struct alist_sync_stats - counters of iotlb_sync, shown in debugfs
 * @iotlb_syncs: iotlb_sync calls with a range to invalidate
 * @skipped: of them, invalidations dropped by the skip_flush test hook
 * @leaked_pages: page-table pages never freed because their invalidation
 *	failed (the unit may still walk them)
 */
struct alist_sync_stats {
	atomic64_t iotlb_syncs;
	atomic64_t skipped;
	atomic64_t leaked_pages;
};

/**
 * struct alist_test_hooks - a driver's test hooks
 * @skip_flush: fault attribute (debugfs <driver>/skip_flush): when it
 *	fires, alist_iotlb_sync() drops its invalidation, the negative
 *	control of the stale-translation selftests
 * @skip_user_inv: fault attribute (debugfs <driver>/skip_user_inv): when
 *	it fires, a vIOMMU invalidation array is dropped whole and reported
 *	done, the negative control of make vmm (a VMM's invalidation that
 *	never reaches the SMMU)
 *
 * Only in test builds (CONFIG_IOMMU_ALIST_TEST_HOOKS); production builds
 * have an empty struct and never skip. Initialize with
 * ALIST_TEST_HOOKS_INIT.
 */
struct alist_test_hooks {
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	struct fault_attr skip_flush;
	struct fault_attr skip_user_inv;
#endif
};

#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
#define ALIST_TEST_HOOKS_INIT	{ .skip_flush = FAULT_ATTR_INITIALIZER, \
				  .skip_user_inv = FAULT_ATTR_INITIALIZER }
/*
 * Only when the hook itself is switched on: a task's fail-nth fires every
 * fault attribute, and a dropped invalidation is no failure an ioctl
 * could report.
 */
static inline bool alist_test_hook_fires(struct fault_attr *a)
{
	return READ_ONCE(a->probability) && should_fail(a, 1);
}
#else
#define ALIST_TEST_HOOKS_INIT	{ }
#endif

/**
 * alist_test_fail_nth_hold() - keep fail-nth off what may fail unnoticed
 *
 * Test builds only (returns 0 otherwise). debugfs files are made without
 * checking, as debugfs wants: a fault injected there is absorbed by
 * design, and each of those points would cost the sweep of a driver's
 * init (alist_test_fail_nth_sweep()) a whole init and undo. The caller
 * holds the thread's fail-nth back around them.
 *
 * Context: process. No lock needed.
 * Return: the thread's fail-nth, for alist_test_fail_nth_release().
 */
static inline unsigned int alist_test_fail_nth_hold(void)
{
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	unsigned int n = READ_ONCE(current->fail_nth);

	WRITE_ONCE(current->fail_nth, 0);
	return n;
#else
	return 0;
#endif
}

/**
 * alist_test_fail_nth_release() - give fail-nth back
 * @n: from alist_test_fail_nth_hold()
 *
 * Context: process. No lock needed.
 * Return: nothing.
 */
static inline void alist_test_fail_nth_release(unsigned int n)
{
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	WRITE_ONCE(current->fail_nth, n);
#endif
}

/*
 * A driver's init_fail_nth, the @stride of alist_test_fail_nth_sweep():
 * a module parameter in test builds only.
 */
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
#define ALIST_TEST_INIT_FAIL_NTH					\
	static unsigned int init_fail_nth;				\
	module_param(init_fail_nth, uint, 0444);			\
	MODULE_PARM_DESC(init_fail_nth, "Test builds: S sweeps the init "	\
			 "with fail-nth, every S-th point; then the points it met")
#else
#define ALIST_TEST_INIT_FAIL_NTH	static unsigned int init_fail_nth
#endif

/**
 * alist_test_fail_nth_sweep() - sweep a driver's init with fail-nth
 * @init: brings the driver up (probes included); 0 or an errno
 * @undo: takes back an @init that returned 0
 * @name: the driver, for the log
 * @stride: in: try every @stride-th point only (1: every one, for an
 *	@init too slow to try each of its points in a test run; 0: no sweep,
 *	@init runs once); out: the injection points the sweep's @init met.
 *	The driver's init_fail_nth (ALIST_TEST_INIT_FAIL_NTH)
 *
 * Test builds only (returns @init() otherwise). The probe paths of a
 * driver, swept as the ioctls are: for N = 1, 2, ... the N-th injection
 * point the loading thread meets in @init fails (current->fail_nth), until
 * @init meets none; that last @init is the one the driver keeps. An @init
 * that failed must have met the fault and returned -ENOMEM, -ENOSPC or
 * -ENODEV (a driver that reports a unit that would not start as no unit);
 * an @init that met the fault and still succeeded (a probe failure the
 * driver core swallows, an allocator that falls back) is undone and the
 * sweep goes on. Unloading cannot do that: probed devices hold the
 * module. Leaks are left to kmemleak.
 *
 * Context: the module init, process context. No lock held.
 * Return: what the last @init returned; -EBADE for a failure that came
 * without the fault or with another errno (logged); -ELOOP past 5000
 * points.
 */
static inline int alist_test_fail_nth_sweep(int (*init)(void),
					    void (*undo)(void),
					    const char *name,
					    unsigned int *stride)
{
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	unsigned int n, left, step = *stride, failed = 0, absorbed = 0;
	int ret;

	if (!step)
		return init();
	for (n = 1; n <= 5000; n += step) {
		WRITE_ONCE(current->fail_nth, n);
		ret = init();
		left = READ_ONCE(current->fail_nth);
		WRITE_ONCE(current->fail_nth, 0);
		if (left) {
			*stride = n - left;
			pr_info("%s: fail-nth sweep of the init: %u points, every %u: %u failed, %u absorbed\n",
				name, *stride, step, failed, absorbed);
			return ret;
		}
		if (!ret) {
			absorbed++;
			undo();
			continue;
		}
		failed++;
		if (ret != -ENOMEM && ret != -ENOSPC && ret != -ENODEV) {
			pr_err("%s: fail-nth %u: init failed with %d\n", name,
			       n, ret);
			return -EBADE;
		}
	}
	return -ELOOP;
#else
	return init();
#endif
}

int alist_flush(const struct alist_queue *q, struct alist_list *list,
		struct alist_inv_cursor *cur);
int alist_flush_range(const struct alist_queue *q, struct alist_list *list,
		      unsigned long start, unsigned long last,
		      unsigned int flags, unsigned int granule_lg2);
int alist_flush_all(const struct alist_queue *q, struct alist_list *list);
int alist_flush_left(const struct alist_queue *q,
		     const struct alist_target *t, unsigned int n);
void alist_iotlb_sync(const struct alist_queue *q, struct alist_list *list,
		      struct iommu_iotlb_gather *gather,
		      struct alist_sync_stats *st, struct alist_test_hooks *h);

struct alist_list *alist_attach_list_alloc(unsigned int reserve);
void alist_attach_list_free(struct alist_list *list);
int alist_attach_reserve(struct alist_list *list, unsigned int n);
int alist_attach_prepare(struct alist_list *list, struct alist_list *parent,
			 const struct alist_target *t, unsigned int n,
			 struct alist_txn *txn);
void alist_attach_abort(struct alist_txn *txn);
void alist_attach_commit(struct alist_txn *txn);
void alist_attach_leave(const struct alist_queue *q, struct alist_list *list,
			struct alist_list *parent, struct alist_target *t,
			unsigned int n);
void alist_attach_detach(struct alist_list *list, struct alist_list *parent,
			 struct alist_target *t, unsigned int n);
/* Commands of one vIOMMU invalidation batch. */
#define ALIST_USER_BATCH	64

/**
 * struct alist_viommu - the shared layer's part of a driver's vIOMMU
 * @ids: the vID -> pID table (vSID -> pSID on SMMUv3); the core's,
 *	written under the core's update lock (alist_vid_map()), read under RCU
 * @lock: serializes the invalidations of one vIOMMU (the use of @cmds)
 * @cmds: the translated commands of one fill
 *
 * Embedded in the driver's vIOMMU object and set up by
 * alist_viommu_init(), so IOMMU_HWPT_INVALIDATE allocates nothing.
 */
struct alist_viommu {
	struct alist_id_table *ids;
	struct mutex lock;	/* one invalidation of the vIOMMU at a time */
	struct alist_cmd cmds[ALIST_USER_BATCH];
};

int alist_user_inv_vtd(const struct alist_queue *q, struct alist_list *list,
		       struct iommu_user_data_array *array);
int alist_viommu_init(struct alist_viommu *v);
void alist_viommu_destroy(struct alist_viommu *v);
int alist_vid_map(struct alist_viommu *v, u64 vid, u32 pid);
int alist_vid_unmap(struct alist_viommu *v, u64 vid);
int alist_user_inv_smmuv3(const struct alist_queue *q, struct alist_viommu *v,
			  u32 instance, u32 vmid,
			  struct iommu_user_data_array *array);

void *alist_hw_info_alloc(enum iommu_hw_info_type *type,
			  enum iommu_hw_info_type mine, size_t size,
			  u32 *length);

int alist_test_hooks_init(struct alist_test_hooks *h, struct dentry *root);

#endif /* ALIST_DOMAIN_H */
