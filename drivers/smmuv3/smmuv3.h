/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alist_smmuv3: an ARM SMMUv3 driver built on the iommu-alist core.
 *
 * Register, queue, stream-table and context-descriptor layouts follow the
 * Arm SMMUv3 architecture specification (IHI 0070). Invalidation commands
 * are encoded by the core (alist_smmuv3_inv_fill()); this driver encodes
 * only configuration commands (CFGI_*) and its STEs and CDs.
 */
#ifndef ALIST_SMMUV3_H
#define ALIST_SMMUV3_H

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <alist/attach_list.h>
#include <alist/hw/smmuv3_cmd.h>
#include <alist/inv.h>
#include <alist/user_array.h>
#include <alist_domain.h>
#include <alist_recorder.h>

#include "smmuv3_hw.h"

struct dentry;

/*
 * Command failures remembered for their submitters: a waiter that sees
 * this many other failures before it looks may miss its own.
 */
#define SMMUV3_CMDQ_FAILED_LOG		16

/* Queue sizes (log2 entries), capped by IDR1 */
#define SMMUV3_CMDQ_LOG2		8
#define SMMUV3_EVTQ_LOG2		11	/* two 1024-event fault storms */

/* SMMUs one module drives; their instance numbers are below this */
#define SMMUV3_MAX_INSTANCES		16
#define SMMUV3_MSI_IOVA_BASE		0x8000000
#define SMMUV3_MSI_IOVA_LENGTH		0x100000

/**
 * struct smmuv3_queue - a command or event queue in memory
 * @base: the entries
 * @dma: their bus address
 * @log2: log2 of the number of entries
 * @dwords: 64-bit words per entry
 * @prod: producer index incl. wrap bit (software copy)
 * @cons: consumer index incl. wrap bit (software copy)
 * @prod_reg: the PROD register
 * @cons_reg: the CONS register
 */
struct smmuv3_queue {
	__le64 *base;
	dma_addr_t dma;
	u32 log2;
	u32 dwords;
	u32 prod;
	u32 cons;
	void __iomem *prod_reg;
	void __iomem *cons_reg;
};

/**
 * struct smmuv3_stats - counters of one SMMU, shown in debugfs (with
 *	&smmuv3_device.cmdq_cmds and cmdq_syncs)
 * @cfgi: configuration invalidations (part of the commands issued)
 * @sync: iotlb_sync counters (shared layer): calls with a range, those the
 *	skip_flush fault attribute dropped
 * @user_inv: vIOMMU invalidation arrays handled
 * @user_inv_skipped: vIOMMU invalidation arrays the skip_user_inv test
 *	hook dropped
 * @events: event records consumed
 * @faults: translation, address-size, access and permission faults among
 *	them, those not delivered to a vEVENTQ
 * @vevents: events delivered to a vEVENTQ (iommufd_viommu_report_event()
 *	took them; the vEVENTQ may still drop them when full)
 * @evtq_overflows: times events were lost: the event queue overflowed
 *	(PROD.OVFLG), or a write to it aborted (GERROR.EVTQ_ABT_ERR, which is
 *	what QEMU raises for each event it drops on a full queue)
 * @gerrors: global errors handled
 * @sync_timeouts: CMD_SYNCs that did not complete in time
 * @live_viommus: vIOMMUs that exist now (a gauge, not a count)
 * @live_nested: nested domains that exist now (a gauge)
 * @live_vdevices: vDEVICEs that exist now (a gauge)
 */
struct smmuv3_stats {
	atomic64_t cfgi;
	struct alist_sync_stats sync;
	atomic64_t user_inv;
	atomic64_t user_inv_skipped;
	atomic64_t events;
	atomic64_t faults;
	atomic64_t vevents;
	atomic64_t evtq_overflows;
	atomic64_t gerrors;
	atomic64_t sync_timeouts;
	atomic64_t live_viommus;
	atomic64_t live_nested;
	atomic64_t live_vdevices;
};

