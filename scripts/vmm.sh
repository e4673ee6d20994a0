#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make vmm: QEMU as the client of our SMMUv3 driver. The arm64 test guest
# boots as an L1 host (virt, virtualization=on: TCG emulates EL2, the guest
# kernel has KVM built in), alist_smmuv3 owns its emulated SMMU, and QEMU
# 11.1 runs inside it with KVM and an accelerated vSMMU
# (-device arm-smmuv3,accel=on on an iommufd backend), the edu device passed
# through with vfio-pci. L2 is Debian's own arm64 kernel booted by UEFI
# (qemu-efi-aarch64) with ACPI; its /init is scripts/guest/vmm/l2-init.
#
# QEMU and its libraries come from Debian's trixie(-backports) arm64
# packages, downloaded with a private apt configuration (its own sources,
# state and cache under ALIST_CACHE/vmm/apt, nothing installed on this
# machine) and unpacked; only the emulator, the dynamic loader and the
# closure of its shared libraries go into the L1 initramfs, appended to the
# test guest's own as a second cpio archive.
#
# Prints PASS/FAIL per step and the time of the whole run; the log is
# build/arm64/logs/vmm.log.
#
# --smoke is the short part make check runs: the same L1 and QEMU, no L2.
# QEMU starts paused, creates its objects on our driver and quits
# (scripts/guest/vmm/vmm_smoke, a selftest program of L1 in TAP); results
# in build/arm64/results/vmm_smoke.json like every guest run, the log is
# build/arm64/logs/vmm_smoke.log.
# usage: vmm.sh [--smoke]   (after scripts/guest-build.sh arm64)
# Environment: VMM_TIMEOUT (s, default 1800) bounds the L1 run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

t0=$(date +%s)
smoke=0
[ "${1:-}" = --smoke ] && smoke=1
alist_arch_vars arm64
kbuild=$(alist_kbuild arm64)
base=$ALIST_BUILD/arm64/initramfs.cpio.gz
[ -f "$base" ] || alist_die "no $base (scripts/guest-build.sh arm64)"
vdir=$ALIST_CACHE/vmm
kver=7.3.4+deb13
pkgs="qemu-system-arm qemu-efi-aarch64" # qemu-system-arm from trixie-backports
mkdir -p "$vdir"

# apt with a configuration of its own (scripts/lib.sh), arm64 only
vmm_apt() {
	alist_apt "$vdir/apt" arm64 "$@"
}

# QEMU's emulator, loader, libraries and the UEFI firmware in $qdir.
key=$(echo "$pkgs" | sha256sum | cut -c1-16)
qdir=$vdir/qemu-$key
if [ ! -x "$qdir/bin/qemu-system-aarch64" ]; then
	alist_log "vmm: QEMU 11.1 and qemu-efi-aarch64 (arm64 packages, unpacked)"
	# shellcheck disable=SC2086 # one word per package
	vmm_apt -q -y --download-only -t trixie-backports install $pkgs >&2
	root=$vdir/root.tmp
	rm -rf "$root" "$qdir.tmp"
	mkdir -p "$root" "$qdir.tmp/bin" "$qdir.tmp/lib"
	for d in "$vdir"/apt/cache/archives/*.deb; do
		dpkg-deb -x "$d" "$root"
	done
	cp "$root/usr/bin/qemu-system-aarch64" "$qdir.tmp/bin/"
	cp "$root/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1" "$qdir.tmp/"
	cp "$root/usr/share/qemu-efi-aarch64/QEMU_EFI.fd" "$qdir.tmp/"
	# The closure of DT_NEEDED, breadth first.
	queue=("$root/usr/bin/qemu-system-aarch64")
	declare -A seen=()
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for n in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			[ -n "${seen[$n]:-}" ] && continue
			seen[$n]=1
			p=$root/usr/lib/aarch64-linux-gnu/$n
			[ -e "$p" ] || alist_die "vmm: $n (needed by ${f##*/}) not in the packages"
			cp -L "$p" "$qdir.tmp/lib/$n"
			queue+=("$p")
		done
	done
	dpkg-deb -f "$vdir"/apt/cache/archives/qemu-system-arm_*.deb Version > "$qdir.tmp/version"
	rm -rf "$root"
	mv "$qdir.tmp" "$qdir"
fi

out=$ALIST_BUILD/arm64/vmm
mkdir -p "$out"

# L1's extra archive: QEMU, its loader and libraries
vmm_qemu_list() {
	for d in /opt /opt/vmm /opt/vmm/bin /opt/vmm/lib /opt/alist /lib; do
		echo "dir $d 0755 0 0"
	done
	echo "file /lib/ld-linux-aarch64.so.1 $qdir/ld-linux-aarch64.so.1 0755 0 0"
	echo "file /opt/vmm/bin/qemu-system-aarch64 $qdir/bin/qemu-system-aarch64 0755 0 0"
	for l in "$qdir"/lib/*; do echo "file /opt/vmm/lib/${l##*/} $l 0644 0 0"; done
}

