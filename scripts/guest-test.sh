#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a test guest of ARCH after guest-build.sh:
#   kunit      every KUnit suite of our modules
#   selftests  every selftest program
#   check      both in one boot (what make check runs; on x86_64 one boot
#              per VT-d mode: check-fs and check-ss)
#   run        the demo: modules loaded, what they do, shown on the terminal
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: guest-test.sh ARCH kunit|selftests|check|run}
mode=${2:?usage: guest-test.sh ARCH kunit|selftests|check|run}
shift 2
out=$ALIST_BUILD/$arch

join() {
	local IFS=,
	echo "$*"
}

# Load order: the core, the driver for this arch, then the test modules.
mods=(iommu_alist)
case "$arch" in
x86_64) drv=alist_vtd ;;
arm64) drv=alist_smmuv3 ;;
esac
[ -f "$out/modules/$drv.ko" ] && mods+=("$drv")
for ko in "$out"/modules/*kunit*.ko; do
	[ -f "$ko" ] && mods+=("$(basename "$ko" .ko)")
done

# Every suite our KUnit sources for this arch define must run: core_* on
# both, vtd_* on x86_64, smmuv3_* on arm64 (the Kbuild file split).
case "$arch" in
x86_64) ksrc=("$ALIST_TOP"/kunit/core_*.c "$ALIST_TOP"/kunit/vtd_*.c) ;;
arm64) ksrc=("$ALIST_TOP"/kunit/core_*.c "$ALIST_TOP"/kunit/smmuv3_*.c) ;;
esac
mapfile -t suites < <(sed -n 's/^[[:space:]]*\.name = "\(alist_[a-z0-9_]*\)",$/\1/p' \
	"${ksrc[@]}" 2>/dev/null | sort -u)
mapfile -t progs < <(find "$out/selftests" -maxdepth 1 -type f -perm -u+x -printf '%f\n' | sort)

case "$mode" in
kunit) args=(--kunit "$(join "${suites[@]}")") ;;
selftests) args=(--selftests "$(join "${progs[@]}")") ;;
check) args=(--kunit "$(join "${suites[@]}")" --selftests "$(join "${progs[@]}")") ;;
# The demo is read by a person: console warnings and worse only (a splat
# still shows), the demo prints what it wants from dmesg itself.
run) args=(--run demo.sh --no-parse --append loglevel=5) ;;
*) alist_die "unknown mode $mode" ;;
esac

# On x86_64 check runs twice: the emulated VT-d unit does either first-stage
# (fs) or second-stage (ss) translation, never both, and the driver must
# serve each. The results are check-fs and check-ss.
runs=("$mode")
[ "$arch" = x86_64 ] && [ "$mode" = check ] && runs=(check-fs check-ss)

# The first check run loads the driver through the fail-nth sweep of its
# init (run-guest.sh --load-nth); the fail-nth sweeps and the kmemleak
# scans need more than the default 300 s under TCG.
rc=0
first=1
for name in "${runs[@]}"; do
	vtd=() extra=()
	case "$name" in
	*-fs) vtd=(--vtd-mode fs) ;;
	*-ss) vtd=(--vtd-mode ss) ;;
	esac
	case "$name" in
	check*)
		extra=(--timeout 1200)
		[ "$first" = 1 ] && extra+=(--load-nth "$drv")
		;;
	esac
	first=0
	"$ALIST_TOP/scripts/run-guest.sh" --arch "$arch" --name "$name" "${vtd[@]}" \
		--modules "$(join "${mods[@]}")" "${args[@]}" "${extra[@]}" "$@" || rc=1
done
if [ "$mode" = run ]; then
	# The demo is for reading: show the console without the boot chatter.
	sed -n '/ALIST-BOOTED/,$p' "$out/logs/run.log"
fi
exit $rc
