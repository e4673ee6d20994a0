// SPDX-License-Identifier: GPL-2.0
#include "nest/nest_link.h"

#include <alist/errno.h>

#include "nest/nest_rules.h"
#include "list/target_array.h"
#include "list/target_source.h"

namespace alist {

Result<void> NestLink::PrepareAttachLocked(AttachList &nested, AttachList &parent,
					   const alist_target *targets, alist_u32 n,
					   AttachTxn &txn)
{
	if (&nested == &parent)
		return Result<void>::Error(-ALIST_EINVAL);
	if (n > TargetArray::kMaxEntries / NestRules::kMaxDerived)
		return Result<void>::Error(-ALIST_ENOMEM);
	TargetSource src = TargetSource::Plain(targets, n);
	TargetSource derived = TargetSource::NestParent(targets, n);
	/* Nested kinds only: check before the nested list sees them. */
	int err = derived.Validate();
	if (err)
		return Result<void>::Error(err);

	alist_u32 mark = txn.stages();
	Result<void> r = nested.PrepareAttachLocked(src, txn);
	if (!r.ok())
		return r;
	r = parent.PrepareAttachLocked(derived, txn);
	if (!r.ok())
		AttachList::AbortStagesFrom(txn, mark);
	return r;
}

alist_u32 NestLink::DetachLocked(AttachList &nested, AttachList &parent,
				 alist_target *targets, alist_u32 n,
				 alist_target *parent_report)
{
	TargetSource src = TargetSource::Plain(targets, n);
	TargetSource derived = TargetSource::NestParent(targets, n);

	if (&nested == &parent || n > TargetArray::kMaxEntries / NestRules::kMaxDerived ||
	    derived.Validate() || !nested.CanDetachLocked(src) ||
	    !parent.CanDetachLocked(derived)) {
		alist_env_warn(__FILE__, __LINE__, "nested detach of a target not attached");
		if (n > TargetArray::kMaxEntries / NestRules::kMaxDerived)
			return 0;
		nested.ReportLocked(src, targets);
		return parent.ReportLocked(derived, parent_report);
	}
	nested.ApplyDetachLocked(src, targets);
	return parent.ApplyDetachLocked(derived, parent_report);
}

} // namespace alist
