/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Smmuv3Cmd: SMMUv3 command opcodes and field positions (128-bit commands,
 * dword 0 in w[0], dword 1 in w[1]), shared by the emitter and the user
 * command validator so both name each field once.
 */
#ifndef ALIST_CORE_SMMUV3_CMD_H
#define ALIST_CORE_SMMUV3_CMD_H

#include <alist/types.h>

#include "base/bits.h"

namespace alist {

struct Smmuv3Cmd {
	/* Opcodes, dword 0 [7:0]. */
	static constexpr alist_u64 kCfgiCd = 0x05;
	static constexpr alist_u64 kCfgiCdAll = 0x06;
	static constexpr alist_u64 kTlbiNhAll = 0x10;
	static constexpr alist_u64 kTlbiNhAsid = 0x11;
	static constexpr alist_u64 kTlbiNhVa = 0x12;
	static constexpr alist_u64 kTlbiNhVaa = 0x13;
	static constexpr alist_u64 kTlbiS12Vmall = 0x28;
	static constexpr alist_u64 kTlbiS2Ipa = 0x2a;
	static constexpr alist_u64 kTlbiNsnhAll = 0x30;
	static constexpr alist_u64 kAtcInv = 0x40;
	static constexpr alist_u64 kSync = 0x46;

	/* Dword 0 fields. */
	static constexpr alist_u64 kOpMask = LowMask(8);
	static constexpr alist_u64 kNumMask = Field(~0ull, 16, 12);	/* TLBI */
	static constexpr alist_u64 kScaleMask = Field(~0ull, 24, 20);	/* TLBI */
	static constexpr alist_u64 kVmidMask = Field(~0ull, 47, 32);	/* TLBI */
	static constexpr alist_u64 kAsidMask = Field(~0ull, 63, 48);	/* TLBI */
	static constexpr alist_u64 kSsidMask = Field(~0ull, 31, 12);	/* CFGI, ATC */
	static constexpr alist_u64 kSidMask = Field(~0ull, 63, 32);	/* CFGI, ATC */
	static constexpr alist_u64 kAtcGlobal = 1ull << 9;
	static constexpr alist_u64 kAtcSsv = 1ull << 11;
	static constexpr alist_u64 kSyncCsMask = Field(~0ull, 13, 12);

	/* Dword 1 fields. */
	static constexpr alist_u64 kLeaf = 1ull << 0;			/* TLBI, CFGI */
	static constexpr alist_u64 kTtlMask = Field(~0ull, 9, 8);	/* TLBI */
	static constexpr alist_u64 kTgMask = Field(~0ull, 11, 10);	/* TLBI */
	static constexpr alist_u64 kVaMask = Field(~0ull, 63, 12);	/* TLBI VA */
	static constexpr alist_u64 kIpaMask = Field(~0ull, 51, 12);	/* TLBI IPA */
	static constexpr alist_u64 kAtcSizeMask = LowMask(6);		/* ATC */
	static constexpr alist_u64 kAtcAddrMask = Field(~0ull, 63, 12);	/* ATC */
	static constexpr unsigned kAtcSizeAll = 52;
};

} // namespace alist

#endif /* ALIST_CORE_SMMUV3_CMD_H */