/**
 * struct smmuv3_device - one SMMU
 * @node: in the driver's list of SMMUs
 * @dev: its platform device
 * @base: MMIO
 * @iommu: the IOMMU core's handle
 * @features: SMMUV3_FEAT_*
 * @idr: ID registers IDR0..5
 * @iidr: IIDR
 * @aidr: AIDR
 * @instance: the core's instance number (alist_target.instance)
 * @sid_bits: StreamID width used
 * @asid_bits: ASID width
 * @vmid_bits: VMID width
 * @oas: output address size, bits
 * @pgsize_bitmap: page sizes the tables may use
 * @params: the core's invalidation parameters
 * @cmdq: the command queue
 * @cmdq_lock: serializes @cmdq, @cmdq_issued, @cmdq_consumed, @cmdq_failed,
 *	@cmdq_nfailed and @cmdq_stall; held to place commands, to sample CONS and to
 *	handle a global error; across a wait only when a batch finds the queue
 *	full (smmuv3_cmdq_drain_locked(), bounded by the queue time-out)
 * @cmdq_issued: commands ever placed in @cmdq (free-running)
 * @cmdq_consumed: commands the SMMU ever consumed from @cmdq, as last
 *	sampled from CONS
 * @cmdq_failed: positions (in @cmdq_issued terms) of the last commands
 *	that failed (skipped, or a CMD_SYNC that saw an ATC timeout)
 * @cmdq_nfailed: failures ever noted in @cmdq_failed
 * @cmdq_stall: @cmdq_consumed when a wait last gave up
 *	(alist_queue_stall_note())
 * @cmdq_cmds: commands issued, CMD_SYNC not included (debugfs "cmds"):
 *	added to under @cmdq_lock, which the submission holds anyway (no
 *	atomic per submission); read without it
 * @cmdq_syncs: CMD_SYNCs issued (debugfs "syncs"), as @cmdq_cmds
 * @evtq: the event queue
 * @evtq_lock: serializes the consumer of @evtq
 * @streams: StreamID -> struct smmuv3_master, for the event thread;
 *	written at probe_device and release_device, read under @vevent_lock
 * @vevent_lock: keeps a master found in @streams, its @vsmmu and @vdev
 *	alive while an event is reported to user space; writers of those
 *	take it too. Inside @evtq_lock; never held with @entry_lock
 * @strtab: level-1 descriptors (2-level) or STEs (linear)
 * @strtab_dma: bus address of @strtab
 * @l2: level-2 tables, by level-1 index (2-level only)
 * @l2_dma: their bus addresses
 * @num_l1: level-1 entries (2-level only)
 * @strtab_lock: serializes level-2 table allocation
 * @entry_lock: serializes every write of an STE of @strtab and of a CD of
 *	one of the SMMU's masters (smmuv3_ste_write(), smmuv3_cd_write():
 *	multi-step sequences with CMD_SYNCs that must not interleave). Held
 *	only around an attach's hardware switch, never with the core's update
 *	lock or a domain's lock; @cmdq_lock nests inside it
 * @stats: counters
 * @irq_ctrl: the IRQ_CTRL bits of the interrupts requested
 * @debugfs: this SMMU's debugfs directory
 * @test_evtq_hold: test builds: the event queue is not drained while set
 *	(debugfs evtq_hold), so a fault storm overflows it
 * @rec: KUnit recording queue (the shared layer's), or NULL: commands
 *	are recorded, not issued
 */
