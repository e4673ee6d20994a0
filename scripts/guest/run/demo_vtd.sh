# SPDX-License-Identifier: GPL-2.0
# The VT-d part of the make run demo, sourced by demo.sh (busybox sh):
# the unit alist_vtd found, its capabilities, the devices on it, one edu
# DMA through our translation, and the invalidation counters. Prints
# nothing on a guest without an alist_vtd unit.

vtd_dbg=/sys/kernel/debug/alist_vtd
vtd_unit=$(ls -d "$vtd_dbg"/dmar* 2>/dev/null | head -n 1)
if [ -n "$vtd_unit" ]; then
	section "alist_vtd: our VT-d driver on ${vtd_unit##*/}"
	vtd_cap=$(cat "$vtd_unit/cap")
	vtd_ecap=$(cat "$vtd_unit/ecap")
	echo "  registers at $(cat "$vtd_unit/reg_base"), version $(cat "$vtd_unit/ver")"
	echo "  CAP $vtd_cap ECAP $vtd_ecap"
	vtd_bit() {
		[ $(( ($2 >> $3) & 1 )) = 1 ] && printf ' %s' "$1"
	}
	printf '  features:'
	vtd_bit scalable-mode "$vtd_ecap" 43
	vtd_bit second-stage "$vtd_ecap" 46
	vtd_bit first-stage "$vtd_ecap" 47
	vtd_bit nesting "$vtd_ecap" 26
	vtd_bit pass-through "$vtd_ecap" 6
	vtd_bit device-TLB "$vtd_ecap" 2
	vtd_bit snoop-control "$vtd_ecap" 7
	vtd_bit page-selective-inv "$vtd_cap" 39
	vtd_bit caching-mode "$vtd_cap" 7
	echo
	echo "  address widths: MGAW $(( ((vtd_cap >> 16) & 0x3f) + 1 )) bits," \
		"$(( ((vtd_cap >> 40) & 0xff) + 1 )) fault record(s)," \
		"max PSI mask $(( (vtd_cap >> 48) & 0x3f ))"
	echo "  devices on the unit:"
	for d in /sys/class/iommu/${vtd_unit##*/}/devices/*; do
		[ -e "$d" ] || continue
		g=$(readlink "$d/iommu_group")
		printf '    %s %s:%s group %s\n' "${d##*/}" "$(cat "$d/vendor")" \
			"$(cat "$d/device")" "${g##*/}"
	done
	if [ -x /opt/alist/selftests/vtd_dma ]; then
		echo "  one edu DMA through our translation (VFIO cdev + iommufd):"
		/opt/alist/selftests/vtd_dma demo
	fi
	vtd_iqe=$(cat "$vtd_unit/iqe")
	echo "  counters since load: $(cat "$vtd_unit/descs") descriptors, $(cat "$vtd_unit/waits") waits," \
		"$(cat "$vtd_unit/faults") faults, $(cat "$vtd_dbg/iotlb_syncs") iotlb_sync calls," \
		"$vtd_iqe queue errors, $(cat "$vtd_unit/timeouts") timeouts"
	# KUnit's alist_vtd_qi case (above) queues one bad descriptor on this
	# unit to check the recovery: say so, or it reads like a fault.
	if [ -d /sys/kernel/debug/kunit/alist_vtd_qi ] && [ "$vtd_iqe" != 0 ]; then
		echo "  (queue errors: KUnit's alist_vtd_qi case above queued a bad descriptor on purpose)"
	fi
fi
