#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# distro_bound: run by /init on a distribution kernel (scripts/distro-build.sh)
# with only Debian's NVMe driver loaded. Our modules are loaded here, while
# the NVMe disk, bound to its driver before any IOMMU existed, writes and
# reads back a pattern with O_DIRECT in a loop. The driver must keep such a
# device in identity and turn translation on only after its entries exist
# (and off before they go): DMA in flight must neither fault nor lose data.
# Without the identity entries this fails at once; a wrong order inside the
# load leaves a window of microseconds that this loop rarely hits (tried:
# it did not), so the KUnit test vtd_unit_start_order_test, on a recording
# unit, is what pins the order. TAP output.

. /opt/alist/run/tap.sh

# One write and read-back of a 1 MiB block per round, at offset $1 MiB.
round() {
	dd if=/tmp/pattern of=/dev/nvme0n1 bs=1M seek="$1" oflag=direct 2>/dev/null &&
		dd if=/dev/nvme0n1 bs=1M skip="$1" count=1 iflag=direct 2>/dev/null |
		cmp -s - /tmp/pattern
}

echo "TAP version 13"
echo "1..6"
dd if=/dev/urandom of=/tmp/pattern bs=1M count=1 2>/dev/null
check "nvme_bound_before_iommu" '[ -e /dev/nvme0n1 ] && [ ! -e "$nvme/iommu_group" ]'

# DMA runs until our modules are in, then 20 rounds more.
rm -f /tmp/dma.stop /tmp/dma.bad
(
	i=0 after=0
	while [ "$after" -lt 20 ]; do
		round $((i % 32)) || echo "round $i" >> /tmp/dma.bad
		i=$((i + 1))
		[ -e /tmp/dma.stop ] && after=$((after + 1))
	done
	echo "# $i rounds of DMA"
) &
loop=$!
sleep 1
insmod /lib/alist/iommu_alist.ko && insmod /lib/alist/alist_vtd.ko
loaded=$?
touch /tmp/dma.stop
wait $loop

check "core_and_driver_loaded_under_dma" '[ "$loaded" = 0 ]'
check "dma_intact_across_load" '[ ! -e /tmp/dma.bad ]'
check "nvme_kept_in_identity" \
	'dmesg | grep -q "${nvme##*/}: alist_vtd: has driver nvme, kept in identity"'
check "no_iommu_faults" '[ "$(cat /sys/kernel/debug/alist_vtd/*/faults)" = 0 ]'
check "no_io_errors" '! dmesg | grep -qiE "nvme.*(timeout|abort|reset)|I/O error"'
exit $failed
