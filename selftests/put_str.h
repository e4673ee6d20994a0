/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Write a string to a sysfs, debugfs or procfs file: shared by the
 * selftests (vfio_dev.h) and the guest's module loader (fail_nth.h, used by
 * scripts/guest/load_nth.c), which includes nothing of the harness.
 */
#ifndef ALIST_SELFTEST_PUT_STR_H
#define ALIST_SELFTEST_PUT_STR_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Write @s to @path in one write(); 0, or -1 with errno (EIO: short) */
static inline int put_str(const char *path, const char *s)
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

#endif /* ALIST_SELFTEST_PUT_STR_H */
