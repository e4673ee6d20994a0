/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VFIO cdev + iommufd plumbing shared by the x86_64 selftests, header only
 * (every helper is static inline, each test program is one translation
 * unit):
 *
 *   vd_find_pci()       a PCI device by vendor and device ID (sysfs)
 *   vd_open()           ... bound to vfio-pci through driver_override,
 *                       its cdev opened and bound to an iommufd
 *   vd_attach(), vd_detach()
 *                       VFIO_DEVICE_{ATTACH,DETACH}_IOMMUFD_PT; attaching
 *                       an attached device replaces its page table
 *   vd_cfg_read(), vd_cfg_write(), vd_ext_cap()
 *                       config space through the VFIO config region
 *   vd_ioas_*(), vd_hwpt_alloc(), vd_destroy()
 *                       iommufd objects
 *   vd_vtd_unit(), vd_vtd_u64()
 *                       the alist_vtd debugfs counters
 *
 * Functions return 0 (or a value) on success and -1 with errno set on
 * failure; none of them asserts, so any harness can use them.
 */
#ifndef ALIST_SELFTEST_VFIO_DEV_H
#define ALIST_SELFTEST_VFIO_DEV_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#define VD_PCI_DEVICES	"/sys/bus/pci/devices"
#define VD_VTD_DEBUGFS	"/sys/kernel/debug/alist_vtd"

/**
 * struct vfio_dev - one PCI device opened through its VFIO cdev
 * @fd: the cdev, bound to an iommufd
 * @dev_id: its iommufd device ID
 * @cfg_off: file offset of the config space region
 * @bdf: "dddd:bb:dd.f"
 * @rid: requester ID, bus << 8 | devfn
 */
struct vfio_dev {
	int fd;
	__u32 dev_id;
	__u64 cfg_off;
	char bdf[32];
	__u16 rid;
};

