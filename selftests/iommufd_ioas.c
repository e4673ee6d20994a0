// SPDX-License-Identifier: GPL-2.0
/*
 * iommufd IOAS uAPI: allocation, map, unmap and destroy, and the exact
 * errno of each malformed request, checking the IOAS is left unchanged.
 *
 * The IOAS here has no device or domain attached, so its IOVA alignment is
 * whatever IOMMU_IOAS_IOVA_RANGES reports (1 for a bare IOAS).
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "kselftest_harness.h"
#include "iommufd_util.h"

#define SZ_4K		0x1000UL
#define SZ_64K		0x10000UL
#define SZ_1M		0x100000UL
#define BUF_SIZE	(2 * SZ_1M)
/* Fixed IOVAs used by the tests, all below 256 MiB */
#define FIXED_IOVA	(16 * SZ_1M)
#define PROBE_IOVA	(128 * SZ_1M)
#define MAX_RANGES	8
/* Object IDs start at 1 (XA_FLAGS_ALLOC1); this one is never handed out */
#define BAD_ID		0x7ffffff0U

struct iova_state {
	__u32 num_iovas;
	__u64 alignment;
	struct iommu_iova_range ranges[MAX_RANGES];
};

static int iova_ranges(int fd, __u32 ioas_id, struct iova_state *st)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = MAX_RANGES,
		.allowed_iovas = (uintptr_t)st->ranges,
	};
	int rc;

	memset(st, 0, sizeof(*st));
	rc = ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);
	st->num_iovas = cmd.num_iovas;
	st->alignment = cmd.out_iova_alignment;
	return rc;
}

FIXTURE(ioas) {
	int fd;
	__u32 ioas_id;
	void *buf;
	struct iova_state before;
};

FIXTURE_SETUP(ioas)
{
	self->fd = open("/dev/iommu", O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "no /dev/iommu");
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, iommufd_ioas_alloc(self->fd, &self->ioas_id));
	ASSERT_NE(0, self->ioas_id);

	self->buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	memset(self->buf, 0x5a, BUF_SIZE);

	ASSERT_EQ(0, iova_ranges(self->fd, self->ioas_id, &self->before));
	ASSERT_LE(1, self->before.num_iovas);
	ASSERT_GE(MAX_RANGES, self->before.num_iovas);
}

FIXTURE_TEARDOWN(ioas)
{
	if (self->buf && self->buf != MAP_FAILED)
		munmap(self->buf, BUF_SIZE);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * The IOAS looks as it did after setup: same IOVA ranges and alignment,
 * nothing mapped at FIXED_IOVA, and a map/unmap there still works.
 */
static void check_unchanged(struct __test_metadata *_metadata, int fd,
			    __u32 ioas_id, void *buf,
			    const struct iova_state *before)
{
	struct iova_state now;
	__u64 iova = FIXED_IOVA;
	__u64 unmapped = 0;

	ASSERT_EQ(0, iova_ranges(fd, ioas_id, &now));
	ASSERT_EQ(0, memcmp(before, &now, sizeof(now)));

	ASSERT_ERRNO(ENOENT, iommufd_ioas_unmap(fd, ioas_id, FIXED_IOVA, SZ_64K, NULL));
	ASSERT_EQ(0, iommufd_ioas_map(fd, ioas_id, MAP_FIXED_RW, buf, SZ_64K, &iova));
	ASSERT_EQ(FIXED_IOVA, iova);
	ASSERT_EQ(0, iommufd_ioas_unmap(fd, ioas_id, FIXED_IOVA, SZ_64K, &unmapped));
	ASSERT_EQ(SZ_64K, unmapped);
}

/* In a TEST_F body: the fixture's IOAS is as setup left it */
#define ASSERT_IOAS_UNCHANGED()						\
	check_unchanged(_metadata, self->fd, self->ioas_id, self->buf,	\
			&self->before)

/* A second IOAS can be allocated and destroyed, but destroyed only once */
TEST_F(ioas, alloc_destroy)
{
	__u32 id = 0;

	ASSERT_EQ(0, iommufd_ioas_alloc(self->fd, &id));
	ASSERT_NE(0, id);
	ASSERT_NE(self->ioas_id, id);
	ASSERT_EQ(0, iommufd_destroy(self->fd, id));
	ASSERT_ERRNO(ENOENT, iommufd_destroy(self->fd, id));
	ASSERT_IOAS_UNCHANGED();
}

/* A fixed-IOVA map lands where asked and unmaps with its exact length */
TEST_F(ioas, map_fixed_unmap)
{
	__u64 iova = FIXED_IOVA;
	__u64 unmapped = 0;

	ASSERT_EQ(0, iommufd_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				      self->buf, SZ_1M, &iova));
	ASSERT_EQ(FIXED_IOVA, iova);
	ASSERT_EQ(0, iommufd_ioas_unmap(self->fd, self->ioas_id, FIXED_IOVA, SZ_1M,
					&unmapped));
	ASSERT_EQ(SZ_1M, unmapped);
	ASSERT_ERRNO(ENOENT, iommufd_ioas_unmap(self->fd, self->ioas_id, FIXED_IOVA,
						SZ_1M, NULL));
	ASSERT_IOAS_UNCHANGED();
}

