/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AttachTxn: the arrays an attach has prepared and not yet published, one
 * per list (two for a nested attach: the nested list and its parent).
 *
 * Filled by AttachList::PrepareAttachLocked() / NestLink, emptied by
 * AttachList::CommitAttachLocked() (publish all) or AttachList::AbortAttach()
 * (free all). A stage whose targets are all live already holds no array:
 * its commit adds users in place (the caller's targets stay valid until
 * then). A prepared array is a copy of its list as it was at prepare,
 * so the update lock is held from prepare to commit and the list is not
 * changed in between (commit warns if it was). It lives in the caller's
 * struct alist_txn (on the stack): a prepare allocates arrays only.
 */
#ifndef ALIST_CORE_ATTACH_TXN_H
#define ALIST_CORE_ATTACH_TXN_H

#include <alist/types.h>

#include "list/target_source.h"

namespace alist {

class AttachList;
class TargetArray;

class AttachTxn {
public:
	static constexpr alist_u32 kMaxStages = 2;

	AttachTxn() = default;
	AttachTxn(const AttachTxn &) = delete;
	AttachTxn &operator=(const AttachTxn &) = delete;

	bool empty() const { return count_ == 0; }
	alist_u32 stages() const { return count_; }

private:
	friend class AttachList;

	struct Stage {
		AttachList *list;
		TargetArray *array;	/* NULL: the list becomes empty (or @in_place) */
		alist_u64 generation;	/* the list's, at prepare */
		bool reserved;		/* @array is @list's reserve */
		bool in_place;		/* every target of @src is live already */
		TargetSource src;	/* @in_place: whose users the commit adds */
	};

	Stage stage_[kMaxStages] = {};
	alist_u32 count_ = 0;
};

} // namespace alist

#endif /* ALIST_CORE_ATTACH_TXN_H */