# The test guest's initramfs with $out/$1.list appended as a second archive
vmm_initramfs() {
	"$kbuild/usr/gen_init_cpio" "$out/$1.list" | gzip -1 > "$out/$1-extra.cpio.gz"
	cat "$base" "$out/$1-extra.cpio.gz" > "$out/$1.cpio.gz"
	alist_log "vmm: QEMU $(cat "$qdir/version"), L1 initramfs $(du -h "$out/$1.cpio.gz" | cut -f1)"
}

if [ "$smoke" = 1 ]; then
	{
		vmm_qemu_list
		echo "dir /opt/alist/selftests 0755 0 0"
		echo "file /opt/vmm/QEMU_EFI.fd $qdir/QEMU_EFI.fd 0644 0 0"
		echo "file /opt/alist/selftests/vmm_smoke $ALIST_TOP/scripts/guest/vmm/vmm_smoke 0755 0 0"
	} > "$out/smoke.list"
	vmm_initramfs smoke
	# No kmemleak scan (some 25 s of make check): the vIOMMU selftests of
	# the arm64 check boot run the same create and destroy paths under it
	exec "$ALIST_TOP/scripts/run-guest.sh" --arch arm64 --name vmm_smoke \
		--modules iommu_alist,alist_smmuv3 --selftests vmm_smoke \
		--machine-opts virtualization=on --initrd "$out/smoke.cpio.gz" \
		--timeout "${VMM_TIMEOUT:-600}" --append kmemleak=off
fi

# L2: Debian's kernel, as scripts/distro-build.sh unpacked it.
l2k=$ALIST_CACHE/distro/kernel-$kver-arm64
[ -f "$l2k/vmlinuz" ] || alist_die "no $l2k/vmlinuz (scripts/distro-build.sh)"

