# SPDX-License-Identifier: GPL-2.0
# The SMMUv3 part of the demo (sourced by demo.sh, busybox sh): the SMMU our
# driver found, its features, the devices behind it, a DMA through stage 1 +
# stage 2 of a vIOMMU, and the command counters. Prints nothing without an
# alist_smmuv3 SMMU (the x86_64 guest, or the module not loaded).

smmu_dbg=
for d in /sys/kernel/debug/alist_smmuv3/*; do
	[ -f "$d/info" ] && smmu_dbg=$d && break
done
if [ -n "$smmu_dbg" ]; then
	section "ARM SMMUv3 (alist_smmuv3): ${smmu_dbg##*/}"
	grep -E '^(features|oas|sid_bits|asid_bits|vmid_bits|cmdq_entries|evtq_entries) ' \
		"$smmu_dbg/info" | sed 's/^/  /'

	echo "  devices behind it:"
	for l in /sys/class/iommu/smmu3.*/devices/*; do
		[ -e "$l" ] || continue
		g=$(readlink "$l/iommu_group" 2>/dev/null)
		drv=$(readlink "$l/driver" 2>/dev/null)
		printf '    %s %s:%s group %s driver %s\n' "${l##*/}" \
			"$(cat "$l/vendor" 2>/dev/null)" "$(cat "$l/device" 2>/dev/null)" \
			"${g##*/}" "${drv##*/}"
	done

	echo "  a DMA by edu through a nested (stage 1 + stage 2) domain:"
	if [ -x /opt/alist/selftests/smmu_dma ]; then
		/opt/alist/selftests/smmu_dma --demo
	else
		echo "    (smmu_dma not in this initramfs)"
	fi

	echo "  command counters:"
	sed 's/^/    /' "$smmu_dbg/stats"
fi
unset smmu_dbg d l g drv