struct smmuv3_device {
	struct list_head node;
	struct device *dev;
	void __iomem *base;
	struct iommu_device iommu;
	u32 features;
	u32 idr[6];
	u32 iidr;
	u32 aidr;
	u32 instance;
	unsigned int sid_bits;
	unsigned int asid_bits;
	unsigned int vmid_bits;
	unsigned int oas;
	unsigned long pgsize_bitmap;
	struct alist_smmuv3_params params;
	struct smmuv3_queue cmdq;
	spinlock_t cmdq_lock;		/* @cmdq and the cmdq_* fields below */
	u64 cmdq_issued;
	u64 cmdq_consumed;
	u64 cmdq_failed[SMMUV3_CMDQ_FAILED_LOG];
	u64 cmdq_nfailed;
	u64 cmdq_stall;
	u64 cmdq_cmds;
	u64 cmdq_syncs;
	struct smmuv3_queue evtq;
	struct mutex evtq_lock;		/* the one consumer of @evtq */
	struct xarray streams;		/* StreamID -> master */
	struct mutex vevent_lock;	/* masters' vsmmu and vdev */
	__le64 *strtab;
	dma_addr_t strtab_dma;
	__le64 **l2;
	dma_addr_t *l2_dma;
	unsigned int num_l1;
	struct mutex strtab_lock;	/* level-2 table allocation */
	struct mutex entry_lock;	/* every STE and CD write */
	struct smmuv3_stats stats;
	u32 irq_ctrl;
	struct dentry *debugfs;
#ifdef CONFIG_IOMMU_ALIST_TEST_HOOKS
	bool test_evtq_hold;
#endif
	struct alist_recorder *rec;
};

enum smmuv3_stage {
	SMMUV3_STAGE_S1,
	SMMUV3_STAGE_S2,
};

/**
 * struct smmuv3_domain - a paging domain (stage 1 or stage 2)
 * @domain: the IOMMU core's domain
 * @smmu: the SMMU whose tables and tags it uses
 * @stage: stage 1 (ASID) or stage 2 (VMID)
 * @tag: the ASID or VMID
 * @nest_parent: allocated with IOMMU_HWPT_ALLOC_NEST_PARENT
 * @lock: protects @enforce_cc and @non_canwbs (as Linux's devices_lock
 *	guards its coherency check): taken on its own by
 *	enforce_cache_coherency(), and by an attach around the check and the
 *	count of the domain it joins (up to the commit), then briefly for the
 *	count of the domain it left. Before the core's update lock in the
 *	lock order; never two domains' at once
 * @enforce_cc: enforce_cache_coherency() succeeded: only CANWBS masters
 *	may attach from then on; under @lock
 * @non_canwbs: masters attached (directly or through a nested domain)
 *	that are not CANWBS; under @lock
 * @params: the core's invalidation parameters for its tables
 * @pgtbl: the io-pgtable
 * @cfg: the io-pgtable configuration (TTBR/TCR/VTCR)
 * @list: the core's attach list (its writers are serialized by the shared
 *	layer, under the core's update lock)
 */
struct smmuv3_domain {
	struct iommu_domain domain;
	struct smmuv3_device *smmu;
	enum smmuv3_stage stage;
	u32 tag;
	bool nest_parent;
	struct mutex lock;	/* enforce_cc, non_canwbs */
	bool enforce_cc;
	unsigned int non_canwbs;
	struct alist_smmuv3_params params;
	struct io_pgtable_ops *pgtbl;
	struct io_pgtable_cfg cfg;
	struct alist_list *list;
};

/**
 * struct smmuv3_viommu - a vSMMU (IOMMU_VIOMMU_TYPE_ARM_SMMUV3)
 * @core: iommufd's object, must be first
 * @smmu: the physical SMMU
 * @parent: the nest parent (stage 2)
 * @vmid: the vSMMU's own VMID
 * @shared: the shared layer's part: the vSID -> pSID table and the
 *	commands of one invalidation array fill (64: upstream's
 *	CMDQ_BATCH_ENTRIES; the queue lock is held for at most that many)
 */
struct smmuv3_viommu {
	struct iommufd_viommu core;
	struct smmuv3_device *smmu;
	struct smmuv3_domain *parent;
	u32 vmid;
	struct alist_viommu shared;
};

/**
 * struct smmuv3_vdevice - a vDEVICE of a vSMMU
 * @core: iommufd's object, must be first
 * @vsid: the virtual StreamID it was given
 */
struct smmuv3_vdevice {
	struct iommufd_vdevice core;
	u64 vsid;
};

