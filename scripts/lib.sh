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
# version plus every input that shapes the config or the build.
alist_kernel_key() {
	local src=$1 arch=$2
	{
		cat "$src/.alist-unpacked"
		cat "$ALIST_TOP/scripts/kconfig/common.config" \
		    "$ALIST_TOP/scripts/kconfig/$arch.config" \
		    "$ALIST_TOP/scripts/build-kernel.sh"
	} | sha256sum | cut -c1-16
}

# alist_kbuild ARCH: path of the cached kernel build tree for ARCH.
alist_kbuild() {
	local src
	src=$(alist_ksrc) || return 1
	echo "$ALIST_CACHE/kernel/$1-$(alist_kernel_key "$src" "$1")"
}
