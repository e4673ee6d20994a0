// SPDX-License-Identifier: GPL-2.0
#include "list/target_order.h"

#include <alist/errno.h>

namespace alist {

namespace {

int Cmp(alist_u32 a, alist_u32 b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

} // namespace

int TargetOrder::Compare(const alist_target &a, const alist_target &b)
{
	int c;

	if ((c = Cmp(a.instance, b.instance)))
		return c;
	if ((c = Cmp(a.kind, b.kind)))
		return c;
	if ((c = Cmp(a.tag, b.tag)))
		return c;
	if ((c = Cmp(a.vmid, b.vmid)))
		return c;
	if ((c = Cmp(a.pasid, b.pasid)))
		return c;
	return Cmp(a.sid, b.sid);
}

int TargetOrder::Validate(const alist_target &t)
{
	if (t.kind >= ALIST_KIND_COUNT || t.reserved)
		return -ALIST_EINVAL;
	return 0;
}

} // namespace alist