static inline struct smmuv3_viommu *smmuv3_vdev_viommu(struct smmuv3_vdevice *vdev)
{
	return container_of(vdev->core.viommu, struct smmuv3_viommu, core);
}

/**
 * struct smmuv3_nested - a nested domain: a user stage-1 STE fragment
 * @domain: the IOMMU core's domain
 * @viommu: its vSMMU
 * @ste: the validated vSTE words 0 and 1
 * @list: the core's attach list (the nested SMMU_S1 targets)
 */
struct smmuv3_nested {
	struct iommu_domain domain;
	struct smmuv3_viommu *viommu;
	u64 ste[2];
	struct alist_list *list;
};

#define SMMUV3_MAX_TARGETS	2

struct smmuv3_attach;

/**
 * struct smmuv3_master - a device behind an SMMU
 * @smmu: its SMMU
 * @dev: the device
 * @sids: StreamIDs, sorted
 * @num_sids: number of @sids
 * @cd: its one-entry context-descriptor table (stage 1)
 * @cd_dma: bus address of @cd
 * @domain: the domain attached: paging, nested, identity or blocked
 * @targets: what it put on the attach list of @domain
 * @num_targets: entries of @targets
 * @list: the list @targets are on
 * @parent_list: for a nested @domain, its parent's list
 * @cc_domain: the paging domain whose @non_canwbs counts this master (the
 *	attached paging domain, or the parent of a nested one), or NULL
 * @canwbs: the root complex says the device's traffic is always
 *	write-back cacheable (IOMMU_FWSPEC_PCI_RC_CANWBS)
 * @attach: scratch for attach_dev, allocated at probe so that an attach
 *	to the blocked or identity domain needs no memory; attaches of one
 *	device are serialized by its group mutex
 * @vsmmu: the vSMMU of the nested domain attached, or NULL; written under
 *	the SMMU's vevent_lock
 * @vdev: the device's vDEVICE, or NULL; written under the SMMU's
 *	vevent_lock. Events of a master whose @vdev is on @vsmmu go to that
 *	vSMMU's vEVENTQ
 *
 * @domain, @targets, @num_targets, @list, @parent_list and @cc_domain
 * change only in an attach of the device, which the IOMMU core's group
 * mutex serializes; @cd is written under the SMMU's entry_lock.
 */
struct smmuv3_master {
	struct smmuv3_device *smmu;
	struct device *dev;
	u32 *sids;
	unsigned int num_sids;
	__le64 *cd;
	dma_addr_t cd_dma;
	struct iommu_domain *domain;
	struct alist_target targets[SMMUV3_MAX_TARGETS];
	unsigned int num_targets;
	struct alist_list *list;
	struct alist_list *parent_list;
	struct smmuv3_domain *cc_domain;
	bool canwbs;
	struct smmuv3_attach *attach;
	struct smmuv3_viommu *vsmmu;
	struct smmuv3_vdevice *vdev;
};

/**
 * struct smmuv3_attach - one attach, as smmuv3_master_install() needs it
 * @domain: the new domain
 * @cc_domain: the paging domain the master joins for cache-coherency
 *	accounting (the domain, or a nested domain's parent), or NULL
 * @ste: its STE (8 words)
 * @cd: its CD (8 words), when @has_cd
 * @has_cd: the domain is stage 1: @cd goes into the master's CD table
 * @t: its targets
 * @n: number of @t
 * @list: the attach list @t go on (NULL when @n is 0)
 * @parent_list: for a nested domain, its parent's list
 * @vsmmu: for a nested domain, its vSMMU
 */
struct smmuv3_attach {
	struct iommu_domain *domain;
	struct smmuv3_domain *cc_domain;
	u64 ste[SMMUV3_STE_DWORDS];
	u64 cd[SMMUV3_CD_DWORDS];
	bool has_cd;
	struct alist_target t[SMMUV3_MAX_TARGETS];
	unsigned int n;
	struct alist_list *list;
	struct alist_list *parent_list;
	struct smmuv3_viommu *vsmmu;
};

