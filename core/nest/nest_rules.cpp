// SPDX-License-Identifier: GPL-2.0
#include "nest/nest_rules.h"

#include <alist/errno.h>

#include "list/target_order.h"

namespace alist {

int NestRules::Validate(const alist_target &nested)
{
	int err = TargetOrder::Validate(nested);

	if (err)
		return err;
	switch (nested.kind) {
	case ALIST_KIND_VTD_PIOTLB:
	case ALIST_KIND_SMMU_S1:
	case ALIST_KIND_ATC:
		return 0;
	default:
		return -ALIST_EINVAL;
	}
}

alist_u32 NestRules::DerivedCount(const alist_target &nested)
{
	if (Validate(nested))
		return 0;
	return nested.kind == ALIST_KIND_SMMU_S1 ? 2 : 1;
}

bool NestRules::Derive(const alist_target &nested, alist_u32 j, alist_target *out)
{
	if (j >= DerivedCount(nested))
		return false;
	*out = alist_target{};
	out->instance = nested.instance;
	out->pasid = ALIST_NO_PASID;
	switch (nested.kind) {
	case ALIST_KIND_VTD_PIOTLB:
		out->kind = ALIST_KIND_VTD_IOTLB;
		out->tag = nested.tag;
		break;
	case ALIST_KIND_SMMU_S1:
		out->kind = j ? ALIST_KIND_SMMU_S1_CLEAR : ALIST_KIND_SMMU_S2;
		out->tag = nested.vmid;
		break;
	default: /* ALIST_KIND_ATC */
		out->kind = ALIST_KIND_ATC_FULL;
		out->sid = nested.sid;
		out->atc_qdep = nested.atc_qdep;
		out->pfsid = nested.pfsid;
		break;
	}
	return true;
}

} // namespace alist
