// SPDX-License-Identifier: GPL-2.0
#include "nest/id_table.h"

#include <alist/env.h>
#include <alist/errno.h>

namespace alist {

namespace {

/* Copy the live entries of @cur (may be NULL) into @dst, in order. */
alist_u32 CopyLive(const IdArray *cur, IdEntry *dst)
{
	alist_u32 n = 0;

	if (!cur)
		return 0;
	for (alist_u32 i = 0; i < cur->count(); i++) {
		const IdEntry &e = cur->entries()[i];

		if (e.IsLive())
			dst[n++] = IdEntry{e.vid, e.pid, 1};
	}
	return n;
}

} // namespace

IdArray *IdTable::CurrentLocked() const
{
	return current_.Locked();
}

void IdTable::PublishLocked(IdArray *array)
{
	IdArray *old = CurrentLocked();

	/* Release: pairs with the acquire of Lookup()'s Read(). */
	current_.PublishLocked(array);
	if (old)
		old->Retire();
}

int IdTable::Lookup(alist_u64 vid, alist_u32 *pid, alist_u32 *probes) const
{
	const IdArray *a = current_.Read();

	if (!a)
		return -ALIST_ENOENT;
	alist_u32 i = a->LowerBound(vid, probes);
	if (i == a->count() || a->entries()[i].vid != vid || !a->entries()[i].IsLive())
		return -ALIST_ENOENT;
	*pid = a->entries()[i].pid;
	return 0;
}

int IdTable::InsertLocked(alist_u64 vid, alist_u32 pid)
{
	const IdArray *cur = CurrentLocked();
	alist_u32 tmp, live = CountLocked();

	if (Lookup(vid, &tmp) == 0)
		return -ALIST_EEXIST;
	if (live >= IdArray::kMaxEntries)
		return -ALIST_ENOMEM;
	IdArray *next = IdArray::Create(live + 1);
	if (!next)
		return -ALIST_ENOMEM;
	/* Live entries below @vid, the new one, the rest: still sorted. */
	IdEntry *e = next->entries();
	alist_u32 n = CopyLive(cur, e);
	alist_u32 pos = n;
	while (pos && e[pos - 1].vid > vid) {
		e[pos] = e[pos - 1];
		pos--;
	}
	e[pos] = IdEntry{vid, pid, 1};
	next->set_count(n + 1);
	PublishLocked(next);
	return 0;
}

void IdTable::CompactLocked()
{
	const IdArray *cur = CurrentLocked();
	alist_u32 live = CountLocked();
	IdArray *next = nullptr;

	if (live) {
		next = IdArray::Create(live);
		if (!next)
			return; /* the dead entry stays; lookups skip it */
		next->set_count(CopyLive(cur, next->entries()));
	}
	PublishLocked(next);
}

int IdTable::RemoveLocked(alist_u64 vid)
{
	IdArray *cur = CurrentLocked();

	if (!cur)
		return -ALIST_ENOENT;
	alist_u32 i = cur->LowerBound(vid, nullptr);
	if (i == cur->count() || cur->entries()[i].vid != vid ||
	    !cur->entries()[i].IsLive())
		return -ALIST_ENOENT;
	/* Invisible at once, whether or not compaction gets its memory. */
	cur->entries()[i].Kill();
	cur->set_dead(cur->dead() + 1);
	CompactLocked();
	return 0;
}

alist_u32 IdTable::CountLocked() const
{
	const IdArray *cur = CurrentLocked();

	return cur ? cur->count() - cur->dead() : 0;
}

void IdTable::Destroy()
{
	IdArray *cur = current_.Take();

	if (!cur)
		return;
	cur->Retire();
}

} // namespace alist
