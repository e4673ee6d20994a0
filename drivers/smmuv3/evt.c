// SPDX-License-Identifier: GPL-2.0
/*
 * alist_smmuv3: what the driver reads from an event record. The SMMU, or
 * whatever emulates it, writes the records: any 32 bytes must decode. Pure
 * functions in a file of their own that includes nothing but bit and uAPI
 * definitions, so the fuzz target host/fuzz/smmuv3_evt.c builds this very
 * file on the host. The event thread (fault.c) does the rest: the lookup
 * of the StreamID's device, the counters, the log.
 */
#include <linux/bitfield.h>
#include <asm/byteorder.h>
#include <uapi/linux/iommufd.h>

#include "smmuv3_hw.h"

/* The events struct iommu_vevent_arm_smmuv3 lists: the guest's to handle */
static bool smmuv3_evt_user_type(u8 type)
{
	switch (type) {
	case SMMUV3_EVT_C_BAD_STE:
	case SMMUV3_EVT_F_STREAM_DISABLED:
	case SMMUV3_EVT_C_BAD_SUBSTREAMID:
	case SMMUV3_EVT_C_BAD_CD:
	case SMMUV3_EVT_F_TRANSLATION:
	case SMMUV3_EVT_F_ADDR_SIZE:
	case SMMUV3_EVT_F_ACCESS:
	case SMMUV3_EVT_F_PERMISSION:
		return true;
	default:
		return false;
	}
}

/**
 * smmuv3_evt_decode() - the type and StreamID of an event record, and what
 *	they mean to the driver
 * @evt: the record as the SMMU wrote it, CPU order (SMMUV3_EVT_DWORDS)
 * @e: out: see struct smmuv3_evt
 *
 * Whether a @e->user event goes to user space depends on the device of
 * @e->sid too: smmuv3_evt_to_user() decides that.
 *
 * Context: any. No lock needed.
 * Return: nothing.
 */
void smmuv3_evt_decode(const u64 *evt, struct smmuv3_evt *e)
{
	e->type = FIELD_GET(SMMUV3_EVT0_TYPE, evt[0]);
	e->sid = FIELD_GET(SMMUV3_EVT0_SID, evt[0]);
	e->fault = e->type >= SMMUV3_EVT_F_TRANSLATION &&
		   e->type <= SMMUV3_EVT_F_PERMISSION;
	e->user = smmuv3_evt_user_type(e->type) && !(evt[1] & SMMUV3_EVT1_S2);
}

/**
 * smmuv3_evt_vevent() - the record a vSMMU's vEVENTQ gets
 * @evt: the record, CPU order (SMMUV3_EVT_DWORDS)
 * @vsid: the virtual StreamID of the device's vDEVICE
 * @vevt: out: the raw record, little-endian, @vsid in place of the StreamID
 *
 * Context: any. No lock needed.
 * Return: nothing.
 */
void smmuv3_evt_vevent(const u64 *evt, u32 vsid, struct iommu_vevent_arm_smmuv3 *vevt)
{
	unsigned int i;

	vevt->evt[0] = cpu_to_le64((evt[0] & ~SMMUV3_EVT0_SID) |
				   FIELD_PREP(SMMUV3_EVT0_SID, vsid));
	for (i = 1; i < SMMUV3_EVT_DWORDS; i++)
		vevt->evt[i] = cpu_to_le64(evt[i]);
}
