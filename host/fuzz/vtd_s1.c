// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: vtd_s1_check() (drivers/vtd/s1_check.c, the very file
 * the module builds), the check of a nested domain's stage-1
 * configuration from user space against the unit's capabilities.
 *
 * Input (zero-padded to 40 bytes): struct iommu_hwpt_vtd_s1 as user space
 * passes it (24 bytes), then CAP and ECAP (little-endian).
 *
 * Invariants:
 *  - every rule is restated here by bit position (VT-d spec CAP/ECAP, the
 *    uAPI's struct): the check accepts exactly when no rule is broken,
 *    and a refusal carries the errno of one of the rules broken;
 *  - what is accepted is what the PASID entry can hold: the table
 *    address keeps all its bits in FSPTPTR (bits 63:12) and lies below
 *    2^MGAW, a 57-bit width only with FS5LP;
 *  - a reserved bit or an unknown flag makes an accepted one refused;
 *  - more capability never refuses what less accepted.
 */
#include <errno.h>
#include <uapi/linux/iommufd.h>

#include "fuzz_check.h"
#include "../../drivers/vtd/vtd_hw.h"

#define CAP_MGAW_SHIFT	16	/* CAP bits 21:16, MGAW - 1 */
#define CAP_FS5LP	(1ULL << 60)
#define ECAP_SRS	(1ULL << 31)
#define ECAP_EAFS	(1ULL << 34)

/* Broken rules: the errnos they call for, as bits (1: EOPNOTSUPP, 2: EINVAL) */
static unsigned int ref_broken(const struct iommu_hwpt_vtd_s1 *s1, uint64_t cap,
			       uint64_t ecap)
{
	unsigned int mgaw = ((cap >> CAP_MGAW_SHIFT) & 0x3f) + 1, b = 0;

	if (s1->__reserved || s1->flags > 7)
		b |= 1;
	if ((s1->flags & 1) && !(ecap & ECAP_SRS))
		b |= 1;
	if ((s1->flags & 2) && !(ecap & ECAP_EAFS))
		b |= 1;
	if (s1->addr_width != 48 && s1->addr_width != 57)
		b |= 2;
	if (s1->addr_width == 57 && !(cap & CAP_FS5LP))
		b |= 1;
	if (!s1->pgtbl_addr || (s1->pgtbl_addr & 0xfff))
		b |= 2;
	if (mgaw < 64 && s1->pgtbl_addr >= (1ULL << mgaw))
		b |= 2;
	return b;
}

static int check(const struct iommu_hwpt_vtd_s1 *s1, uint64_t cap, uint64_t ecap)
{
	unsigned int b = ref_broken(s1, cap, ecap);
	int ret = vtd_s1_check(s1, cap, ecap);

	FUZZ_CHECK(ret == 0 || ret == -EOPNOTSUPP || ret == -EINVAL);
	FUZZ_CHECK((ret == 0) == (b == 0));
	FUZZ_CHECK(ret != -EOPNOTSUPP || (b & 1));
	FUZZ_CHECK(ret != -EINVAL || (b & 2));
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iommu_hwpt_vtd_s1 s1, t;
	uint64_t cap, ecap, mgaw_max;
	uint8_t in[40];

	fuzz_take(in, sizeof(in), data, size);
	s1.flags = fuzz_le(in, 8);
	s1.pgtbl_addr = fuzz_le(in + 8, 8);
	s1.addr_width = fuzz_le(in + 16, 4);
	s1.__reserved = fuzz_le(in + 20, 4);
	cap = fuzz_le(in + 24, 8);
	ecap = fuzz_le(in + 32, 8);

	if (check(&s1, cap, ecap))
		return 0;

	/* What the PASID entry holds of it (vtd_pe_domain()). */
	FUZZ_CHECK((s1.pgtbl_addr & ~0xfffULL) == s1.pgtbl_addr);
	FUZZ_CHECK(s1.addr_width == 48 || (s1.addr_width == 57 && (cap & CAP_FS5LP)));
	if (((cap >> CAP_MGAW_SHIFT) & 0x3f) < 63)
		FUZZ_CHECK(s1.pgtbl_addr >> (((cap >> CAP_MGAW_SHIFT) & 0x3f) + 1) == 0);

	/* Every field is checked. */
	t = s1;
	t.__reserved = 1U << (in[0] % 32);
	FUZZ_CHECK(check(&t, cap, ecap) == -EOPNOTSUPP);
	t = s1;
	t.flags |= 8ULL << (in[1] % 61);
	FUZZ_CHECK(check(&t, cap, ecap) == -EOPNOTSUPP);

	/* More capability: FS5LP, SRS, EAFS, the widest MGAW. */
	mgaw_max = 0x3fULL << CAP_MGAW_SHIFT;
	FUZZ_CHECK(check(&s1, cap | CAP_FS5LP | mgaw_max, ecap | ECAP_SRS | ECAP_EAFS) == 0);
	return 0;
}
