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

# alist_arch_vars ARCH: set KARCH, CROSS, KIMAGE, QEMU for a guest arch.
alist_arch_vars() {
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

# alist_ksrc: path of the unpacked kernel source (after fetch-kernel-source.sh).
alist_ksrc() {
	local d
	d=$(cat "$ALIST_CACHE/src/current" 2>/dev/null) || return 1
	[ -f "$d/.alist-unpacked" ] || return 1
	echo "$d"
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
