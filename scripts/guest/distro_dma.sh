#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# distro_dma: run by /init on a distribution kernel (scripts/distro-build.sh)
# after our core, our driver and Debian's NVMe driver were loaded, in that
# order. Proves that the modules built against the distribution's headers
# load there, own the IOMMU and translate real DMA: the NVMe disk's own
# driver writes a known pattern and reads it back with O_DIRECT (no page
# cache), through the DMA domain our driver gave it. The host checks the
# disk image afterwards too. Output is TAP, like the kselftest programs.
#
# The pattern is `seq 1 $PATTERN_LINES`; distro-build.sh regenerates it.

PATTERN_LINES=300000
. /opt/alist/run/tap.sh

# The driver is whichever of ours this arch has.
drv=$(sed -n 's/^\(alist_vtd\|alist_smmuv3\) .*/\1/p' /proc/modules)
group_type() {
	cat "$nvme/iommu_group/type" 2>/dev/null
}
# Every unit's fault counter ("faults" in its debugfs directory) is 0.
no_faults() {
	local f c=0 seen=0
	for f in /sys/kernel/debug/$drv/*/faults; do
		[ -f "$f" ] || continue
		seen=1
		c=$((c + $(cat "$f")))
	done
	[ "$seen" = 1 ] && [ "$c" = 0 ]
}

echo "TAP version 13"
echo "1..6"
echo "# kernel $(uname -r), driver ${drv:-none}"
check "core_and_driver_loaded" '[ -n "$drv" ] && grep -q "^iommu_alist " /proc/modules'
check "iommu_registered" '[ -n "$(ls /sys/class/iommu 2>/dev/null)" ]'
echo "# nvme ${nvme##*/}: iommu_group type $(group_type)"
check "nvme_in_dma_domain" 'case "$(group_type)" in DMA|DMA-FQ) true ;; *) false ;; esac'

seq 1 $PATTERN_LINES > /tmp/pattern
size=$(wc -c < /tmp/pattern)
blocks=$(( (size + 1048575) / 1048576 ))
check "nvme_write_direct" \
	'dd if=/tmp/pattern of=/dev/nvme0n1 bs=1M conv=sync oflag=direct 2>/dev/null'
check "nvme_read_back_direct" \
	'dd if=/dev/nvme0n1 bs=1M count=$blocks iflag=direct 2>/dev/null |
	 head -c "$size" | cmp -s - /tmp/pattern'
check "no_iommu_faults" 'no_faults'
exit $failed
