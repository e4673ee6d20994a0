#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The runner's own negative controls. Each must be caught, or the runner
# cannot be trusted with the real tests:
#   cxx_ctor_rejected      the C++ post-link check fails a module with a
#                          global constructor (and names .init_array)
#   canary_pass_counted    a passing KUnit canary suite is counted as passed
#   canary_fail_detected   a deliberately failing KUnit case fails the run
#   canary_warn_detected   a WARN_ON(1) in a test module fails the run as a
#                          splat, although its KUnit case passes
#   canary_leak_detected   an unwind that returns the right errno but leaks
#                          fails the run through the kmemleak scan, although
#                          its KUnit case passes
# Writes RESDIR/canary.json (the format scripts/results.py reads).
# usage: test-runner-canary.sh RESDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

res=${1:?usage: test-runner-canary.sh RESDIR}
arch=x86_64
alist_arch_vars "$arch"
kbuild=$(alist_kbuild "$arch")
out=$ALIST_BUILD/$arch
names=() oks=()

expect() {
	names+=("$1")
	oks+=("$2")
	echo "canary: $1: $([ "$2" = 1 ] && echo ok || echo NOT DETECTED)"
}

# 1. C++ module with a global constructor.
mo=$out/cxx-ctor
mkdir -p "$mo"
if make -s -C "$kbuild" M="$ALIST_TOP/scripts/tests/cxx-ctor" MO="$mo" \
	ARCH="$KARCH" CROSS_COMPILE="$CROSS" modules >"$mo/build.log" 2>&1; then
	msg=$("$ALIST_TOP/scripts/check-cxx-module.py" "$mo/alist_cxx_ctor.ko" 2>&1)
	rc=$?
	[ $rc != 0 ] && echo "$msg" | grep -q init_array
	expect cxx_ctor_rejected $(( $? == 0 ))
else
	cat "$mo/build.log" >&2
	expect cxx_ctor_rejected 0
fi

# 2. KUnit canaries in one guest boot.
mo=$out/canary
mkdir -p "$mo" "$out/canary-empty"
ok=0
if make -s -C "$kbuild" M="$ALIST_TOP/scripts/tests/canary" MO="$mo" \
	ARCH="$KARCH" CROSS_COMPILE="$CROSS" modules >"$mo/build.log" 2>&1 &&
   "$ALIST_TOP/scripts/mkinitramfs.sh" "$arch" "$kbuild" "$mo" "$out/canary-empty" \
	"$out/canary.cpio.gz"; then
	"$ALIST_TOP/scripts/run-guest.sh" --arch "$arch" --name canary \
		--initrd "$out/canary.cpio.gz" --modules alist_canary_kunit \
		--kunit alist_canary_leak,alist_canary_pass,alist_canary_fail,alist_canary_warn \
		--timeout 360 > "$mo/run.out" 2>&1
	guest_rc=$?
	ok=1
else
	cat "$mo/build.log" >&2
fi
json=$out/results/canary.json
check_json() {
	[ "$ok" = 1 ] && [ -f "$json" ] && python3 - "$json" "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
what = sys.argv[2]
res = {x["name"]: x["status"] for x in r.get("results", [])}
def status(suffix):
    return [s for n, s in res.items() if n.endswith(suffix)]
if what == "pass":
    ok = status("alist_canary_pass/alist_canary_passes") == ["PASS"]
elif what == "fail":
    ok = status("alist_canary_fail/alist_canary_fails") == ["FAIL"]
elif what == "leak":
    ok = (status("alist_canary_leak/alist_canary_leaks") == ["PASS"] and
          any(s == "FAIL" and "kmemleak/scan/" in n and "canary_leaky_setup" in n
              for n, s in res.items()))
else:
    ok = any(s.get("kind") in ("WARN", "cut-here") for s in r.get("splats", []))
sys.exit(0 if ok else 1)
PY
}
check_json pass; expect canary_pass_counted $(( $? == 0 ))
check_json fail; r1=$?
check_json warn; r2=$?
check_json leak; r3=$?
[ "$ok" = 1 ] && [ "${guest_rc:-0}" != 0 ]; r0=$?
expect canary_fail_detected $(( r0 == 0 && r1 == 0 ))
expect canary_warn_detected $(( r0 == 0 && r2 == 0 ))
expect canary_leak_detected $(( r0 == 0 && r3 == 0 ))
[ "$ok" = 1 ] && grep -v '^PASS\|^SKIP' "$mo/run.out" | tail -n 25

"$ALIST_TOP/scripts/checks-json.py" "$res/canary.json" canary "${names[@]}" -- "${oks[@]}"
for o in "${oks[@]}"; do [ "$o" = 1 ] || exit 1; done
exit 0