busybox=$ALIST_CACHE/busybox/arm64/busybox
# The L2 DMA test, a module built against Debian's headers in the trixie
# chroot of scripts/distro-build.sh (absent when that chroot is missing).
rm -f "$out/l2edu.ko"
droot=$(find "$ALIST_CACHE/distro" -maxdepth 1 -name 'trixie-*' -type d 2>/dev/null | head -n 1)
if [ -n "$droot" ] && [ -d "$droot/usr/src/linux-headers-$kver-arm64" ]; then
	rm -rf "$droot/work/l2edu"
	mkdir -p "$droot/work/l2edu"
	cp "$ALIST_TOP"/scripts/guest/vmm/l2edu/* "$droot/work/l2edu/"
	# shellcheck disable=SC2016 # expanded by the chroot's shell
	unshare --mount --fork chroot "$droot" sh -c 'mount -t proc proc /proc &&
		make -s -C "$1" M=/work/l2edu ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules' \
		sh "/usr/src/linux-headers-$kver-arm64" >&2 &&
		cp "$droot/work/l2edu/l2edu.ko" "$out/"
	rm -rf "$droot/work/l2edu"
fi
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /bin /sbin /proc /sys /tmp /lib; do echo "dir $d 0755 0 0"; done
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "slink /bin/sh busybox 0777 0 0"
	echo "file /init $ALIST_TOP/scripts/guest/vmm/l2-init 0755 0 0"
	[ -f "$out/l2edu.ko" ] && echo "file /lib/l2edu.ko $out/l2edu.ko 0644 0 0"
} > "$out/l2.list"
"$kbuild/usr/gen_init_cpio" "$out/l2.list" | gzip -1 > "$out/l2-initrd.gz"

# What L1 gets on top of the test guest's initramfs.
{
	vmm_qemu_list
	echo "dir /opt/vmm/l2 0755 0 0"
	echo "dir /opt/alist/run 0755 0 0"
	echo "file /opt/vmm/QEMU_EFI.fd $qdir/QEMU_EFI.fd 0644 0 0"
	echo "file /opt/vmm/l2/Image $l2k/vmlinuz 0644 0 0"
	echo "file /opt/vmm/l2/initrd.gz $out/l2-initrd.gz 0644 0 0"
	echo "file /opt/alist/run/vmm.sh $ALIST_TOP/scripts/guest/run/vmm.sh 0644 0 0"
} > "$out/l1.list"
vmm_initramfs l1

# L1: 3 GiB (the L1 initramfs unpacks to some 200 MiB; L2 takes 512 MiB)
log=$ALIST_BUILD/arm64/logs/vmm.log
set +e
ALIST_GUEST_MEM=${ALIST_GUEST_MEM:-3072} "$ALIST_TOP/scripts/run-guest.sh" --arch arm64 \
	--name vmm --modules iommu_alist,alist_smmuv3 --run vmm.sh --no-parse \
	--machine-opts virtualization=on --initrd "$out/l1.cpio.gz" \
	--timeout "${VMM_TIMEOUT:-1800}" --append "kmemleak=off ${VMM_APPEND:-}"
set -e

# Results from the marker lines (the console's lines end in CR LF).
tr -d '\r' < "$ALIST_BUILD/arm64/logs/vmm.log" > "$ALIST_BUILD/arm64/logs/vmm.txt"
log=$ALIST_BUILD/arm64/logs/vmm.txt
fail=0
step() {
	if [ "$2" = 1 ]; then
		echo "vmm: PASS $1${3:+ ($3)}"
	else
		echo "vmm: FAIL $1${3:+ ($3)}"
		fail=1
	fi
}
has() {
	grep -q "$1" "$log"
}
at() {
	sed -n "s/^.*$1.* \([0-9.]*\)s\$/\1/p" "$log" | head -n 1
}
has VMM-L1-BOOTED && s=1 || s=0
step l1-boot "$s" "$(at VMM-L1-BOOTED)s after L1's kernel start"
has 'VMM-L1-KVM ok' && s=1 || s=0
step l1-kvm "$s" "$(sed -n 's/^.*VMM-L1-KVM-DMESG //p' "$log" | grep -m1 -iE 'hyp|vhe|mode' || true)"
has 'VMM-L1-VFIO .* driver=vfio-pci' && s=1 || s=0
step l1-vfio "$s"
has VMM-L2-BOOTED && s=1 || s=0
step qemu-l2-boot "$s" "L1 time: QEMU started at $(at VMM-QEMU-START)s, L2 up at $(at VMM-L1-SAW-L2-BOOTED)s, QEMU exited at $(at 'VMM-QEMU-EXIT [0-9]*')s"
has 'VMM-L2-EDU .* iommu ' && s=1 || s=0
step l2-edu-behind-vsmmu "$s"
stat() {
	sed -n "s/^.*VMM-L1-STATS-$1 $2 //p" "$log" | head -n 1
}
has 'VMM-L2-DMA1 landed' && s=1 || s=0
step l2-dma-s1+s2 "$s" "$(sed -n 's/^.*VMM-L2-DMA1 //p' "$log" | head -n 1)"
# l2edu unmaps two pages (scripts/guest/vmm/l2edu/l2edu.c)
# (up to the control's start: CTL; AFTER when the control never started)
b=$(stat MID user_inv) a=$(stat CTL user_inv)
a=${a:-$(stat AFTER user_inv)}
n=$(( ${a:-0} - ${b:-0} ))
has 'VMM-L2-UNMAP done' && [ "$n" -ge 2 ] && s=1 || s=0
step l2-unmap-invalidation "$s" "vIOMMU invalidations in L1 during L2's test: $n for 2 unmaps"
b=$(stat MID vevents) a=$(stat CTL vevents)
a=${a:-$(stat AFTER vevents)}
n=$(( ${a:-0} - ${b:-0} ))
l2n=$(sed -n 's/^.*VMM-L2-EVENTS \([0-9]*\)$/\1/p' "$log" | head -n 1)
has 'VMM-L2-DMA2 .*untouched' && has 'VMM-L2-EVENT .*F_TRANSLATION' && [ "$n" -gt 0 ] &&
	[ "${l2n:-0}" -gt 0 ] && s=1 || s=0
step l2-fault-via-veventq "$s" "vEVENTQ records in L1: $n, events in L2's log: ${l2n:-0}, host faults $(stat AFTER faults)"
# The negative control: with every vIOMMU invalidation dropped in L1, the
# same test finds its page written through the stale translation, and no
# event: the two checks above would fail if forwarding broke.
b=$(stat CTL user_inv_skipped) a=$(stat AFTER user_inv_skipped)
n=$(( ${a:-0} - ${b:-0} ))
has 'VMM-L1-CONTROL armed' && has 'VMM-L2C-DMA1 landed' &&
	has 'VMM-L2C-DMA2 .*WRITTEN' && [ "$n" -ge 2 ] && s=1 || s=0
step control-dropped-invalidation-caught "$s" "$(sed -n 's/^.*VMM-L2C-DMA2 //p' "$log" | head -n 1); arrays dropped in L1: $n"
# Any splat of L1's kernel (our driver's included) fails the run.
grep -qE '(WARNING|BUG|Oops|Call trace|Kernel panic)' "$log" && s=0 || s=1
step l1-no-splat "$s"
echo "vmm: total $(( $(date +%s) - t0 ))s (log: ${log#"$ALIST_TOP"/})"
exit $fail
