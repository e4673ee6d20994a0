/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alist_vtd: the iommu-alist Intel VT-d driver (scalable mode), internal
 * definitions shared by the files of drivers/vtd/.
 */
#ifndef ALIST_VTD_H
#define ALIST_VTD_H

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/debugfs.h>
#include <linux/generic_pt/iommu.h>
#include <linux/idr.h>
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include <alist/attach_list.h>
#include <alist/hw/vtd_desc.h>
#include <alist/inv.h>
#include <alist/user_array.h>
#include <alist_domain.h>
#include <alist_recorder.h>

#include "vtd_hw.h"

/* Domain IDs: 0 is reserved, 1 is the identity domain's on every unit */
#define VTD_DID_IDENTITY	1
#define VTD_DID_FIRST		2

/* DMAR device scopes (dmar_scope.c) */
bool vtd_scope_match_pci(const struct vtd_scope *scopes, unsigned int n,
			 u16 segment, u16 scope_segment, struct pci_dev *pdev);

/* ------------------------------------------------------------------ */
/* The unit */

/* Recorder marker (alist_rec_put_mark()): a GCMD write, of that value */
#define VTD_REC_MARK_GCMD	1

/**
 * vtd_desc_type() - the type of a queued-invalidation descriptor
 * @d: the descriptor
 *
 * Context: any.
 * Return: the 7-bit descriptor type.
 */
static inline unsigned int vtd_desc_type(const struct alist_cmd *d)
{
	return FIELD_GET(VTD_DESC_TYPE_LO, d->w[0]) |
	       FIELD_GET(VTD_DESC_TYPE_HI, d->w[0]) << 4;
}

/**
 * struct vtd_qi_counters - what a unit's queue took (debugfs)
 * @descs: descriptors queued, waits excluded
 * @waits: wait descriptors appended by vtd_qi_submit()
 * @submits: submissions queued (a resubmission after an ITE included)
 * @desc: descriptors among @descs by type, indexed by vtd_desc_type()
 *	(VTD_DESC_TYPE_*, 1 to 8); slot 0 counts any other type
 *
 * Written under the unit's queue lock, which every submission takes
 * anyway (plain adds, no atomic per counter); read without it.
 */
struct vtd_qi_counters {
	u64 descs;
	u64 waits;
	u64 submits;
	u64 desc[VTD_DESC_TYPE_PDEVTLB + 1];
};

/**
 * struct vtd_counters - per-unit statistics (debugfs)
 * @faults: fault records seen
 * @fault_overflows: primary fault overflows
 * @iqe: invalidation queue errors
 * @ite: invalidation time-out errors
 * @ice: invalidation completion errors
 * @timeouts: queue full or wait not completed in time
 */
struct vtd_counters {
	atomic64_t faults;
	atomic64_t fault_overflows;
	atomic64_t iqe;
	atomic64_t ite;
	atomic64_t ice;
	atomic64_t timeouts;
};

/* Descriptors of the last submission debugfs lists */
#define VTD_QI_LAST		32

/**
 * struct vtd_bus_ctx - the two scalable-mode context tables of one bus
 * @lo: context entries of devfn 0-127
 * @hi: context entries of devfn 128-255
 */
struct vtd_bus_ctx {
	u64 *lo;
	u64 *hi;
};

