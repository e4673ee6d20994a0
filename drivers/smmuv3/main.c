// SPDX-License-Identifier: GPL-2.0
/*
 * alist_smmuv3.ko: the platform driver for the DT "arm,smmu-v3" node.
 *
 * Probe reads the ID registers, resets the SMMU (disabled, queues and
 * stream table programmed, every configuration and TLB entry invalidated),
 * enables it with every StreamID aborting until a device is attached, and
 * registers it with the IOMMU core. The PCI devices behind it defer their
 * probe until then.
 */
#define pr_fmt(fmt) "alist_smmuv3: " fmt

#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <kunit/visibility.h>

#include "smmuv3.h"

#define SMMUV3_ACK_TIMEOUT_US	100000

static DEFINE_IDA(smmuv3_instances);
/* By instance number: a flush finds the SMMU of each target (lock-free) */
static struct smmuv3_device *smmuv3_by_instance[SMMUV3_MAX_INSTANCES];
/* Every SMMU from before its registration until its removal */
static LIST_HEAD(smmuv3_list);
static DEFINE_MUTEX(smmuv3_list_lock);

/**
 * smmuv3_instance_get() - give an SMMU its instance number and publish it
 * @smmu: the SMMU, reset and able to take commands
 *
 * From here on a flush of a domain with targets on @smmu finds it
 * (smmuv3_from_instance()).
 *
 * Context: process. No lock needed.
 * Return: 0, -ENOSPC past SMMUV3_MAX_INSTANCES SMMUs, or -ENOMEM.
 */
VISIBLE_IF_KUNIT int smmuv3_instance_get(struct smmuv3_device *smmu)
{
	int id = ida_alloc_max(&smmuv3_instances, SMMUV3_MAX_INSTANCES - 1,
			       GFP_KERNEL);

	if (id < 0)
		return id;
	smmu->instance = id;
	/* Its fields are visible before the pointer is */
	smp_store_release(&smmuv3_by_instance[id], smmu);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_instance_get);

/**
 * smmuv3_instance_put() - withdraw an SMMU's instance number
 * @smmu: the SMMU, with no target on any domain's list left
 *
 * Context: process. No lock needed.
 */
VISIBLE_IF_KUNIT void smmuv3_instance_put(struct smmuv3_device *smmu)
{
	WRITE_ONCE(smmuv3_by_instance[smmu->instance], NULL);
	ida_free(&smmuv3_instances, smmu->instance);
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_instance_put);

/**
 * smmuv3_from_instance() - the SMMU of a core instance number
 * @instance: struct alist_target.instance
 *
 * Context: any. An SMMU is published before it has targets and withdrawn
 * only once it has none (probed SMMUs stay until module exit).
 * Return: the SMMU, or NULL.
 */
struct smmuv3_device *smmuv3_from_instance(u32 instance)
{
	if (instance >= SMMUV3_MAX_INSTANCES)
		return NULL;
	/* Pairs with smmuv3_instance_get(): the SMMU's fields come with it */
	return smp_load_acquire(&smmuv3_by_instance[instance]);
}

/**
 * smmuv3_find_by_fwnode() - the SMMU of a firmware node
 * @fwnode: the SMMU's node (a fwspec's iommu_fwnode)
 *
 * Works from the SMMU's own registration on (its devices are probed
 * before its platform driver is bound). Takes smmuv3_list_lock; the SMMU
 * outlives every device probed on it.
 * Return: the SMMU, or NULL if this driver does not own @fwnode.
 */
struct smmuv3_device *smmuv3_find_by_fwnode(struct fwnode_handle *fwnode)
{
	struct smmuv3_device *smmu, *found = NULL;

	mutex_lock(&smmuv3_list_lock);
	list_for_each_entry(smmu, &smmuv3_list, node) {
		if (dev_fwnode(smmu->dev) == fwnode) {
			found = smmu;
			break;
		}
	}
	mutex_unlock(&smmuv3_list_lock);
	return found;
}

static const unsigned int smmuv3_oas_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

