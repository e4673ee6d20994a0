#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what a Debian 12 machine needs to build and test iommu-alist.
#
# Adds two Debian suites, pinned so that nothing on the machine is upgraded
# from them: bookworm-backports (QEMU 10.0) and trixie-backports (the
# linux-source-7.3 package, which is only downloaded, never installed).
# Adds the arm64 dpkg architecture only to download busybox-static:arm64.
# Idempotent: when everything is present it changes nothing and returns in
# well under a second.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || SUDO=sudo
SUDO=${SUDO:-}

pkgs=(
	build-essential bc bison flex libssl-dev libelf-dev cpio xz-utils kmod
	rsync python3 gcc-aarch64-linux-gnu g++-aarch64-linux-gnu
	libc6-dev-arm64-cross busybox-static liburcu-dev libgtest-dev
	libbenchmark-dev clang libclang-rt-14-dev debootstrap curl ccache
)
bpo_pkgs=(qemu-system-x86 qemu-system-arm qemu-system-data)
qemu_want=10.0

sources=/etc/apt/sources.list.d/iommu-alist.sources
prefs=/etc/apt/preferences.d/iommu-alist

missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

qemu_ok() {
	local v
	command -v qemu-system-x86_64 >/dev/null && command -v qemu-system-aarch64 >/dev/null || return 1
	v=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9]*\.[0-9]*\).*/\1/p')
	[ "$v" = "$qemu_want" ]
}

busybox_arm64=$ALIST_CACHE/busybox/arm64/busybox
aptlog=$ALIST_CACHE/apt.log

# apt_get ARGS: quiet unless it fails; the full output stays in $aptlog.
apt_get() {
	mkdir -p "$ALIST_CACHE"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get "$@" > "$aptlog" 2>&1 ||
		{ tail -n 30 "$aptlog" >&2; alist_die "apt-get $1 failed (log: $aptlog)"; }
}

if [ -z "$(missing_pkgs "${pkgs[@]}")" ] && qemu_ok && [ -x "$busybox_arm64" ] &&
   [ -f "$sources" ]; then
	exit 0
fi

if [ ! -f "$sources" ]; then
	alist_log "adding bookworm-backports and trixie-backports (pinned)"
	$SUDO tee "$sources" >/dev/null <<'EOS'
# iommu-alist: QEMU 10.0 (bookworm-backports), linux-source-7.3 (trixie-backports)
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	# Backports are never chosen on their own; trixie's are not even
	# candidates for upgrades of installed packages.
	$SUDO tee "$prefs" >/dev/null <<'EOS'
Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100

Package: *
Pin: release n=trixie-backports
Pin-Priority: 1
EOS
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$SUDO dpkg --add-architecture arm64
fi

alist_log "apt-get update"
apt_get update

missing=$(missing_pkgs "${pkgs[@]}")
if [ -n "$missing" ]; then
	alist_log "installing: $(echo $missing)"
	# shellcheck disable=SC2086
	apt_get install -y --no-install-recommends $missing
fi
if ! qemu_ok; then
	alist_log "installing QEMU $qemu_want from bookworm-backports"
	apt_get install -y --no-install-recommends -t bookworm-backports "${bpo_pkgs[@]}"
	qemu_ok || alist_die "QEMU $qemu_want not installed"
fi

if [ ! -x "$busybox_arm64" ]; then
	alist_log "unpacking busybox-static:arm64"
	tmp=$(mktemp -d)
	chmod 755 "$tmp" # apt's sandbox user downloads into it
	(cd "$tmp" && apt-get download busybox-static:arm64 >/dev/null)
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/root"
	mkdir -p "$(dirname "$busybox_arm64")"
	install -m 0755 "$tmp/root/bin/busybox" "$busybox_arm64"
	rm -rf "$tmp"
fi
