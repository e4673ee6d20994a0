// SPDX-License-Identifier: GPL-2.0
/*
 * make vmm, in L2: a DMA by edu through L2's own SMMUv3 driver, built
 * against Debian's kernel headers. VFIO cannot be used there: QEMU's
 * accelerated vSMMU puts an IORT RMR (the MSI doorbell, 1:1) on the
 * passed-through device, so Linux refuses the blocking domain VFIO needs.
 * This driver uses the device's default DMA domain instead (L2's stage 1,
 * nested on alist_smmuv3's stage 2 in L1):
 *
 *   1. RAM -> edu from one mapped page, edu -> RAM into another: the
 *      pattern lands in the second page
 *   2. dma_unmap_single() of the second page: strict invalidation in L2
 *      (CMD_TLBI_NH_VA + CMD_SYNC), which QEMU hands to the vIOMMU in L1
 *   3. edu -> RAM to the unmapped IOVA: a stage-1 translation fault that
 *      reaches L2's event queue through alist_smmuv3's vEVENTQ; the page
 *      keeps what it held
 *
 * It prints VMM-L2-* lines for scripts/vmm.sh and stays bound. Loaded
 * again with control=1 (after L1 made alist_smmuv3 drop every vIOMMU
 * invalidation, the skip_user_inv test hook) it prints VMM-L2C-* lines:
 * the negative control, where step 3 must find its page written through
 * the translation the dropped invalidation left behind.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

/* edu's registers and its DMA buffer (QEMU's docs/specs/edu.rst) */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_BUF		0x40000
#define EDU_CMD_START	BIT(0)
#define EDU_CMD_TO_RAM	BIT(1)
#define EDU_LEN		64

static bool control;
module_param(control, bool, 0444);
MODULE_PARM_DESC(control, "negative control run: VMM-L2C-* lines");
#define L2_TAG	(control ? "VMM-L2C" : "VMM-L2")

static int l2edu_dma(void __iomem *bar, u64 src, u64 dst, u64 cmd)
{
	int i;

	writeq(src, bar + EDU_DMA_SRC);
	writeq(dst, bar + EDU_DMA_DST);
	writeq(EDU_LEN, bar + EDU_DMA_CNT);
	writeq(cmd | EDU_CMD_START, bar + EDU_DMA_CMD);
	for (i = 0; i < 10000; i++) {
		if (!(readq(bar + EDU_DMA_CMD) & EDU_CMD_START))
			return 0;
		usleep_range(100, 200);
	}
	return -ETIMEDOUT;
}

static int l2edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	dma_addr_t s_iova, d_iova;
	void __iomem *bar;
	u8 *src, *dst;
	int ret, i;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	bar = pcim_iomap(pdev, 0, 0);
	if (!bar)
		return -ENOMEM;
	/* edu masks DMA addresses to 28 bits */
	ret = dma_set_mask(dev, DMA_BIT_MASK(28));
	if (ret)
		return ret;
	src = devm_kzalloc(dev, PAGE_SIZE, GFP_KERNEL);
	dst = devm_kzalloc(dev, PAGE_SIZE, GFP_KERNEL);
	if (!src || !dst)
		return -ENOMEM;
	for (i = 0; i < EDU_LEN; i++)
		src[i] = 0xa0 + i;
	memset(dst, 0x11, PAGE_SIZE);

	s_iova = dma_map_single(dev, src, PAGE_SIZE, DMA_TO_DEVICE);
	d_iova = dma_map_single(dev, dst, PAGE_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, s_iova) || dma_mapping_error(dev, d_iova))
		return -ENOMEM;
	pr_info("%s-IOVA src %pad dst %pad\n", L2_TAG, &s_iova, &d_iova);

	ret = l2edu_dma(bar, s_iova, EDU_BUF, 0);
	if (!ret)
		ret = l2edu_dma(bar, EDU_BUF, d_iova, EDU_CMD_TO_RAM);
	dma_unmap_single(dev, d_iova, PAGE_SIZE, DMA_FROM_DEVICE);
	pr_info("%s-UNMAP done\n", L2_TAG);
	if (ret) {
		pr_info("%s-DMA1 timeout\n", L2_TAG);
	} else {
		pr_info("%s-DMA1 %s (dst[0]=%#x)\n", L2_TAG,
			memcmp(src, dst, EDU_LEN) ? "mismatch" : "landed", dst[0]);
	}
	dma_unmap_single(dev, s_iova, PAGE_SIZE, DMA_TO_DEVICE);

	memset(dst, 0x22, EDU_LEN);
	ret = l2edu_dma(bar, EDU_BUF, d_iova, EDU_CMD_TO_RAM);
	/* the fault is reported asynchronously by L2's event queue thread */
	msleep(500);
	pr_info("%s-DMA2 %s, page %s\n", L2_TAG, ret ? "timeout" : "completed",
		dst[0] == 0x22 ? "untouched" : "WRITTEN");
	return 0;
}

static const struct pci_device_id l2edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, l2edu_ids);

static struct pci_driver l2edu_driver = {
	.name = "l2edu",
	.id_table = l2edu_ids,
	.probe = l2edu_probe,
};
module_pci_driver(l2edu_driver);

MODULE_DESCRIPTION("make vmm: edu DMA through a nested vSMMU in L2");
MODULE_LICENSE("GPL");
