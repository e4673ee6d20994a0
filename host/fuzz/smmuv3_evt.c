// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the decoding of an SMMUv3 event record
 * (drivers/smmuv3/evt.c, the very file the module builds): the 32 bytes
 * the SMMU, or a broken or hostile emulation of it, wrote.
 *
 * Input (zero-padded to 36 bytes): the record (four little-endian words)
 * and a virtual StreamID.
 *
 * Invariants:
 *  - type and StreamID are the record's bytes 0 and 4-7, read here byte
 *    by byte: nothing of another field leaks in, nothing is cut;
 *  - fault is exactly types 0x10-0x13; the routing decision (user) is
 *    exactly the eight types the uAPI lists (struct
 *    iommu_vevent_arm_smmuv3) with S2 (word 1, bit 39) clear, so every
 *    fault of stage 1 is the guest's and none of stage 2;
 *  - no other bit matters: the record with every other bit flipped
 *    decodes the same;
 *  - the vEVENTQ record is the record, little-endian, with the vSID in
 *    bits 63:32 of word 0 and nothing else changed, and decodes to the
 *    same type, fault and routing with the vSID as its StreamID.
 */
#include <uapi/linux/iommufd.h>

#include "fuzz_check.h"
#include "../../drivers/smmuv3/smmuv3_hw.h"

static int listed(unsigned int type)
{
	static const uint8_t uapi[] = { 0x04, 0x06, 0x08, 0x0a, 0x10, 0x11, 0x12, 0x13 };
	unsigned int i;

	for (i = 0; i < sizeof(uapi); i++)
		if (uapi[i] == type)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iommu_vevent_arm_smmuv3 vevt;
	struct smmuv3_evt e, f;
	uint8_t in[36], out[32];
	uint64_t evt[4], flip[4], back[4];
	uint32_t vsid;
	int s2, i;

	fuzz_take(in, sizeof(in), data, size);
	for (i = 0; i < 4; i++)
		evt[i] = fuzz_le(in + 8 * i, 8);
	vsid = fuzz_le(in + 32, 4);
	s2 = in[12] >> 7;			/* word 1, bit 39 */

	smmuv3_evt_decode(evt, &e);
	FUZZ_CHECK(e.type == in[0]);
	FUZZ_CHECK(e.sid == fuzz_le(in + 4, 4));
	FUZZ_CHECK(e.fault == (in[0] >= 0x10 && in[0] <= 0x13));
	FUZZ_CHECK(e.user == (listed(in[0]) && !s2));
	FUZZ_CHECK(!e.fault || e.user == !s2);

	/* Every bit but type, StreamID and S2 flipped: the same decoding. */
	flip[0] = evt[0] ^ 0x00000000ffffff00ULL;
	flip[1] = evt[1] ^ ~(1ULL << 39);
	flip[2] = ~evt[2];
	flip[3] = ~evt[3];
	smmuv3_evt_decode(flip, &f);
	FUZZ_CHECK(f.type == e.type && f.sid == e.sid && f.fault == e.fault &&
		   f.user == e.user);

	smmuv3_evt_vevent(evt, vsid, &vevt);
	memcpy(out, vevt.evt, sizeof(out));
	FUZZ_CHECK(!memcmp(out, in, 4));
	FUZZ_CHECK(fuzz_le(out + 4, 4) == vsid);
	FUZZ_CHECK(!memcmp(out + 8, in + 8, 24));
	for (i = 0; i < 4; i++)
		back[i] = fuzz_le(out + 8 * i, 8);
	smmuv3_evt_decode(back, &f);
	FUZZ_CHECK(f.type == e.type && f.sid == vsid && f.fault == e.fault &&
		   f.user == e.user);
	return 0;
}