/**
 * struct vtd_unit - one VT-d remapping unit
 * @iommu: the IOMMU core's handle
 * @index: instance number given to the core (the queue)
 * @name: "dmarN"
 * @reg: mapped registers (NULL for a KUnit recording unit)
 * @reg_phys: register base
 * @reg_size: register set size
 * @drhd: the DMAR description
 * @ver: VER register
 * @cap: CAP register
 * @ecap: ECAP register
 * @gcmd: shadow of the persistent GCMD bits
 * @agaw: AW field value used for PASID entries
 * @ndids: number of domain IDs
 * @coherent: table walks snoop CPU caches (ECAP.C)
 * @first_stage: paging domains use the first-stage (x86_64) format
 * @did_ida: domain IDs (the IDA locks itself; which domain holds which ID
 *	on this unit is the domain's, under its @lock)
 * @ctx_lock: protects @root, @ctx and the context tables, and every write
 *	of a PASID entry of the unit's devices (vtd_pe_install(), the
 *	page-snoop switch): the unit's translation tables, as Linux's
 *	iommu->lock. Taken after a domain's lock, never before it
 * @root: the root table
 * @ctx: per-bus context tables
 * @qi_lock: protects the invalidation queue
 * @qi: queue memory (4 KiB: 128 descriptors of 256 bits)
 * @qi_tail: next free slot
 * @qi_head_seen: the queue head as last read from IQH (the unit's is at
 *	or past it); protected by @qi_lock
 * @qi_status: the wait descriptors' status word
 * @qi_dummy: status word of a wait put in place of a bad descriptor
 * @qi_seq: last status value used
 * @qi_ite_gen: invalidation time-outs handled; written under @qi_lock
 * @qi_ite_done: the status value when the last one was handled
 * @qi_iqe_gen: queue errors (IQE) handled; written under @qi_lock
 * @qi_iqe_done: the status value when the last one was handled
 * @qi_stall: the queue head when a wait last gave up
 *	(alist_queue_stall_note())
 * @qi_last: the slot of the last submission's first descriptor (debugfs
 *	reads the submission from the queue, where it stays until the next
 *	one); protected by @qi_lock
 * @qi_last_n: descriptors of the last submission, its wait included;
 *	protected by @qi_lock
 * @qi_cnt: what the queue took; written under @qi_lock
 * @params: the core's invalidation parameters of this unit (from CAP)
 * @caching_mode: the unit caches non-present entries (CAP.CM): a map
 *	needs an invalidation too
 * @recorder: KUnit recording queue, or NULL
 * @test_bound: KUnit: the devices vtd_unit_keep_bound() treats as bound
 *	on a recording unit (it matches no real device)
 * @test_nbound: number of @test_bound
 * @fault_lock: serializes fault record scans
 * @fault_work: polls the fault records
 * @fault_last: last fault: sid << 48 | reason << 40 | (addr >> 12)
 * @cnt: counters
 * @dbg: debugfs directory
 * @registered: iommu_device_register() succeeded
 * @bound: devices with a driver at load time, kept in identity
 */
struct vtd_unit {
	struct iommu_device iommu;
	unsigned int index;
	char name[16];
	void __iomem *reg;
	u64 reg_phys;
	u64 reg_size;
	struct vtd_drhd drhd;
	u32 ver;
	u64 cap;
	u64 ecap;
	u32 gcmd;
	u8 agaw;
	u32 ndids;
	bool coherent;
	bool first_stage;
	struct ida did_ida;
	struct mutex ctx_lock;		/* root, context and PASID entries */
	u64 *root;
	struct vtd_bus_ctx ctx[256];
	raw_spinlock_t qi_lock;
	struct alist_cmd *qi;
	unsigned int qi_tail;
	unsigned int qi_head_seen;
	u32 *qi_status;
	u32 *qi_dummy;
	u32 qi_seq;
	u32 qi_ite_gen;
	u32 qi_ite_done;
	u32 qi_iqe_gen;
	u32 qi_iqe_done;
	u64 qi_stall;
	unsigned int qi_last;
	unsigned int qi_last_n;
	struct vtd_qi_counters qi_cnt;
	struct alist_vtd_params params;
	bool caching_mode;
	struct alist_recorder *recorder;
	struct pci_dev **test_bound;
	unsigned int test_nbound;
	spinlock_t fault_lock;		/* fault record scans */
	struct delayed_work fault_work;
	u64 fault_last;
	struct vtd_counters cnt;
	struct dentry *dbg;
	bool registered;
	struct list_head bound;
};

#define VTD_QI_ENTRIES		128
#define VTD_QI_MASK		(VTD_QI_ENTRIES - 1)

