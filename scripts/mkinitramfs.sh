#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pack the test guest's initramfs for ARCH: busybox for that arch, /init,
# our modules, the selftest programs and the demo scripts. Uses the kernel's
# own gen_init_cpio (from the guest build tree), so no root is needed for
# the device node.
#
# usage: mkinitramfs.sh ARCH KBUILD MODDIR SELFTESTDIR OUT [BINDIR]
# BINDIR: the guest's own tools, for /opt/alist/bin (on init's PATH).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=$1 kbuild=$2 moddir=$3 stdir=$4 out=$5 bindir=${6:-}
case "$arch" in
x86_64) busybox=$(command -v busybox) ;;
arm64) busybox=$ALIST_CACHE/busybox/arm64/busybox ;;
*) alist_die "unknown arch $arch" ;;
esac
[ -x "$busybox" ] || alist_die "no busybox for $arch (run scripts/install-deps.sh)"
file -L "$busybox" | grep -q 'statically linked' || alist_die "$busybox is not static"

list=$(mktemp)
trap 'rm -f "$list"' EXIT
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /bin /sbin /proc /sys /tmp /lib /lib/alist /opt /opt/alist \
		 /opt/alist/selftests /opt/alist/run /opt/alist/bin /usr /usr/bin; do
		echo "dir $d 0755 0 0"
	done
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "slink /bin/sh busybox 0777 0 0"
	echo "file /init $ALIST_TOP/scripts/guest/init 0755 0 0"
	for ko in "$moddir"/*.ko; do
		[ -e "$ko" ] && echo "file /lib/alist/$(basename "$ko") $ko 0644 0 0"
	done
	for p in "$stdir"/*; do
		[ -f "$p" ] && [ -x "$p" ] && echo "file /opt/alist/selftests/$(basename "$p") $p 0755 0 0"
	done
	if [ -n "$bindir" ]; then
		for p in "$bindir"/*; do
			[ -f "$p" ] && [ -x "$p" ] && echo "file /opt/alist/bin/$(basename "$p") $p 0755 0 0"
		done
	fi
	for s in "$ALIST_TOP"/scripts/guest/run/*.sh; do
		[ -e "$s" ] && echo "file /opt/alist/run/$(basename "$s") $s 0644 0 0"
	done
} > "$list"

"$kbuild/usr/gen_init_cpio" "$list" | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
