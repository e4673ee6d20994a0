/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The alist_vtd debugfs directory for the x86_64 selftests, header only:
 * the first VT-d unit our driver registered there and its counters and
 * registers (/sys/kernel/debug/alist_vtd/dmarN/<name>). Return 0 on
 * success, -1 with errno set on failure.
 */
#ifndef ALIST_SELFTEST_VTD_DBG_H
#define ALIST_SELFTEST_VTD_DBG_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vfio_dev.h"

#define VD_VTD_DEBUGFS	"/sys/kernel/debug/alist_vtd"

static inline int vd_vtd_match(const char *entry, const void *arg)
{
	return !strncmp(entry, "dmar", 4);
}

/* The first alist_vtd unit directory in debugfs ("dmar0") */
static inline int vd_vtd_unit(char *unit, size_t len)
{
	return vd_dir_find(VD_VTD_DEBUGFS, vd_vtd_match, NULL, unit, len);
}

/* A counter or register of the unit's debugfs directory */
static inline int vd_vtd_u64(const char *unit, const char *name, uint64_t *out)
{
	char path[256];

	snprintf(path, sizeof(path), VD_VTD_DEBUGFS "/%.63s/%.63s", unit, name);
	return vd_get_u64(path, out);
}

#endif /* ALIST_SELFTEST_VTD_DBG_H */
