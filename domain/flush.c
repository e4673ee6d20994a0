// SPDX-License-Identifier: GPL-2.0
/*
 * The shared layer's flushes: every invalidation a driver issues for a
 * domain goes through here. The core decides the commands (its batcher
 * fills a chunk table per call); this file walks the attach list under
 * RCU, hands each fill to the driver's queue, and frees unmapped
 * page-table pages only once their invalidation completed.
 */
#define pr_fmt(fmt) "iommu_alist: " fmt

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/printk.h>

#include <alist_domain.h>

/* Exported by the IOMMU core; its header is private to drivers/iommu/ */
void iommu_put_pages_list(struct iommu_pages_list *list);

/* The core's fill for the queue's format: a direct call, no table. */
static __always_inline int alist_flush_fill(const struct alist_queue *q,
					    struct alist_inv_cursor *cur,
					    const struct alist_target *t,
					    unsigned int n,
					    struct alist_inv_batch *b)
{
	if (q->ops->format == ALIST_HW_VTD)
		return alist_vtd_inv_fill(cur, q->params, t, n, b);
	return alist_smmuv3_inv_fill(cur, q->params, t, n, b);
}

/*
 * alist_flush_walk() - issue what a cursor asks of some targets
 * @q: the queue the commands go to
 * @cur: the request (ranges or everything), consumed
 * @t: the targets: a domain's sorted array, or those that left one
 * @n: number of targets
 *
 * Fills a batch of at most @q->ops->batch_cmds commands at a time and
 * hands each fill to @q->ops->submit(). Every chunk is issued even after
 * one failed (other queues are not left stale), unless the queue refused
 * a whole batch (-EINVAL).
 *
 * The caller keeps @t alive (an RCU read section for a published
 * array). Inlined into each flush: one call less on every unmap.
 * Returns 0, or the first error of the fill or of the queue.
 */
static __always_inline int alist_flush_walk(const struct alist_queue *q,
					    struct alist_inv_cursor *cur,
					    const struct alist_target *t,
					    unsigned int n)
{
	/* Filled before read: not cleared per call (INIT_STACK_ALL_ZERO) */
	struct alist_cmd cmds[ALIST_FLUSH_BATCH] __uninitialized;
	struct alist_inv_chunk chunks[ALIST_FLUSH_CHUNKS] __uninitialized;
	struct alist_inv_batch b = ALIST_INV_BATCH_INIT(cmds, chunks);
	int nr, err, ret = 0;

	if (WARN_ON_ONCE(!q->ops->batch_cmds ||
			 q->ops->batch_cmds > ALIST_FLUSH_BATCH))
		return -EINVAL;
	b.cap = q->ops->batch_cmds;
	do {
		nr = alist_flush_fill(q, cur, t, n, &b);
		if (nr < 0)
			return ret ?: nr;
		err = q->ops->submit(q->owner, &b, nr);
		if (err == -EINVAL)
			return err;
		if (err && !ret)
			ret = err;
	} while (!b.done);
	return ret;
}

/* Walk @list's published targets; the caller's smp_mb() came first. */
static __always_inline int alist_flush_list(const struct alist_queue *q,
					    struct alist_list *list,
					    struct alist_inv_cursor *cur)
{
	const struct alist_target *t;
	const struct alist_view *view;
	unsigned int n;
	int ret = 0;

	view = alist_list_read_begin(list);
	t = alist_view_entries(view, &n);
	if (n)
		ret = alist_flush_walk(q, cur, t, n);
	alist_list_read_end();
	return ret;
}

/**
 * alist_flush() - invalidate what a cursor describes on every target of a list
 * @q: the queue the commands go to
 * @list: the domain's attach list
 * @cur: the request (ranges or everything), consumed
 *
 * The one place of the full barrier that orders the caller's page-table
 * stores (cleared entries) before the attach list is read; it pairs with
 * the attach side's barrier between publishing a list and writing the
 * hardware entry, so a device attached meanwhile is either in the list
 * read here or walks the updated table.
 *
 * Context: any; does not sleep. No lock needed (RCU walk of the list).
 * Return: 0, or the first error of the fill or of a queue; the other
 * queues were invalidated all the same.
 */
