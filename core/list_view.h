/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ListView: the lock-free read side of an AttachList.
 *
 * Use inside an RCU read section (alist_env_rcu_read_lock()): Load() takes
 * one snapshot of the published array, and the view and its iterators are
 * valid until the section ends. Iterators skip dead entries (users == 0).
 *
 *	ListView v = ListView::Load(list);
 *	for (const InstanceGroup &g : v.Instances()) {	// one queue, one sync
 *		for (const alist_target &t : g.Tags())	// IOTLB kinds, one per
 *			...				// (kind,tag,vmid,pasid)
 *		for (const alist_target &t : g.AtcUsers())	// ATC after IOTLB
 *			...
 *	}
 *
 * The users field of a yielded entry may change under the reader: read it
 * with TargetArray::Users(), never directly. Every other field is stable.
 */
#ifndef ALIST_CORE_LIST_VIEW_H
#define ALIST_CORE_LIST_VIEW_H

#include <alist/target.h>

#include "target_array.h"
#include "target_order.h"

namespace alist {

class AttachList;

/* Steps over [i, end): kLive yields every live entry, kTag the first live
 * entry of each run with the same (instance, kind, tag, vmid, pasid). */
enum class Step { kLive, kTag };

template <Step S>
class EntryIterator {
public:
	EntryIterator(const alist_target *e, alist_u32 i, alist_u32 end)
		: e_(e), i_(i), end_(end) { SkipDead(); }

	const alist_target &operator*() const { return e_[i_]; }
	const alist_target *operator->() const { return &e_[i_]; }
	bool operator!=(const EntryIterator &o) const { return i_ != o.i_; }
	bool operator==(const EntryIterator &o) const { return i_ == o.i_; }
	alist_u32 index() const { return i_; }
	EntryIterator &operator++()
	{
		alist_u32 from = i_++;

		if (S == Step::kTag)
			while (i_ < end_ && TargetOrder::SameTag(e_[i_], e_[from]))
				i_++;
		SkipDead();
		return *this;
	}

private:
	void SkipDead()
	{
		while (i_ < end_ && !TargetArray::Users(e_[i_]))
			i_++;
	}

	const alist_target *e_;
	alist_u32 i_;
	alist_u32 end_;
};

template <Step S>
class EntryRange {
public:
	EntryRange(const alist_target *e, alist_u32 b, alist_u32 end)
		: e_(e), b_(b), end_(end) {}
	EntryIterator<S> begin() const { return EntryIterator<S>(e_, b_, end_); }
	EntryIterator<S> end() const { return EntryIterator<S>(e_, end_, end_); }

private:
	const alist_target *e_;
	alist_u32 b_;
	alist_u32 end_;
};

using LiveRange = EntryRange<Step::kLive>;
using TagRange = EntryRange<Step::kTag>;

/* The entries of one IOMMU instance: [begin, end) with IOTLB kinds in
 * [begin, atc) and device-TLB kinds in [atc, end). */
class InstanceGroup {
public:
	InstanceGroup(const alist_target *e, alist_u32 b, alist_u32 end);
	alist_u32 instance() const { return e_[b_].instance; }
	TagRange Tags() const { return TagRange(e_, b_, atc_); }
	LiveRange AtcUsers() const { return LiveRange(e_, atc_, end_); }
	LiveRange All() const { return LiveRange(e_, b_, end_); }

private:
	const alist_target *e_;
	alist_u32 b_;
	alist_u32 atc_;
	alist_u32 end_;
};

class InstanceIterator {
public:
	InstanceIterator(const alist_target *e, alist_u32 i, alist_u32 end);
	InstanceGroup operator*() const { return InstanceGroup(e_, i_, next_); }
	bool operator!=(const InstanceIterator &o) const { return i_ != o.i_; }
	InstanceIterator &operator++();

private:
	void Settle();

	const alist_target *e_;
	alist_u32 i_;		/* first live entry of this instance */
	alist_u32 next_;	/* first entry of the next instance */
	alist_u32 end_;
};

class InstanceRange {
public:
	InstanceRange(const alist_target *e, alist_u32 n) : e_(e), n_(n) {}
	InstanceIterator begin() const { return InstanceIterator(e_, 0, n_); }
	InstanceIterator end() const { return InstanceIterator(e_, n_, n_); }

private:
	const alist_target *e_;
	alist_u32 n_;
};

class ListView {
public:
	/* Caller is in an RCU read section. */
	static ListView Load(const AttachList &list);
	explicit ListView(const TargetArray *array);

	/* False only if the array was freed under us (a bug tests look for). */
	bool Intact() const { return !array_ || array_->Intact(); }
	const TargetArray *array() const { return array_; }
	alist_u32 Count() const { return n_; }
	LiveRange Live() const { return LiveRange(e_, 0, n_); }
	InstanceRange Instances() const { return InstanceRange(e_, n_); }

private:
	const TargetArray *array_;
	const alist_target *e_;
	alist_u32 n_;
};

} // namespace alist

#endif /* ALIST_CORE_LIST_VIEW_H */
