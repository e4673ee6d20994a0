// SPDX-License-Identifier: GPL-2.0
/*
 * The C API of attach lists (include/alist/attach_list.h, lock.h): thin
 * extern "C" wrappers. Opaque C handles are the C++ objects themselves.
 */
#include <alist/attach_list.h>
#include <alist/errno.h>
#include <alist/lock.h>

#include "list/attach_list.h"
#include "list/target_order.h"
#include "nest/nest_link.h"
#include "nest/nest_rules.h"
#include "base/placement_new.h"
#include "list/target_array.h"

using alist::AttachList;
using alist::AttachTxn;
using alist::Result;

static_assert(sizeof(AttachTxn) <= sizeof(alist_txn), "ALIST_TXN_WORDS too small");
static_assert(alignof(AttachTxn) <= alignof(alist_txn), "alist_txn under-aligned");
static_assert(__has_trivial_destructor(AttachTxn), "a txn is dropped without a destructor");

namespace {

AttachList *ToList(struct alist_list *l)
{
	return reinterpret_cast<AttachList *>(l);
}

const AttachList *ToList(const struct alist_list *l)
{
	return reinterpret_cast<const AttachList *>(l);
}

AttachTxn *ToTxn(struct alist_txn *t)
{
	return reinterpret_cast<AttachTxn *>(t->opaque);
}

const AttachTxn *ToTxn(const struct alist_txn *t)
{
	return reinterpret_cast<const AttachTxn *>(t->opaque);
}

/* A new, empty AttachTxn in the caller's storage. */
AttachTxn &NewTxn(struct alist_txn *t)
{
	return *new (t->opaque) AttachTxn();
}

} // namespace

extern "C" {

void alist_lock(void)
{
	alist_env_lock();
}

void alist_unlock(void)
{
	alist_env_unlock();
}

void alist_assert_locked(void)
{
	alist_env_assert_locked();
}

struct alist_list *alist_list_alloc(void)
{
	return reinterpret_cast<struct alist_list *>(alist::EnvNew<AttachList>());
}

void alist_list_free(struct alist_list *list)
{
	if (!list)
		return;
	ToList(list)->Destroy();
	alist::EnvDelete(ToList(list));
}

int alist_list_prepare_attach(struct alist_list *list,
			      const struct alist_target *targets,
			      unsigned int n, struct alist_txn *txn)
{
	return ToList(list)->PrepareAttachLocked(targets, n, NewTxn(txn)).error();
}

int alist_nest_prepare_attach(struct alist_list *nested, struct alist_list *parent,
			      const struct alist_target *targets, unsigned int n,
			      struct alist_txn *txn)
{
	return alist::NestLink::PrepareAttachLocked(*ToList(nested), *ToList(parent),
						    targets, n, NewTxn(txn)).error();
}

void alist_list_commit_attach(struct alist_txn *txn)
{
	AttachList::CommitAttachLocked(*ToTxn(txn));
}

void alist_list_abort_attach(struct alist_txn *txn)
{
	AttachList::AbortAttach(*ToTxn(txn));
}

int alist_list_txn_pending(const struct alist_txn *txn)
{
	return !ToTxn(txn)->empty();
}

void alist_list_detach(struct alist_list *list, struct alist_target *targets,
		       unsigned int n)
{
	ToList(list)->DetachLocked(targets, n);
}

unsigned int alist_nest_detach(struct alist_list *nested, struct alist_list *parent,
			       struct alist_target *targets, unsigned int n,
			       struct alist_target *parent_report)
{
	return alist::NestLink::DetachLocked(*ToList(nested), *ToList(parent),
					     targets, n, parent_report);
}

int alist_nest_derive(const struct alist_target *nested, unsigned int n,
		      struct alist_target *parent)
{
	int count = 0;

	if (n > alist::TargetArray::kMaxEntries)
		return -ALIST_EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (alist::NestRules::Validate(nested[i]))
			return -ALIST_EINVAL;
	for (unsigned int i = 0; i < n; i++)
		for (alist_u32 j = 0; alist::NestRules::Derive(nested[i], j, &parent[count]); j++)
			count++;
	return count;
}

unsigned int alist_targets_left(const struct alist_target *reported, unsigned int n,
				struct alist_target *out)
{
	unsigned int m = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (reported[i].users)
			continue;
		/* Insertion sort: a device contributes a handful of targets. */
		unsigned int j = m++;

		while (j && alist::TargetOrder::Less(reported[i], out[j - 1])) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = reported[i];
		out[j].users = 1;
	}
	return m;
}

int alist_list_reserve(struct alist_list *list, unsigned int n)
{
	Result<void> r = ToList(list)->ReserveLocked(n);

	return r.ok() ? 0 : r.error();
}

void alist_list_compact(struct alist_list *list)
{
	ToList(list)->CompactLocked();
}

const struct alist_view *alist_list_read_begin(const struct alist_list *list)
{
	alist_env_rcu_read_lock();
	return reinterpret_cast<const struct alist_view *>(ToList(list)->Read());
}

/* The next live target of @view from *@pos on, users loaded once. */
static int ViewNext(const struct alist_view *view, unsigned int *pos,
		    struct alist_target *out)
{
	const alist::TargetArray *a = reinterpret_cast<const alist::TargetArray *>(view);
	/* The count may have been trimmed below @pos since the last call. */
	alist_u32 n = a ? a->Count() : 0;

	for (alist_u32 i = *pos; i < n; i++) {
		const alist_target &e = a->entries()[i];
		alist_u32 users = alist::TargetArray::Users(e);

		if (!users)
			continue;
		/* Every field but users is stable; users is read once, above. */
		__builtin_memcpy(out, &e, __builtin_offsetof(alist_target, users));
		out->users = users;
		*pos = i + 1;
		return 1;
	}
	return 0;
}

const struct alist_target *alist_view_entries(const struct alist_view *view,
					      unsigned int *n)
{
	const alist::TargetArray *a = reinterpret_cast<const alist::TargetArray *>(view);

	*n = a ? a->Count() : 0;
	return a ? a->entries() : nullptr;
}

void alist_list_read_end(void)
{
	alist_env_rcu_read_unlock();
}

int alist_list_snapshot(const struct alist_list *list, struct alist_target *out,
			unsigned int max, unsigned int *count)
{
	const struct alist_view *view = alist_list_read_begin(list);
	unsigned int pos = 0, n = 0;
	struct alist_target t;

	while (ViewNext(view, &pos, &t)) {
		if (n < max)
			out[n] = t;
		n++;
	}
	alist_list_read_end();
	*count = n;
	return n > max ? -ALIST_ENOSPC : 0;
}

} // extern "C"
