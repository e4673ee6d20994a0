#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest half of make bench: our drivers against Linux's own, workload
# by workload, on the same emulated hardware and the same guest kernel:
# invalidation commands, syncs, device-TLB/ATC commands and pages
# invalidated beyond the request per operation, counted by QEMU (the same
# way for every driver), and the ioctl round trip timed in the guest.
#
# Boots, each running scripts/guest/run/bench.sh (the selftest program in
# bench mode) with QEMU tracing the invalidations and the program's markers:
#   x86_64 ours-ss, ours-fs      alist_vtd on a second-/first-stage unit
#   x86_64 intree-ss, intree-fs  the in-tree intel-iommu driver
#                                (intel_iommu=on,sm_on) on the same units
#   arm64 ours, intree           the comparison kernel arm64-intree
#                                (scripts/kconfig/arm64-intree.config and
#                                scripts/patches/arm64-intree/): alist_smmuv3,
#                                or Linux's arm_smmu_v3.ko, insmod-ed
#   arm64 2smmu-ours, 2smmu-intree  the same kernel and drivers on
#                                run-guest.sh --machine 2smmu (QEMU 11.1):
#                                two SMMUv3 instances, an edu behind each
#                                (smmu_dma bench two: ours shares one stage-2
#                                domain between them, Linux 7.3 refuses that
#                                attach and takes one domain per instance)
# Each pair is booted ours, in-tree, ours, in-tree... (BENCH_ROUNDS rounds,
# default 1): the time ratios are taken per round, from boots next to each
# other. Then scripts/bench-guest.py prints the tables and writes
# $ALIST_BUILD/bench-guest.json. Exit status non-zero when a run failed
# (not when a figure is worse: figures, not assertions).
#
# usage: bench-guest.sh [x86_64] [arm64]      (default: both)
# BENCH_ICOUNT=1 boots with run-guest.sh --icount: the guest's clock then
# counts its own instructions, so p50/p99 are instructions per operation
# (reported in the ns columns), the same from boot to boot and on a busy
# host, where the wall-clock round trip varies by tens of percent.
# BENCH_PROFILE=1 runs each boot under the host's perf (run-guest.sh
# --profile): scripts/bench-profile.py folds the samples taken inside each
# marked operation into NAME.profile.json (host CPU per operation, how much
# of it in guest code and in the IOMMU driver, the top functions), and the
# tables get a column of host CPU milliseconds per operation.
# BENCH_FUNCS=1 loads a QEMU TCG plugin (scripts/qemu-plugin/insn-windows.c,
# built here with the host's gcc) that counts the guest instructions each
# translated block ran inside each marked operation; scripts/bench-funcs.py
# folds them into guest functions (NAME.funcs.json): per operation, the
# instructions in the driver's own code (our modules; arm_smmu_v3.ko; the
# in-tree VT-d driver's objects) and the top functions, and the tables get
# a column of driver instructions per operation. Best with BENCH_ICOUNT=1
# (the vCPUs then run one at a time and the counts are exact).
# It is built twice: for QEMU 10.0's plugin API (version 4) and for QEMU
# 11.1's (version 7, the 2smmu boots), which loads nothing older.
# BENCH_FUNCS_TRACE=ID:K also writes NAME.insn.trace: every block of the
# K-th operation of workload ID, in order; and NAME.insn.calls, the same
# as a call sequence (a line per run of blocks in one function);
# scripts/bench-blocks.py shows one function of it block by block.
# BENCH_RELEASE=1 boots kernels built as a distribution builds them
# (scripts/kconfig/release.config: -O2, no KASAN, lockdep or kmemleak),
# cached beside the test kernels; the run's build, logs and JSON go under
# build/release/. The test kernels' debug checks are most of an operation's
# instructions there, which dilutes what the drivers themselves cost.
# BENCH_ONLY=REGEX boots only the planned runs whose name matches (e.g.
# 'ours-ss' or 'bench-(ours|intree)-ss'), for a quicker look at one driver.
# Guests are booted one at a time (the time figures need a quiet host; the
# x86_64 guest has also been seen to hit an early-boot KASAN report in its
# interrupt code when two guests share 2 host cores). A boot that fails
# (splat, bad taint, no ALIST-DONE, the program failed) is booted once
# more; the failed log is kept as NAME.failed.log and named on stderr, and
# a second failure fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${BENCH_RELEASE:-0}" = 1 ]; then
	export ALIST_KCONFIG_EXTRA=$ALIST_TOP/scripts/kconfig/release.config
	export ALIST_BUILD=$ALIST_BUILD/release
fi

archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(x86_64 arm64)
rounds=${BENCH_ROUNDS:-1}

# The invalidations, their ranges (pages beyond the request) and edu's
# markers (memory_region_ops_write)
vtd_trace='vtd_inv_desc,vtd_inv_qi_setup,vtd_inv_qi_tail,vtd_reg_dmar_root,memory_region_ops_write'
smmu_trace=smmuv3_cmdq_opcode,smmuv3_range_inval,memory_region_ops_write
vtd_mods=iommu_alist,alist_vtd
smmu_mods=iommu_alist,alist_smmuv3

# The kernel each arch boots (arm64: the comparison kernel, both drivers)
kernel_arch() {
	case "$1" in
	x86_64) echo x86_64 ;;
	arm64) echo arm64-intree ;;
	*) alist_die "bench-guest.sh: unknown arch $1" ;;
	esac
}

for arch in "${archs[@]}"; do
	"$ALIST_TOP/scripts/guest-build.sh" "$(kernel_arch "$arch")"
done

plugin=$ALIST_BUILD/qemu-plugin/libinsn-windows.so
plugin7=$ALIST_BUILD/qemu-plugin/libinsn-windows-api7.so
if [ "${BENCH_FUNCS:-0}" = 1 ]; then
	mkdir -p "$(dirname "$plugin")"
	for api in 4 7; do
		out=$plugin
		[ "$api" = 7 ] && out=$plugin7
		gcc -O2 -Wall -Wextra -Wno-unused-parameter -shared -fPIC -fvisibility=hidden \
			-DALIST_PLUGIN_API="$api" -o "$out" \
			"$ALIST_TOP/scripts/qemu-plugin/insn-windows.c"
	done
fi

# The objects of Linux's VT-d driver (built in): its functions by name
intree_objs() {
	case "$1" in
	x86_64) echo "$(alist_arch_vars x86_64 && alist_kbuild x86_64)/drivers/iommu/intel/built-in.a" ;;
	*) echo none ;;
	esac
}

# name karch arch mode driver: one line per boot, ours and in-tree
# alternating
plan=()
for r in $(seq 1 "$rounds"); do
	sfx=
	[ "$rounds" = 1 ] || sfx=-r$r
	for arch in "${archs[@]}"; do
		case "$arch" in
		x86_64)
			for m in ss fs; do
				plan+=("bench-ours-$m$sfx x86_64 x86_64 $m ours"
				       "bench-intree-$m$sfx x86_64 x86_64 $m in-tree")
			done
			;;
		arm64)
			plan+=("bench-ours$sfx arm64-intree arm64 smmuv3 ours"
			       "bench-intree$sfx arm64-intree arm64 smmuv3 in-tree"
			       "bench-2smmu-ours$sfx arm64-intree arm64 2smmu ours"
			       "bench-2smmu-intree$sfx arm64-intree arm64 2smmu in-tree")
			;;
		esac
	done
done

