/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TargetOrder: the total order of invalidation targets.
 *
 * The key is (instance, kind, tag, vmid, pasid, sid), compared field by
 * field as unsigned numbers. atc_qdep, pfsid and users are attributes: two
 * targets with one key name the same cache, so they are one entry of an
 * attach list with a reference count.
 */
#ifndef ALIST_CORE_TARGET_ORDER_H
#define ALIST_CORE_TARGET_ORDER_H

#include <alist/target.h>

namespace alist {

struct TargetOrder {
	/* <0, 0, >0 as @a sorts before, with, after @b. */
	static int Compare(const alist_target &a, const alist_target &b);
	static bool Less(const alist_target &a, const alist_target &b)
	{
		return Compare(a, b) < 0;
	}
	static bool SameKey(const alist_target &a, const alist_target &b)
	{
		return Compare(a, b) == 0;
	}
	static bool SameAttributes(const alist_target &a, const alist_target &b)
	{
		return a.atc_qdep == b.atc_qdep && a.pfsid == b.pfsid;
	}
	/* Device-TLB kinds: they sort after every IOTLB kind of an instance. */
	static bool IsAtc(alist_u8 kind) { return alist_kind_is_atc(kind); }
	/* 0, or -EINVAL for an unknown kind or a non-zero reserved field. */
	static int Validate(const alist_target &t);
};

} // namespace alist

#endif /* ALIST_CORE_TARGET_ORDER_H */
