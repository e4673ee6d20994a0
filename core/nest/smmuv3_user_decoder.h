/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Smmuv3UserDecoder<Translator>: a vSMMU's IOMMU_VIOMMU_INVALIDATE_DATA_
 * ARM_SMMUV3 array, validated and translated in order into commands for the
 * physical SMMU's queue, as one batch with one CMD_SYNC.
 *
 * Accepted (anything else is -EIO, the uAPI's errno for a bad command):
 *   TLBI_NH_VA, TLBI_NH_VAA   range fields only with RIL; VMID forced
 *   TLBI_NH_ASID, TLBI_NH_ALL VMID forced
 *   TLBI_NSNH_ALL             becomes TLBI_NH_ALL of the vSMMU's VMID
 *   CFGI_CD, CFGI_CD_ALL      vSID -> pSID
 *   ATC_INV                   only with ATS; SIZE <= 52; vSID -> pSID
 * Each opcode has an allow-list of fields; any other bit set is refused, so
 * a guest can never make the shared queue raise CERROR_ILL, and reserved
 * encodings (TG=0 with range fields, TG!=0 with NUM=SCALE=TTL=0) are
 * refused too. Fields the SMMU does not implement are refused as Linux
 * does (ALIST_SMMUV3_USER_*): ASID bits 15:8 on an 8-bit-ASID SMMU, SSID
 * (and ATC_INV's SSV and Global) without substreams, TTL 1 with the 16K
 * granule without IDR5.DS. ATC_INV's SSID and Global with SSV=0 are
 * IGNORED by the SMMU, so accepted.
 *
 * Syncs: the guest's own CMD_SYNCs never reach us (the VMM cuts batches
 * there), so within one array the only sync the architecture needs is
 * before an ATC_INV that follows a TLBI or CFGI (the device must not refetch
 * through a stale SMMU TLB or configuration), plus one at the end. Not one
 * per N commands: the driver's queue takes chunks without syncs.
 *
 * The walk is resumable like Batcher (a sink may pause it); the state is
 * plain data so the C API keeps it in an opaque buffer.
 *
 * Translator: any type with
 *	int Lookup(alist_u64 vsid, alist_u32 *psid) const;	// 0 or -ENOENT
 */
#ifndef ALIST_CORE_SMMUV3_USER_DECODER_H
#define ALIST_CORE_SMMUV3_USER_DECODER_H

#include <alist/errno.h>
#include <alist/hw/smmuv3_cmd.h>
#include <alist/inv.h>
#include <alist/user_array.h>

#include "base/bits.h"
#include "nest/chunked_reader.h"
#include "nest/user_array_reader.h"

namespace alist {

template <class Translator>
class Smmuv3UserDecoder {
public:
	void Init(alist_user_array *a, const alist_smmuv3_params &p,
		  alist_u32 instance, alist_u32 vmid, Translator tr)
	{
		array_ = a;
		tr_ = tr;
		instance_ = instance;
		vmid_ = vmid;
		index_ = 0;
		err_code_ = ALIST_UARRAY_OK;
		ril_ = p.ril;
		ats_ = p.ats;
		caps_ = p.user_caps;
		ordered_ = false;
		pending_sync_ = false;
		done_ = false;
		error_ = UserArrayReader::CheckHeader(*a, ALIST_UARRAY_TYPE_SMMUV3,
						      sizeof(alist_smmuv3_user_cmd),
						      &err_code_);
	}

	/*
	 * Emit the valid prefix; false when the sink paused, true when done.
	 * Each command is translated straight into the sink's next slot; a
	 * pause leaves it uncommitted, and the next call translates it again.
	 * The walk runs on local copies of its state, stored back on the way
	 * out: command stores may alias it, and a member would be reloaded
	 * after each of them.
	 */
	template <class Sink>
	bool Run(Sink &sink)
	{
		/* 32 commands (512 bytes) of stack, refilled with one bulk copy. */
		ChunkedReader<alist_smmuv3_user_cmd, kWindow> reader ALIST_UNINITIALIZED;
		const alist_user_array &a = *array_;

		if (done_)
			return true;

		const Policy pol = policy();
		const alist_u32 n = a.entry_num, instance = instance_;
		alist_u32 index = index_, err_code = err_code_;
		bool ordered = ordered_, pending_sync = pending_sync_;
		bool paused = false;
		int error = error_;

		while (!error && index < n) {
			const alist_smmuv3_user_cmd *in;
			alist_cmd *out;
			bool atc;

			error = reader.Get(a, index, &in, &err_code);
			if (error)
				break;
			out = sink.Slot();
			if (!out) {
				paused = true;
				break;
			}
			error = Check(*in, pol, tr_, out->w, &atc, &err_code);
			if (error)
				break;
			/* A sync that pauses is done: the command is redone alone. */
			if (atc && ordered) {
				ordered = false;
				pending_sync = false;
				if (!sink.Sync(instance)) {
					paused = true;
					break;
				}
			}
			out->w[2] = 0;
			out->w[3] = 0;
			sink.Commit(instance);
			pending_sync = true;
			ordered = ordered || !atc;
			index++;
		}
		index_ = index;
		err_code_ = err_code;
		ordered_ = ordered;
		error_ = error;
		if (paused) {
			pending_sync_ = pending_sync;
			return false;
		}
		done_ = true;
		pending_sync_ = false;
		if (pending_sync)
			sink.Sync(instance);
		return true;
	}

	/* Entries whose commands are all in the sink so far. */
	alist_u32 Handled() const
	{
		return index_;
	}

	/* Report entries handled and the error code; return the errno. */
	int Finish()
	{
		array_->entry_num = index_;
		array_->err_code = error_ ? err_code_ : static_cast<alist_u32>(ALIST_UARRAY_OK);
		return error_;
	}

	/* What Translate() needs besides the command. */
	struct Policy {
		alist_u64 vmid;		/* the VMID, already in dword 0 position */
		bool ril;
		bool ats;
		alist_u8 caps;		/* ALIST_SMMUV3_USER_* */
	};

	Policy policy() const
	{
		return Policy{alist::Put(SMMUV3_CMD0_VMID, vmid_), ril_, ats_, caps_};
	}

	/*
	 * Validate one guest command and build the physical one.
	 * Return: 0, or -EIO with @err set.
	 */
	int Translate(const alist_smmuv3_user_cmd &in, alist_u64 out[2], bool *atc,
		      alist_u32 *err) const
	{
		return Check(in, policy(), tr_, out, atc, err);
	}

	static ALIST_ALWAYS_INLINE int Check(const alist_smmuv3_user_cmd &in, const Policy &pol,
					     const Translator &tr, alist_u64 out[2], bool *atc,
					     alist_u32 *err)
	{
		/* The uAPI is little-endian; both supported kernels are too. */
		alist_u64 d0 = in.cmd[0], d1 = in.cmd[1];
		alist_u64 op = d0 & SMMUV3_CMD_OP;

		/* What a guest unmap sends: one test instead of the switch. */
		if (ALIST_LIKELY(op == SMMUV3_OP_TLBI_NH_VA)) {
			constexpr alist_u64 ok0 = SMMUV3_CMD_OP | SMMUV3_CMD0_NUM |
						  SMMUV3_CMD0_SCALE | SMMUV3_CMD0_VMID |
						  SMMUV3_CMD0_ASID;
			constexpr alist_u64 ok1 = SMMUV3_CMD1_LEAF | SMMUV3_CMD1_TTL |
						  SMMUV3_CMD1_TG | SMMUV3_CMD1_VA;

			if (ALIST_UNLIKELY((d0 & ~ok0) | (d1 & ~ok1)))
				return Fail(err, ALIST_UARRAY_ERR_FIELD);
			if (ALIST_UNLIKELY(d0 & ~AsidMask(pol)))
				return Fail(err, ALIST_UARRAY_ERR_FEATURE);
			if (int r = CheckRange(pol, d0, d1, err))
				return r;
			*atc = false;
			out[0] = (d0 & ~SMMUV3_CMD0_VMID) | pol.vmid;
			out[1] = d1;
			return 0;
		}

		return CheckOther(in, pol, tr, out, atc, err);
	}

private:
	/* Every opcode but TLBI_NH_VA. */
	static int CheckOther(const alist_smmuv3_user_cmd &in, const Policy &pol,
			      const Translator &tr, alist_u64 out[2], bool *atc, alist_u32 *err)
	{
		alist_u64 d0 = in.cmd[0], d1 = in.cmd[1];
		alist_u64 op = d0 & SMMUV3_CMD_OP;
		alist_u64 ok0 = SMMUV3_CMD_OP, ok1 = 0;
		bool sid = false, vmid = false;

		*atc = false;
		switch (op) {
		case SMMUV3_OP_TLBI_NH_ALL:
			ok0 |= SMMUV3_CMD0_VMID;
			vmid = true;
			break;
		case SMMUV3_OP_TLBI_NSNH_ALL:
			/* No VMID field: becomes NH_ALL of this vSMMU's VMID. */
			vmid = true;
			break;
		case SMMUV3_OP_TLBI_NH_ASID:
			ok0 |= SMMUV3_CMD0_VMID | SMMUV3_CMD0_ASID;
			if (d0 & ~AsidMask(pol))
				return Fail(err, ALIST_UARRAY_ERR_FEATURE);
			vmid = true;
			break;
		case SMMUV3_OP_TLBI_NH_VAA:
			/* TLBI_NH_VA's fields less the ASID (Check() has NH_VA). */
			ok0 |= SMMUV3_CMD0_NUM | SMMUV3_CMD0_SCALE | SMMUV3_CMD0_VMID;
			ok1 = SMMUV3_CMD1_LEAF | SMMUV3_CMD1_TTL | SMMUV3_CMD1_TG | SMMUV3_CMD1_VA;
			if (int r = CheckRange(pol, d0, d1, err))
				return r;
			vmid = true;
			break;
		case SMMUV3_OP_CFGI_CD:
			ok0 |= SMMUV3_CMD0_SSID | SMMUV3_CMD0_SID;
			ok1 = SMMUV3_CMD1_LEAF;
			if ((d0 & SMMUV3_CMD0_SSID) && !(pol.caps & ALIST_SMMUV3_USER_SSID))
				return Fail(err, ALIST_UARRAY_ERR_FEATURE);
			sid = true;
			break;
		case SMMUV3_OP_CFGI_CD_ALL:
			ok0 |= SMMUV3_CMD0_SID;
			sid = true;
			break;
		case SMMUV3_OP_ATC_INV:
			if (!pol.ats)
				return Fail(err, ALIST_UARRAY_ERR_FEATURE);
			ok0 |= SMMUV3_CMD0_ATC_GLOBAL | SMMUV3_CMD0_SSV | SMMUV3_CMD0_SSID |
			       SMMUV3_CMD0_SID;
			ok1 = SMMUV3_CMD1_ATC_SIZE | SMMUV3_CMD1_ATC_ADDR;
			if ((d1 & SMMUV3_CMD1_ATC_SIZE) > SMMUV3_ATC_SIZE_ALL)
				return Fail(err, ALIST_UARRAY_ERR_FIELD);
			if ((d0 & (SMMUV3_CMD0_SSV | SMMUV3_CMD0_SSID | SMMUV3_CMD0_ATC_GLOBAL)) &&
			    !(pol.caps & ALIST_SMMUV3_USER_SSID))
				return Fail(err, ALIST_UARRAY_ERR_FEATURE);
			sid = true;
			*atc = true;
			break;
		default:
			return Fail(err, ALIST_UARRAY_ERR_OPCODE);
		}
		if ((d0 & ~ok0) || (d1 & ~ok1))
			return Fail(err, ALIST_UARRAY_ERR_FIELD);

		if (op == SMMUV3_OP_TLBI_NSNH_ALL)
			d0 = SMMUV3_OP_TLBI_NH_ALL;
		if (vmid)
			d0 = (d0 & ~SMMUV3_CMD0_VMID) | pol.vmid;
		if (sid) {
			alist_u32 psid;

			if (tr.Lookup(alist::Get(SMMUV3_CMD0_SID, d0), &psid))
				return Fail(err, ALIST_UARRAY_ERR_VSID);
			d0 = (d0 & ~SMMUV3_CMD0_SID) | alist::Put(SMMUV3_CMD0_SID, psid);
		}
		out[0] = d0;
		out[1] = d1;
		return 0;
	}

	static constexpr alist_u32 kWindow = 32;

	/* Dword 0 bits an ASID-carrying TLBI may set as far as the ASID goes. */
	static ALIST_ALWAYS_INLINE alist_u64 AsidMask(const Policy &pol)
	{
		return (pol.caps & ALIST_SMMUV3_USER_ASID16) ? ~0ull :
							       ~alist::Put(SMMUV3_CMD0_ASID, 0xff00);
	}

	static int Fail(alist_u32 *err, alist_u32 code)
	{
		*err = code;
		return -ALIST_EIO;
	}

	static ALIST_ALWAYS_INLINE int CheckRange(const Policy &pol, alist_u64 d0, alist_u64 d1,
						  alist_u32 *err)
	{
		alist_u64 range = (d0 & (SMMUV3_CMD0_NUM | SMMUV3_CMD0_SCALE)) |
				  (d1 & SMMUV3_CMD1_TTL);
		bool tg = d1 & SMMUV3_CMD1_TG;

		/* No range fields (TG=0, NUM=SCALE=TTL=0): valid with or without RIL. */
		if (ALIST_LIKELY(!(range | tg)))
			return 0;
		if (!pol.ril)
			return Fail(err, ALIST_UARRAY_ERR_FEATURE);
		/* TG=0 with range fields, or TG!=0 with NUM=SCALE=TTL=0: reserved. */
		if (!tg || !range)
			return Fail(err, ALIST_UARRAY_ERR_FIELD);
		/* TTL 1 (level 1) with the 16K granule needs 52-bit addresses (DS). */
		if (alist::Get(SMMUV3_CMD1_TG, d1) == 2 && alist::Get(SMMUV3_CMD1_TTL, d1) == 1 &&
		    !(pol.caps & ALIST_SMMUV3_USER_DS))
			return Fail(err, ALIST_UARRAY_ERR_FEATURE);
		return 0;
	}

	alist_user_array *array_;
	Translator tr_;
	alist_u32 instance_;
	alist_u32 vmid_;
	alist_u32 index_;
	alist_u32 err_code_;
	int error_;
	bool ril_;
	bool ats_;
	alist_u8 caps_;
	bool ordered_;		/* a TLBI/CFGI was queued since the last sync */
	bool pending_sync_;	/* anything was queued since the last sync */
	bool done_;
};

} // namespace alist

#endif /* ALIST_CORE_SMMUV3_USER_DECODER_H */
