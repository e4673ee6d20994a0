/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The attach list: per domain, the sorted, RCU-published set of the
 * invalidation targets (struct alist_target) of every device attached.
 * C API of the core (implemented in core/attach_list_c_api.cpp).
 *
 * Writers hold the one global update lock (alist_lock()); readers hold
 * nothing but an RCU read section. Documentation/core-attach-list.rst has
 * the whole picture and the memory-ordering argument.
 */
#ifndef ALIST_ATTACH_LIST_H
#define ALIST_ATTACH_LIST_H

#include "lock.h"
#include "target.h"

ALIST_C_BEGIN

/*
 * DOC: replace
 *
 * Moving a device from domain A to domain B (or onto B for a first attach):
 *
 *	alist_lock();
 *	err = alist_list_prepare_attach(B, t, n, &txn);	// may fail: nothing changed
 *	... other fallible preparation; on error alist_list_abort_attach(&txn)
 *	alist_list_commit_attach(&txn);	// B's invalidations now reach the device
 *	... driver switches the hardware entry (context/PASID entry, STE/CD)
 *	    from A to B and invalidates its configuration caches
 *	alist_list_detach(A, t_a, n_a);	// cannot fail
 *	... for every t_a[i].users == 0: leave that cache clean (flush the
 *	    tag / the device TLB) -- a target leaving a list is left clean
 *	alist_unlock();
 *
 * Between the commit and the detach the device is on both lists, so an
 * unmap on either domain during the switch reaches it: before the switch
 * it may still use A, after it B. Nested attaches use
 * alist_nest_prepare_attach() and alist_nest_detach() the same way.
 */

struct alist_list;
struct alist_view;

/* The size of struct alist_txn in 64-bit words (the core checks it) */
#define ALIST_TXN_WORDS 14

/**
 * struct alist_txn - a prepared attach, in the caller's storage
 * @opaque: the core's state, set by a prepare; pending (see
 *	alist_list_txn_pending()) until its commit or abort. All zeroes
 *	is a txn with nothing prepared.
 *
 * On the caller's stack: preparing an attach allocates the new arrays
 * only, not the transaction that holds them.
 */
struct alist_txn {
	alist_u64 opaque[ALIST_TXN_WORDS];
};

/**
 * alist_list_alloc() - allocate an empty attach list
 *
 * Context: may sleep. No lock needed.
 * Return: the list, or NULL when out of memory.
 */
struct alist_list *alist_list_alloc(void);

/**
 * alist_list_free() - free an attach list
 * @list: the list, or NULL
 *
 * Its array is freed after an RCU grace period. Live targets left on it
 * are a caller bug and warn. No lock needed; nothing else may use @list.
 * Return: nothing.
 */
void alist_list_free(struct alist_list *list);

/**
 * alist_list_reserve() - keep what the list's next attach from empty needs
 * @list: the domain's list
 * @n: the targets of one device on this domain (0 reserves nothing)
 *
 * The IOMMU core does not let an attach fail when it gives a device its
 * first domain or returns it to its default domain. A driver calls this
 * where failing is allowed (allocating the domain, attaching the device
 * elsewhere) so that a later alist_list_prepare_attach() of at most @n
 * targets on the empty @list allocates nothing: it takes the reserved
 * array. A commit uses the array up; an abort gives it back.
 * Calling it again with the reserve in place allocates nothing.
 *
 * Caller holds the update lock (alist_lock()).
 * Return: 0, or -ENOMEM with @list as it was.
 */
int alist_list_reserve(struct alist_list *list, unsigned int n);

/**
 * alist_list_prepare_attach() - prepare adding targets to a list
 * @list: the domain's list
 * @targets: @n targets in any order; users is ignored
 * @n: number of targets (may be 0)
 * @txn: the caller's storage; on success the prepared transaction, on
 *	error nothing prepared
 *
 * Builds the new array: the live entries merged with @targets; a target
 * already present gains a user, a new one enters with one user. Nothing is
 * published until alist_list_commit_attach(). On an empty list with a
 * reserve for @n targets (alist_list_reserve()) it allocates nothing; when
 * every target is live on @list already (another device on the same tag)
 * neither: the commit adds the users in place, in the same array.
 *
 * Caller holds the update lock (alist_lock()), and keeps holding it until
 * the commit or abort, changing @list in no other way in between; @targets
 * stay valid until then too.
 * Return: 0; -EINVAL for an unknown kind, a non-zero reserved field, or a
 * key present with other attributes (atc_qdep, pfsid); -ENOMEM;
 * -EOVERFLOW when a users count would wrap. On error nothing changed.
 */