int alist_flush(const struct alist_queue *q, struct alist_list *list,
		struct alist_inv_cursor *cur)
{
	if (alist_inv_cursor_empty(cur))
		return 0;
	/* Cleared PTEs are visible before the target array is read */
	smp_mb();
	return alist_flush_list(q, list, cur);
}
EXPORT_SYMBOL_NS_GPL(alist_flush, "IOMMU_ALIST");

/* One byte range of @list; the barrier as in alist_flush_range(). */
static __always_inline int alist_flush_one_range(const struct alist_queue *q,
						 struct alist_list *list,
						 unsigned long start,
						 unsigned long last,
						 unsigned int flags,
						 unsigned int granule_lg2)
{
	struct alist_inv_cursor cur __uninitialized;

	/* Cleared PTEs are visible before the target array is read */
	smp_mb();
	alist_inv_cursor_init(&cur, flags, granule_lg2);
	alist_inv_cursor_add_range(&cur, start, last);
	return alist_flush_list(q, list, &cur);
}

/**
 * alist_flush_range() - invalidate one byte range of a domain
 * @q: the queue the commands go to
 * @list: the domain's attach list
 * @start: first byte
 * @last: last byte (inclusive)
 * @flags: ALIST_INV_LEAF when only leaf entries changed, else 0
 * @granule_lg2: log2 of the leaf size unmapped, 0 if unknown
 *
 * As alist_flush(). The barrier comes before the cursor is built: it
 * orders the page-table stores all the same and does not wait for the
 * cursor's stores to drain.
 *
 * Context: any; does not sleep. No lock needed (RCU walk of the list).
 * Return: as alist_flush().
 */
int alist_flush_range(const struct alist_queue *q, struct alist_list *list,
		      unsigned long start, unsigned long last,
		      unsigned int flags, unsigned int granule_lg2)
{
	return alist_flush_one_range(q, list, start, last, flags, granule_lg2);
}
EXPORT_SYMBOL_NS_GPL(alist_flush_range, "IOMMU_ALIST");

/**
 * alist_flush_all() - invalidate everything of a domain
 * @q: the queue the commands go to
 * @list: the domain's attach list
 *
 * Every tag of the list whole, every device TLB whole. As alist_flush().
 *
 * Context: any; does not sleep. No lock needed (RCU walk of the list).
 * Return: as alist_flush().
 */
int alist_flush_all(const struct alist_queue *q, struct alist_list *list)
{
	struct alist_inv_cursor cur __uninitialized;

	/* Cleared PTEs are visible before the target array is read */
	smp_mb();
	alist_inv_cursor_init(&cur, 0, 0);
	alist_inv_cursor_add_all(&cur);
	return alist_flush_list(q, list, &cur);
}
EXPORT_SYMBOL_NS_GPL(alist_flush_all, "IOMMU_ALIST");

/*
 * Everything of @n targets. Not inlined: the walk's batch and the
 * caller's target copy would not fit one stack frame together.
 */
static noinline int alist_flush_whole(const struct alist_queue *q,
				      const struct alist_target *t,
				      unsigned int n)
{
	struct alist_inv_cursor cur __uninitialized;

	alist_inv_cursor_init(&cur, 0, 0);
	alist_inv_cursor_add_all(&cur);
	return alist_flush_walk(q, &cur, t, n);
}

/**
 * alist_flush_left() - leave clean the targets that left an attach list
 * @q: the queue the commands go to
 * @t: targets as a detach reports them: those with users == 0 left their
 *	list and are flushed whole, the others are still in use and are not
 * @n: number of targets, at most %ALIST_FLUSH_LEFT_MAX
 *
 * A failure is logged: the caller is past the point where it could undo
 * anything.
 *
 * Context: any; does not sleep. No lock needed.
 * Return: 0, or the first error of a queue.
 */