/* Without FIXED_IOVA the kernel picks an allowed IOVA and reports it */
TEST_F(ioas, map_alloc_iova)
{
	__u64 iova = 0;
	__u64 unmapped = 0;
	__u32 i;
	bool inside = false;

	ASSERT_EQ(0, iommufd_ioas_map(self->fd, self->ioas_id, MAP_RW, self->buf,
				      SZ_64K, &iova));
	for (i = 0; i < self->before.num_iovas; i++)
		if (iova >= self->before.ranges[i].start &&
		    iova + SZ_64K - 1 <= self->before.ranges[i].last)
			inside = true;
	ASSERT_TRUE(inside);
	ASSERT_EQ(0, iova % self->before.alignment);
	ASSERT_EQ(0, iommufd_ioas_unmap(self->fd, self->ioas_id, iova, SZ_64K,
					&unmapped));
	ASSERT_EQ(SZ_64K, unmapped);
	ASSERT_IOAS_UNCHANGED();
}

/* One unmap covering two adjacent mappings removes both, summing lengths */
TEST_F(ioas, unmap_two_areas)
{
	__u64 iova = FIXED_IOVA;
	__u64 iova2 = FIXED_IOVA + SZ_64K;
	__u64 unmapped = 0;

	ASSERT_EQ(0, iommufd_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				      self->buf, SZ_64K, &iova));
	ASSERT_EQ(0, iommufd_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				      (char *)self->buf + SZ_1M, SZ_64K, &iova2));
	ASSERT_EQ(0, iommufd_ioas_unmap(self->fd, self->ioas_id, FIXED_IOVA,
					2 * SZ_64K, &unmapped));
	ASSERT_EQ(2 * SZ_64K, unmapped);
	ASSERT_IOAS_UNCHANGED();
}

/* A size below the last mandatory field is EINVAL (main.c min_size check) */
TEST_F(ioas, size_too_small)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd) - 1,
		.flags = MAP_FIXED_RW,
		.ioas_id = self->ioas_id,
		.user_va = (uintptr_t)self->buf,
		.length = SZ_64K,
		.iova = FIXED_IOVA,
	};

	ASSERT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_IOAS_MAP, &cmd));
	cmd.size = 0;
	ASSERT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_IOAS_MAP, &cmd));
	ASSERT_IOAS_UNCHANGED();
}

/* Trailing bytes past the struct must be zero: E2BIG if not, else accepted */
TEST_F(ioas, size_larger)
{
	struct {
		struct iommu_ioas_map cmd;
		__u64 tail;
	} big = {
		.cmd = {
			.size = sizeof(big),
			.flags = MAP_FIXED_RW,
			.ioas_id = self->ioas_id,
			.user_va = (uintptr_t)self->buf,
			.length = SZ_64K,
			.iova = FIXED_IOVA,
		},
		.tail = 1ULL << 56,
	};
	__u64 unmapped = 0;

	ASSERT_ERRNO(E2BIG, ioctl(self->fd, IOMMU_IOAS_MAP, &big));
	ASSERT_IOAS_UNCHANGED();

	big.tail = 0;
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_MAP, &big));
	ASSERT_EQ(FIXED_IOVA, big.cmd.iova);
	ASSERT_EQ(0, iommufd_ioas_unmap(self->fd, self->ioas_id, FIXED_IOVA, SZ_64K,
					&unmapped));
	ASSERT_EQ(SZ_64K, unmapped);
	ASSERT_IOAS_UNCHANGED();
}