int alist_list_prepare_attach(struct alist_list *list,
			      const struct alist_target *targets,
			      unsigned int n, struct alist_txn *txn);

/**
 * alist_nest_prepare_attach() - prepare a nested attach on two lists
 * @nested: the nested (stage-1) domain's list
 * @parent: its nest parent's list
 * @targets: @n nested targets: VTD_PIOTLB, SMMU_S1 or ATC
 * @n: number of targets
 * @txn: the caller's storage; on success the prepared transaction
 *	covering both lists, on error nothing prepared
 *
 * @targets go on @nested; on @parent go the targets they derive: VTD_IOTLB
 * with the nested DID for VTD_PIOTLB, SMMU_S2 and SMMU_S1_CLEAR with the
 * VMID for SMMU_S1, ATC_FULL for ATC. If either list cannot be prepared
 * neither changes.
 *
 * Caller holds the update lock (alist_lock()) until commit or abort.
 * Return: 0; -EINVAL for a malformed target, a kind that does not belong
 * on a nested domain, or @nested == @parent; otherwise as
 * alist_list_prepare_attach().
 */
int alist_nest_prepare_attach(struct alist_list *nested, struct alist_list *parent,
			      const struct alist_target *targets, unsigned int n,
			      struct alist_txn *txn);

/**
 * alist_list_commit_attach() - publish a prepared attach
 * @txn: from alist_list_prepare_attach() or alist_nest_prepare_attach();
 *	nothing is prepared in it any more on return
 *
 * Publishes the new array of each list (RCU); the old arrays are freed
 * after a grace period. Call it before the hardware entry that lets the
 * device use the domain is written (see DOC: replace).
 *
 * Caller holds the update lock (alist_lock()), held since the prepare.
 * Return: nothing; it cannot fail.
 */
void alist_list_commit_attach(struct alist_txn *txn);

/**
 * alist_list_abort_attach() - drop a prepared attach
 * @txn: as for alist_list_commit_attach(); may have nothing prepared
 *
 * The lists stay exactly as they were, their reserves included. Caller
 * holds the update lock (alist_lock()), held since the prepare, when the
 * prepare may have taken a reserve (see alist_list_reserve()).
 * Return: nothing.
 */
void alist_list_abort_attach(struct alist_txn *txn);

/**
 * alist_list_txn_pending() - does a txn hold a prepared attach?
 * @txn: a txn the caller zeroed or passed to a prepare
 *
 * No lock needed: it reads the caller's own storage.
 * Return: non-zero from a successful prepare until its commit or abort.
 */
int alist_list_txn_pending(const struct alist_txn *txn);

/**
 * alist_list_detach() - drop one user of each of some targets
 * @list: the domain's list
 * @targets: the targets given at attach; on return each one's users field
 *	holds the users its entry has left, 0 when it left the list
 * @n: number of targets
 *
 * Works in place and cannot fail. A target that left the list must be left
 * clean by the caller (flush its tag or device TLB). A target that is not
 * on the list is a caller bug: it warns and nothing changes.
 *
 * Caller holds the update lock (alist_lock()).
 * Return: nothing; it cannot fail.
 */
void alist_list_detach(struct alist_list *list, struct alist_target *targets,
		       unsigned int n);

/**
 * alist_nest_detach() - undo alist_nest_prepare_attach()
 * @nested: the nested domain's list
 * @parent: its nest parent's list
 * @targets: the nested targets; users reported as for alist_list_detach()
 * @n: number of targets
 * @parent_report: NULL, or room for 2 * @n targets: receives the derived
 *	parent targets with the users each has left
 *
 * Cannot fail. A target missing from either list warns; nothing changes.
 * Caller holds the update lock (alist_lock()).
 * Return: the number of targets written to @parent_report.
 */