/* ------------------------------------------------------------------ */
/* Domains and devices */

enum vtd_domain_kind {
	VTD_DOM_FS,
	VTD_DOM_SS,
	VTD_DOM_NESTED,
};

/**
 * struct vtd_domain - a paging or nested domain
 * @domain: the core's domain (aliases the page table's)
 * @iommu: generic_pt
 * @fspt: generic_pt x86_64 (first stage)
 * @sspt: generic_pt vtdss (second stage)
 * @kind: enum vtd_domain_kind
 * @nest_parent: allocated with IOMMU_HWPT_ALLOC_NEST_PARENT
 * @lock: protects @devices, @did and @did_users, and serializes writers
 *	of @force_snoop; held across an attach to or from this domain
 *	(vtd_attach_paging()), so a coherency check and the set of units the
 *	domain is on agree
 * @force_snoop: enforce_cache_coherency() was called; written under
 *	@lock, read without it only with READ_ONCE() (a nested domain's view
 *	of its parent)
 * @devices: the devices attached (struct vtd_dev.dom_node); under @lock
 * @list: the attach list of invalidation targets (the core's: its writers
 *	are serialized by the shared layer, under the core's update lock)
 * @did: per unit, the domain ID (0: none); under @lock
 * @did_users: per unit, devices attached with @did, plus one for @did_home;
 *	under @lock
 * @did_home: the unit of the device the domain was allocated for: the
 *	domain holds its ID there from allocation to free, so the device's
 *	first attach and its return to this domain allocate nothing (the
 *	IOMMU core does not let either fail); NULL without a device
 * @params: the core's invalidation parameters of @list: valid on every
 *	unit the domain has had targets on (vtd_domain_did_get()); narrowed
 *	under vtd_params_lock, read without a lock
 * @caching_mode: one of those units has CAP.CM; as @params
 * @parent: nested: the stage-2 parent
 * @s1: nested: the user's stage-1 configuration
 *
 * Lock order: a domain's @lock (two at most, the lower address first:
 * vtd_domain_lock_pair()), then a unit's ctx_lock or the core's update
 * lock (taken inside the shared layer), then the queue lock.
 */
struct vtd_domain {
	union {
		struct iommu_domain domain;
		struct pt_iommu iommu;
		struct pt_iommu_x86_64 fspt;
		struct pt_iommu_vtdss sspt;
	};
	enum vtd_domain_kind kind;
	bool nest_parent;
	struct mutex lock;	/* devices, DIDs, force_snoop: see above */
	bool force_snoop;
	struct list_head devices;
	struct alist_list *list;
	u16 did[VTD_MAX_UNITS];
	unsigned int did_users[VTD_MAX_UNITS];
	struct vtd_unit *did_home;
	struct alist_vtd_params params;
	bool caching_mode;
	struct vtd_domain *parent;
	struct iommu_hwpt_vtd_s1 s1;
};

static inline struct vtd_domain *to_vtd_domain(struct iommu_domain *d)
{
	return container_of(d, struct vtd_domain, domain);
}

/* At most one IOTLB-kind and one device-TLB target per device */
#define VTD_DEV_TARGETS		2

/**
 * struct vtd_dev - per-device state (dev_iommu_priv)
 * @unit: the unit in whose scope the device is
 * @pdev: the PCI device
 * @sid: requester ID (bus << 8 | devfn)
 * @pfsid: source ID of the physical function with ECAP.DIT, else 0
 * @ats: the device has ATS and the unit device-TLBs
 * @ats_enabled: ATS is on
 * @ats_qdep: ATS invalidate queue depth
 * @pasid_dir: the PASID directory
 * @pasid_table: PASID table 0 (PASIDs 0-63)
 * @domain: paging or nested domain attached, or NULL
 * @identity: the identity domain is attached
 * @targets: the targets given to @domain's list
 * @ntargets: number of @targets
 * @node: on the list of bound devices kept in identity (not probed)
 * @dom_node: on @domain's device list
 *
 * @domain, @identity, @targets, @ntargets and @dom_node change only in an
 * attach of the device, which the IOMMU core's group mutex serializes,
 * with the lock of the domain left and of the domain joined held. The
 * entries of @pasid_table are written under the unit's ctx_lock.
 */
