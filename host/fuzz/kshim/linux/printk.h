/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-in for <linux/printk.h>, which the kernel's tools/include
 * lacks: the few macros the driver files built by the fuzz targets use.
 * Nothing is printed (a fuzz run parses millions of bad inputs). The
 * formats are not checked here: tools/include makes u64 a uint64_t
 * (unsigned long on LP64 hosts), the kernel an unsigned long long; the
 * module build checks them.
 */
#ifndef ALIST_HOST_KSHIM_PRINTK_H
#define ALIST_HOST_KSHIM_PRINTK_H

#define FW_BUG "[Firmware Bug]: "

static inline int alist_host_printk(const char *fmt, ...)
{
	return 0;
}

#define pr_err(fmt, ...) alist_host_printk(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) alist_host_printk(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) alist_host_printk(fmt, ##__VA_ARGS__)

#endif
