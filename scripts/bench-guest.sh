#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest half of make bench: invalidation commands and syncs per
# operation, ours against the minimum and against the in-tree driver, on
# the same emulated hardware, counted by QEMU (the same way for every
# driver).
#
# Boots, each running scripts/guest/run/bench.sh (the selftest program in
# bench mode) with QEMU tracing the invalidations and the program's markers:
#   x86_64 ours-ss, ours-fs      alist_vtd on a second-/first-stage unit
#   x86_64 intree-ss, intree-fs  the in-tree intel-iommu driver
#                                (intel_iommu=on,sm_on) on the same units
#   arm64 ours                   alist_smmuv3 (the arm64 guest kernel has
#                                no in-tree SMMUv3 driver)
# then scripts/bench-guest.py prints the tables and writes
# $ALIST_BUILD/bench-guest.json. Exit status non-zero when a run failed
# (not when a figure is above the minimum: figures, not assertions).
#
# usage: bench-guest.sh [x86_64] [arm64]      (default: both)
# BENCH_JOBS: guests booted at once (default 1: the x86_64 guest has been
# seen to hit an early-boot KASAN report in its interrupt code when two
# guests share 2 host cores). A boot that fails (splat, bad taint, no
# ALIST-DONE, the program failed) is booted once more; the failed log is
# kept as NAME.failed.log and named on stderr, and a second failure fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(x86_64 arm64)
jobs=${BENCH_JOBS:-1}

vtd_trace=vtd_inv_desc,vtd_reg_dmar_root,memory_region_ops_write
smmu_trace=smmuv3_cmdq_opcode,memory_region_ops_write
vtd_mods=iommu_alist,alist_vtd
smmu_mods=iommu_alist,alist_smmuv3

for arch in "${archs[@]}"; do
	"$ALIST_TOP/scripts/guest-build.sh" "$arch"
done

# name arch mode driver: one line per boot
plan=()
for arch in "${archs[@]}"; do
	case "$arch" in
	x86_64) plan+=("bench-ours-ss x86_64 ss ours" "bench-ours-fs x86_64 fs ours"
		       "bench-intree-ss x86_64 ss in-tree" "bench-intree-fs x86_64 fs in-tree") ;;
	arm64) plan+=("bench-ours arm64 smmuv3 ours") ;;
	*) alist_die "bench-guest.sh: unknown arch $arch" ;;
	esac
done

boot() {
	local name=$1 arch=$2 mode=$3 driver=$4 args=()

	case "$arch/$driver" in
	x86_64/ours) args=(--vtd-mode "$mode" --modules "$vtd_mods" --trace "$vtd_trace") ;;
	# run-guest.sh puts intel_iommu=off first; the later option wins
	x86_64/in-tree) args=(--vtd-mode "$mode" --append "intel_iommu=on,sm_on"
			      --trace "$vtd_trace") ;;
	arm64/ours) args=(--modules "$smmu_mods" --trace "$smmu_trace") ;;
	esac
	"$ALIST_TOP/scripts/run-guest.sh" --arch "$arch" --name "$name" --run bench.sh \
		--no-parse --timeout 400 "${args[@]}" || true
}

# ok NAME ARCH: the boot finished cleanly and the program reported rc=0
ok() {
	local log=$ALIST_BUILD/$2/logs/$1.log

	python3 "$ALIST_TOP/scripts/ktap.py" "$log" --label "$2/$1" > /dev/null &&
		grep -aq 'ALIST-BENCH end rc=0' "$log"
}

start=$(date +%s)
running=0
for p in "${plan[@]}"; do
	# shellcheck disable=SC2086
	boot $p &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

rc=0
runs=()
for p in "${plan[@]}"; do
	read -r name arch mode driver <<< "$p"
	log=$ALIST_BUILD/$arch/logs/$name.log
	if ! ok "$name" "$arch"; then
		mv "$log" "${log%.log}.failed.log"
		alist_log "$arch/$name failed, booting it again (first log: ${log#"$ALIST_TOP"/} -> $name.failed.log)"
		python3 "$ALIST_TOP/scripts/ktap.py" "${log%.log}.failed.log" --label "$arch/$name" |
			grep -E 'FAIL|BUG|WARNING' | head -n 5 >&2 || true
		# shellcheck disable=SC2086
		boot $p
		if ! ok "$name" "$arch"; then
			python3 "$ALIST_TOP/scripts/ktap.py" "$log" --label "$arch/$name" | tail -n 20 >&2 || true
			alist_log "$arch/$name: the guest run failed again (log: ${log#"$ALIST_TOP"/})"
			rc=1
		fi
	fi
	runs+=(--run "$name:$arch:$mode:$driver:$log:$ALIST_BUILD/$arch/logs/$name.trace")
done
alist_log "bench guests done in $(( $(date +%s) - start ))s"

python3 "$ALIST_TOP/scripts/bench-guest.py" "${runs[@]}" --json "$ALIST_BUILD/bench-guest.json" || rc=1
alist_log "results: ${ALIST_BUILD#"$ALIST_TOP"/}/bench-guest.json"
exit $rc
