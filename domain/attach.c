// SPDX-License-Identifier: GPL-2.0
/*
 * The shared layer's attach protocol. A driver switches a device from one
 * domain to another in this order, holding its own locks for its own
 * state (never the core's update lock, which these helpers take):
 *
 *	... the driver's fallible steps (a domain ID, a coherency rule)
 *	ret = alist_attach_prepare(list, parent, t, n, &txn);	may fail
 *	... on a later error alist_attach_abort(&txn) and unwind
 *	alist_attach_commit(&txn);	publish, then the full barrier
 *	... the driver's hardware switch (entry writer, config-cache
 *	    invalidation): nothing fails from here, an error WARNs
 *	alist_attach_leave(q, old_list, old_parent, old_t, old_n);
 *
 * A driver whose hardware switch already invalidated, whole, every tag and
 * device TLB of the device's old targets (VT-d: the teardown of the old
 * PASID entry that the specification asks for) calls alist_attach_detach()
 * instead of alist_attach_leave(): the same detach, no second flush.
 *
 * The update lock covers the list writes only: from a successful prepare
 * to its commit or abort (the prepared arrays must not go stale), and the
 * detach inside alist_attach_leave(). Between prepare and commit the
 * caller takes no lock, so the order is always the driver's locks, then
 * the core's.
 *
 * Blocked and identity attach have no targets: prepare does nothing, so
 * they never fail. A paging attach onto an empty list with its reserve
 * (alist_list_reserve()) does not allocate: the first domain of a device,
 * the way back to its default domain. The driver keeps that reserve when
 * a device leaves its default domain (alist_attach_reserve()): for a
 * paging or nested domain the attach fails without it; blocked and
 * identity, which must not fail, only try it, and without it the way back
 * allocates. The reserve is one device's: in a group of several devices
 * on one default domain, the others' way back takes no allocation when
 * their targets are live already (the same tag: users are added in
 * place); a target of their own (a device TLB) allocates, as Linux's own
 * drivers do on every attach.
 */
#include <linux/export.h>

#include <alist/lock.h>
#include <alist_domain.h>

/**
 * alist_attach_list_alloc() - a domain's attach list, with its reserve
 * @reserve: targets of one device on this domain; 0 for a domain whose
 *	first attach may fail (a nested domain, attached through iommufd)
 *
 * The IOMMU core does not let a device's first attach fail: with a
 * reserve (alist_list_reserve()) the first prepare on the empty list
 * allocates nothing, and the allocation fails here instead.
 *
 * Context: process; may sleep. Takes the core's update lock.
 * Return: the list, or NULL when out of memory.
 */
struct alist_list *alist_attach_list_alloc(unsigned int reserve)
{
	struct alist_list *list = alist_list_alloc();
	int ret;

	if (!list || !reserve)
		return list;
	ret = alist_attach_reserve(list, reserve);
	if (ret) {
		alist_list_free(list);
		return NULL;
	}
	return list;
}
EXPORT_SYMBOL_NS_GPL(alist_attach_list_alloc, "IOMMU_ALIST");

/**
 * alist_attach_list_free() - free a domain's attach list
 * @list: from alist_attach_list_alloc(), or NULL
 *
 * No device may be attached any more; the array goes after a grace period.
 *
 * Context: process. Takes no lock: nothing else uses @list.
 * Return: nothing.
 */
void alist_attach_list_free(struct alist_list *list)
{
	alist_list_free(list);
}
EXPORT_SYMBOL_NS_GPL(alist_attach_list_free, "IOMMU_ALIST");

/**
 * alist_attach_reserve() - keep a list's reserve for a device's return
 * @list: the domain a device is leaving (its default domain)
 * @n: the device's targets on @list
 *
 * The way back to the default domain must not fail either: a driver
 * calls this when a device leaves its default domain; for blocked or
 * identity, which must not fail, it carries on without the reserve when
 * this fails. With the reserve already in place it allocates nothing.
 *
 * Context: process; may sleep. Takes the core's update lock; the caller
 * must not hold it.
 * Return: 0, or -ENOMEM with @list unchanged.
 */
