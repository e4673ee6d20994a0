/* SPDX-License-Identifier: GPL-2.0 */
/*
 * InvRequest: what to invalidate, independent of the hardware format:
 * the merged page ranges (or "all"), the leaf-only hint and the leaf size.
 */
#ifndef ALIST_CORE_INV_REQUEST_H
#define ALIST_CORE_INV_REQUEST_H

#include "inv/range_set.h"

namespace alist {

struct InvRequest {
	RangeSet ranges;
	bool leaf;		/* only leaf entries changed */
	alist_u8 granule_lg2;	/* unmapped leaf size, 0 if unknown */

	void Init(bool leaf_only, unsigned granule)
	{
		ranges.Clear();
		leaf = leaf_only;
		granule_lg2 = static_cast<alist_u8>(granule < 64 ? granule : 0);
	}
};

} // namespace alist

#endif /* ALIST_CORE_INV_REQUEST_H */