static inline int vd_put_str(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t done;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	done = write(fd, s, len);
	close(fd);
	if (done != (ssize_t)len) {
		if (done >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* A number in a sysfs or debugfs file (decimal, or hex with 0x) */
static inline int vd_get_u64(const char *path, uint64_t *out)
{
	char text[40];
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (got <= 0) {
		errno = got ? errno : ENODATA;
		return -1;
	}
	text[got] = '\0';
	*out = strtoull(text, NULL, 0);
	return 0;
}

static inline int vd_dev_attr(const char *bdf, const char *attr, uint64_t *out)
{
	char path[256];

	snprintf(path, sizeof(path), VD_PCI_DEVICES "/%.63s/%.63s", bdf, attr);
	return vd_get_u64(path, out);
}

/* The first PCI device with @vendor:@device; its name goes to @bdf */
static inline int vd_find_pci(unsigned int vendor, unsigned int device,
			      char *bdf, size_t len)
{
	DIR *dir = opendir(VD_PCI_DEVICES);
	struct dirent *ent;
	int found = -1;

	if (!dir)
		return -1;
	while (found && (ent = readdir(dir))) {
		uint64_t ven, dev;

		if (ent->d_name[0] == '.')
			continue;
		if (vd_dev_attr(ent->d_name, "vendor", &ven) ||
		    vd_dev_attr(ent->d_name, "device", &dev))
			continue;
		if (ven == vendor && dev == device) {
			snprintf(bdf, len, "%.31s", ent->d_name);
			found = 0;
		}
	}
	closedir(dir);
	if (found)
		errno = ENODEV;
	return found;
}

/* Bind @bdf to vfio-pci (unless it is already) and name its cdev */
static inline int vd_vfio_cdev(const char *bdf, char *cdev, size_t len)
{
	char path[256];
	struct dirent *ent;
	DIR *dir;

	snprintf(path, sizeof(path), VD_PCI_DEVICES "/%.63s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir) {
		char attr[256];

		snprintf(attr, sizeof(attr), VD_PCI_DEVICES "/%.63s/driver_override",
			 bdf);
		if (vd_put_str(attr, "vfio-pci"))
			return -1;
		/* Fails when a driver is bound: vfio-dev tells */
		vd_put_str("/sys/bus/pci/drivers_probe", bdf);
		dir = opendir(path);
		if (!dir)
			return -1;
	}
	errno = ENOENT;
	while ((ent = readdir(dir))) {
		if (strncmp(ent->d_name, "vfio", 4))
			continue;
		snprintf(cdev, len, "/dev/vfio/devices/%.63s", ent->d_name);
		closedir(dir);
		return 0;
	}
	closedir(dir);
	return -1;
}

/*
 * Find @vendor:@device, give it to vfio-pci, open its cdev, bind it to
 * @iommufd and turn on memory decoding and bus mastering. Not attached.
 */
static inline int vd_open(struct vfio_dev *d, int iommufd, unsigned int vendor,
			  unsigned int device)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	struct vfio_region_info region = {
		.argsz = sizeof(region),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	unsigned int dom, bus, slot, fn;
	char cdev[128];
	__u16 cmd;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if (vd_find_pci(vendor, device, d->bdf, sizeof(d->bdf)) ||
	    vd_vfio_cdev(d->bdf, cdev, sizeof(cdev)))
		return -1;
	if (sscanf(d->bdf, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4) {
		errno = EINVAL;
		return -1;
	}
	d->rid = bus << 8 | slot << 3 | fn;
	d->fd = open(cdev, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return -1;
	if (ioctl(d->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &region))
		return -1;
	d->dev_id = bind.out_devid;
	d->cfg_off = region.offset;
	if (pread(d->fd, &cmd, sizeof(cmd), d->cfg_off + PCI_COMMAND) !=
	    sizeof(cmd))
		return -1;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(d->fd, &cmd, sizeof(cmd), d->cfg_off + PCI_COMMAND) !=
	    sizeof(cmd))
		return -1;
	return 0;
}

static inline void vd_close(struct vfio_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/* Attach (or replace) to an IOAS or HWPT; @pt_id gets the HWPT used */
static inline int vd_attach(struct vfio_dev *d, __u32 *pt_id)
{
	struct vfio_device_attach_iommufd_pt att = {
		.argsz = sizeof(att),
		.pt_id = *pt_id,
	};

	if (ioctl(d->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &att))
		return -1;
	*pt_id = att.pt_id;
	return 0;
}

static inline int vd_detach(struct vfio_dev *d)
{
	struct vfio_device_detach_iommufd_pt det = { .argsz = sizeof(det) };

	return ioctl(d->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &det);
}

static inline int vd_cfg_read(struct vfio_dev *d, unsigned int off, void *buf,
			      size_t len)
{
	if (pread(d->fd, buf, len, d->cfg_off + off) != (ssize_t)len) {
		errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static inline int vd_cfg_write(struct vfio_dev *d, unsigned int off,
			       const void *buf, size_t len)
{
	if (pwrite(d->fd, buf, len, d->cfg_off + off) != (ssize_t)len) {
		errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* Offset of the extended capability @id in config space, or 0 */
static inline unsigned int vd_ext_cap(struct vfio_dev *d, unsigned int id)
{
	unsigned int pos = PCI_CFG_SPACE_SIZE, hops;
	__u32 hdr;

	for (hops = 0; pos && hops < 64; hops++) {
		if (pos < PCI_CFG_SPACE_SIZE ||
		    vd_cfg_read(d, pos, &hdr, sizeof(hdr)) || !hdr ||
		    hdr == 0xffffffff)
			return 0;
		if (PCI_EXT_CAP_ID(hdr) == id)
			return pos;
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
	return 0;
}

static inline int vd_ioas_alloc(int iommufd, __u32 *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &cmd))
		return -1;
	*ioas_id = cmd.out_ioas_id;
	return 0;
}

/* Map @len bytes at @va to the fixed @iova, read and write */
static inline int vd_ioas_map(int iommufd, __u32 ioas_id, void *va,
			      __u64 iova, __u64 len)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	return ioctl(iommufd, IOMMU_IOAS_MAP, &cmd);
}

static inline int vd_ioas_unmap(int iommufd, __u32 ioas_id, __u64 iova,
				__u64 len)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = len,
	};

	return ioctl(iommufd, IOMMU_IOAS_UNMAP, &cmd);
}

/* A paging HWPT on @pt_id (an IOAS) for @d, no driver data */
static inline int vd_hwpt_alloc(int iommufd, struct vfio_dev *d, __u32 pt_id,
				__u32 flags, __u32 *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = d->dev_id,
		.pt_id = pt_id,
		.data_type = IOMMU_HWPT_DATA_NONE,
	};

	if (ioctl(iommufd, IOMMU_HWPT_ALLOC, &cmd))
		return -1;
	*hwpt_id = cmd.out_hwpt_id;
	return 0;
}

static inline int vd_destroy(int iommufd, __u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(iommufd, IOMMU_DESTROY, &cmd);
}

/* The first alist_vtd unit directory in debugfs ("dmar0") */
static inline int vd_vtd_unit(char *unit, size_t len)
{
	DIR *dir = opendir(VD_VTD_DEBUGFS);
	struct dirent *ent;
	int found = -1;

	if (!dir)
		return -1;
	while (found && (ent = readdir(dir))) {
		if (!strncmp(ent->d_name, "dmar", 4)) {
			snprintf(unit, len, "%.31s", ent->d_name);
			found = 0;
		}
	}
	closedir(dir);
	if (found)
		errno = ENOENT;
	return found;
}

/* A counter or register of the unit's debugfs directory */
static inline int vd_vtd_u64(const char *unit, const char *name, uint64_t *out)
{
	char path[256];

	snprintf(path, sizeof(path), VD_VTD_DEBUGFS "/%.63s/%.63s", unit, name);
	return vd_get_u64(path, out);
}

#endif /* ALIST_SELFTEST_VFIO_DEV_H */
