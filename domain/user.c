// SPDX-License-Identifier: GPL-2.0
/*
 * The shared layer's iommufd glue. The IOMMU_HWPT_INVALIDATE adapter: an
 * iommu_user_data_array goes to the core's user-array walker, whose
 * commands go to the driver's queue; the number of entries handled (the
 * index of a failing one) goes back to iommufd. Nothing is allocated per
 * call: VT-d entries merge into an on-stack cursor, SMMUv3 commands are
 * translated into the vIOMMU's preallocated batch. And the part of
 * IOMMU_GET_HW_INFO that is the same in every driver.
 */
#include <linux/err.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <alist/id_table.h>
#include <alist_domain.h>

/**
 * alist_hw_info_alloc() - a driver's IOMMU_GET_HW_INFO reply, zeroed
 * @type: in: the type user space asked for; out: @mine
 * @mine: the driver's type (IOMMU_HW_INFO_TYPE_INTEL_VTD, ...)
 * @size: the size of the driver's struct iommu_hw_info_*
 * @length: out: @size
 *
 * The start of every iommu_ops.hw_info: the type asked for is checked
 * and the reply allocated for the driver to fill.
 *
 * Context: process; may sleep. No lock needed.
 * Return: the reply (iommufd frees it), ERR_PTR(-EOPNOTSUPP) for a type
 * other than IOMMU_HW_INFO_TYPE_DEFAULT and @mine, ERR_PTR(-ENOMEM).
 */
void *alist_hw_info_alloc(enum iommu_hw_info_type *type,
			  enum iommu_hw_info_type mine, size_t size,
			  u32 *length)
{
	void *info;

	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT && *type != mine)
		return ERR_PTR(-EOPNOTSUPP);
	info = kzalloc(size, GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	*type = mine;
	*length = size;
	return info;
}
EXPORT_SYMBOL_NS_GPL(alist_hw_info_alloc, "IOMMU_ALIST");

/* The core's view of the array; entry_num is written back at the end. */
static int alist_user_array_of(const struct iommu_user_data_array *array,
			       struct alist_user_array *ua)
{
	if (array->entry_len > U32_MAX)
		return -EINVAL;
	*ua = (struct alist_user_array){
		.type = array->type,
		.entry_len = array->entry_len,
		.entry_num = array->entry_num,
		.uptr = (const void __force *)array->uptr,
	};
	return 0;
}

/**
 * alist_user_inv_vtd() - run a VT-d stage-1 invalidation array
 * @q: the queue the commands go to (VT-d format)
 * @list: the nested domain's attach list
 * @array: IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 entries; entry_num is written
 *	back with the number handled (the index of a failing entry)
 *
 * Every valid entry before a failing one is executed: all of them are
 * merged into one request (alist_vtd_user_inv_decode()) and flushed with
 * one batch and one wait per unit (alist_flush()). When that flush fails,
 * none of them is known done: entry_num is 0 and the queue's error is
 * returned, whatever the entries were.
 *
 * Context: process; may fault on user memory. No lock held.
 * Return: 0 or the errno of the entry at @array->entry_num; the queue's
 * error (entry_num 0) when the invalidation did not complete.
 */
int alist_user_inv_vtd(const struct alist_queue *q, struct alist_list *list,
		       struct iommu_user_data_array *array)
{
	struct alist_inv_cursor cur __uninitialized;
	struct alist_user_array ua;
	int ret, err;