static inline struct smmuv3_domain *to_smmuv3_domain(struct iommu_domain *d)
{
	return container_of(d, struct smmuv3_domain, domain);
}

static inline struct smmuv3_nested *to_smmuv3_nested(struct iommu_domain *d)
{
	return container_of(d, struct smmuv3_nested, domain);
}

/* queue.c */
int smmuv3_queue_alloc(struct smmuv3_device *smmu, struct smmuv3_queue *q,
		       u32 log2, u32 dwords, u32 base, u32 prod, u32 cons);
int smmuv3_cmdq_init(struct smmuv3_device *smmu);
#define SMMUV3_SPAN_NONE	U64_MAX
int smmuv3_cmdq_submit_span(struct smmuv3_device *smmu, const struct alist_cmd *cmds,
			    unsigned int n, bool sync, u64 *span);
int smmuv3_cmdq_submit(struct smmuv3_device *smmu, const struct alist_cmd *cmds,
		       unsigned int n, bool sync);
void smmuv3_cmdq_fix_error(struct smmuv3_device *smmu);
int smmuv3_cmdq_submit_batch(void *owner, const struct alist_inv_batch *b,
			     int nr);
extern const struct alist_queue_ops smmuv3_queue_ops;
void smmuv3_cmd_cfgi_ste(struct alist_cmd *cmd, u32 sid);
void smmuv3_cmd_cfgi_all(struct alist_cmd *cmd);
int smmuv3_sync_ste(struct smmuv3_device *smmu, u32 sid);

/**
 * smmuv3_cmd_opcode() - the opcode of a command
 * @cmd: the command
 *
 * What the shared layer's recorder counts commands by (alist_rec_init()).
 * No lock needed.
 * Return: bits [7:0] of dword 0.
 */
static inline unsigned int smmuv3_cmd_opcode(const struct alist_cmd *cmd)
{
	return FIELD_GET(SMMUV3_CMD_OP, cmd->w[0]);
}

/* fault.c */
int smmuv3_evtq_init(struct smmuv3_device *smmu);
void smmuv3_evtq_drain(struct smmuv3_device *smmu);
int smmuv3_irqs_request(struct smmuv3_device *smmu);
int smmuv3_irqs_enable(struct smmuv3_device *smmu);
void smmuv3_gerror_handle(struct smmuv3_device *smmu);

/* entries.c */
int smmuv3_strtab_init(struct smmuv3_device *smmu);
int smmuv3_strtab_prepare_sid(struct smmuv3_device *smmu, u32 sid);
__le64 *smmuv3_ste_ptr(struct smmuv3_device *smmu, u32 sid);
void smmuv3_ste_abort(u64 *ste);
void smmuv3_ste_bypass(u64 *ste);
void smmuv3_ste_s1(u64 *ste, dma_addr_t cd_dma, u32 features);
void smmuv3_ste_s2(u64 *ste, const struct smmuv3_domain *d, u32 vmid);
void smmuv3_ste_nested(u64 *ste, const u64 *vste, const struct smmuv3_domain *parent,
		       u32 vmid, u32 features);
int smmuv3_cd_s1(u64 *cd, const struct smmuv3_domain *d);
int smmuv3_ste_write(struct smmuv3_device *smmu, u32 sid, __le64 *slot,
		     const u64 *target);
int smmuv3_cd_write(struct smmuv3_master *master, const u64 *cd);

/* domain.c */
extern const struct iommu_domain_ops smmuv3_paging_ops;
struct iommu_domain *smmuv3_domain_alloc_paging_flags(struct device *dev, u32 flags,
						      const struct iommu_user_data *user_data);
extern struct alist_test_hooks smmuv3_test_hooks;

/* The queue of a flush on SMMU @dev with the parameters @par. */
#define SMMUV3_QUEUE(dev, par)						\
	((const struct alist_queue){ .ops = &smmuv3_queue_ops,		\
				     .owner = (dev), .params = (par) })