/* IOAS_ALLOC with a larger zeroed struct works; non-zero flags do not */
TEST_F(ioas, alloc_size_and_flags)
{
	struct {
		struct iommu_ioas_alloc cmd;
		__u32 tail;
	} big = { .cmd = { .size = sizeof(big) } };

	ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALLOC, &big));
	ASSERT_NE(0, big.cmd.out_ioas_id);
	ASSERT_EQ(0, iommufd_destroy(self->fd, big.cmd.out_ioas_id));

	big.tail = 1;
	ASSERT_ERRNO(E2BIG, ioctl(self->fd, IOMMU_IOAS_ALLOC, &big));

	big.tail = 0;
	big.cmd.flags = 1;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_IOAS_ALLOC, &big));
	ASSERT_IOAS_UNCHANGED();
}

/* An object ID that does not exist is ENOENT for every command */
TEST_F(ioas, unknown_id)
{
	struct iova_state st;
	__u64 iova = FIXED_IOVA;

	ASSERT_ERRNO(ENOENT, iommufd_ioas_map(self->fd, BAD_ID, MAP_FIXED_RW,
					      self->buf, SZ_64K, &iova));
	ASSERT_ERRNO(ENOENT, iommufd_ioas_map(self->fd, 0, MAP_FIXED_RW,
					      self->buf, SZ_64K, &iova));
	ASSERT_ERRNO(ENOENT, iommufd_ioas_unmap(self->fd, BAD_ID, FIXED_IOVA, SZ_64K,
						NULL));
	ASSERT_ERRNO(ENOENT, iommufd_destroy(self->fd, BAD_ID));
	ASSERT_ERRNO(ENOENT, iommufd_destroy(self->fd, 0));
	ASSERT_ERRNO(ENOENT, iova_ranges(self->fd, BAD_ID, &st));
	ASSERT_IOAS_UNCHANGED();
}

/* Unmapping a range that was never mapped is ENOENT, length 0 is EINVAL */
TEST_F(ioas, unmap_not_mapped)
{
	ASSERT_ERRNO(ENOENT, iommufd_ioas_unmap(self->fd, self->ioas_id, PROBE_IOVA,
						SZ_64K, NULL));
	ASSERT_ERRNO(EINVAL, iommufd_ioas_unmap(self->fd, self->ioas_id, PROBE_IOVA,
						0, NULL));
	ASSERT_IOAS_UNCHANGED();
}

/* Unmap may not split a mapping: ENOENT, and the mapping stays whole */
TEST_F(ioas, unmap_partial)
{
	__u64 iova = FIXED_IOVA;
	__u64 unmapped = 0;

	ASSERT_EQ(0, iommufd_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				      self->buf, SZ_64K, &iova));
	ASSERT_ERRNO(ENOENT, iommufd_ioas_unmap(self->fd, self->ioas_id, FIXED_IOVA,
						SZ_4K, NULL));
	ASSERT_ERRNO(ENOENT, iommufd_ioas_unmap(self->fd, self->ioas_id,
						FIXED_IOVA + SZ_4K, SZ_64K, NULL));
	ASSERT_EQ(0, iommufd_ioas_unmap(self->fd, self->ioas_id, FIXED_IOVA, SZ_64K,
					&unmapped));
	ASSERT_EQ(SZ_64K, unmapped);
	ASSERT_IOAS_UNCHANGED();
}

/* A fixed map over an existing mapping is EEXIST and changes nothing */
TEST_F(ioas, map_overlap)
{
	__u64 iova = FIXED_IOVA;
	__u64 iova2 = FIXED_IOVA + SZ_4K;
	__u64 unmapped = 0;

	ASSERT_EQ(0, iommufd_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				      self->buf, SZ_64K, &iova));
	ASSERT_ERRNO(EEXIST, iommufd_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
					      self->buf, SZ_64K, &iova2));
	ASSERT_EQ(0, iommufd_ioas_unmap(self->fd, self->ioas_id, FIXED_IOVA, SZ_64K,
					&unmapped));
	ASSERT_EQ(SZ_64K, unmapped);
	ASSERT_IOAS_UNCHANGED();
}

