/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NestLink: attach and detach on a nested domain's list and its nest
 * parent's list as one operation (derivation rules: nest_rules.h).
 *
 * Attach prepares both lists into one AttachTxn: if either prepare fails,
 * neither list changes. Commit publishes both. Detach checks both lists
 * first, then drops the users on both (it cannot fail).
 *
 * Locking: the update lock, as for AttachList.
 */
#ifndef ALIST_CORE_NEST_LINK_H
#define ALIST_CORE_NEST_LINK_H

#include <alist/target.h>

#include "list/attach_list.h"
#include "list/attach_txn.h"
#include "base/result.h"

namespace alist {

struct NestLink {
	/* -EINVAL: malformed or non-nested kind, or @nested == @parent;
	 * otherwise as AttachList::PrepareAttachLocked(). */
	static Result<void> PrepareAttachLocked(AttachList &nested, AttachList &parent,
						const alist_target *targets, alist_u32 n,
						AttachTxn &txn);
	/*
	 * Drop @n nested targets from @nested and what they derive from
	 * @parent. @targets report their remaining users as in
	 * AttachList::DetachLocked(); @parent_report (NULL, or room for
	 * NestRules::kMaxDerived * @n) gets the derived targets with theirs.
	 * Returns the number of parent targets reported. A target missing
	 * from either list: warn, change nothing.
	 */
	static alist_u32 DetachLocked(AttachList &nested, AttachList &parent,
				      alist_target *targets, alist_u32 n,
				      alist_target *parent_report);
};

} // namespace alist

#endif /* ALIST_CORE_NEST_LINK_H */
