# SPDX-License-Identifier: GPL-2.0
# The main job's demo (make run), run by the guest's /init: what is loaded,
# which IOMMU hardware and devices the guest has, and the core exercised
# under the guest kernel's real RCU, lockdep and KASAN.

section() {
	echo
	echo "== $*"
}

section "iommu-alist on $(uname -m), Linux $(uname -r)"
echo "kernel command line: $(cat /proc/cmdline)"

section "our modules"
grep alist /proc/modules | while read -r name size refs deps state rest; do
	echo "  $name ($size bytes, $state)"
done

section "IOMMU units registered with the IOMMU core"
if [ -n "$(ls /sys/class/iommu 2>/dev/null)" ]; then
	ls /sys/class/iommu | sed 's/^/  /'
else
	echo "  none yet (the VT-d and SMMUv3 drivers register here)"
fi

section "PCI devices"
for d in /sys/bus/pci/devices/*; do
	g=$(readlink "$d/iommu_group" 2>/dev/null)
	printf '  %s %s:%s %s\n' "${d##*/}" "$(cat "$d/vendor")" "$(cat "$d/device")" \
		"${g:+iommu_group ${g##*/}}"
done

# What our modules said while loading, before the KUnit suites below feed
# them deliberately bad input (whose rejections would read like errors).
load_msgs=$(dmesg | grep -E '^\[[ 0-9.]*\] (iommu_alist|alist_[a-z0-9]+)[: ]' | sed 's/^/  /')

section "kernel messages from our modules while loading"
echo "$load_msgs"

section "the core and drivers under the guest kernel (KUnit)"
for s in /sys/kernel/debug/kunit/alist_*; do
	[ -d "$s" ] || continue
	echo run > "$s/run" 2>/dev/null
	# KUnit prints no totals line for a suite of one case: its verdict then.
	sum=$(sed -n 's/^# .*: \(pass:.*\)$/\1/p' "$s/results" | head -n 1)
	[ -n "$sum" ] || sum=$(sed -n "s/^\(\(not \)\?ok\) 1 ${s##*/}\$/\1 (one case)/p" "$s/results")
	printf '  %-28s %s\n' "${s##*/}" "$sum"
done


# Each driver adds its part as scripts/guest/run/demo_<driver>.sh; a part
# shows nothing on an arch without its hardware.
for part in /opt/alist/run/demo_*.sh; do
	[ -f "$part" ] && . "$part"
done
