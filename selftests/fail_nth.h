/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Systematic fault injection through the calling thread's fail-nth
 * (Documentation/fault-injection/fault-injection.rst), header only, with
 * no dependency on the test harness: the fail-nth selftest and the guest's
 * module loader (scripts/guest/load_nth.c) both use it.
 *
 * Writing N to /proc/thread-self/fail-nth makes the N-th injection point
 * the thread then meets fail: a slab or page allocation, a user copy, or
 * any other fault attribute. Reading it back gives what is left of N; 0
 * means the fault was injected.
 *
 *   fnth_configure()  every slab and page allocation of the thread (of any
 *                     order, GFP_KERNEL included) an injection point, no
 *                     log per injected fault
 *   fnth_open()       the thread's fail-nth file
 *   fnth_arm()        the N-th point from now fails
 *   fnth_disarm()     was it injected? and nothing is armed any more
 *
 * Functions return 0 (or a value) on success and -1 with errno set on
 * failure.
 */
#ifndef ALIST_SELFTEST_FAIL_NTH_H
#define ALIST_SELFTEST_FAIL_NTH_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "put_str.h"

/* Sweeps stop here: a sequence with more points has a loop in it */
#define FNTH_MAX	5000

#define FNTH_DEBUGFS	"/sys/kernel/debug"

/*
 * The default attributes leave GFP_KERNEL (failslab, fail_page_alloc
 * ignore-gfp-wait), highmem and order-0 pages (fail_page_alloc) alone,
 * which is most of what an ioctl allocates. Probability stays 0, so only
 * fail-nth injects, and only into the thread that armed it. Every fault
 * attribute in debugfs (a directory with probability and verbose) is
 * made quiet: the default prints a stack per injected fault.
 */
static inline int fnth_configure(void)
{
	static const char *const set[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "fail_page_alloc/min-order", "0" },
		{ NULL, NULL },
	};
	/* alist_fnth_verbose=N on the guest's command line: a log per fault */
	const char *verbose = getenv("alist_fnth_verbose");
	char path[512];
	struct dirent *ent;
	unsigned int i;
	DIR *dir;

	for (i = 0; set[i][0]; i++) {
		snprintf(path, sizeof(path), FNTH_DEBUGFS "/%s", set[i][0]);
		if (put_str(path, set[i][1]))
			return -1;
	}
	dir = opendir(FNTH_DEBUGFS);
	if (!dir)
		return -1;
	while ((ent = readdir(dir))) {
		if (ent->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), FNTH_DEBUGFS "/%.200s/probability",
			 ent->d_name);
		if (access(path, R_OK))
			continue;
		snprintf(path, sizeof(path), FNTH_DEBUGFS "/%.200s/verbose",
			 ent->d_name);
		if (!access(path, W_OK) && put_str(path, verbose ?: "0")) {
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	return 0;
}

static inline int fnth_open(void)
{
	return open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
}

/* The @n-th injection point the thread meets from now on fails */
static inline int fnth_arm(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/*
 * 1 if the armed fault was injected, 0 if not (*@left, may be NULL, gets
 * how many points were still to go: N minus the points met), -1 on error.
 * Nothing is armed afterwards.
 *
 * The read and the write below are points themselves (their copies to and
 * from user space): a read that fails with EFAULT found one point left
 * and took it; a write that fails with EFAULT took the last one. Either
 * way fail-nth is 0 then.
 */
static inline int fnth_disarm(int fd, unsigned int *left)
{
	char buf[16];
	ssize_t got;
	unsigned long v;

	got = pread(fd, buf, sizeof(buf) - 1, 0);
	if (got < 0) {
		if (errno != EFAULT)
			return -1;
		v = 1;
	} else {
		buf[got] = '\0';
		v = strtoul(buf, NULL, 10);
	}
	if (pwrite(fd, "0", 1, 0) != 1 && errno != EFAULT)
		return -1;
	if (left)
		*left = v;
	return v == 0;
}

#endif /* ALIST_SELFTEST_FAIL_NTH_H */
