/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VFIO cdev plumbing shared by the selftest programs of both
 * architectures, header only (every helper is static inline, each test
 * program is one translation unit):
 *
 *   vd_find_pci()       a PCI device by vendor and device ID (sysfs)
 *   vd_vfio_cdev()      ... bound to vfio-pci through driver_override,
 *                       and the name of its VFIO cdev
 *   vd_open_cdev(), vd_bind(), vd_enable_dma()
 *                       the cdev opened, bound to an iommufd, memory
 *                       decoding and bus mastering turned on
 *   vd_open()           all of the above in one call
 *   vd_attach(), vd_detach()
 *                       VFIO_DEVICE_{ATTACH,DETACH}_IOMMUFD_PT; attaching
 *                       an attached device replaces its page table
 *   vd_cfg_read(), vd_cfg_write(), vd_ext_cap()
 *                       config space through the VFIO config region
 *   vd_bar_mmap()       a BAR mapped into the process
 *   put_str(), vd_get_str(), vd_get_u64(), vd_dir_find()
 *                       sysfs and debugfs files and directories
 *
 * The iommufd side (IOAS, HWPT) is in iommufd_util.h, included here.
 * Functions return 0 (or a value) on success and -1 (NULL for pointers)
 * with errno set on failure; none of them asserts.
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
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "iommufd_util.h"
#include "put_str.h"

#define VD_PCI_DEVICES	"/sys/bus/pci/devices"

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

/* At most @len - 1 bytes of a file, NUL terminated; returns their number */
static inline ssize_t vd_get_str(const char *path, char *buf, size_t len)
{
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = read(fd, buf, len - 1);
	close(fd);
	if (got < 0)
		return -1;
	buf[got] = '\0';
	return got;
}

/* A number in a sysfs or debugfs file (decimal, or hex with 0x) */
static inline int vd_get_u64(const char *path, uint64_t *out)
{
	char text[40];
	ssize_t got;

	got = vd_get_str(path, text, sizeof(text));
	if (got <= 0) {
		errno = got ? errno : ENODATA;
		return -1;
	}
	*out = strtoull(text, NULL, 0);
	return 0;
}

/*
 * The first entry of the directory @path, dot entries aside, that @match
 * accepts; its name goes to @name. -1 with ENOENT when there is none.
 */
static inline int vd_dir_find(const char *path,
			      int (*match)(const char *entry, const void *arg),
			      const void *arg, char *name, size_t len)
{
	DIR *dir = opendir(path);
	struct dirent *ent;
	int found = -1;

	if (!dir)
		return -1;
	while (found && (ent = readdir(dir))) {
		if (ent->d_name[0] == '.' || !match(ent->d_name, arg))
			continue;
		/* A name that does not fit is of no use */
		if (snprintf(name, len, "%s", ent->d_name) < (int)len)
			found = 0;
	}
	closedir(dir);
	if (found)
		errno = ENOENT;
	return found;
}

static inline int vd_dev_attr(const char *bdf, const char *attr, uint64_t *out)
{
	char path[256];

	snprintf(path, sizeof(path), VD_PCI_DEVICES "/%.63s/%.63s", bdf, attr);
	return vd_get_u64(path, out);
}

/* @ids: vendor and device ID */
static inline int vd_pci_match(const char *bdf, const void *ids)
{
	const unsigned int *id = ids;
	uint64_t ven, dev;

	return !vd_dev_attr(bdf, "vendor", &ven) &&
	       !vd_dev_attr(bdf, "device", &dev) &&
	       ven == id[0] && dev == id[1];
}

/* The first PCI device with @vendor:@device; its name goes to @bdf */
static inline int vd_find_pci(unsigned int vendor, unsigned int device,
			      char *bdf, size_t len)
{
	const unsigned int ids[] = { vendor, device };

	if (vd_dir_find(VD_PCI_DEVICES, vd_pci_match, ids, bdf, len)) {
		if (errno == ENOENT)
			errno = ENODEV;
		return -1;
	}
	return 0;
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
		if (put_str(attr, "vfio-pci"))
			return -1;
		/* Fails when a driver is bound: vfio-dev tells */
		put_str("/sys/bus/pci/drivers_probe", bdf);
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

/* Open the VFIO cdev @cdev of @bdf into @d (which is reset first) */
static inline int vd_open_cdev(struct vfio_dev *d, const char *bdf,
			       const char *cdev)
{
	unsigned int dom, bus, slot, fn;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%.31s", bdf);
	if (sscanf(d->bdf, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4) {
		errno = EINVAL;
		return -1;
	}
	d->rid = bus << 8 | slot << 3 | fn;
	d->fd = open(cdev, O_RDWR | O_CLOEXEC);
	return d->fd < 0 ? -1 : 0;
}

/* Bind the opened device to @iommufd; not attached to anything yet */
static inline int vd_bind(struct vfio_dev *d, int iommufd)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	struct vfio_region_info region = {
		.argsz = sizeof(region),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};

	if (ioctl(d->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &region))
		return -1;
	d->dev_id = bind.out_devid;
	d->cfg_off = region.offset;
	return 0;
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

/* Memory decoding and bus mastering on, through PCI_COMMAND */
static inline int vd_enable_dma(struct vfio_dev *d)
{
	__u16 cmd;

	if (vd_cfg_read(d, PCI_COMMAND, &cmd, sizeof(cmd)))
		return -1;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	return vd_cfg_write(d, PCI_COMMAND, &cmd, sizeof(cmd));
}

/*
 * Find @vendor:@device, give it to vfio-pci, open its cdev, bind it to
 * @iommufd and turn on memory decoding and bus mastering. Not attached.
 */
static inline int vd_open(struct vfio_dev *d, int iommufd, unsigned int vendor,
			  unsigned int device)
{
	char bdf[32], cdev[128];

	d->fd = -1;
	if (vd_find_pci(vendor, device, bdf, sizeof(bdf)) ||
	    vd_vfio_cdev(bdf, cdev, sizeof(cdev)) ||
	    vd_open_cdev(d, bdf, cdev))
		return -1;
	if (vd_bind(d, iommufd) || vd_enable_dma(d))
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

/* BAR @index (VFIO_PCI_BAR0_REGION_INDEX...) mapped shared, its size in @size */
static inline void *vd_bar_mmap(struct vfio_dev *d, unsigned int index,
				size_t *size)
{
	struct vfio_region_info region = {
		.argsz = sizeof(region),
		.index = index,
	};
	void *p;

	if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &region))
		return NULL;
	p = mmap(NULL, region.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		 region.offset);
	if (p == MAP_FAILED)
		return NULL;
	*size = region.size;
	return p;
}

#endif /* ALIST_SELFTEST_VFIO_DEV_H */