static int smmuv3_read_idrs(struct smmuv3_device *smmu)
{
	unsigned int i, oas;
	u32 ttf;

	for (i = 0; i < ARRAY_SIZE(smmu->idr); i++)
		smmu->idr[i] = readl_relaxed(smmu->base + SMMUV3_IDR0 + 4 * i);
	smmu->iidr = readl_relaxed(smmu->base + SMMUV3_IIDR);
	smmu->aidr = readl_relaxed(smmu->base + SMMUV3_AIDR);

	ttf = FIELD_GET(SMMUV3_IDR0_TTF, smmu->idr[0]);
	if (!(ttf & 2)) {
		dev_err(smmu->dev, "no AArch64 table format\n");
		return -ENXIO;
	}
	if (smmu->idr[0] & SMMUV3_IDR0_S1P)
		smmu->features |= SMMUV3_FEAT_S1;
	if (smmu->idr[0] & SMMUV3_IDR0_S2P)
		smmu->features |= SMMUV3_FEAT_S2;
	if (!(smmu->features & (SMMUV3_FEAT_S1 | SMMUV3_FEAT_S2)))
		return -ENXIO;
	/*
	 * The firmware's word as the platform bus applied it: dma-coherent
	 * (DT) or the IORT node's COHACC override (ACPI, where the node has
	 * no properties to ask).
	 */
	if ((smmu->idr[0] & SMMUV3_IDR0_COHACC) && dev_is_dma_coherent(smmu->dev))
		smmu->features |= SMMUV3_FEAT_COHERENT;
	if (FIELD_GET(SMMUV3_IDR0_ST_LEVEL, smmu->idr[0]) == 1)
		smmu->features |= SMMUV3_FEAT_2LVL_STRTAB;
	if (smmu->idr[0] & SMMUV3_IDR0_ATS)
		smmu->features |= SMMUV3_FEAT_ATS;
	if (smmu->idr[0] & SMMUV3_IDR0_MSI)
		smmu->features |= SMMUV3_FEAT_MSI;
	if (smmu->idr[0] & SMMUV3_IDR0_SEV)
		smmu->features |= SMMUV3_FEAT_SEV;
	if (smmu->idr[3] & SMMUV3_IDR3_RIL)
		smmu->features |= SMMUV3_FEAT_RIL;
	if (smmu->idr[3] & SMMUV3_IDR3_FWB)
		smmu->features |= SMMUV3_FEAT_FWB;
	if (smmu->idr[0] & SMMUV3_IDR0_CD2L)
		smmu->features |= SMMUV3_FEAT_CD2L;
	if (smmu->idr[5] & SMMUV3_IDR5_DS)
		smmu->features |= SMMUV3_FEAT_DS;
	switch (FIELD_GET(SMMUV3_IDR0_STALL_MODEL, smmu->idr[0])) {
	case SMMUV3_STALL_MODEL_BOTH:
		smmu->features |= SMMUV3_FEAT_STALLS;
		break;
	case SMMUV3_STALL_MODEL_FORCE:
		/* Every CD would need S=1, and nothing here resumes a stall. */
		dev_err(smmu->dev, "stall-only SMMU: stall faults are not handled\n");
		return -ENXIO;
	default:
		break;
	}

	if (smmu->idr[1] & (SMMUV3_IDR1_QUEUES_PRESET | SMMUV3_IDR1_TABLES_PRESET)) {
		dev_err(smmu->dev, "preset queues or tables are not supported\n");
		return -ENXIO;
	}
	smmu->sid_bits = FIELD_GET(SMMUV3_IDR1_SIDSIZE, smmu->idr[1]);
	/* A linear table of every StreamID must stay allocatable. */
	if (!(smmu->features & SMMUV3_FEAT_2LVL_STRTAB))
		smmu->sid_bits = min_t(unsigned int, smmu->sid_bits, 16);
	smmu->asid_bits = (smmu->idr[0] & SMMUV3_IDR0_ASID16) ? 16 : 8;
	smmu->vmid_bits = (smmu->idr[0] & SMMUV3_IDR0_VMID16) ? 16 : 8;

	oas = FIELD_GET(SMMUV3_IDR5_OAS, smmu->idr[5]);
	smmu->oas = oas < ARRAY_SIZE(smmuv3_oas_bits) ? smmuv3_oas_bits[oas] : 48;
	/* io-pgtable LPAE with 4K pages: 52-bit output needs LPA2 */
	smmu->oas = min_t(unsigned int, smmu->oas, 48);
	if (smmu->idr[5] & SMMUV3_IDR5_GRAN4K)
		smmu->pgsize_bitmap |= SZ_4K | SZ_2M | SZ_1G;
	if (smmu->idr[5] & SMMUV3_IDR5_GRAN16K)
		smmu->pgsize_bitmap |= SZ_16K | SZ_32M;
	if (smmu->idr[5] & SMMUV3_IDR5_GRAN64K)
		smmu->pgsize_bitmap |= SZ_64K | SZ_512M;
	/* Keep the granule of the CPU pages when the SMMU has it. */
	if (smmu->pgsize_bitmap & PAGE_SIZE) {
		if (PAGE_SIZE == SZ_4K)
			smmu->pgsize_bitmap &= SZ_4K | SZ_2M | SZ_1G;
		else if (PAGE_SIZE == SZ_16K)
			smmu->pgsize_bitmap &= SZ_16K | SZ_32M;
		else
			smmu->pgsize_bitmap &= SZ_64K | SZ_512M;
	}
	if (!smmu->pgsize_bitmap)
		return -ENXIO;

	smmu->params.ril = !!(smmu->features & SMMUV3_FEAT_RIL);
	smmu->params.tg_lg2 = __ffs(smmu->pgsize_bitmap);
	smmu->params.ats = !!(smmu->features & SMMUV3_FEAT_ATS);
	/* What a vSMMU's commands may name: Linux refuses the rest too. */
	if (smmu->asid_bits == 16)
		smmu->params.user_caps |= ALIST_SMMUV3_USER_ASID16;
	if (FIELD_GET(SMMUV3_IDR1_SSIDSIZE, smmu->idr[1]))
		smmu->params.user_caps |= ALIST_SMMUV3_USER_SSID;
	if (smmu->features & SMMUV3_FEAT_DS)
		smmu->params.user_caps |= ALIST_SMMUV3_USER_DS;
	/*
	 * Linux 7.3's limits: without RIL, the whole ASID/VMID from 512
	 * TLBIs on (MAX_TLBI_OPS); one ATC_INV per device and request. The
	 * cover policy's costs are the core's defaults (params.cost NULL).
	 */
	smmu->params.max_tlbi_cmds = 511;
	smmu->params.max_atc_cmds = 1;
	return 0;
}

