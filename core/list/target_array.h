/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TargetArray: one immutable-size, sorted array of targets, the unit an
 * attach list publishes with RCU.
 *
 * Layout of the allocation: the RCU head (offset 0, so the env can free the
 * allocation after a grace period), a header, then capacity entries.
 *
 * What may change after publication, and how readers see it:
 *  - an entry's users, written in place by detach under the update lock
 *    with relaxed atomic stores; readers load it relaxed (READ_ONCE) and
 *    skip entries at 0 ("dead");
 *  - count, only ever lowered (trailing dead entries trimmed); readers load
 *    it relaxed and may still walk the trimmed tail, which stays dead.
 * Keys, attributes and the order never change: additions build a new array.
 */
#ifndef ALIST_CORE_TARGET_ARRAY_H
#define ALIST_CORE_TARGET_ARRAY_H

#include <alist/env.h>
#include <alist/target.h>

namespace alist {

class TargetArray {
public:
	/* "ALST": checked by stress-test readers; the env poisons freed memory. */
	static constexpr alist_u32 kMagic = 0x414c5354;
	/* An attach list is small; this bounds the size arithmetic. */
	static constexpr alist_u32 kMaxEntries = 1u << 20;

	/* A zeroed array with room for @capacity entries; nullptr on failure. */
	static TargetArray *Create(alist_u32 capacity);
	/* Free an array no reader ever saw (never published). */
	static void Destroy(TargetArray *array);
	/* Free after a grace period (it was published). */
	void Retire();

	bool Intact() const { return magic_ == kMagic; }
	alist_u32 capacity() const { return capacity_; }
	alist_u32 Count() const { return __atomic_load_n(&count_, __ATOMIC_RELAXED); }
	const alist_target *entries() const
	{
		return reinterpret_cast<const alist_target *>(this + 1);
	}
	alist_target *entries() { return reinterpret_cast<alist_target *>(this + 1); }

	static alist_u32 Users(const alist_target &e)
	{
		return __atomic_load_n(&e.users, __ATOMIC_RELAXED);
	}
	static void SetUsers(alist_target &e, alist_u32 users)
	{
		__atomic_store_n(&e.users, users, __ATOMIC_RELAXED);
	}

	/* Index of the entry with @key's key among [0, Count()), or -1. */
	long Find(const alist_target &key) const;
	/* First index in [0, @n) whose key is not less than @key's. */
	static alist_u32 LowerBound(const alist_target *e, alist_u32 n,
				    const alist_target &key);

	/* Writer side (update lock held, or the array is not yet published). */
	void SetCount(alist_u32 count)
	{
		__atomic_store_n(&count_, count, __ATOMIC_RELAXED);
	}
	alist_u32 dead() const { return dead_; }
	void set_dead(alist_u32 dead) { dead_ = dead; }
	alist_u32 LiveCount() const { return Count() - dead_; }

private:
	TargetArray() = default;

	struct alist_rcu_head rcu_;
	alist_u32 magic_;
	alist_u32 capacity_;
	alist_u32 count_;	/* entries in use; only lowered once published */
	alist_u32 dead_;	/* dead entries below count_ (writer only) */
};

static_assert(sizeof(TargetArray) % alignof(alist_target) == 0,
	      "entries follow the header");

} // namespace alist

#endif /* ALIST_CORE_TARGET_ARRAY_H */
