/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subset of QEMU's TCG plugin API that insn-windows.c uses, declared
 * here because QEMU installs no plugin header: as the QEMU 10.0 that
 * make bench runs provides it (plugin API version 4), or with
 * ALIST_PLUGIN_API 7 as QEMU 11.1 does (the two-SMMU machine), which
 * loads nothing older. Version 7 gave every callback a user data pointer:
 * the translation callback is (tb, userdata) and the exit callback
 * (userdata), each registered with its pointer; the others kept theirs.
 */
#ifndef ALIST_QEMU_PLUGIN_API_H
#define ALIST_QEMU_PLUGIN_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t qemu_plugin_id_t;
typedef uint32_t qemu_plugin_meminfo_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_plugin_hwaddr;
struct qemu_info_t;

enum { PLUGIN_CB_NO_REGS = 0 };
enum { PLUGIN_MEM_W = 2 };
enum { PLUGIN_MEM_VALUE_U32 = 2 };

struct plugin_mem_value {
	int type;
	union {
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
		struct {
			uint64_t low, high;
		} u128;
	} data;
};

#define EXPORT __attribute__((visibility("default")))

#ifndef ALIST_PLUGIN_API
#define ALIST_PLUGIN_API 4
#endif

#if ALIST_PLUGIN_API >= 7
typedef void (*plugin_tb_trans_cb)(struct qemu_plugin_tb *tb, void *udata);
typedef void (*plugin_exit_cb)(void *udata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, plugin_tb_trans_cb cb,
					   void *udata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, plugin_exit_cb cb, void *udata);
#else
typedef void (*plugin_tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*plugin_exit_cb)(qemu_plugin_id_t id, void *udata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, plugin_tb_trans_cb cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, plugin_exit_cb cb, void *udata);
#endif
typedef void (*plugin_exec_cb)(unsigned int vcpu, void *udata);
typedef void (*plugin_mem_cb)(unsigned int vcpu, qemu_plugin_meminfo_t info,
			      uint64_t vaddr, void *udata);

void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, plugin_exec_cb cb,
					  int flags, void *udata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, plugin_mem_cb cb,
				      int flags, int rw, void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info,
						  uint64_t vaddr);
bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr);
struct plugin_mem_value qemu_plugin_mem_get_value(qemu_plugin_meminfo_t info);

#endif /* ALIST_QEMU_PLUGIN_API_H */
