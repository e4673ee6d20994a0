// SPDX-License-Identifier: GPL-2.0
/*
 * AttachList detach: in place, no allocation, cannot fail.
 *
 * Each matched entry loses a user with a relaxed atomic store; an entry at
 * 0 is dead and readers skip it. A reader that still sees the old count
 * invalidates a cache the device no longer uses: harmless. Dead entries at
 * the end are trimmed by lowering the published count; dead entries in the
 * middle stay until the next prepare or CompactLocked().
 */
#include "attach_list.h"

#include "target_array.h"
#include "target_order.h"

namespace alist {

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
	TargetArray *cur = __atomic_load_n(&current_, __ATOMIC_RELAXED);
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

