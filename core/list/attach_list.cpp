// SPDX-License-Identifier: GPL-2.0
/*
 * AttachList: prepare/commit/abort, detach, compaction and teardown.
 */
#include "list/attach_list.h"

#include <alist/errno.h>

#include "base/placement_new.h"
#include "list/target_array.h"
#include "list/target_order.h"

namespace alist {

namespace {

/* Add one user of @t to the unpublished sorted array e[0, *n). */
int InsertTarget(alist_target *e, alist_u32 *n, const alist_target &t)
{
	alist_u32 pos = TargetArray::LowerBound(e, *n, t);

	if (pos < *n && TargetOrder::SameKey(e[pos], t)) {
		/* One key names one cache: its attributes cannot differ. */
		if (!TargetOrder::SameAttributes(e[pos], t))
			return -ALIST_EINVAL;
		if (e[pos].users == ~0u)
			return -ALIST_EOVERFLOW;
		e[pos].users++;
		return 0;
	}
	for (alist_u32 j = *n; j > pos; j--)
		e[j] = e[j - 1];
	e[pos] = t;
	e[pos].users = 1;
	(*n)++;
	return 0;
}

/* Copy the live entries of @cur (may be NULL) to the start of @e. */
alist_u32 CopyLive(const TargetArray *cur, alist_target *e)
{
	alist_u32 n = 0;

	if (!cur)
		return 0;
	for (alist_u32 i = 0; i < cur->Count(); i++) {
		const alist_target &src = cur->entries()[i];
		alist_u32 users = TargetArray::Users(src);

		if (!users)
			continue;
		e[n] = src;
		e[n].users = users;
		n++;
	}
	return n;
}

} // namespace

const TargetArray *AttachList::CurrentLocked() const
{
	return current_.Locked();
}

const TargetArray *AttachList::Read() const
{
	/* Acquire (rcu_dereference): the entries are those published. */
	return current_.Read();
}

alist_u32 AttachList::LiveCountLocked() const
{
	const TargetArray *cur = CurrentLocked();

	return cur ? cur->LiveCount() : 0;
}

Result<void> AttachList::PrepareAttachLocked(const alist_target *targets,
					     alist_u32 n, AttachTxn &txn)
{
	if (n > TargetArray::kMaxEntries)
		return Result<void>::Error(-ALIST_ENOMEM);
	return PrepareAttachLocked(TargetSource::Plain(targets, n), txn);
}

Result<void> AttachList::PrepareAttachLocked(const TargetSource &src, AttachTxn &txn)
{
	alist_env_assert_locked();

	for (alist_u32 i = 0; i < txn.count_; i++) {
		if (txn.stage_[i].list == this) {
			/* A second copy would lose the first one's changes. */
			alist_env_warn(__FILE__, __LINE__, "list prepared twice in one txn");
			return Result<void>::Error(-ALIST_EBUSY);
		}
	}
	if (txn.count_ == AttachTxn::kMaxStages)
		return Result<void>::Error(-ALIST_EBUSY);
	int err = src.Validate();
	if (err)
		return Result<void>::Error(err);

	const TargetArray *cur = CurrentLocked();
	alist_u32 live = cur ? cur->LiveCount() : 0;
	alist_u32 adds = src.Count();
	if (adds > TargetArray::kMaxEntries - live)
		return Result<void>::Error(-ALIST_ENOMEM);

	/*
	 * Every key live already (another device of the group or the domain
	 * on the same tag): the commit adds users in place. Nothing to
	 * allocate, so a group's way back to its default domain cannot fail
	 * for this list; readers only test users != 0.
	 */
	if (adds && cur && AllLive(*cur, src)) {
		txn.stage_[txn.count_++] =
			AttachTxn::Stage{this, nullptr, generation_, false, true, src};
		return Result<void>::Ok();
	}

	TargetArray *next = nullptr;
	bool reserved = false;
	if (live + adds) {
		if (!live && reserve_ && reserve_->capacity() >= adds) {
			/* The attach that must not fail: no allocation. */
			next = reserve_;
			reserve_ = nullptr;
			reserved = true;
		} else {
			next = TargetArray::Create(live + adds);
			if (!next)
				return Result<void>::Error(-ALIST_ENOMEM);
		}
		alist_target *e = next->entries();
		alist_u32 count = CopyLive(cur, e);
		alist_target t;
		for (alist_u32 i = 0; i < src.Slots(); i++) {
			if (!src.Get(i, &t))
				continue;
			err = InsertTarget(e, &count, t);
			if (err) {
				if (reserved)
					reserve_ = next;
				else
					TargetArray::Destroy(next);
				return Result<void>::Error(err);
			}
		}
		next->SetCount(count);
	}
	txn.stage_[txn.count_++] = AttachTxn::Stage{this, next, generation_, reserved, false, {}};
	return Result<void>::Ok();
}

bool AttachList::AllLive(const TargetArray &cur, const TargetSource &src)
{
	const alist_target *e = cur.entries();
	alist_target t;

	for (alist_u32 i = 0; i < src.Slots(); i++) {
		if (!src.Get(i, &t))
			continue;
		long idx = cur.Find(t);
		if (idx < 0)
			return false;
		alist_u32 users = TargetArray::Users(e[idx]);
		/* Dead entries never revive; a clash or a wrap takes the copy path */
		if (!users || users > ~0u - src.Slots() ||
		    !TargetOrder::SameAttributes(e[idx], t))
			return false;
	}
	return true;
}

void AttachList::AddUsersLocked(const TargetSource &src)
{
	TargetArray *cur = current_.Locked();
	alist_target *e = cur->entries();
	alist_target t;

	for (alist_u32 i = 0; i < src.Slots(); i++) {
		if (!src.Get(i, &t))
			continue;
		long idx = cur->Find(t);
		TargetArray::SetUsers(e[idx], TargetArray::Users(e[idx]) + 1);
	}
	generation_++;
}

void AttachList::PublishLocked(TargetArray *array)
{
	TargetArray *old = current_.Locked();

	/* Release: a reader that loads @array sees its entries (pairs with
	 * the acquire/dependency of Read()). */
	current_.PublishLocked(array);
	generation_++;
	if (old)
		old->Retire();
}

void AttachList::CommitAttachLocked(AttachTxn &txn)
{
	alist_env_assert_locked();
	for (alist_u32 i = 0; i < txn.count_; i++) {
		AttachTxn::Stage &s = txn.stage_[i];

		if (s.list->generation_ != s.generation)
			alist_env_warn(__FILE__, __LINE__,
				       "list changed between prepare and commit");
		if (s.in_place)
			s.list->AddUsersLocked(s.src);
		else
			s.list->PublishLocked(s.array);
		s = AttachTxn::Stage{};
	}
	txn.count_ = 0;
}

void AttachList::AbortStagesFrom(AttachTxn &txn, alist_u32 keep)
{
	while (txn.count_ > keep) {
		AttachTxn::Stage &s = txn.stage_[--txn.count_];

		/* A reserve goes back for the next attach that must not fail. */
		if (s.reserved && !s.list->reserve_) {
			alist_env_assert_locked();
			s.list->reserve_ = s.array;
		} else {
			TargetArray::Destroy(s.array);
		}
		s = AttachTxn::Stage{};
	}
}

void AttachList::AbortAttach(AttachTxn &txn)
{
	AbortStagesFrom(txn, 0);
}

Result<void> AttachList::ReserveLocked(alist_u32 n)
{
	alist_env_assert_locked();
	if (!n)
		return Result<void>::Ok();
	if (n > TargetArray::kMaxEntries)
		return Result<void>::Error(-ALIST_ENOMEM);
	if (reserve_ && reserve_->capacity() >= n)
		return Result<void>::Ok();
	TargetArray *a = TargetArray::Create(n);
	if (!a)
		return Result<void>::Error(-ALIST_ENOMEM);
	TargetArray::Destroy(reserve_);
	reserve_ = a;
	return Result<void>::Ok();
}

void AttachList::CompactLocked()
{
	const TargetArray *cur = CurrentLocked();

	if (!cur || !cur->dead())
		return;
	alist_u32 live = cur->LiveCount();
	TargetArray *next = nullptr;
	if (live) {
		next = TargetArray::Create(live);
		if (!next)
			return; /* the dead entries stay until the next prepare */
		next->SetCount(CopyLive(cur, next->entries()));
	}
	PublishLocked(next);
}

void AttachList::Destroy()
{
	TargetArray *cur = current_.Take();

	TargetArray::Destroy(reserve_);
	reserve_ = nullptr;
	if (!cur)
		return;
	if (cur->LiveCount())
		alist_env_warn(__FILE__, __LINE__, "attach list freed with live targets");
	/* A late reader of the domain may still hold the array. */
	cur->Retire();
}

/*
 * Detach: in place, no allocation, cannot fail.
 *
 * Each matched entry loses a user with a relaxed atomic store; an entry at
 * 0 is dead and readers skip it. A reader that still sees the old count
 * invalidates a cache the device no longer uses: harmless. Dead entries at
 * the end are trimmed by lowering the published count; dead entries in the
 * middle stay until the next prepare or CompactLocked().
 */
bool AttachList::CanDetachLocked(const TargetSource &src) const
{
	const TargetArray *cur = CurrentLocked();
	alist_target t, u;

	if (src.Validate())
		return false;
	for (alist_u32 i = 0; i < src.Slots(); i++) {
		if (!src.Get(i, &t))
			continue;
		long idx = cur ? cur->Find(t) : -1;
		if (idx < 0)
			return false;
		/* A target given k times needs k users. */
		alist_u32 need = 1;
		for (alist_u32 j = 0; j < i; j++)
			need += src.Get(j, &u) && TargetOrder::SameKey(t, u);
		if (TargetArray::Users(cur->entries()[idx]) < need)
			return false;
	}
	return true;
}

alist_u32 AttachList::ReportLocked(const TargetSource &src, alist_target *report) const
{
	const TargetArray *cur = CurrentLocked();
	alist_u32 k = 0;
	alist_target t;

	for (alist_u32 i = 0; i < src.Slots(); i++) {
		if (!src.Get(i, &t))
			continue;
		long idx = cur && !TargetOrder::Validate(t) ? cur->Find(t) : -1;
		t.users = idx < 0 ? 0 : TargetArray::Users(cur->entries()[idx]);
		if (report)
			report[k] = t;
		k++;
	}
	return k;
}

alist_u32 AttachList::ApplyDetachLocked(const TargetSource &src, alist_target *report)
{
	/* Only ever called after CanDetachLocked(): every target is here. */
	TargetArray *cur = current_.Locked();
	alist_target t;

	alist_env_assert_locked();
	if (!cur)
		return ReportLocked(src, report);
	alist_target *e = cur->entries();
	for (alist_u32 i = 0; i < src.Slots(); i++) {
		if (!src.Get(i, &t))
			continue;
		long idx = cur->Find(t);
		if (idx < 0)
			continue;
		alist_u32 users = TargetArray::Users(e[idx]) - 1;
		TargetArray::SetUsers(e[idx], users);
		if (!users)
			cur->set_dead(cur->dead() + 1);
	}
	/* Trim the dead tail: readers that loaded the old count still find
	 * users == 0 there, the memory stays until the array retires. */
	alist_u32 n = cur->Count();
	while (n && !TargetArray::Users(e[n - 1])) {
		n--;
		cur->set_dead(cur->dead() - 1);
	}
	cur->SetCount(n);
	generation_++;
	return ReportLocked(src, report);
}

void AttachList::DetachLocked(alist_target *targets, alist_u32 n)
{
	TargetSource src = TargetSource::Plain(targets, n);

	if (n > TargetArray::kMaxEntries || !CanDetachLocked(src)) {
		alist_env_warn(__FILE__, __LINE__, "detach of a target not on the list");
		if (n <= TargetArray::kMaxEntries)
			ReportLocked(src, targets);
		return;
	}
	ApplyDetachLocked(src, targets);
}

} // namespace alist
