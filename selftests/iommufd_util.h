/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommufd ioctl wrappers shared by the selftest programs of both
 * architectures, header only (each program is one translation unit):
 * IOAS allocation, map and unmap, HWPT allocation and invalidation, object
 * destruction, and ASSERT_ERRNO() for the exact errno of a failing ioctl.
 *
 * The wrappers return the ioctl's result (0, or -1 with errno set) and do
 * not assert.
 */
#ifndef ALIST_SELFTEST_IOMMUFD_UTIL_H
#define ALIST_SELFTEST_IOMMUFD_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <linux/iommufd.h>

#include "kselftest_harness.h"

#define MAP_RW		(IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define MAP_FIXED_RW	(IOMMU_IOAS_MAP_FIXED_IOVA | MAP_RW)

/* The ioctl in @expr fails with exactly @err */
#define ASSERT_ERRNO(err, expr)			\
	do {					\
		int __rc = (expr);		\
						\
		ASSERT_EQ(-1, __rc);		\
		ASSERT_EQ(err, errno);		\
	} while (0)

static inline int iommufd_ioas_alloc(int fd, __u32 *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc;

	rc = ioctl(fd, IOMMU_IOAS_ALLOC, &cmd);
	if (!rc)
		*ioas_id = cmd.out_ioas_id;
	return rc;
}

static inline int iommufd_destroy(int fd, __u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &cmd);
}

/* Map @length bytes at @va; *@iova is the IOVA asked for and the one used */
static inline int iommufd_ioas_map(int fd, __u32 ioas_id, __u32 flags,
				   void *va, __u64 length, __u64 *iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = length,
		.iova = *iova,
	};
	int rc;

	rc = ioctl(fd, IOMMU_IOAS_MAP, &cmd);
	if (!rc)
		*iova = cmd.iova;
	return rc;
}

/* Map @length bytes at @va to the fixed @iova, read and write */
static inline int iommufd_map_fixed(int fd, __u32 ioas_id, void *va,
				    __u64 iova, __u64 length)
{
	return iommufd_ioas_map(fd, ioas_id, MAP_FIXED_RW, va, length, &iova);
}

/* @unmapped (may be NULL) gets the number of bytes unmapped */
static inline int iommufd_ioas_unmap(int fd, __u32 ioas_id, __u64 iova,
				     __u64 length, __u64 *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};
	int rc;

	rc = ioctl(fd, IOMMU_IOAS_UNMAP, &cmd);
	if (!rc && unmapped)
		*unmapped = cmd.length;
	return rc;
}

/*
 * A HWPT for device @dev_id on @pt_id (an IOAS, a nest parent or a
 * vIOMMU), with @len bytes of driver data of @type; @hwpt_id may be NULL.
 */
static inline int iommufd_hwpt_alloc(int fd, __u32 dev_id, __u32 pt_id,
				     __u32 flags, __u32 type, void *data,
				     __u32 len, __u32 *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
		.data_type = type,
		.data_len = len,
		.data_uptr = (uintptr_t)data,
	};
	int rc;

	rc = ioctl(fd, IOMMU_HWPT_ALLOC, &cmd);
	if (!rc && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

/*
 * IOMMU_HWPT_INVALIDATE on @id (a nested HWPT or a vIOMMU): *@num entries
 * of @entry_len bytes at @entries; *@num gets the number handled.
 */
static inline int iommufd_invalidate(int fd, __u32 id, __u32 type,
				     void *entries, __u32 entry_len,
				     __u32 *num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)entries,
		.data_type = type,
		.entry_len = entry_len,
		.entry_num = *num,
	};
	int rc;

	rc = ioctl(fd, IOMMU_HWPT_INVALIDATE, &cmd);
	*num = cmd.entry_num;
	return rc;
}

#endif /* ALIST_SELFTEST_IOMMUFD_UTIL_H */
