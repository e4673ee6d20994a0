#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build a guest kernel for ARCH (x86_64 or arm64) from tinyconfig plus the
# fragments in scripts/kconfig/. The build tree is cached under ALIST_CACHE,
# keyed by source version and config inputs; a cached tree is reused as is.
# Prints the build tree path on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-kernel.sh ARCH}
alist_arch_vars "$arch"
src=$(alist_ksrc) || src=$("$ALIST_TOP/scripts/fetch-kernel-source.sh")
out=$(alist_kbuild "$arch")

if [ -f "$out/.alist-built" ]; then
	echo "$out"
	exit 0
fi

frags=("$ALIST_TOP/scripts/kconfig/common.config" "$ALIST_TOP/scripts/kconfig/$arch.config")
[ -z "${ALIST_KCONFIG_EXTRA:-}" ] || frags+=("$ALIST_KCONFIG_EXTRA")
kmake() {
	make -C "$src" O="$out" ARCH="$KARCH" CROSS_COMPILE="$CROSS" "$@"
}

alist_log "building $arch guest kernel in $out"
rm -rf "$out"
mkdir -p "$out"
kmake -s tinyconfig >/dev/null
KCONFIG_CONFIG="$out/.config" "$src/scripts/kconfig/merge_config.sh" \
	-m -O "$out" "$out/.config" "${frags[@]}" >/dev/null
kmake -s olddefconfig >/dev/null

# A fragment line that did not survive olddefconfig is a missing dependency:
# fail loudly instead of booting a kernel without the feature. A later
# fragment's line for a symbol replaces an earlier one's, as in the merge.
declare -A want=()
while read -r line; do
	case "$line" in
	CONFIG_*=*) want[${line%%=*}]=$line ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		want[${sym%% *}]=$line
		;;
	esac
done < <(cat "${frags[@]}")
missing=0
for sym in "${!want[@]}"; do
	line=${want[$sym]}
	case "$line" in
	CONFIG_*=*)
		grep -qx "$line" "$out/.config" || { echo "config: $line not set" >&2; missing=1; }
		;;
	*)
		! grep -q "^$sym=" "$out/.config" || { echo "config: $sym should be off" >&2; missing=1; }
		;;
	esac
done
[ "$missing" = 0 ] || alist_die "$arch kernel config lacks requested options"

kmake -j"$(nproc)" all > "$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; alist_die "$arch kernel build failed"; }
kmake -s headers_install INSTALL_HDR_PATH="$out/uapi" >/dev/null
touch "$out/.alist-built"
echo "$out"
