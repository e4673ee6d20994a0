#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test layer, from a fresh clone on a Debian 12 machine.
#
# Stages: install what is missing; build both guest kernels (cached under
# ALIST_CACHE); host tests of the core (plain, ASan+UBSan, TSan, fuzz);
# the runner's own tests; the modules built against Debian's own 7.3
# kernel headers with its compiler (distro-build.sh); KUnit + selftests in
# the x86_64 and arm64 guests, QEMU 11.1's accelerated vSMMU on our
# SMMUv3 driver (vmm.sh --smoke); sparse, checkpatch and kernel-doc
# (static-check.sh).
# The guests boot last, side by side (a QEMU beside a compiler runs
# several times slower; QEMUs beside each other cost each other little).
# A failing stage does not stop the others: every result is counted. Prints
# each stage's wall time, then the total line "N passed, N failed, N skipped"
# as the very last line. Exit status 0 only when nothing failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

res=$ALIST_BUILD/results
rm -rf "$res"
mkdir -p "$res"
stages=()
sources=()
t_all=$(date +%s)

# stage NAME CMD...: run, time, and on a non-zero exit record one failure
# for the stage itself (its own results, if any, are counted separately).
stage() {
	local name=$1 t rc
	shift
	alist_log "stage: $name"
	t=$(date +%s)
	"$@"
	rc=$?
	stages+=("$(printf '%-28s %5ss  %s' "$name" $(( $(date +%s) - t )) \
		"$([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)")")")
	if [ $rc != 0 ]; then
		sources+=("stage:$name=0:1:0")
	fi
	return 0
}

unittest_counts() {
	# python unittest: "Ran N tests" + "FAILED (failures=a, errors=b, skipped=c)"
	local name=$1 log=$2 ran fail skip
	ran=$(sed -n 's/^Ran \([0-9]*\) tests\?.*/\1/p' "$log" | tail -n 1)
	fail=$(grep -oE '(failures|errors)=[0-9]+' "$log" | awk -F= '{s+=$2} END {print s+0}')
	skip=$(grep -oE 'skipped=[0-9]+' "$log" | awk -F= '{s+=$2} END {print s+0}')
	sources+=("$name=$(( ${ran:-0} - fail - skip )):$fail:$skip")
}

runner_selftests() {
	python3 -m unittest discover -s "$ALIST_TOP/scripts/tests" > "$res/runner-unittest.log" 2>&1
	local rc=$?
	tail -n 5 "$res/runner-unittest.log"
	unittest_counts runner-unittest "$res/runner-unittest.log"
	return $rc
}

stage deps "$ALIST_TOP/scripts/install-deps.sh"
stage kernel-x86_64 "$ALIST_TOP/scripts/build-kernel.sh" x86_64
stage kernel-arm64 "$ALIST_TOP/scripts/build-kernel.sh" arm64

# Both guests' modules, selftests and initramfs: static checks them.
for arch in x86_64 arm64; do
	stage "guest-build-$arch" "$ALIST_TOP/scripts/guest-build.sh" "$arch"
done

# The host programs are compiled in three variants from a fresh clone each
# time: through ccache (kept under ALIST_CACHE, paths taken relative to the
# clone) a warm run compiles only what changed.
host_make() {
	CCACHE_DIR=$ALIST_CACHE/ccache CCACHE_BASEDIR=$ALIST_TOP CCACHE_NOHASHDIR=1 \
		make -s -C "$ALIST_TOP/host" CXX="ccache g++" CLANGXX="ccache clang++" \
		CLANG="ccache clang" "$@"
}
host_tests() {
	host_make -j"$(nproc)" build && host_make test asan tsan
}
stage host-tests host_tests
for v in plain asan tsan; do
	sources+=("host-$v=$ALIST_BUILD/host/$v/results.json")
done
# Every fuzz target's corpus once (fuzz-regress), then FUZZ_SECONDS of
# fuzzing shared by the targets: about 30 s in all (testing.rst).
stage host-fuzz host_make fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}"

stage runner-tests runner_selftests
stage runner-guest-canary "$ALIST_TOP/scripts/test-runner-canary.sh" "$res"
sources+=("$res/canary.json")

stage distro-build "$ALIST_TOP/scripts/distro-build.sh" "$res"
sources+=("$res/distro.json"
	  "x86_64/distro_dma=$ALIST_BUILD/x86_64/results/distro_dma.json"
	  "x86_64/distro_bound=$ALIST_BUILD/x86_64/results/distro_bound.json"
	  "arm64/distro_dma=$ALIST_BUILD/arm64/results/distro_dma.json")

# sparse checks the modules both guest builds made.
stage static "$ALIST_TOP/scripts/static-check.sh" "$res"
sources+=("$res/static.json")

# The guests last, all three boots at once (arm64; x86_64's check-fs and
# check-ss side by side): much of a boot is spent in device resets and
# sleeps, and three QEMUs on 2 CPUs finish in 350 s what takes 450 s one
# arch after the other. The arm64 output follows x86_64's. The arm64 lane,
# the shorter, then boots make vmm's short part (vmm.sh --smoke): QEMU
# 11.1 with an accelerated vSMMU on our driver, started and torn down.
guests() {
	local arm rc
	(
		rc=0
		"$ALIST_TOP/scripts/guest-test.sh" arm64 check || rc=1
		"$ALIST_TOP/scripts/vmm.sh" --smoke || rc=1
		exit $rc
	) > "$res/guest-arm64.out" 2>&1 &
	arm=$!
	"$ALIST_TOP/scripts/guest-test.sh" x86_64 check
	rc=$?
	wait "$arm" || rc=1
	cat "$res/guest-arm64.out"
	return $rc
}
stage guests guests
sources+=("$ALIST_BUILD/x86_64/results/check-fs.json"
	  "$ALIST_BUILD/x86_64/results/check-ss.json"
	  "$ALIST_BUILD/arm64/results/check.json"
	  "arm64/vmm_smoke=$ALIST_BUILD/arm64/results/vmm_smoke.json")

echo
echo "stage                        wall   status"
printf '%s\n' "${stages[@]}"
echo "total                        $(( $(date +%s) - t_all ))s"
echo
# What the reliability layers did: faults injected, stress, fuzz, leaks, splats
shopt -s nullglob
python3 "$ALIST_TOP/scripts/reliability.py" "$ALIST_BUILD"/*/logs/check*.log \
	"$ALIST_BUILD"/*/results/check*.json "$ALIST_BUILD"/host/fuzz/*.log
shopt -u nullglob
python3 "$ALIST_TOP/scripts/results.py" \
	--expected-skips "$ALIST_TOP/scripts/expected-skips.txt" "${sources[@]}"