struct vtd_dev {
	struct vtd_unit *unit;
	struct pci_dev *pdev;
	u16 sid;
	u16 pfsid;
	bool ats;
	bool ats_enabled;
	u8 ats_qdep;
	u64 *pasid_dir;
	u64 *pasid_table;
	struct vtd_domain *domain;
	bool identity;
	struct alist_target targets[VTD_DEV_TARGETS];
	unsigned int ntargets;
	struct list_head node;
	struct list_head dom_node;
};

/* ------------------------------------------------------------------ */
/* Descriptor and entry builders (desc.c): pure functions */

void vtd_desc_cc_global(struct alist_cmd *d);
void vtd_desc_pc_pasid(struct alist_cmd *d, u16 did, u32 pasid);
void vtd_desc_pc_global(struct alist_cmd *d);
void vtd_desc_iotlb_global(struct alist_cmd *d, u64 cap);
void vtd_desc_iotlb_dsi(struct alist_cmd *d, u64 cap, u16 did);
void vtd_desc_piotlb_all(struct alist_cmd *d, u16 did, u32 pasid);
void vtd_desc_devtlb_all(struct alist_cmd *d, u16 sid, u16 pfsid, u8 qdep);

void vtd_root_entry_set(u64 *root, unsigned int bus, phys_addr_t lo,
			phys_addr_t hi);
void vtd_ctx_entry_build(u64 ce[4], phys_addr_t pasid_dir, unsigned int pdts,
			 bool dte);

/**
 * struct vtd_pe_cfg - what goes into a scalable-mode PASID table entry
 * @pgtt: VTD_PGTT_*
 * @did: domain ID
 * @aw: address width field (AGAW)
 * @ssptptr: second-stage table (SS, nested)
 * @fsptptr: first-stage table (FS, nested)
 * @flpm: first-stage paging mode: 0 4-level, 1 5-level
 * @pgsnp: page snoop (force snooping)
 * @pwsnp: page-walk snoop
 * @sre: supervisor requests enable
 * @eafe: extended access flag enable
 * @wpe: write protect enable
 */
struct vtd_pe_cfg {
	u8 pgtt;
	u16 did;
	u8 aw;
	u64 ssptptr;
	u64 fsptptr;
	u8 flpm;
	bool pgsnp;
	bool pwsnp;
	bool sre;
	bool eafe;
	bool wpe;
};

void vtd_pasid_entry_build(u64 pe[8], const struct vtd_pe_cfg *cfg);

/* ------------------------------------------------------------------ */
/* Queued invalidation (queue.c) */

int vtd_qi_enable(struct vtd_unit *unit);
void vtd_qi_disable(struct vtd_unit *unit);
int vtd_qi_submit(struct vtd_unit *unit, const struct alist_cmd *cmds,
		  unsigned int n, bool wait);
#if IS_ENABLED(CONFIG_KUNIT)
bool vtd_qi_wait_aborted(u32 seq, u32 gen0, u32 gen, u32 ite_done);
#endif

/* ------------------------------------------------------------------ */
/* Units (unit.c), faults (fault.c), debugfs (debugfs.c) */

extern struct vtd_unit *vtd_units[VTD_MAX_UNITS];
extern const struct alist_vtd_params vtd_params_default;
extern const struct alist_queue_ops vtd_queue_ops;

/* The queue of @d's flushes: chunks name their unit, @d's parameters. */
#define VTD_QUEUE(d)	((const struct alist_queue){ .ops = &vtd_queue_ops, \
						     .params = &(d)->params })

