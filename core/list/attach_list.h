/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AttachList: a domain's invalidation targets, an RCU-published pointer to
 * a sorted TargetArray (NULL when empty).
 *
 * Locking: every method named ...Locked() needs the env's global update
 * lock (alist_env_lock()); readers take none (Read(), in an RCU read
 * section). The lock is held from PrepareAttachLocked() to
 * CommitAttachLocked()/AbortAttach() when the list must not change in
 * between; AbortAttach() needs it too when it gives a list its reserve
 * back.
 *
 * Attach:  PrepareAttachLocked() builds the new array (may fail, changes
 *          nothing), CommitAttachLocked() publishes it (cannot fail).
 * Detach:  DetachLocked() works in place and cannot fail.
 * Replace: see include/alist/attach_list.h, "DOC: replace".
 */
#ifndef ALIST_CORE_ATTACH_LIST_H
#define ALIST_CORE_ATTACH_LIST_H

#include <alist/target.h>

#include "list/attach_txn.h"
#include "base/rcu_ptr.h"
#include "base/result.h"
#include "list/target_source.h"

namespace alist {

class TargetArray;

class AttachList {
public:
	AttachList() = default;
	AttachList(const AttachList &) = delete;
	AttachList &operator=(const AttachList &) = delete;

	/*
	 * Stage the current live entries merged with @n targets (any order;
	 * users ignored) in @txn. An existing key gains a user; a new key
	 * enters with one; dead entries are dropped. -EINVAL: a malformed
	 * target, or one whose key is present with other attributes;
	 * -ENOMEM; -EOVERFLOW: a users count would wrap; -EBUSY: this list
	 * is already in @txn or @txn is full. On error nothing changed.
	 */
	Result<void> PrepareAttachLocked(const alist_target *targets, alist_u32 n,
					 AttachTxn &txn);
	Result<void> PrepareAttachLocked(const TargetSource &src, AttachTxn &txn);
	/*
	 * Publish every array of @txn (old arrays retire after a grace
	 * period), or add the users of a stage prepared in place.
	 */
	static void CommitAttachLocked(AttachTxn &txn);
	/* Free every array of @txn; the lists stay as they were. */
	static void AbortAttach(AttachTxn &txn);
	/* Drop the stages of @txn from index @keep on (undo a partial prepare). */
	static void AbortStagesFrom(AttachTxn &txn, alist_u32 keep);

	/*
	 * Drop one user of each of @n targets, in place. On return each
	 * target's users field holds the users its entry has left: 0 means it
	 * left the list (the driver must leave that cache clean). A target
	 * not on the list is a caller bug: warn and change nothing at all.
	 */
	void DetachLocked(alist_target *targets, alist_u32 n);
	/* The two halves of a detach, for NestLink's two-list detach. */
	bool CanDetachLocked(const TargetSource &src) const;
	/* Returns how many targets were reported in @report (may be NULL). */
	alist_u32 ApplyDetachLocked(const TargetSource &src, alist_target *report);
	/* Write into @report the users each target of @src has now. */
	alist_u32 ReportLocked(const TargetSource &src, alist_target *report) const;

	/*
	 * The reserve: an unpublished array for @n targets, kept by the list
	 * so that a prepare of at most @n targets on the empty list takes it
	 * instead of allocating. An attach the IOMMU core does not
	 * let fail (a device's first domain, the return to its default
	 * domain) then cannot fail: the allocation moved to a step that may.
	 * Idempotent; -ENOMEM leaves the list as it was.
	 */
	Result<void> ReserveLocked(alist_u32 n);

	/* Drop dead entries (new array); on -ENOMEM silently keep them. */
	void CompactLocked();

	/*
	 * Teardown (no lock; nothing else may use the list any more): retire
	 * the array. Live entries left are a caller bug: warn.
	 */
	void Destroy();

	const TargetArray *CurrentLocked() const;
	/* The published array (NULL when empty); caller is in an RCU read section. */
	const TargetArray *Read() const;
	alist_u32 LiveCountLocked() const;

private:
	void PublishLocked(TargetArray *array);
	/* Is every target of @src on @cur, live, with the same attributes? */
	static bool AllLive(const TargetArray &cur, const TargetSource &src);
	/* One more user for each target of @src (all live: AllLive()). */
	void AddUsersLocked(const TargetSource &src);

	RcuPtr<TargetArray> current_;	/* RCU-published */
	TargetArray *reserve_ = nullptr;	/* never published while here */
	alist_u64 generation_ = 0;		/* bumped by every change */
};

} // namespace alist

#endif /* ALIST_CORE_ATTACH_LIST_H */
