// SPDX-License-Identifier: GPL-2.0
/*
 * load_nth: load a module with fault injection at every point of its load,
 * the probe paths of a driver included, one after the other.
 *
 *   load_nth [--pci VEN:DEV] [--param NAME [--stride S]] MODULE.ko [PARAM=VALUE...]
 *
 * For N = 1, 2, ... it arms its own fail-nth with N and calls
 * finit_module(), until a load meets no injected fault.
 *
 * A fault injected where it fails softly (SLUB refilling a per-CPU
 * sheaf, vmalloc falling back from bulk to single pages) ends such a
 * sweep early with a loaded module that keeps its devices. With --param
 * NAME the module sweeps its own init instead (our drivers' test builds:
 * init_fail_nth, alist_test_fail_nth_sweep()), undoing an init that met
 * the fault and succeeded: it is loaded once with NAME=S (--stride S,
 * default 1: the init tries every S-th point) and its parameter reads
 * back the points its init met. A load that fails
 * must have met the fault, and must leave nothing: no /sys/module/<name>,
 * no /sys/kernel/debug/<name> (our drivers' debugfs). A load that succeeds
 * although a fault was injected (a probe failure the module init does not
 * report) is unloaded and the sweep goes on; when the module cannot be
 * unloaded (devices were probed and hold it) the sweep stops there. With
 * --pci, the device VENDOR:DEVICE must then sit in an IOMMU group: the
 * final load really took the device.
 *
 * Output is TAP with one result, and a diagnostic line with the count:
 * "# fail-nth load <name>: <n> points ...". insmod cannot do this: fail-nth
 * belongs to the thread that sets it. Built static by guest-build.sh, run
 * by the guest's /init (alist_load_nth=<module>).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fail_nth.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"

static char name[64];

static int present(const char *fmt, const char *arg)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), fmt, arg);
	return !stat(path, &st);
}

static unsigned long hex_attr(const char *bdf, const char *attr)
{
	char path[512], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/%s", bdf, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ~0UL;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return strtoul(buf, NULL, 0);
}

/* Every PCI device VENDOR:DEVICE is in an IOMMU group; -1: none found */
static int pci_grouped(unsigned int ven, unsigned int dev)
{
	DIR *d = opendir(PCI_DEVICES);
	struct dirent *ent;
	int found = 0, ok = 1;
	char link[512];

	if (!d)
		return -1;
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.' ||
		    hex_attr(ent->d_name, "vendor") != ven ||
		    hex_attr(ent->d_name, "device") != dev)
			continue;
		found = 1;
		snprintf(link, sizeof(link), PCI_DEVICES "/%s/iommu_group",
			 ent->d_name);
		if (access(link, F_OK)) {
			printf("# %s: no IOMMU group\n", ent->d_name);
			ok = 0;
		}
	}
	closedir(d);
	return found ? ok : -1;
}

static int bail(const char *what, unsigned int n)
{
	printf("# N=%u: %s\nnot ok 1 load %s with fail-nth\n", n, what, name);
	return 1;
}

static double since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* --param: one load, the module sweeps its init; the parameter reads back */
static int by_param(int ko, const char *params, const char *param,
		    unsigned int stride, unsigned int ven, unsigned int dev,
		    const struct timespec *t0)
{
	char args[1100], path[256], buf[32] = "";
	int fd;

	snprintf(args, sizeof(args), "%s%s=%u", params, param, stride);
	if (syscall(SYS_finit_module, ko, args, 0))
		return bail(strerror(errno), 1);
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", name,
		 param);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return bail("the module has no such parameter", 1);
	close(fd);
	printf("# fail-nth init %s: %lu points (every %u tried), %.1f s\n",
	       name, strtoul(buf, NULL, 10), stride, since(t0));
	if (ven && pci_grouped(ven, dev) != 1)
		return bail("the device is not behind the IOMMU after the load", 1);
	printf("ok 1 load %s with fail-nth\n", name);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int n, left = 0, failed = 0, absorbed = 0, ven = 0, dev = 0;
	char params[1024] = "", msg[256];
	const char *param = NULL;
	unsigned int stride = 1;
	int fnth, ko, i, injected = 1, pinned = 0;
	struct timespec t0, t1;
	const char *path, *base;

	for (i = 1; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--pci")) {
			if (sscanf(argv[i + 1], "%x:%x", &ven, &dev) != 2)
				return 2;
		} else if (!strcmp(argv[i], "--param")) {
			param = argv[i + 1];
		} else if (!strcmp(argv[i], "--stride")) {
			stride = strtoul(argv[i + 1], NULL, 0);
		} else {
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--pci VEN:DEV] [--param NAME [--stride S]] %s\n",
			argv[0], "MODULE.ko [PARAM=VALUE...]");
		return 2;
	}
	path = argv[i++];
	base = strrchr(path, '/');
	snprintf(name, sizeof(name), "%s", base ? base + 1 : path);
	if (strchr(name, '.'))
		*strchr(name, '.') = '\0';
	for (; i < argc; i++) {
		strncat(params, argv[i], sizeof(params) - strlen(params) - 2);
		strcat(params, " ");
	}

	printf("TAP version 13\n1..1\n");
	fflush(stdout);
	ko = open(path, O_RDONLY | O_CLOEXEC);
	if (ko < 0 || fnth_configure())
		return bail(strerror(errno), 0);
	fnth = fnth_open();
	if (fnth < 0)
		return bail("no fail-nth", 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (param)
		return by_param(ko, params, param, stride ?: 1, ven, dev, &t0);
	for (n = 1; n <= FNTH_MAX && injected; n++) {
		int rc, err;

		if (fnth_arm(fnth, n))
			return bail("arm fail-nth", n);
		rc = syscall(SYS_finit_module, ko, params, 0);
		err = errno;
		injected = fnth_disarm(fnth, &left);
		if (injected < 0)
			return bail("read fail-nth", n);
		if (rc && !injected) {
			snprintf(msg, sizeof(msg), "load failed untouched: %s",
				 strerror(err));
			return bail(msg, n);
		}
		if (rc) {
			failed++;
			/* A failed load leaves nothing */
			if (err == EEXIST || present("/sys/module/%s", name) ||
			    present(FNTH_DEBUGFS "/%s", name)) {
				snprintf(msg, sizeof(msg),
					 "failed load (%s) left the module behind",
					 strerror(err));
				return bail(msg, n);
			}
			continue;
		}
		if (!injected)
			break;
		/* Loaded although a fault was injected: a probe swallowed it */
		absorbed++;
		if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
			printf("# N=%u: loaded with a fault injected, kept (%s)\n",
			       n, strerror(errno));
			pinned = 1;
			break;
		}
		if (present("/sys/module/%s", name) ||
		    present(FNTH_DEBUGFS "/%s", name))
			return bail("unload after an absorbed fault left the module",
				    n);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (n > FNTH_MAX)
		return bail("no load without a fault", n);
	printf("# fail-nth load %s: %u points (%u failed, %u absorbed%s), %.1f s\n",
	       name, n - left, failed, absorbed,
	       pinned ? ", stopped at a load that kept devices" : "",
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (ven && pci_grouped(ven, dev) != 1)
		return bail("the device is not behind the IOMMU after the load", n);
	printf("ok 1 load %s with fail-nth\n", name);
	return 0;
}