int alist_attach_reserve(struct alist_list *list, unsigned int n)
{
	int ret;

	alist_lock();
	ret = alist_list_reserve(list, n);
	alist_unlock();
	return ret;
}
EXPORT_SYMBOL_NS_GPL(alist_attach_reserve, "IOMMU_ALIST");

/**
 * alist_attach_prepare() - prepare a device's targets on a new domain
 * @list: the new domain's attach list
 * @parent: its nest parent's list for a nested domain, else NULL
 * @t: the device's targets on the new domain
 * @n: number of @t; 0 (blocked, identity) prepares nothing
 * @txn: the caller's storage (struct alist_txn on its stack): the
 *	prepared attach, nothing prepared when @n is 0 or on error
 *
 * Nothing is published: on error, or on a later error of the caller
 * (alist_attach_abort()), the lists are as they were. Only the new
 * arrays are allocated (none for a list's reserved first attach, none
 * for a list where every target of @t is live already). @t stays valid
 * until the commit or abort.
 *
 * Context: process; may sleep (allocates). Takes the core's update lock
 * and, when it returns 0 with something prepared (@n not 0), returns
 * holding it: alist_attach_commit() or alist_attach_abort() releases it,
 * and the caller takes no lock in between. The caller must not hold the
 * update lock; it may hold its own driver locks (they come first).
 * Return: 0, or the core's error (-ENOMEM, -EINVAL, ...); never an error
 * when @n is 0. On error the update lock is not held.
 */
int alist_attach_prepare(struct alist_list *list, struct alist_list *parent,
			 const struct alist_target *t, unsigned int n,
			 struct alist_txn *txn)
{
	int ret;

	if (!n) {
		/* Nothing pending: commit and abort take no lock */
		*txn = (struct alist_txn){};
		return 0;
	}
	alist_lock();
	if (parent)
		ret = alist_nest_prepare_attach(list, parent, t, n, txn);
	else
		ret = alist_list_prepare_attach(list, t, n, txn);
	/* Held until the commit or abort: the prepared arrays stay current */
	if (ret)
		alist_unlock();
	return ret;
}
EXPORT_SYMBOL_NS_GPL(alist_attach_prepare, "IOMMU_ALIST");

/**
 * alist_attach_abort() - drop a prepared attach
 * @txn: from alist_attach_prepare()
 *
 * Context: process. When @txn holds a prepared attach the update lock is
 * held, as alist_attach_prepare() returned; it is released here.
 * Return: nothing.
 */
void alist_attach_abort(struct alist_txn *txn)
{
	if (!alist_list_txn_pending(txn))
		return;
	alist_assert_locked();
	alist_list_abort_attach(txn);
	alist_unlock();
}
EXPORT_SYMBOL_NS_GPL(alist_attach_abort, "IOMMU_ALIST");

/**
 * alist_attach_commit() - publish a prepared attach, then the full barrier
 * @txn: from alist_attach_prepare(); with nothing prepared, only the
 *	barrier
 *
 * From here the new domain's invalidations reach the device. The
 * smp_mb() makes the publish visible before any store of the driver's
 * hardware switch: it pairs with the smp_mb() of alist_flush(), so an
 * unmap whose translations the new entry could serve reads the new list.
 * A release store alone would let a later one-word entry store pass it.
 *
 * Context: process. When @txn holds a prepared attach the update lock is
 * held, as alist_attach_prepare() returned; it is released here, so the
 * driver's hardware switch runs without it.
 * Return: nothing; it cannot fail.
 */
void alist_attach_commit(struct alist_txn *txn)
{
	if (alist_list_txn_pending(txn)) {
		alist_assert_locked();
		alist_list_commit_attach(txn);
		alist_unlock();
	}
	/* The publish before the hardware switch; pairs with alist_flush() */
	smp_mb();
}
EXPORT_SYMBOL_NS_GPL(alist_attach_commit, "IOMMU_ALIST");

