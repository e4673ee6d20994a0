// SPDX-License-Identifier: GPL-2.0
#include "list/target_source.h"

#include <alist/errno.h>

#include "nest/nest_rules.h"
#include "list/target_order.h"

namespace alist {

alist_u32 TargetSource::Slots() const
{
	return mode_ == Mode::kPlain ? n_ : n_ * NestRules::kMaxDerived;
}

bool TargetSource::Get(alist_u32 i, alist_target *out) const
{
	if (mode_ == Mode::kPlain) {
		*out = targets_[i];
		return true;
	}
	const alist_target &nested = targets_[i / NestRules::kMaxDerived];
	return NestRules::Derive(nested, i % NestRules::kMaxDerived, out);
}

int TargetSource::Validate() const
{
	for (alist_u32 i = 0; i < n_; i++) {
		int err = mode_ == Mode::kPlain ? TargetOrder::Validate(targets_[i])
						: NestRules::Validate(targets_[i]);
		if (err)
			return err;
	}
	return 0;
}

alist_u32 TargetSource::Count() const
{
	alist_target t;
	alist_u32 count = 0;

	for (alist_u32 i = 0; i < Slots(); i++)
		count += Get(i, &t);
	return count;
}

} // namespace alist