static int smmuv3_write_cr0(struct smmuv3_device *smmu, u32 val)
{
	u32 ack;

	writel_relaxed(val, smmu->base + SMMUV3_CR0);
	return readl_relaxed_poll_timeout(smmu->base + SMMUV3_CR0ACK, ack, ack == val,
					  1, SMMUV3_ACK_TIMEOUT_US);
}

/*
 * Make transactions abort while the SMMU is disabled (GBPA.ABORT), waiting
 * for any update in flight and then for this one.
 */
static int smmuv3_gbpa_abort(struct smmuv3_device *smmu)
{
	void __iomem *gbpa = smmu->base + SMMUV3_GBPA;
	u32 reg;
	int ret;

	ret = readl_relaxed_poll_timeout(gbpa, reg, !(reg & SMMUV3_GBPA_UPDATE),
					 1, SMMUV3_ACK_TIMEOUT_US);
	if (ret)
		return ret;
	writel_relaxed(reg | SMMUV3_GBPA_ABORT | SMMUV3_GBPA_UPDATE, gbpa);
	return readl_relaxed_poll_timeout(gbpa, reg, !(reg & SMMUV3_GBPA_UPDATE),
					  1, SMMUV3_ACK_TIMEOUT_US);
}

/*
 * Stop the SMMU using memory: interrupts off, then SMMUEN and the queues
 * off, waiting for each acknowledgment. Called before the queues and the
 * stream table are freed (probe failure, remove).
 */
static int smmuv3_disable(struct smmuv3_device *smmu)
{
	u32 ack;
	int ret;

	writel_relaxed(0, smmu->base + SMMUV3_IRQ_CTRL);
	ret = readl_relaxed_poll_timeout(smmu->base + SMMUV3_IRQ_CTRLACK, ack, !ack,
					 1, SMMUV3_ACK_TIMEOUT_US);
	ret = smmuv3_write_cr0(smmu, 0) ?: ret;
	if (ret)
		dev_err(smmu->dev, "cannot disable the SMMU: %d\n", ret);
	return ret;
}

/**
 * smmuv3_reset() - program and enable an SMMU
 * @smmu: the SMMU, ID registers read
 *
 * Everything that can fail for lack of memory or interrupts happens while
 * the SMMU is disabled; only then are the command queue, the event queue,
 * the interrupts and finally translation turned on. A failure after that
 * disables the SMMU again (waiting for CR0ACK) before returning, so the
 * memory freed after a failed probe is never used by the SMMU.
 *
 * Context: probe; may sleep.
 * Return: 0 or a negative errno; on error the SMMU is disabled.
 */