unsigned int alist_nest_detach(struct alist_list *nested, struct alist_list *parent,
			       struct alist_target *targets, unsigned int n,
			       struct alist_target *parent_report);

/**
 * alist_targets_left() - the targets a detach took off a list, ready to flush
 * @reported: targets as alist_list_detach() or alist_nest_detach() reported
 *	them (users = what each entry has left)
 * @n: number of @reported
 * @out: room for @n targets
 *
 * A target that left a list must be left clean by the driver: its whole tag
 * or device TLB flushed. This copies the targets whose users dropped to 0
 * into @out, marked live and in key order, which is what
 * alist_vtd_inv_fill() and alist_smmuv3_inv_fill() take (with a cursor
 * asking for everything).
 *
 * No lock needed: it reads and writes only the arrays given.
 * Return: the number of targets written to @out.
 */
unsigned int alist_targets_left(const struct alist_target *reported, unsigned int n,
				struct alist_target *out);

/**
 * alist_list_read_begin() - start a lock-free walk of a list
 * @list: the domain's list
 *
 * Enters an RCU read section and takes the current array. Invalidation
 * paths issue alist_env_smp_mb() (smp_mb()) after clearing page table
 * entries and before this call (see Documentation/core-attach-list.rst).
 *
 * Context: any; does not sleep. Takes no lock (RCU read side). End with
 * alist_list_read_end().
 * Return: the view to walk with alist_view_entries(); NULL for an empty
 * list (alist_view_entries() accepts it).
 */
const struct alist_view *alist_list_read_begin(const struct alist_list *list);

/**
 * alist_view_entries() - the raw sorted array of a view, for walkers
 * @view: from alist_list_read_begin(), or NULL
 * @n: the number of entries
 *
 * Dead entries (users == 0) are included and must be skipped; read users
 * with READ_ONCE(), it may drop to 0 under the walker. Every other field
 * is stable. Caller is inside alist_list_read_begin()/_end().
 * Return: the entries in key order, or NULL with *@n = 0.
 */
const struct alist_target *alist_view_entries(const struct alist_view *view,
					      unsigned int *n);

/**
 * alist_list_read_end() - end the walk begun by alist_list_read_begin()
 *
 * Leaves the RCU read section; views from it must not be used after.
 * Return: nothing.
 */
void alist_list_read_end(void);

/*
 * Test interface: KUnit only. Exported with EXPORT_SYMBOL_IF_KUNIT (in the
 * EXPORTED_FOR_KUNIT_TESTING namespace) and absent from kernels without
 * KUnit; drivers and the shared layer do not call these.
 */

/**
 * alist_nest_derive() - the parent targets of some nested targets
 * @nested: @n nested targets
 * @n: number of targets
 * @parent: room for 2 * @n targets
 *
 * No lock needed.
 * Return: the number of targets written, or -EINVAL if a target does not
 * belong on a nested domain.
 */
int alist_nest_derive(const struct alist_target *nested, unsigned int n,
		      struct alist_target *parent);

/**
 * alist_list_compact() - drop dead entries now
 * @list: the domain's list
 *
 * Publishes a compacted array; if that cannot be allocated the dead
 * entries stay (readers skip them) until the next prepare.
 * Caller holds the update lock (alist_lock()).
 * Return: nothing; it cannot fail.
 */
void alist_list_compact(struct alist_list *list);

/**
 * alist_list_snapshot() - copy the live targets of a list
 * @list: the domain's list
 * @out: room for @max targets
 * @max: capacity of @out
 * @count: the number of live targets
 *
 * Takes its own RCU read section; needs no lock.
 * Return: 0, or -ENOSPC when *@count > @max (the first @max are copied).
 */
int alist_list_snapshot(const struct alist_list *list, struct alist_target *out,
			unsigned int max, unsigned int *count);

ALIST_C_END

#endif /* ALIST_ATTACH_LIST_H */
