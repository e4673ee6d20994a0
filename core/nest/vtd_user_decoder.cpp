// SPDX-License-Identifier: GPL-2.0
#include "nest/vtd_user_decoder.h"

#include <alist/errno.h>

#include "base/bits.h"
#include "nest/chunked_reader.h"

namespace alist {

int VtdUserDecoder::Apply(const alist_vtd_s1_inv &e, InvRequest &req, bool *leaf,
			  alist_u32 *err)
{
	constexpr alist_u64 kAll = ~0ull;

	if (e.flags & ~ALIST_VTD_S1_INV_LEAF) {
		*err = ALIST_UARRAY_ERR_FLAGS;
		return -ALIST_EOPNOTSUPP;
	}
	if (e.reserved) {
		*err = ALIST_UARRAY_ERR_RESERVED;
		return -ALIST_EOPNOTSUPP;
	}
	if (e.addr & 0xfff) {
		*err = ALIST_UARRAY_ERR_ALIGN;
		return -ALIST_EINVAL;
	}
	if (e.npages == kAll) {
		if (e.addr) {
			*err = ALIST_UARRAY_ERR_RANGE;
			return -ALIST_EINVAL;
		}
		req.ranges.SetAll();
	} else {
		alist_u64 first = e.addr >> 12;

		/* Pages left from first to the top of the 2^52-page space. */
		if (e.npages == 0 || e.npages - 1 > RangeSet::kMaxPage - first) {
			*err = ALIST_UARRAY_ERR_RANGE;
			return -ALIST_EINVAL;
		}
		req.ranges.AddPages(first, first + e.npages - 1);
	}
	*leaf = *leaf && (e.flags & ALIST_VTD_S1_INV_LEAF);
	return 0;
}

int VtdUserDecoder::Decode(alist_user_array &a, InvRequest &req)
{
	alist_u32 err = ALIST_UARRAY_OK;
	alist_u32 i = 0;
	bool leaf = true;
	int ret;

	req.Init(false, 12);
	ret = UserArrayReader::CheckHeader(a, ALIST_UARRAY_TYPE_VTD_S1, kMinLen, &err);

	/* 16 entries (384 bytes) of stack, whatever the array length. */
	ChunkedReader<alist_vtd_s1_inv, 16> reader ALIST_UNINITIALIZED;

	for (; !ret && i < a.entry_num; i++) {
		const alist_vtd_s1_inv *e;

		ret = reader.Get(a, i, &e, &err);
		if (!ret)
			ret = Apply(*e, req, &leaf, &err);
		if (ret)
			break;
	}
	req.leaf = leaf && !req.ranges.empty();
	a.entry_num = i;
	a.err_code = err;
	return ret;
}

} // namespace alist