/* Bad flags, reserved field, empty or overflowing maps: exact errnos */
TEST_F(ioas, map_bad_args)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = MAP_FIXED_RW | (1U << 3),
		.ioas_id = self->ioas_id,
		.user_va = (uintptr_t)self->buf,
		.length = SZ_64K,
		.iova = FIXED_IOVA,
	};
	__u64 iova = FIXED_IOVA;

	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_IOAS_MAP, &cmd));
	cmd.flags = MAP_FIXED_RW;
	cmd.__reserved = 1;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_IOAS_MAP, &cmd));

	ASSERT_ERRNO(EINVAL, iommufd_ioas_map(self->fd, self->ioas_id,
					      IOMMU_IOAS_MAP_FIXED_IOVA, self->buf,
					      SZ_64K, &iova));
	ASSERT_ERRNO(EINVAL, iommufd_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
					      self->buf, 0, &iova));
	iova = UINT64_MAX;
	ASSERT_ERRNO(EOVERFLOW, iommufd_ioas_map(self->fd, self->ioas_id,
						 MAP_FIXED_RW, self->buf, SZ_64K,
						 &iova));
	iova = FIXED_IOVA;
	ASSERT_ERRNO(EOVERFLOW, iommufd_ioas_map(self->fd, self->ioas_id,
						 MAP_FIXED_RW, self->buf, UINT64_MAX,
						 &iova));
	ASSERT_IOAS_UNCHANGED();
}

/*
 * An IOVA or length off the IOAS alignment is EINVAL; a bare IOAS reports
 * alignment 1, so there an unaligned map is valid and unmaps exactly.
 */
TEST_F(ioas, map_unaligned)
{
	__u64 align = self->before.alignment;
	__u64 iova = FIXED_IOVA + 1;
	__u64 unmapped = 0;

	if (align > 1) {
		ASSERT_ERRNO(EINVAL, iommufd_ioas_map(self->fd, self->ioas_id,
						      MAP_FIXED_RW, self->buf,
						      SZ_64K, &iova));
		iova = FIXED_IOVA;
		ASSERT_ERRNO(EINVAL, iommufd_ioas_map(self->fd, self->ioas_id,
						      MAP_FIXED_RW, self->buf,
						      SZ_64K - 1, &iova));
	} else {
		ASSERT_EQ(0, iommufd_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
					      self->buf, SZ_4K - 1, &iova));
		ASSERT_EQ(FIXED_IOVA + 1, iova);
		ASSERT_EQ(0, iommufd_ioas_unmap(self->fd, self->ioas_id, iova,
						SZ_4K - 1, &unmapped));
		ASSERT_EQ(SZ_4K - 1, unmapped);
	}
	ASSERT_IOAS_UNCHANGED();
}

/* A known command number with the wrong ioctl encoding is ENOTTY */
TEST_F(ioas, wrong_ioctl_encoding)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = MAP_FIXED_RW,
		.ioas_id = self->ioas_id,
		.user_va = (uintptr_t)self->buf,
		.length = SZ_64K,
		.iova = FIXED_IOVA,
	};

	ASSERT_ERRNO(ENOTTY, ioctl(self->fd,
				   _IOW(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP,
					struct iommu_ioas_map), &cmd));
	ASSERT_IOAS_UNCHANGED();
}

/* IOVA_RANGES with too small an array is EMSGSIZE and says how many */
TEST_F(ioas, iova_ranges_too_small)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = self->ioas_id,
		.num_iovas = 0,
	};

	ASSERT_ERRNO(EMSGSIZE, ioctl(self->fd, IOMMU_IOAS_IOVA_RANGES, &cmd));
	ASSERT_EQ(self->before.num_iovas, cmd.num_iovas);
	ASSERT_EQ(self->before.alignment, cmd.out_iova_alignment);

	cmd.__reserved = 1;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_IOAS_IOVA_RANGES,
				       &cmd));
	ASSERT_IOAS_UNCHANGED();
}

TEST_HARNESS_MAIN