VISIBLE_IF_KUNIT int smmuv3_reset(struct smmuv3_device *smmu)
{
	struct alist_cmd cmd[2] = {};
	u32 cr0 = 0;
	int ret;

	/*
	 * Left enabled (firmware, a previous kernel): disabling it would let
	 * the devices' DMA bypass it. Abort instead, until translation is on.
	 */
	if (readl_relaxed(smmu->base + SMMUV3_CR0) & SMMUV3_CR0_SMMUEN) {
		dev_warn(smmu->dev, "found enabled: transactions abort while it is reset\n");
		ret = smmuv3_gbpa_abort(smmu);
		if (ret) {
			dev_err(smmu->dev, "cannot set GBPA.ABORT\n");
			return ret;
		}
	}
	ret = smmuv3_write_cr0(smmu, 0);
	if (ret) {
		dev_err(smmu->dev, "cannot disable the SMMU\n");
		return ret;
	}
	writel_relaxed(FIELD_PREP(SMMUV3_CR1_TABLE_SH, SMMUV3_CR1_SH_ISH) |
		       FIELD_PREP(SMMUV3_CR1_TABLE_OC, SMMUV3_CR1_CACHE_WB) |
		       FIELD_PREP(SMMUV3_CR1_TABLE_IC, SMMUV3_CR1_CACHE_WB) |
		       FIELD_PREP(SMMUV3_CR1_QUEUE_SH, SMMUV3_CR1_SH_ISH) |
		       FIELD_PREP(SMMUV3_CR1_QUEUE_OC, SMMUV3_CR1_CACHE_WB) |
		       FIELD_PREP(SMMUV3_CR1_QUEUE_IC, SMMUV3_CR1_CACHE_WB),
		       smmu->base + SMMUV3_CR1);
	writel_relaxed(SMMUV3_CR2_RECINVSID | SMMUV3_CR2_PTM, smmu->base + SMMUV3_CR2);

	ret = smmuv3_strtab_init(smmu);
	if (ret)
		return ret;
	ret = smmuv3_cmdq_init(smmu);
	if (ret)
		return ret;
	ret = smmuv3_evtq_init(smmu);
	if (ret)
		return ret;
	/* Interrupt lines before anything is enabled: this may fail. */
	ret = smmuv3_irqs_request(smmu);
	if (ret)
		return ret;

	cr0 |= SMMUV3_CR0_CMDQEN;
	ret = smmuv3_write_cr0(smmu, cr0);
	if (ret)
		goto err_disable;
	/* Nothing cached survives from before: configuration, then TLBs. */
	smmuv3_cmd_cfgi_all(&cmd[0]);
	cmd[1].w[0] = FIELD_PREP(SMMUV3_CMD_OP, SMMUV3_OP_TLBI_NSNH_ALL);
	ret = smmuv3_cmdq_submit(smmu, cmd, 2, true);
	if (ret)
		goto err_disable;

	cr0 |= SMMUV3_CR0_EVTQEN;
	/*
	 * Translated (ATS) requests checked against the STE, never trusted;
	 * set before SMMUEN, which it must not change under.
	 */
	if (smmu->features & SMMUV3_FEAT_ATS)
		cr0 |= SMMUV3_CR0_ATSCHK;
	ret = smmuv3_write_cr0(smmu, cr0);
	if (ret)
		goto err_disable;
	ret = smmuv3_irqs_enable(smmu);
	if (ret)
		goto err_disable;
	cr0 |= SMMUV3_CR0_SMMUEN;
	ret = smmuv3_write_cr0(smmu, cr0);
	if (ret)
		goto err_disable;
	return 0;

err_disable:
	smmuv3_disable(smmu);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(smmuv3_reset);

static int smmuv3_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smmuv3_device *smmu;
	struct resource *res;
	int ret;

	smmu = devm_kzalloc(dev, sizeof(*smmu), GFP_KERNEL);
	if (!smmu)
		return -ENOMEM;
	smmu->dev = dev;
	xa_init(&smmu->streams);
	mutex_init(&smmu->vevent_lock);
	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res || resource_size(res) < SMMUV3_MMIO_MIN_SIZE) {
		dev_err(dev, "MMIO region missing or too small\n");
		return -EINVAL;
	}
	smmu->base = devm_ioremap_resource(dev, res);
	if (IS_ERR(smmu->base))
		return PTR_ERR(smmu->base);
	platform_set_drvdata(pdev, smmu);

	ret = smmuv3_read_idrs(smmu);
	if (ret)
		return ret;
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(smmu->oas));
	if (ret)
		return ret;
	ret = smmuv3_reset(smmu);
	if (ret)
		return ret;
	ret = smmuv3_instance_get(smmu);
	if (ret)
		goto err_disable_only;
	dev_info(dev,
		 "alist SMMUv3 instance %u: features 0x%x, oas %u, sid %u, asid %u, vmid %u bits, cmdq %u, evtq %u entries\n",
		 smmu->instance, smmu->features, smmu->oas, smmu->sid_bits,
		 smmu->asid_bits, smmu->vmid_bits, 1U << smmu->cmdq.log2,
		 1U << smmu->evtq.log2);
	smmuv3_debugfs_add(smmu);

	ret = iommu_device_sysfs_add(&smmu->iommu, dev, NULL, "smmu3.%pa", &res->start);
	if (ret)
		goto err_disable;
	mutex_lock(&smmuv3_list_lock);
	list_add_tail(&smmu->node, &smmuv3_list);
	mutex_unlock(&smmuv3_list_lock);
	ret = iommu_device_register(&smmu->iommu, &smmuv3_iommu_ops, dev);
	if (ret)
		goto err_list_del;
	return 0;