	ret = alist_user_array_of(array, &ua);
	if (ret)
		return ret;
	ret = alist_vtd_user_inv_decode(&ua, &cur);
	err = alist_flush(q, list, &cur);
	/* One merged request: when it failed, no entry is known done */
	if (err) {
		array->entry_num = 0;
		return err;
	}
	array->entry_num = ua.entry_num;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(alist_user_inv_vtd, "IOMMU_ALIST");

/**
 * alist_viommu_init() - set up the shared layer's part of a vIOMMU
 * @v: the part, inside the driver's vIOMMU object
 *
 * Allocates the vID -> pID table; the command batch is part of @v, so
 * IOMMU_HWPT_INVALIDATE allocates nothing.
 *
 * Context: process; may sleep. No lock needed (the vIOMMU is not
 * published yet).
 * Return: 0 or -ENOMEM.
 */
int alist_viommu_init(struct alist_viommu *v)
{
	v->ids = alist_id_table_alloc();
	if (!v->ids)
		return -ENOMEM;
	mutex_init(&v->lock);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(alist_viommu_init, "IOMMU_ALIST");

/**
 * alist_viommu_destroy() - release what alist_viommu_init() set up
 * @v: the part; every vID must be unmapped already
 *
 * Context: process; may sleep. No lock needed (nothing can use the
 * vIOMMU any more).
 * Return: nothing.
 */
void alist_viommu_destroy(struct alist_viommu *v)
{
	alist_id_table_free(v->ids);
	v->ids = NULL;
	mutex_destroy(&v->lock);
}
EXPORT_SYMBOL_NS_GPL(alist_viommu_destroy, "IOMMU_ALIST");

/**
 * alist_user_inv_smmuv3() - run a vSMMU command array
 * @q: the queue the commands go to (SMMUv3 format, the physical SMMU)
 * @v: the vSMMU's shared part: its batch and its vSID -> pSID table
 * @instance: the physical SMMU's instance number
 * @vmid: the vSMMU's VMID, forced into every command that has the field
 * @array: IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 entries; entry_num is
 *	written back with the number handled (the index of a failing entry)
 *
 * The core validates and translates every command in order; the valid
 * prefix is issued in batches of %ALIST_USER_BATCH commands, each ending
 * with the CMD_SYNCs the core asks for. A batch the queue failed stops
 * the array: entry_num counts the entries a CMD_SYNC that completed
 * covered, the ones known done (0 when the array's one CMD_SYNC failed);
 * the VMM may issue the rest again.
 *
 * Context: process; may fault on user memory. Takes @v->lock: calls on
 * one vSMMU run one at a time.
 * Return: 0, the errno of the entry at @array->entry_num, -EINVAL for a
 * bad array, or the queue's error (entry_num: the entries known done).
 */
int alist_user_inv_smmuv3(const struct alist_queue *q, struct alist_viommu *v,
			  u32 instance, u32 vmid,
			  struct iommu_user_data_array *array)
{
	struct alist_inv_chunk chunks[ALIST_FLUSH_CHUNKS] __uninitialized;
	struct alist_inv_batch b = ALIST_INV_BATCH_INIT(v->cmds, chunks);
	struct alist_smmuv3_uinv st;
	struct alist_user_array ua;
	u32 synced = 0;
	int ret, nr;

	ret = alist_user_array_of(array, &ua);
	if (ret)
		return ret;
	mutex_lock(&v->lock);
	alist_smmuv3_user_inv_init(&st, &ua, q->params, instance, vmid, v->ids);
	do {
		nr = alist_smmuv3_user_inv_fill(&st, &b);
		ret = nr < 0 ? nr : q->ops->submit(q->owner, &b, nr);
		/* A fill ending with a completed CMD_SYNC: all so far is done */
		if (!ret && nr > 0 && b.chunks[nr - 1].sync)
			synced = alist_smmuv3_user_inv_handled(&st);
	} while (!ret && !b.done);
	mutex_unlock(&v->lock);
	if (ret) {
		/* Known done: what the last completed CMD_SYNC covered */
		array->entry_num = synced;
		return ret;
	}
	ret = alist_smmuv3_user_inv_finish(&st);
	array->entry_num = ua.entry_num;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(alist_user_inv_smmuv3, "IOMMU_ALIST");

/**
 * alist_vid_map() - map a vIOMMU's virtual ID to a physical one
 * @v: the vIOMMU's shared part, whose table maps vSID -> pSID
 * @vid: the virtual ID
 * @pid: the physical ID
 *
 * The table is the core's, an RCU-published array like an attach list:
 * its writers are serialized by the core's update lock, taken here for
 * the insert only. Lookups (alist_user_inv_smmuv3()) take no lock.
 *
 * Context: process; may sleep (allocates). The caller must not hold the
 * update lock.
 * Return: 0, -EEXIST if @vid is already mapped, -ENOMEM.
 */
int alist_vid_map(struct alist_viommu *v, u64 vid, u32 pid)
{
	int ret;

	alist_lock();
	ret = alist_id_table_insert(v->ids, vid, pid);
	alist_unlock();
	return ret;
}
EXPORT_SYMBOL_NS_GPL(alist_vid_map, "IOMMU_ALIST");

/**
 * alist_vid_unmap() - unmap a vIOMMU's virtual ID
 * @v: the vIOMMU's shared part
 * @vid: the virtual ID
 *
 * Lookups stop finding @vid at once; it never fails for want of memory.
 *
 * Context: process; may sleep. Takes the core's update lock for the
 * removal only; the caller must not hold it.
 * Return: 0, or -ENOENT if @vid was not mapped.
 */
int alist_vid_unmap(struct alist_viommu *v, u64 vid)
{
	int ret;

	alist_lock();
	ret = alist_id_table_remove(v->ids, vid);
	alist_unlock();
	return ret;
}
EXPORT_SYMBOL_NS_GPL(alist_vid_unmap, "IOMMU_ALIST");