int alist_flush_left(const struct alist_queue *q,
		     const struct alist_target *t, unsigned int n)
{
	struct alist_target left[ALIST_FLUSH_LEFT_MAX] __uninitialized;
	unsigned int nl;
	int ret;

	if (WARN_ON_ONCE(n > ARRAY_SIZE(left)))
		n = ARRAY_SIZE(left);
	nl = alist_targets_left(t, n, left);
	if (!nl)
		return 0;
	ret = alist_flush_whole(q, left, nl);
	if (ret)
		pr_err_ratelimited("invalidation of detached targets failed (%d)\n",
				   ret);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(alist_flush_left, "IOMMU_ALIST");

/**
 * alist_iotlb_sync() - the iotlb_sync of a domain: its gathered range
 * @q: the queue the commands go to
 * @list: the domain's attach list
 * @gather: what the unmap gathered: a range, and the page-table pages it
 *	unlinked (generic_pt; io-pgtable frees its own after a synchronous
 *	tlb_flush_walk() and leaves the list empty)
 * @st: the driver's counters
 * @h: the driver's test hooks
 *
 * Page-table pages unlinked by the unmap are freed only once the IOTLB
 * and the paging-structure caches are known clean. When the invalidation
 * did not complete (a queue error, a time-out) a unit may still walk
 * them: they are leaked, never reused, and counted in
 * @st->leaked_pages, as such a page must not go back to the allocator.
 *
 * Context: any; does not sleep. No lock needed (RCU walk of the list).
 * Return: nothing.
 */
void alist_iotlb_sync(const struct alist_queue *q, struct alist_list *list,
		      struct iommu_iotlb_gather *gather,
		      struct alist_sync_stats *st, struct alist_test_hooks *h)
{
	bool leaf = list_empty(&gather->freelist.pages);
	int ret = 0;

	if (gather->start <= gather->end) {
		atomic64_inc(&st->iotlb_syncs);
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
		if (alist_test_hook_fires(&h->skip_flush)) {
			atomic64_inc(&st->skipped);
			goto free_pages;
		}
#endif
		ret = alist_flush_one_range(q, list, gather->start, gather->end,
					    leaf ? ALIST_INV_LEAF : 0,
					    gather->pgsize ?
					    ilog2(gather->pgsize) : PAGE_SHIFT);
	}
	if (ret && !leaf) {
		atomic64_add(list_count_nodes(&gather->freelist.pages),
			     &st->leaked_pages);
		pr_err_ratelimited("unmap invalidation failed (%d): page-table pages leaked\n",
				   ret);
		INIT_LIST_HEAD(&gather->freelist.pages);
		return;
	}
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
free_pages:
#endif
	/* Table pages go only after the invalidation above completed */
	iommu_put_pages_list(&gather->freelist);
}
EXPORT_SYMBOL_NS_GPL(alist_iotlb_sync, "IOMMU_ALIST");

/**
 * alist_test_hooks_init() - create a driver's test hooks in debugfs
 * @h: the hooks, ALIST_TEST_HOOKS_INIT
 * @root: the driver's debugfs directory
 *
 * Only in test builds (CONFIG_IOMMU_ALIST_TEST_HOOKS, which the build
 * allows only with fault-injection debugfs). Verbose output is off: a
 * forced failure prints no stack trace.
 *
 * Context: module init; may sleep. No lock needed.
 * Return: 0, or a negative errno (-ENODEV in a build without test hooks).
 */
int alist_test_hooks_init(struct alist_test_hooks *h, struct dentry *root)
{
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	struct dentry *d;

	h->skip_flush.verbose = 0;
	h->skip_user_inv.verbose = 0;
	d = fault_create_debugfs_attr("skip_flush", root, &h->skip_flush);
	if (IS_ERR(d))
		return PTR_ERR(d);
	return PTR_ERR_OR_ZERO(fault_create_debugfs_attr("skip_user_inv", root,
							 &h->skip_user_inv));
#else
	return -ENODEV;
#endif
}
EXPORT_SYMBOL_NS_GPL(alist_test_hooks_init, "IOMMU_ALIST");
