# SPDX-License-Identifier: GPL-2.0
# Shared settings for the iommu-alist scripts. Sourced, never executed.
#
# Everything built outside the clone lives under ALIST_CACHE so a fresh clone
# (CI) reuses kernels built by an earlier run on the same machine.

ALIST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ALIST_CACHE=${ALIST_CACHE:-$HOME/.cache/iommu-alist}
ALIST_BUILD=${ALIST_BUILD:-$ALIST_TOP/build}
ALIST_KPKG=linux-source-7.3

alist_die() {
	echo "error: $*" >&2
	exit 1
}

alist_log() {
	echo "==> $*" >&2
}

# alist_arch_vars ARCH: set KARCH, CROSS, KIMAGE, QEMU for a guest arch,
# GARCH (the guest's arch: x86_64 or arm64) and ALIST_KPATCHES.
#
# ARCH may also name a comparison kernel of make bench, GARCH-VARIANT
# (arm64-intree): built from common.config and scripts/kconfig/ARCH.config
# out of a copy of the source with scripts/patches/ARCH/*.patch applied
# (ALIST_KPATCHES, read by alist_ksrc). The test kernels' cache keys do not
# depend on any of it.
alist_arch_vars() {
	ALIST_KPATCHES=
	case "$1" in
	arm64-intree)
		alist_arch_vars arm64
		ALIST_KPATCHES=$ALIST_TOP/scripts/patches/$1
		return
		;;
	esac
	GARCH=$1
	case "$1" in
	x86_64)
		KARCH=x86_64
		CROSS=
		KIMAGE=arch/x86/boot/bzImage
		QEMU=qemu-system-x86_64
		;;
	arm64)
		KARCH=arm64
		CROSS=aarch64-linux-gnu-
		KIMAGE=arch/arm64/boot/Image
		QEMU=qemu-system-aarch64
		;;
	*)
		alist_die "unknown ARCH '$1' (x86_64 or arm64)"
		;;
	esac
}

# alist_ksrc: path of the unpacked kernel source (after fetch-kernel-source.sh),
# or of its patched copy when alist_arch_vars named a comparison kernel.
alist_ksrc() {
	local d
	d=$(cat "$ALIST_CACHE/src/current" 2>/dev/null) || return 1
	[ -f "$d/.alist-unpacked" ] || return 1
	if [ -n "${ALIST_KPATCHES:-}" ]; then
		alist_patched_src "$d" "$ALIST_KPATCHES"
		return
	fi
	echo "$d"
}

