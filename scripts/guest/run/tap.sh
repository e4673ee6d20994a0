# SPDX-License-Identifier: GPL-2.0
# Sourced by the distribution-kernel checks (scripts/guest/distro_*.sh):
# TAP result lines, and the PCI device directory of the NVMe disk.

n=0
failed=0

# check NAME EXPR: "ok N NAME" when EXPR (a shell expression) holds.
check() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		failed=1
	fi
}

# The sysfs directory of the first NVMe controller (class 0x010802).
nvme=$(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/class")" = 0x010802 ] && echo "$d" && break
done)
