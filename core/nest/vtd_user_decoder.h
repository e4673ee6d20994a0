/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VtdUserDecoder: IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 arrays for a nested
 * (stage-1) domain. Every valid entry's range goes into one InvRequest, so
 * the whole array becomes one walk of the nested domain's targets with one
 * wait descriptor per unit -- instead of a flush and a wait per entry.
 *
 * Per entry (struct iommu_hwpt_vtd_s1_invalidate):
 *  - flags other than LEAF, or __reserved != 0: -EOPNOTSUPP;
 *  - addr not 4 KiB aligned: -EINVAL;
 *  - addr 0 and npages U64_MAX: everything; npages U64_MAX otherwise:
 *    -EINVAL (the uAPI reserves it for "all");
 *  - npages 0: -EINVAL. The uAPI defines npages as a count of pages to
 *    invalidate; an empty request is a caller bug worth reporting, and
 *    accepting it would make a typo silently flush nothing;
 *  - addr + npages pages past 2^64: -EINVAL.
 * The leaf hint survives only if every valid entry set it (IH=1 would let
 * the hardware keep paging-structure caches a non-leaf entry changed).
 */
#ifndef ALIST_CORE_VTD_USER_DECODER_H
#define ALIST_CORE_VTD_USER_DECODER_H

#include <alist/user_array.h>

#include "inv/inv_request.h"

namespace alist {

class VtdUserDecoder {
public:
	static constexpr alist_u32 kMinLen = 24; /* offsetofend(__reserved) */

	/*
	 * Decode @a into @req (initialized here). Return: 0 or the errno of
	 * entry a.entry_num; @req holds the valid prefix either way.
	 */
	[[nodiscard]]
	static int Decode(alist_user_array &a, InvRequest &req);
	/* Validate one copied entry and add it; 0 or -errno with @err. */
	[[nodiscard]]
	static int Apply(const alist_vtd_s1_inv &e, InvRequest &req, bool *leaf,
			 alist_u32 *err);
};

} // namespace alist

#endif /* ALIST_CORE_VTD_USER_DECODER_H */
