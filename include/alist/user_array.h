/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User invalidation arrays (IOMMU_HWPT_INVALIDATE on a nested HWPT, or on a
 * vIOMMU): the one walker every driver uses.
 *
 * Rules (the uAPI's, applied identically for both formats):
 *  - wrong @type: -EINVAL, nothing handled;
 *  - @entry_num == 0: a type probe, success, nothing done;
 *  - @entry_len == 0 with entries, or below the entry's minimum size: -EINVAL;
 *  - @entry_len above the kernel struct: the extra user bytes must be zero,
 *    else -E2BIG; a shorter entry is zero-filled;
 *  - reserved fields or unknown flags: -EOPNOTSUPP (VT-d); any bad command
 *    or field: -EIO (SMMUv3, as its uAPI documents);
 *  - a fault while reading: -EFAULT;
 *  - on error @entry_num becomes the index of the failing entry (= entries
 *    handled) and @err_code says why; the entries before it ARE executed,
 *    the failing one and all after it are not;
 *  - all valid entries of one call are coalesced: one batch per instance,
 *    one sync per instance (plus the SMMUv3 ordering sync before ATC_INV).
 */
#ifndef ALIST_USER_ARRAY_H
#define ALIST_USER_ARRAY_H

#include "types.h"
#include "hw/bits.h"
#include "inv.h"

ALIST_C_BEGIN

/* Array types, the uAPI's values. */
#define ALIST_UARRAY_TYPE_VTD_S1 0	/* IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 */
#define ALIST_UARRAY_TYPE_SMMUV3 1	/* IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 */

/**
 * struct alist_user_array - struct iommu_user_data_array, plus an error code
 * @type: the array's data type
 * @entry_len: bytes per user entry
 * @entry_num: in: entries; out: entries handled (the failing index)
 * @err_code: out: enum alist_uarray_err for the entry at @entry_num
 * @uptr: user pointer to the first entry
 */
struct alist_user_array {
	alist_u32 type;
	alist_u32 entry_len;
	alist_u32 entry_num;
	alist_u32 err_code;
	const void *uptr;
};

/* Why an array stopped: the driver error code reported to the VMM. */
enum alist_uarray_err {
	ALIST_UARRAY_OK = 0,
	ALIST_UARRAY_ERR_TYPE,		/* wrong array type */
	ALIST_UARRAY_ERR_LEN,		/* entry_len 0 or below the minimum */
	ALIST_UARRAY_ERR_FAULT,		/* reading the entry faulted */
	ALIST_UARRAY_ERR_TRAILING,	/* non-zero bytes past the known struct */
	ALIST_UARRAY_ERR_FLAGS,		/* unknown flag bits */
	ALIST_UARRAY_ERR_RESERVED,	/* reserved field non-zero */
	ALIST_UARRAY_ERR_ALIGN,		/* address not page aligned */
	ALIST_UARRAY_ERR_RANGE,		/* empty or overflowing range */
	ALIST_UARRAY_ERR_OPCODE,	/* command not accepted */
	ALIST_UARRAY_ERR_FIELD,		/* a bit outside the opcode's fields */
	ALIST_UARRAY_ERR_VSID,		/* virtual StreamID not found */
	ALIST_UARRAY_ERR_FEATURE,	/* needs a feature the unit lacks */
};

/* struct iommu_hwpt_vtd_s1_invalidate */
struct alist_vtd_s1_inv {
	alist_u64 addr;
	alist_u64 npages;
	alist_u32 flags;
	alist_u32 reserved;
};

#define ALIST_VTD_S1_INV_LEAF ALIST_BIT(0)	/* IOMMU_VTD_INV_FLAGS_LEAF */

/* struct iommu_viommu_arm_smmuv3_invalidate: one little-endian command */
struct alist_smmuv3_user_cmd {
	alist_u64 cmd[2];
};

/**
 * alist_vtd_user_inv_decode() - decode a VT-d stage-1 invalidation array
 * @array: the array; @entry_num and @err_code are written back
 * @c: out: initialized with the union of the valid entries' ranges
 *
 * Entries are copied one at a time into a fixed on-stack struct and merged
 * into @c, so any array length runs in constant stack. npages == 0, an
 * address not 4 KiB aligned, and addr + npages pages beyond 2^64 are
 * -EINVAL; addr 0 with npages U64_MAX means everything. The leaf hint is
 * kept only when every valid entry had it.
 *
 * The caller then runs alist_vtd_inv_fill() over the nested domain's
 * targets with @c whenever alist_inv_cursor_empty(@c) is 0 -- also when
 * this returned an error, to execute the valid prefix.
 *
 * Context: may fault (sleep) on user memory; call outside RCU sections.
 * Return: 0 or the errno of the entry at @array->entry_num.
 */
int alist_vtd_user_inv_decode(struct alist_user_array *array,
			      struct alist_inv_cursor *c);

struct alist_id_table;

/* Resumable SMMUv3 user-command state; caller-allocated, opaque. */
#define ALIST_SMMUV3_UINV_WORDS 16
struct alist_smmuv3_uinv {
	alist_u64 opaque[ALIST_SMMUV3_UINV_WORDS];
};

/**
 * alist_smmuv3_user_inv_init() - start walking a vSMMU command array
 * @st: the state
 * @array: the array (kept by pointer until alist_smmuv3_user_inv_finish())
 * @p: the physical SMMU's parameters (@p->ril, @p->ats gate fields)
 * @instance: the physical SMMU's instance number (reported in chunks)
 * @vmid: the vSMMU's VMID, forced into every command that has the field
 * @vsids: the vSMMU's vSID -> pSID table (alist_id_table_lookup())
 *
 * Checks the array's type and entry length (no user memory is read yet):
 * with a bad one the fills write nothing and alist_smmuv3_user_inv_finish()
 * reports it.
 *
 * Context: any; does not sleep or allocate. No lock needed.
 * Return: nothing.
 */
void alist_smmuv3_user_inv_init(struct alist_smmuv3_uinv *st,
				struct alist_user_array *array,
				const struct alist_smmuv3_params *p,
				alist_u32 instance, alist_u32 vmid,
				const struct alist_id_table *vsids);

/**
 * alist_smmuv3_user_inv_fill() - translate the next batch of commands
 * @st: the state
 * @b: the batch, as for alist_smmuv3_inv_fill()
 *
 * Commands are validated and translated in order (VMID forced, SIDs
 * translated) and stop at the first bad entry; the chunks carry only the
 * valid prefix. Submit every chunk of every fill, including the last
 * (@b->done).
 *
 * Context: may fault (sleep) on user memory; takes the RCU read lock only
 * around each vSID lookup.
 * Return: the number of chunks written, or -EINVAL for a bad @b.
 */
int alist_smmuv3_user_inv_fill(struct alist_smmuv3_uinv *st,
			       struct alist_inv_batch *b);

/**
 * alist_smmuv3_user_inv_handled() - entries the fills so far translated
 * @st: the state
 *
 * After a fill whose last chunk syncs, these are the entries that sync
 * covers: the count to report when a later chunk fails.
 *
 * Context: any; reads @st only.
 * Return: the number of entries whose commands were written.
 */
alist_u32 alist_smmuv3_user_inv_handled(const struct alist_smmuv3_uinv *st);

/**
 * alist_smmuv3_user_inv_finish() - write the result back to the array
 * @st: the state, after its last fill
 *
 * Sets the array descriptor's @entry_num to the entries handled and its
 * @err_code to the bad entry's code (ALIST_UARRAY_OK when none was bad);
 * the caller copies them to the uAPI.
 *
 * Context: any; writes @st's array descriptor only.
 * Return: 0, or the errno of the entry at @array->entry_num.
 */
int alist_smmuv3_user_inv_finish(struct alist_smmuv3_uinv *st);

ALIST_C_END

#endif /* ALIST_USER_ARRAY_H */