if [ -n "${BENCH_ONLY:-}" ]; then
	sel=()
	for p in "${plan[@]}"; do
		[[ ${p%% *} =~ $BENCH_ONLY ]] && sel+=("$p")
	done
	[ ${#sel[@]} -gt 0 ] || alist_die "BENCH_ONLY=$BENCH_ONLY matches no run"
	plan=("${sel[@]}")
fi

boot() {
	local name=$1 karch=$2 arch=$3 mode=$4 driver=$5 args=()
	local logs=$ALIST_BUILD/$2/logs

	# kmemleak off: it records a stack trace per allocation, which under
	# TCG costs more than the allocation (both drivers alike); no leak
	# check is wanted here, the tests do that
	local append=kmemleak=off
	case "$arch/$driver" in
	x86_64/ours) args=(--vtd-mode "$mode" --modules "$vtd_mods" --trace "$vtd_trace") ;;
	# run-guest.sh puts intel_iommu=off first; the later option wins
	x86_64/in-tree) args=(--vtd-mode "$mode" --trace "$vtd_trace")
			append="$append intel_iommu=on,sm_on" ;;
	arm64/ours) args=(--modules "$smmu_mods" --trace "$smmu_trace") ;;
	arm64/in-tree) args=(--modules arm_smmu_v3 --trace "$smmu_trace") ;;
	esac
	# bench.sh runs smmu_dma bench two there (alist_bench reaches it
	# through /init's environment)
	[ "$mode" = 2smmu ] && args+=(--machine 2smmu) && append="$append alist_bench=two"
	[ "${BENCH_ICOUNT:-0}" = 1 ] && args+=(--icount)
	if [ "${BENCH_PROFILE:-0}" = 1 ]; then
		args+=(--profile "$logs/$name.perf")
		append="$append alist_bench_ksyms=1"
	fi
	if [ "${BENCH_FUNCS:-0}" = 1 ]; then
		# the 2smmu machine runs on QEMU 11.1
		local so=$plugin
		[ "$mode" = 2smmu ] && so=$plugin7
		args+=(--plugin "$so,out=$logs/$name.insn${BENCH_FUNCS_TRACE:+,trace=$BENCH_FUNCS_TRACE}")
		append="$append alist_bench_ksyms=1"
	fi
	args+=(--append "$append")
	"$ALIST_TOP/scripts/run-guest.sh" --arch "$karch" --name "$name" --run bench.sh \
		--no-parse --timeout 1500 "${args[@]}" || true
	if [ "${BENCH_FUNCS:-0}" = 1 ]; then
		local objs=none
		[ "$driver" = in-tree ] && objs=$(intree_objs "$arch")
		python3 "$ALIST_TOP/scripts/bench-funcs.py" \
			"$(alist_arch_vars "$karch" && alist_kbuild "$karch")/System.map" \
			"$logs/$name.log" "$logs/$name.insn" "$objs" "$logs/$name.funcs.json" ||
			alist_log "$karch/$name: no function counts"
		rm -f "$logs/$name.insn"
	fi
	[ "${BENCH_PROFILE:-0}" = 1 ] || return 0
	# The samples of the marked operations; the raw data and QEMU's perf
	# map (tens of MB each) go once folded
	perf script -i "$logs/$name.perf" -F time,ip,sym 2> /dev/null |
		python3 "$ALIST_TOP/scripts/bench-profile.py" \
			"$(alist_arch_vars "$karch" && alist_kbuild "$karch")/System.map" \
			"$logs/$name.log" "$logs/$name.trace" "$logs/$name.profile.json" ||
		alist_log "$karch/$name: no profile"
	rm -f "$logs/$name.perf" "$logs/$name.perf.old"
	for m in /tmp/perf-*.map; do
		[ -O "$m" ] && ! kill -0 "$(basename "$m" .map | cut -d- -f2)" 2> /dev/null &&
			rm -f "$m"
	done
	return 0
}

# ok NAME KARCH: the boot finished cleanly and the program reported rc=0
ok() {
	local log=$ALIST_BUILD/$2/logs/$1.log

	python3 "$ALIST_TOP/scripts/ktap.py" "$log" --label "$2/$1" > /dev/null &&
		grep -aq 'ALIST-BENCH end rc=0' "$log"
}

start=$(date +%s)
rc=0
runs=()
for p in "${plan[@]}"; do
	read -r name karch arch mode driver <<< "$p"
	log=$ALIST_BUILD/$karch/logs/$name.log
	# shellcheck disable=SC2086
	boot $p
	if ! ok "$name" "$karch"; then
		mv "$log" "${log%.log}.failed.log"
		alist_log "$karch/$name failed, booting it again (first log: ${log#"$ALIST_TOP"/} -> $name.failed.log)"
		python3 "$ALIST_TOP/scripts/ktap.py" "${log%.log}.failed.log" --label "$karch/$name" |
			grep -E 'FAIL|BUG|WARNING' | head -n 5 >&2 || true
		# shellcheck disable=SC2086
		boot $p
		if ! ok "$name" "$karch"; then
			python3 "$ALIST_TOP/scripts/ktap.py" "$log" --label "$karch/$name" | tail -n 20 >&2 || true
			alist_log "$karch/$name: the guest run failed again (log: ${log#"$ALIST_TOP"/})"
			rc=1
		fi
	fi
	runs+=(--run "$name:$arch:$mode:$driver:$log:$ALIST_BUILD/$karch/logs/$name.trace")
	[ "${BENCH_PROFILE:-0}" = 1 ] && runs+=(--profile "$name:$ALIST_BUILD/$karch/logs/$name.profile.json")
	[ "${BENCH_FUNCS:-0}" = 1 ] && runs+=(--funcs "$name:$ALIST_BUILD/$karch/logs/$name.funcs.json")
done
alist_log "bench guests done in $(( $(date +%s) - start ))s"

icount=()
[ "${BENCH_ICOUNT:-0}" = 1 ] && icount=(--icount)
python3 "$ALIST_TOP/scripts/bench-guest.py" "${runs[@]}" "${icount[@]}" \
	--json "$ALIST_BUILD/bench-guest.json" || rc=1
alist_log "results: ${ALIST_BUILD#"$ALIST_TOP"/}/bench-guest.json"
exit $rc
