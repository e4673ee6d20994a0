// SPDX-License-Identifier: GPL-2.0
#include "list_view.h"

#include "attach_list.h"

namespace alist {

ListView ListView::Load(const AttachList &list)
{
	/* Acquire (rcu_dereference): the entries are those published. */
	void *p = alist_env_rcu_load(reinterpret_cast<void *const *>(&list.current_));

	return ListView(static_cast<const TargetArray *>(p));
}

ListView::ListView(const TargetArray *array)
	: array_(array), e_(array ? array->entries() : nullptr),
	  n_(array ? array->Count() : 0)
{
}

InstanceGroup::InstanceGroup(const alist_target *e, alist_u32 b, alist_u32 end)
	: e_(e), b_(b), atc_(b), end_(end)
{
	/* Device-TLB kinds sort last within an instance. */
	while (atc_ < end_ && !TargetOrder::IsAtc(e_[atc_].kind))
		atc_++;
}

InstanceIterator::InstanceIterator(const alist_target *e, alist_u32 i, alist_u32 end)
	: e_(e), i_(i), next_(i), end_(end)
{
	Settle();
}

/* Move i_ to the next live entry and next_ past its instance. */
void InstanceIterator::Settle()
{
	while (i_ < end_ && !TargetArray::Users(e_[i_]))
		i_++;
	next_ = i_;
	while (next_ < end_ && e_[next_].instance == e_[i_].instance)
		next_++;
}

InstanceIterator &InstanceIterator::operator++()
{
	i_ = next_;
	Settle();
	return *this;
}

} // namespace alist
