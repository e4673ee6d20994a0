#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a test guest of ARCH after guest-build.sh:
#   kunit      every KUnit suite of our modules
#   selftests  every selftest program
#   check      both in one boot (what make check runs; on x86_64 one boot
#              per VT-d mode: check-fs and check-ss), the fail-nth sweeps
#              strided (every FNTH_CHECK_STRIDE-th point of the ioctl
#              sequences, every LOAD_NTH_CHECK_STRIDE-th of the init)
#   fail-nth   the full fail-nth sweeps: every point of every ioctl
#              sequence and of the driver's init (on x86_64 fail-nth-fs
#              and fail-nth-ss); slow, not part of make check
#   run        the demo: modules loaded, what they do, shown on the terminal
#   two-smmu   (arm64-intree) smmu_dma on run-guest.sh --machine 2smmu: two
#              SMMUv3 instances, an edu behind each, one stage-2 domain
#              shared by both (the "two" tests; the others run too, on
#              either edu); QEMU 11.1 and the ACPI kernel, not in make check
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: guest-test.sh ARCH kunit|selftests|check|fail-nth|run|two-smmu}
mode=${2:?usage: guest-test.sh ARCH kunit|selftests|check|fail-nth|run|two-smmu}
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
arm64|arm64-intree) drv=alist_smmuv3 ;;
esac
[ -f "$out/modules/$drv.ko" ] && mods+=("$drv")
# (two-smmu runs no KUnit suite)
for ko in "$out"/modules/*kunit*.ko; do
	[ -f "$ko" ] && [ "$mode" != two-smmu ] && mods+=("$(basename "$ko" .ko)")
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

# The sweeps in check: x86_64's init meets some 2600 points, 2.5 s a try
# under TCG (every 263rd: 10 tries); the ioctl sequences every 5th point
# (the bind sequence every 40th). guest-test.sh ARCH fail-nth tries all.
FNTH_CHECK_STRIDE=5
case "$arch" in
x86_64) LOAD_NTH_CHECK_STRIDE=263 ;;
*) LOAD_NTH_CHECK_STRIDE=61 ;;
esac

case "$mode" in
kunit) args=(--kunit "$(join "${suites[@]}")") ;;
selftests) args=(--selftests "$(join "${progs[@]}")") ;;
check) args=(--kunit "$(join "${suites[@]}")" --selftests "$(join "${progs[@]}")") ;;
fail-nth) args=(--selftests iommufd_fail_nth) ;;
# The demo is read by a person: console notices and worse only (a splat
# still shows; notices keep the kernel command line, which tells the
# parser that the arm64 guest asked for its U taint), the demo prints what
# it wants from dmesg itself. Its log is parsed as a check's: a splat, a
# leak or a bad taint fails make run.
run) args=(--run demo.sh --append loglevel=6) ;;
two-smmu)
	[ "$arch" = arm64-intree ] || alist_die "two-smmu needs the ACPI kernel: ARCH arm64-intree"
	args=(--machine 2smmu --selftests smmu_dma --timeout 1200)
	;;
*) alist_die "unknown mode $mode" ;;
esac

# On x86_64 check runs twice: the emulated VT-d unit does either first-stage
# (fs) or second-stage (ss) translation, never both, and the driver must
# serve each. The results are check-fs and check-ss.
runs=("$mode")
[ "$arch" = x86_64 ] && [ "$mode" = check ] && runs=(check-fs check-ss)
[ "$arch" = x86_64 ] && [ "$mode" = fail-nth ] && runs=(fail-nth-fs fail-nth-ss)

# The last check run (x86_64: check-ss) loads the driver through the
# fail-nth sweep of its init (run-guest.sh --load-nth); the fail-nth sweeps
# and the kmemleak scans need more than the default 300 s under TCG.
# The runs of one mode are independent boots: with ALIST_GUEST_JOBS > 1
# (default: 2 on a machine with 2 or more CPUs) they run side by side,
# each printing its results when it is done, in the order of the runs.
jobs=${ALIST_GUEST_JOBS:-$(( $(nproc) > 1 ? 2 : 1 ))}
[ "$mode" = run ] && jobs=1
pids=() outs=()
trap '[ ${#pids[@]} = 0 ] || kill "${pids[@]}" 2>/dev/null' INT TERM
rc=0
last=${runs[${#runs[@]}-1]}
for name in "${runs[@]}"; do
	vtd=() extra=() run_args=("${args[@]}")
	case "$name" in
	*-fs) vtd=(--vtd-mode fs) ;;
	*-ss) vtd=(--vtd-mode ss) ;;
	esac
	case "$name" in
	check*)
		extra=(--timeout 1200 --append "alist_fnth_stride=$FNTH_CHECK_STRIDE")
		[ "$name" = "$last" ] && extra+=(--load-nth "$drv" \
			--load-nth-stride "$LOAD_NTH_CHECK_STRIDE")
		;;
	fail-nth*)
		# x86_64's whole init sweep alone is some 2600 tries of 2.5 s
		extra=(--timeout 10800 --append alist_fnth_full=1)
		[ "$name" = "$last" ] && extra+=(--load-nth "$drv" --load-nth-stride 1)
		;;
	esac
	# The second-stage boot runs what depends on the unit's mode: the
	# selftests but the stress, which runs on the first-stage unit only,
	# and the sweep of the driver's init. KUnit runs in check-fs alone:
	# its suites drive units in memory, and the one that drives the
	# emulated unit (alist_vtd_qi) uses its queue, the same in both modes.
	if [ "$name" = check-ss ]; then
		run_args=(--selftests \
			  "$(join $(printf '%s\n' "${progs[@]}" | grep -vx iommufd_stress))")
	fi
	cmd=("$ALIST_TOP/scripts/run-guest.sh" --arch "$arch" --name "$name" "${vtd[@]}"
	     --modules "$(join "${mods[@]}")" "${run_args[@]}" "${extra[@]}" "$@")
	if [ "$jobs" -gt 1 ] && [ "${#runs[@]}" -gt 1 ]; then
		mkdir -p "$out/logs"
		outs+=("$out/logs/$name.out")
		"${cmd[@]}" > "$out/logs/$name.out" 2>&1 &
		pids+=($!)
		# at most $jobs boots at once
		if [ "${#pids[@]}" -ge "$jobs" ]; then
			wait "${pids[0]}" || rc=1
			cat "${outs[0]}"
			pids=("${pids[@]:1}") outs=("${outs[@]:1}")
		fi
	elif [ "$mode" = run ]; then
		# the verdict after the demo, not before it
		mkdir -p "$out/logs"
		"${cmd[@]}" > "$out/logs/run.verdict" || rc=1
	else
		"${cmd[@]}" || rc=1
	fi
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || rc=1
	cat "${outs[$i]}"
done
if [ "$mode" = run ]; then
	# The demo is for reading: show the console without the boot chatter.
	# The kmemleak scan's objects are in the verdict, named
	sed -n -e '/ALIST-BEGIN kmemleak scan/,/ALIST-END kmemleak scan/d' \
		-e '/ALIST-BOOTED/,$p' "$out/logs/run.log"
	cat "$out/logs/run.verdict"
fi
exit $rc
