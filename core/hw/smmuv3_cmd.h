/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Smmuv3Cmd: the SMMUv3 command encodings of <alist/hw/smmuv3_cmd.h> as
 * typed constants for the emitter and the user command validator. The
 * values are defined there only, where the driver reads them too.
 */
#ifndef ALIST_CORE_SMMUV3_CMD_H
#define ALIST_CORE_SMMUV3_CMD_H

#include <alist/hw/smmuv3_cmd.h>
#include <alist/types.h>

#include "base/bits.h"

namespace alist {

struct Smmuv3Cmd {
	/* Opcodes, dword 0 [7:0]. */
	static constexpr alist_u64 kCfgiCd = SMMUV3_OP_CFGI_CD;
	static constexpr alist_u64 kCfgiCdAll = SMMUV3_OP_CFGI_CD_ALL;
	static constexpr alist_u64 kTlbiNhAll = SMMUV3_OP_TLBI_NH_ALL;
	static constexpr alist_u64 kTlbiNhAsid = SMMUV3_OP_TLBI_NH_ASID;
	static constexpr alist_u64 kTlbiNhVa = SMMUV3_OP_TLBI_NH_VA;
	static constexpr alist_u64 kTlbiNhVaa = SMMUV3_OP_TLBI_NH_VAA;
	static constexpr alist_u64 kTlbiS12Vmall = SMMUV3_OP_TLBI_S12_VMALL;
	static constexpr alist_u64 kTlbiS2Ipa = SMMUV3_OP_TLBI_S2_IPA;
	static constexpr alist_u64 kTlbiNsnhAll = SMMUV3_OP_TLBI_NSNH_ALL;
	static constexpr alist_u64 kAtcInv = SMMUV3_OP_ATC_INV;
	static constexpr alist_u64 kSync = SMMUV3_OP_SYNC;

	/* Dword 0 fields. */
	static constexpr alist_u64 kOpMask = SMMUV3_CMD_OP;
	static constexpr alist_u64 kNumMask = SMMUV3_CMD0_NUM;
	static constexpr alist_u64 kScaleMask = SMMUV3_CMD0_SCALE;
	static constexpr alist_u64 kVmidMask = SMMUV3_CMD0_VMID;
	static constexpr alist_u64 kAsidMask = SMMUV3_CMD0_ASID;
	static constexpr alist_u64 kSsidMask = SMMUV3_CMD0_SSID;
	static constexpr alist_u64 kSidMask = SMMUV3_CMD0_SID;
	static constexpr alist_u64 kAtcGlobal = SMMUV3_CMD0_ATC_GLOBAL;
	static constexpr alist_u64 kAtcSsv = SMMUV3_CMD0_SSV;
	static constexpr alist_u64 kSyncCsMask = SMMUV3_CMD0_SYNC_CS;

	/* Dword 1 fields. */
	static constexpr alist_u64 kLeaf = SMMUV3_CMD1_LEAF;
	static constexpr alist_u64 kTtlMask = SMMUV3_CMD1_TTL;
	static constexpr alist_u64 kTgMask = SMMUV3_CMD1_TG;
	static constexpr alist_u64 kVaMask = SMMUV3_CMD1_VA;
	static constexpr alist_u64 kIpaMask = SMMUV3_CMD1_IPA;
	static constexpr alist_u64 kAtcSizeMask = SMMUV3_CMD1_ATC_SIZE;
	static constexpr alist_u64 kAtcAddrMask = SMMUV3_CMD1_ATC_ADDR;
	static constexpr unsigned kAtcSizeAll = SMMUV3_ATC_SIZE_ALL;
};

} // namespace alist

#endif /* ALIST_CORE_SMMUV3_CMD_H */