/*
 * Copy the targets of @t (@n) that are device TLBs (@atc) or are not,
 * those of @atc marked as left (users 0, flushed whole by
 * alist_flush_left()). Return: the number copied to @out.
 */
static unsigned int alist_targets_pick(const struct alist_target *t,
				       unsigned int n, bool atc,
				       struct alist_target *out)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		if (!!alist_kind_is_atc(t[i].kind) != atc)
			continue;
		out[k] = t[i];
		if (atc)
			out[k].users = 0;
		k++;
	}
	return k;
}

/*
 * Take @t off @list (and @parent), then, with @q, flush what left. The
 * targets that left are on the stack: flushed without the update lock.
 *
 * A device TLB is the device's own and the device is live: it is cleaned
 * before its entry stops taking the unmaps' invalidations, or an unmap in
 * between would skip it and free pages it may still translate (the
 * hardware already uses the new domain, so nothing refills it from the
 * old one). A tag that left serves no device any more: flushed after.
 */
static void alist_attach_off(const struct alist_queue *q,
			     struct alist_list *list, struct alist_list *parent,
			     struct alist_target *t, unsigned int n)
{
	struct alist_target report[ALIST_FLUSH_LEFT_MAX];
	unsigned int nr = 0;

	if (!n)
		return;
	if (WARN_ON_ONCE(2 * n > ARRAY_SIZE(report)))
		n = ARRAY_SIZE(report) / 2;
	/* A nested device TLB's parent copy is the same device's: one flush */
	if (q)
		alist_flush_left(q, report, alist_targets_pick(t, n, true, report));
	alist_lock();
	if (parent)
		nr = alist_nest_detach(list, parent, t, n, report);
	else
		alist_list_detach(list, t, n);
	alist_unlock();
	if (!q)
		return;
	if (parent)
		alist_flush_left(q, report, alist_targets_pick(report, nr, false, report));
	alist_flush_left(q, report, alist_targets_pick(t, n, false, report));
}

/**
 * alist_attach_detach() - take a device off its old domain, no flush
 * @list: the old domain's attach list
 * @parent: its nest parent's list for a nested domain, else NULL
 * @t: the device's targets on the old domain; each one's users field is
 *	written with the users its entry has left
 * @n: number of @t, at most %ALIST_FLUSH_LEFT_MAX / 2; 0 does nothing
 *
 * For a driver whose hardware switch has already invalidated, whole,
 * every tag and device TLB @t names; otherwise alist_attach_leave().
 *
 * Context: process; may sleep. Takes the core's update lock; the caller
 * must not hold it.
 * Return: nothing.
 */
void alist_attach_detach(struct alist_list *list, struct alist_list *parent,
			 struct alist_target *t, unsigned int n)
{
	alist_attach_off(NULL, list, parent, t, n);
}
EXPORT_SYMBOL_NS_GPL(alist_attach_detach, "IOMMU_ALIST");

/**
 * alist_attach_leave() - take a device off its old domain, leave it clean
 * @q: the queue the flush goes to
 * @list: the old domain's attach list
 * @parent: its nest parent's list for a nested domain, else NULL
 * @t: the device's targets on the old domain; each one's users field is
 *	written with the users its entry has left
 * @n: number of @t, at most %ALIST_FLUSH_LEFT_MAX / 2; 0 does nothing
 *
 * Called once the hardware uses the new domain only. The device's TLBs
 * (ATC) are invalidated whole first, while its entries still take the
 * unmaps' invalidations; then every tag that left a list (the nest
 * parent's included) is invalidated whole (alist_flush_left()). A failed
 * flush is logged, nothing else fails.
 *
 * Context: process; may sleep. Takes the core's update lock for the
 * detach only (the flush runs without it); the caller must not hold it.
 * Return: nothing.
 */
void alist_attach_leave(const struct alist_queue *q, struct alist_list *list,
			struct alist_list *parent, struct alist_target *t,
			unsigned int n)
{
	alist_attach_off(q, list, parent, t, n);
}
EXPORT_SYMBOL_NS_GPL(alist_attach_leave, "IOMMU_ALIST");
