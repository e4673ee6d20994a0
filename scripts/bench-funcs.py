#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Guest instructions per bench operation, by function (BENCH_FUNCS=1).

The plugin scripts/qemu-plugin/insn-windows.c wrote, per workload id, the
instructions each translated block ran inside the marked operations.
This script names each block by the guest function it starts in (the
kernel's System.map and the module symbols the guest printed, ALIST-KSYM
lines of its log) and writes per workload: the operations, the
instructions per operation, the part in the driver's own code, and the
top functions. With a block trace of one operation beside COUNTS
(COUNTS.trace, BENCH_FUNCS_TRACE=ID:K), it also writes COUNTS.calls: the
trace as the operation's call sequence, a line per run of consecutive
blocks in one function ("instructions function").

The driver's own code: functions of our modules (iommu_alist, alist_vtd,
alist_smmuv3) or of arm_smmu_v3.ko, or, for Linux's built-in VT-d driver,
the text symbols of DRIVER_OBJS (drivers/iommu/intel/built-in.a; "none"
otherwise). Exclusive counts: what the driver calls in the rest of the
kernel (locks, allocations, the page-table library) is not in it.

usage: bench-funcs.py SYSTEM_MAP LOG COUNTS DRIVER_OBJS JSON
"""
import bisect
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest_syms import load_syms  # noqa: E402

MODULES = ("iommu_alist", "alist_vtd", "alist_smmuv3", "arm_smmu_v3")
USER_TOP = 1 << 47
TOP = 25


def driver_names(objs):
    """Text symbols defined in a built-in driver's archive"""
    if objs == "none":
        return set()
    out = subprocess.run(["nm", "--defined-only", objs], capture_output=True,
                         text=True, check=True).stdout
    return {p[2] for p in (line.split() for line in out.splitlines())
            if len(p) == 3 and p[1] in "tTwW"}


def function_of(addrs, names, pc):
    """The guest function a block starting at @pc is in"""
    if pc < USER_TOP:
        return "<user>"
    j = bisect.bisect_right(addrs, pc) - 1
    return names[j] if j >= 0 else "<unknown>"


def fold_trace(addrs, names, trace, out):
    """A block trace ("pc insns" per line, in order) as runs per function"""
    runs = []
    with open(trace) as f:
        for line in f:
            pc, n = line.split()[:2]
            fn = function_of(addrs, names, int(pc, 16))
            if runs and runs[-1][1] == fn:
                runs[-1][0] += int(n)
            else:
                runs.append([int(n), fn])
    with open(out, "w") as f:
        f.writelines(f"{n:7d} {fn}\n" for n, fn in runs)


def main():
    system_map, log, counts, objs, out = sys.argv[1:6]
    addrs, names = load_syms(system_map, log)
    builtin = driver_names(objs)
    ops, per = {}, defaultdict(Counter)
    with open(counts) as f:
        for line in f:
            p = line.split()
            if p[0] == "W":
                ops[int(p[1])] = int(p[2])
                continue
            per[int(p[1])][function_of(addrs, names, int(p[2], 16))] += int(p[3])
    if os.path.exists(counts + ".trace"):
        fold_trace(addrs, names, counts + ".trace", counts + ".calls")
    res = {}
    for wid, c in sorted(per.items()):
        n = ops.get(wid) or 1
        own = Counter({k: v for k, v in c.items()
                       if k in builtin or any(k.endswith(f"[{m}]") for m in MODULES)})
        res[str(wid)] = {"ops": n, "insn": round(sum(c.values()) / n),
                         "driver_insn": round(sum(own.values()) / n),
                         "top": [(k, round(v / n)) for k, v in c.most_common(TOP)],
                         "driver_top": [(k, round(v / n)) for k, v in own.most_common(TOP)]}
    with open(out, "w") as f:
        json.dump({"workloads": res}, f, indent=1)
    return 0 if res else 1


if __name__ == "__main__":
    sys.exit(main())
