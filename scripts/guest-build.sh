#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build everything a test guest of ARCH boots with: the guest kernel
# (cached), our modules against it (output in build/ARCH/modules, sources
# untouched), the C++ post-link check, the selftest programs, the initramfs.
# ARCH may be a comparison kernel of make bench (arm64-intree, see
# alist_arch_vars): its initramfs also holds the kernel's own IOMMU driver
# module (arm_smmu_v3.ko) in /lib/alist, for the guest to insmod instead of
# ours.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: guest-build.sh ARCH}
alist_arch_vars "$arch"
kbuild=$("$ALIST_TOP/scripts/build-kernel.sh" "$arch")
ksrc=$(alist_ksrc)
out=$ALIST_BUILD/$arch
mkdir -p "$out/modules" "$out/selftests"

"$ALIST_TOP/scripts/check-exports.py"

alist_log "$arch: modules"
# The test guests build the drivers' test hooks (Kbuild explains them).
make -s -C "$kbuild" M="$ALIST_TOP" MO="$out/modules" ARCH="$KARCH" \
	CROSS_COMPILE="$CROSS" CONFIG_IOMMU_ALIST_TEST_HOOKS=y -j"$(nproc)" modules
"$ALIST_TOP/scripts/check-cxx-module.py" --cross "$CROSS" "$out"/modules/*.ko
if [ "$arch" = arm64-intree ]; then
	ko=$(find "$kbuild/drivers/iommu" -name arm_smmu_v3.ko)
	[ -n "$ko" ] || alist_die "no arm_smmu_v3.ko in $kbuild"
	cp "$ko" "$out/modules/"
fi

alist_log "$arch: selftests"
make -s -C "$ALIST_TOP/selftests" KSRC="$ksrc" UAPI="$kbuild/uapi/include" ARCH="$GARCH" \
	CC="${CROSS}gcc" O="$out/selftests"

# The guest's own tools (/opt/alist/bin): load_nth, the module loader of
# the fail-nth sweep of a driver's probe paths (scripts/guest/init).
alist_log "$arch: guest tools"
mkdir -p "$out/bin"
"${CROSS}gcc" -O2 -Wall -Werror -D_GNU_SOURCE -static -I"$ALIST_TOP/selftests" \
	-o "$out/bin/load_nth" "$ALIST_TOP/scripts/guest/load_nth.c"

alist_log "$arch: initramfs"
"$ALIST_TOP/scripts/mkinitramfs.sh" "$GARCH" "$kbuild" "$out/modules" \
	"$out/selftests" "$out/initramfs.cpio.gz" "$out/bin"