# alist_patched_src SRC DIR: a copy of the source tree SRC with DIR/*.patch
# applied, made once and kept next to SRC. The copy is hard links but for
# the files the patches touch, which are copied before patching so SRC stays
# as it is. Its .alist-unpacked is SRC's plus the patches' hashes, so
# alist_kernel_key changes with the patches.
alist_patched_src() {
	local src=$1 dir=$2 sum dst p f
	sum=$(cat "$dir"/*.patch | sha256sum | cut -c1-16)
	dst=$src-p$sum
	if [ ! -f "$dst/.alist-unpacked" ]; then
		alist_log "patched kernel source: $dst"
		rm -rf "$dst.tmp"
		cp -al "$src" "$dst.tmp"
		for p in "$dir"/*.patch; do
			for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"); do
				cp --remove-destination "$src/$f" "$dst.tmp/$f"
			done
			patch -s -p1 -d "$dst.tmp" < "$p" >&2 ||
				alist_die "$p does not apply to $src"
		done
		rm -f "$dst.tmp/.alist-unpacked"
		{
			cat "$src/.alist-unpacked"
			for p in "$dir"/*.patch; do
				echo "patch $(basename "$p") $(sha256sum < "$p" | cut -c1-16)"
			done
		} > "$dst.tmp/.alist-unpacked"
		mv "$dst.tmp" "$dst"
	fi
	echo "$dst"
}

# alist_kernel_key ARCH: cache key of a guest kernel build: the source
# version plus every input that shapes the config or the build, including
# ALIST_KCONFIG_EXTRA: one more config fragment, applied after the arch's
# (make bench's BENCH_RELEASE=1: scripts/kconfig/release.config). Its name
# is also in the build tree's path (alist_kbuild), so the kernel it makes
# is cached beside the test kernel, not instead of it.
alist_kernel_key() {
	local src=$1 arch=$2
	{
		cat "$src/.alist-unpacked"
		cat "$ALIST_TOP/scripts/kconfig/common.config" \
		    "$ALIST_TOP/scripts/kconfig/$arch.config" \
		    "$ALIST_TOP/scripts/build-kernel.sh"
		[ -z "${ALIST_KCONFIG_EXTRA:-}" ] || cat "$ALIST_KCONFIG_EXTRA"
	} | sha256sum | cut -c1-16
}

# alist_kbuild ARCH: path of the cached kernel build tree for ARCH.
alist_kbuild() {
	local src
	src=$(alist_ksrc) || return 1
	local variant=${ALIST_KCONFIG_EXTRA:+-$(basename "$ALIST_KCONFIG_EXTRA" .config)}
	echo "$ALIST_CACHE/kernel/$1$variant-$(alist_kernel_key "$src" "$1")"
}

# alist_apt DIR ARCH APT-GET-ARGS...: apt-get with a configuration of its
# own under DIR: Debian trixie + trixie-backports for ARCH only, its own
# state and cache, an empty dpkg status (so a download fetches the whole
# dependency closure) and nothing ever installed on this machine. The
# configuration is written once, with the first "apt-get update".
alist_apt() {
	local a=$1 arch=$2
	shift 2
	if [ ! -f "$a/apt.conf" ]; then
		mkdir -p "$a/state/lists/partial" "$a/cache/archives/partial" "$a/etc/none"
		: > "$a/state/status"
		cat > "$a/etc/sources.list" <<-EOS
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
		EOS
		cat > "$a/apt.conf.tmp" <<-EOS
		Dir::Etc::SourceList "$a/etc/sources.list";
		Dir::Etc::SourceParts "$a/etc/none";
		Dir::Etc::Preferences "$a/etc/preferences";
		Dir::Etc::PreferencesParts "$a/etc/none";
		Dir::State "$a/state";
		Dir::State::status "$a/state/status";
		Dir::Cache "$a/cache";
		APT::Architecture "$arch";
		APT::Architectures { "$arch"; };
		APT::Install-Recommends "false";
		Debug::NoLocking "true";
		EOS
		APT_CONFIG=$a/apt.conf.tmp apt-get -q update >&2 || return 1
		mv "$a/apt.conf.tmp" "$a/apt.conf"
	fi
	(cd "$a" && APT_CONFIG=$a/apt.conf apt-get "$@")
}

# alist_host_qemu11: QEMU 11.1 for this (amd64) host, for what QEMU 10.0
# cannot do (run-guest.sh --machine 2smmu: SMMUv3 instances created with
# -device). qemu-system-arm and qemu-efi-aarch64 from trixie-backports and
# their closure, downloaded by alist_apt and unpacked (dpkg-deb -x) into a
# root under ALIST_CACHE/hostqemu, once. Sets ALIST_QEMU11 to the command
# that runs it: the root's own dynamic loader with the root's libraries,
# the root's firmware (-L) and modules (QEMU_MODULE_DIR: else it loads the
# host QEMU's, of another version, and aborts), and ALIST_QEMU11_EFI to
# the UEFI firmware for arm64 guests.
alist_host_qemu11() {
	local pkgs="qemu-system-arm qemu-efi-aarch64" d=$ALIST_CACHE/hostqemu key root
	local lib=usr/lib/x86_64-linux-gnu deb
	[ "$(uname -m)" = x86_64 ] || alist_die "QEMU 11.1 is fetched for amd64 hosts only"
	key=$(echo "$pkgs amd64" | sha256sum | cut -c1-16)
	root=$d/qemu-$key
	if [ ! -x "$root/usr/bin/qemu-system-aarch64" ]; then
		alist_log "host QEMU 11.1 (amd64 packages of trixie-backports, unpacked in $root)"
		mkdir -p "$d"
		# shellcheck disable=SC2086 # one word per package
		alist_apt "$d/apt" amd64 -q -y --download-only -t trixie-backports \
			install $pkgs >&2 || alist_die "host QEMU 11.1: apt-get failed"
		rm -rf "$root.tmp"
		mkdir -p "$root.tmp"
		for deb in "$d"/apt/cache/archives/*.deb; do
			dpkg-deb -x "$deb" "$root.tmp"
		done
		dpkg-deb -f "$d"/apt/cache/archives/qemu-system-arm_*.deb Version > "$root.tmp/version"
		mv "$root.tmp" "$root"
	fi
	ALIST_QEMU11=(env "QEMU_MODULE_DIR=$root/$lib/qemu"
		      "$root/usr/lib64/ld-linux-x86-64.so.2"
		      --library-path "$root/$lib:$root/$lib/qemu"
		      "$root/usr/bin/qemu-system-aarch64" -L "$root/usr/share/qemu")
	ALIST_QEMU11_EFI=$root/usr/share/qemu-efi-aarch64/QEMU_EFI.fd
	[ -f "$ALIST_QEMU11_EFI" ] || alist_die "no $ALIST_QEMU11_EFI"
}
