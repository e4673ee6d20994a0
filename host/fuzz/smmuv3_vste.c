// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: smmuv3_vste_validate() (drivers/smmuv3/vste.c, the
 * very file the module builds), the check of a guest's STE fragment.
 *
 * Input (zero-padded to 20 bytes): STE words 0 and 1 (little-endian), the
 * IPA size, SSIDSIZE, and two bytes of SMMUV3_FEAT_* bits.
 *
 * Invariants:
 *  - the answer is 0 or -EIO, and it is the answer of ref_accept(), the
 *    rules restated here from the SMMUv3 STE layout by bit position (not
 *    with the driver's masks);
 *  - a bit outside the fields the guest owns makes an accepted STE
 *    rejected, whichever bit it is;
 *  - what the architecture ignores changes nothing: every owned field of
 *    an invalid (V=0) or aborting STE, S1Fmt and S1DSS with S1CDMax 0;
 *  - more capability never rejects what less accepted: ATS, CD2L, a
 *    larger SSIDSIZE, a larger IPA space.
 */
#include <errno.h>

#include "fuzz_check.h"
#include "../../drivers/smmuv3/smmuv3_hw.h"

/* The guest's fields: word 0 bits 0-51 and 59-63, word 1 bits 0-7, 27-29 */
#define OWNED0	(((1ULL << 52) - 1) | (0x1fULL << 59))
#define OWNED1	(0xffULL | (7ULL << 27))

static uint64_t bits(uint64_t w, unsigned int lo, unsigned int n)
{
	return (w >> lo) & ((1ULL << n) - 1);
}

/* Accept or reject, from IHI 0070's STE fields and this driver's policy. */
static int ref_accept(const uint64_t *w, unsigned int ipa, unsigned int ssid,
		      uint32_t feat)
{
	uint64_t cfg = bits(w[0], 1, 3), fmt = bits(w[0], 4, 2);
	uint64_t ctx = w[0] & (((1ULL << 52) - 1) & ~0x3fULL);
	uint64_t cdmax = bits(w[0], 59, 5), dss = bits(w[1], 0, 2);
	uint64_t eats = bits(w[1], 28, 2);
	int eats_ok = eats == 0 || (eats == 1 && (feat & SMMUV3_FEAT_ATS));

	if ((w[0] & ~OWNED0) || (w[1] & ~OWNED1))
		return 0;
	if (!(w[0] & 1) || cfg == 0)		/* invalid, or abort */
		return 1;
	if (cfg == 4)				/* bypass */
		return eats_ok;
	if (cfg != 5)				/* reserved; S2 and nested are the host's */
		return 0;
	if (cdmax > ssid)
		return 0;
	if (cdmax && (fmt == 3 || dss == 3))
		return 0;
	if (cdmax && fmt && !(feat & SMMUV3_FEAT_CD2L))
		return 0;
	if (bits(w[1], 27, 1))			/* S1STALLD: never offered */
		return 0;
	if (bits(w[1], 6, 2) == 1)		/* S1CSH reserved */
		return 0;
	if (ipa < 64 && (ctx >> ipa))
		return 0;
	return eats_ok;
}

static int check(const uint64_t *w, unsigned int ipa, unsigned int ssid, uint32_t feat)
{
	int ret = smmuv3_vste_validate(w, ipa, ssid, feat);

	FUZZ_CHECK(ret == 0 || ret == -EIO);
	FUZZ_CHECK((ret == 0) == ref_accept(w, ipa, ssid, feat));
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t in[20];
	uint64_t w[2], v[2];
	unsigned int ipa, ssid, i;
	uint32_t feat;

	fuzz_take(in, sizeof(in), data, size);
	w[0] = fuzz_le(in, 8);
	w[1] = fuzz_le(in + 8, 8);
	ipa = in[16];
	ssid = in[17] & 0x1f;			/* SMMU_IDR1.SSIDSIZE is 5 bits */
	feat = fuzz_le(in + 18, 2);

	if (check(w, ipa, ssid, feat))
		return 0;

	/* Accepted: any bit outside the guest's fields is refused. */
	for (i = 0; i < 128; i++) {
		uint64_t m = 1ULL << (i % 64);

		if ((i < 64 ? OWNED0 : OWNED1) & m)
			continue;
		v[0] = w[0] | (i < 64 ? m : 0);
		v[1] = w[1] | (i < 64 ? 0 : m);
		FUZZ_CHECK(check(v, ipa, ssid, feat) == -EIO);
	}

	/* Ignored fields: an invalid or aborting STE takes any owned value. */
	if (!(w[0] & 1) || bits(w[0], 1, 3) == 0) {
		v[0] = (w[0] & 0xf) | (~w[0] & OWNED0 & ~0xfULL);
		v[1] = ~w[1] & OWNED1;
		FUZZ_CHECK(check(v, ipa, ssid, feat) == 0);
	}
	/* Stage 1 with one CD: S1Fmt and S1DSS are ignored. */
	if ((w[0] & 1) && bits(w[0], 1, 3) == 5 && !bits(w[0], 59, 5)) {
		v[0] = w[0] | (3ULL << 4);
		v[1] = w[1] | 3;
		FUZZ_CHECK(check(v, ipa, ssid, feat) == 0);
	}

	/* More capability accepts what less did. */
	FUZZ_CHECK(check(w, ipa, ssid, feat | SMMUV3_FEAT_ATS | SMMUV3_FEAT_CD2L) == 0);
	if (ssid < 31)
		FUZZ_CHECK(check(w, ipa, ssid + 1, feat) == 0);
	if (ipa < 255)
		FUZZ_CHECK(check(w, ipa + 1, ssid, feat) == 0);
	return 0;
}