struct vtd_unit *vtd_unit_from_instance(unsigned int instance);
int vtd_unit_slot_get(struct vtd_unit *unit);
void vtd_unit_slot_put(struct vtd_unit *unit);
void vtd_unit_init_caps(struct vtd_unit *unit);
void vtd_unit_init_params(struct vtd_unit *unit);
int vtd_unit_probe(const struct vtd_drhd *drhd);
int vtd_unit_enable(struct vtd_unit *unit);
int vtd_unit_translate(struct vtd_unit *unit, bool on);
int vtd_unit_start(struct vtd_unit *unit);
void vtd_unit_stop(struct vtd_unit *unit);
void vtd_unit_remove(struct vtd_unit *unit);
int vtd_unit_ctx_install(struct vtd_unit *unit, struct vtd_dev *vdev);
int vtd_unit_ctx_clear(struct vtd_unit *unit, struct vtd_dev *vdev);
void vtd_flush_cache(struct vtd_unit *unit, void *addr, size_t size);

void vtd_fault_init(struct vtd_unit *unit);
void vtd_fault_stop(struct vtd_unit *unit);
void vtd_fault_scan(struct vtd_unit *unit);

void vtd_debugfs_init(void);
void vtd_debugfs_unit(struct vtd_unit *unit);
void vtd_debugfs_exit(void);
extern atomic64_t vtd_stat_flush_all;
extern atomic64_t vtd_stat_user_inv;
extern struct alist_sync_stats vtd_sync_stats;
extern struct alist_test_hooks vtd_test_hooks;

/* ------------------------------------------------------------------ */
/* Domains (domain.c), devices (device.c), iommufd (iommufd.c) */

extern struct iommu_domain vtd_blocked_domain;
extern struct iommu_domain vtd_identity_domain;
extern const struct iommu_ops vtd_iommu_ops;

struct vtd_domain *vtd_paging_alloc(struct vtd_unit *unit, struct device *dev,
				    u32 flags);
int vtd_domain_compatible(struct vtd_domain *d, struct vtd_unit *unit);
void vtd_domain_snoop_devices(struct vtd_domain *d);
void vtd_domain_free(struct iommu_domain *domain);
bool vtd_domain_is_ss(struct iommu_domain *domain);
int vtd_domain_did_get(struct vtd_domain *d, struct vtd_unit *unit);
void vtd_domain_did_put(struct vtd_domain *d, struct vtd_unit *unit);

int vtd_attach_paging(struct iommu_domain *domain, struct device *dev,
		      struct iommu_domain *old);
struct iommu_device *vtd_probe_device(struct device *dev);
int vtd_def_domain_type(struct device *dev);
#if IS_ENABLED(CONFIG_KUNIT)
int vtd_pe_install(struct vtd_dev *vdev, const u64 *pe);
void vtd_dev_release(struct vtd_dev *vdev);
#endif
void vtd_release_device(struct device *dev);
struct iommu_group *vtd_device_group(struct device *dev);
void vtd_get_resv_regions(struct device *dev, struct list_head *head);
int vtd_unit_keep_bound(struct vtd_unit *unit);
void vtd_unit_free_bound(struct vtd_unit *unit);
extern struct vtd_dmar_info vtd_dmar;

void *vtd_hw_info(struct device *dev, u32 *length,
		  enum iommu_hw_info_type *type);
struct iommu_domain *vtd_domain_alloc_paging_flags(struct device *dev,
						   u32 flags,
						   const struct iommu_user_data *data);
struct iommu_domain *vtd_domain_alloc_nested(struct device *dev,
					     struct iommu_domain *parent,
					     u32 flags,
					     const struct iommu_user_data *data);
struct vtd_domain *
vtd_nested_alloc(struct vtd_unit *unit, struct iommu_domain *parent, u32 flags,
		 const struct iommu_user_data *data);
int vtd_nested_invalidate_user(struct iommu_domain *domain,
			       struct iommu_user_data_array *array);

#endif /* ALIST_VTD_H */