err_list_del:
	mutex_lock(&smmuv3_list_lock);
	list_del(&smmu->node);
	mutex_unlock(&smmuv3_list_lock);
	iommu_device_sysfs_remove(&smmu->iommu);
err_disable:
	smmuv3_debugfs_remove(smmu);
	smmuv3_instance_put(smmu);
err_disable_only:
	smmuv3_disable(smmu);
	return ret;
}

static void smmuv3_remove(struct platform_device *pdev)
{
	struct smmuv3_device *smmu = platform_get_drvdata(pdev);

	iommu_device_unregister(&smmu->iommu);
	mutex_lock(&smmuv3_list_lock);
	list_del(&smmu->node);
	mutex_unlock(&smmuv3_list_lock);
	iommu_device_sysfs_remove(&smmu->iommu);
	smmuv3_debugfs_remove(smmu);
	smmuv3_instance_put(smmu);
	smmuv3_disable(smmu);
}

static const struct of_device_id smmuv3_of_match[] = {
	{ .compatible = "arm,smmu-v3" },
	{ }
};
MODULE_DEVICE_TABLE(of, smmuv3_of_match);

/*
 * ACPI: the IORT code creates a platform device of this name per SMMUv3
 * node, with its MMIO, its wired interrupts named as in DT, and the
 * node's fwnode, which the IORT gives the fwspecs of the devices behind.
 */
static const struct platform_device_id smmuv3_iort_ids[] = {
	{ .name = "arm-smmu-v3" },
	{ }
};
MODULE_DEVICE_TABLE(platform, smmuv3_iort_ids);

static struct platform_driver smmuv3_driver = {
	.driver = {
		.name = "alist-smmuv3",
		.of_match_table = smmuv3_of_match,
		/* Probed devices pin the module; unbinding is not supported. */
		.suppress_bind_attrs = true,
	},
	.id_table = smmuv3_iort_ids,
	.probe = smmuv3_probe,
	.remove = smmuv3_remove,
};

ALIST_TEST_INIT_FAIL_NTH;

/* The probes run from the registration: the sweep's points are theirs */
static int __init smmuv3_register(void)
{
	return platform_driver_register(&smmuv3_driver);
}

static void __init smmuv3_unregister(void)
{
	platform_driver_unregister(&smmuv3_driver);
}

static int __init smmuv3_init(void)
{
	int ret;

	ret = alist_test_hooks_init(&smmuv3_test_hooks, smmuv3_debugfs_root());
	if (ret && IS_ENABLED(CONFIG_IOMMU_ALIST_TEST_HOOKS))
		pr_warn("skip_flush fault attribute unavailable: %d\n", ret);
	ret = alist_test_fail_nth_sweep(smmuv3_register, smmuv3_unregister,
					"alist_smmuv3", &init_fail_nth);
	if (ret)
		smmuv3_debugfs_exit();
	return ret;
}

static void __exit smmuv3_exit(void)
{
	platform_driver_unregister(&smmuv3_driver);
	smmuv3_debugfs_exit();
}

module_init(smmuv3_init);
module_exit(smmuv3_exit);

MODULE_DESCRIPTION("iommu-alist: ARM SMMUv3 driver on the shared attach-list core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("IOMMU_ALIST");
MODULE_IMPORT_NS("IOMMUFD");