/*
 * smmuv3_inv_range() - invalidate a range of a domain on every SMMU using
 * it: alist_flush_range() with the domain's parameters. Context and
 * return as alist_flush_range().
 */
static inline int smmuv3_inv_range(struct smmuv3_domain *d, unsigned long start,
				   unsigned long last, unsigned int granule_lg2,
				   bool leaf)
{
	return alist_flush_range(&SMMUV3_QUEUE(d->smmu, &d->params), d->list,
				 start, last, leaf ? ALIST_INV_LEAF : 0,
				 granule_lg2);
}

/*
 * smmuv3_flush_targets() - leave clean the targets that left a list, all
 * on @smmu: alist_flush_left() with the SMMU's parameters.
 */
static inline void smmuv3_flush_targets(struct smmuv3_device *smmu,
					const struct alist_target *t,
					unsigned int n)
{
	alist_flush_left(&SMMUV3_QUEUE(smmu, &smmu->params), t, n);
}

/* device.c */
extern const struct iommu_ops smmuv3_iommu_ops;
extern struct iommu_domain smmuv3_identity_domain;
extern struct iommu_domain smmuv3_blocked_domain;
int smmuv3_attach_paging(struct iommu_domain *domain, struct device *dev,
			 struct iommu_domain *old);
int smmuv3_attach_nested(struct iommu_domain *domain, struct device *dev,
			 struct iommu_domain *old);

/* main.c */
struct smmuv3_device *smmuv3_find_by_fwnode(struct fwnode_handle *fwnode);
struct smmuv3_device *smmuv3_from_instance(u32 instance);

/* iommufd.c */
void *smmuv3_hw_info(struct device *dev, u32 *length, enum iommu_hw_info_type *type);
size_t smmuv3_get_viommu_size(struct device *dev, enum iommu_viommu_type type);
int smmuv3_viommu_init(struct iommufd_viommu *viommu, struct iommu_domain *parent,
		       const struct iommu_user_data *user_data);
struct iommu_vevent_arm_smmuv3;
int smmuv3_vevent_report(struct smmuv3_viommu *vsmmu,
			 struct iommu_vevent_arm_smmuv3 *vevt);

/* domain.c: tags */
int smmuv3_tag_alloc(struct smmuv3_device *smmu, enum smmuv3_stage stage, u32 *tag);
bool smmuv3_domain_compatible(const struct smmuv3_domain *d,
			      const struct smmuv3_device *smmu);
void smmuv3_domain_params_add(struct smmuv3_domain *d,
			      const struct smmuv3_device *smmu);
void smmuv3_tag_free(enum smmuv3_stage stage, u32 tag);

/* debugfs.c */
struct dentry *smmuv3_debugfs_root(void);
void smmuv3_debugfs_add(struct smmuv3_device *smmu);
void smmuv3_debugfs_remove(struct smmuv3_device *smmu);
void smmuv3_debugfs_exit(void);

/*
 * Used only inside their own file, and by the KUnit suites: static
 * (VISIBLE_IF_KUNIT) in a kernel without KUnit, so declared only with it.
 * Anything called from another file of the driver is declared above and
 * is never VISIBLE_IF_KUNIT.
 */
#if IS_ENABLED(CONFIG_KUNIT)
int smmuv3_master_install(struct smmuv3_master *master, struct smmuv3_attach *a);
bool smmuv3_evt_to_user(struct smmuv3_device *smmu, const u64 *evt);
bool smmuv3_viommu_allowed(u32 features, bool canwbs, bool allow_noncoherent,
			   bool *tainted);
int smmuv3_viommu_invalidate(struct smmuv3_viommu *vsmmu,
			     struct iommu_user_data_array *array);
int smmuv3_reset(struct smmuv3_device *smmu);
unsigned int smmuv3_strtab_l1_bits(unsigned int sid_bits);
int smmuv3_instance_get(struct smmuv3_device *smmu);
void smmuv3_instance_put(struct smmuv3_device *smmu);
#endif

#endif /* ALIST_SMMUV3_H */
