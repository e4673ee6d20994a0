#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a bench boot's host CPU time went, per bench operation.

A profiled boot (run-guest.sh --profile) runs QEMU under perf with
-perfmap: each sample in translated code is named "guest-0xPC" after the
guest PC its block starts at; samples in QEMU itself (device emulation,
the TCG runtime) keep QEMU's symbol. This script reads `perf script -F
time,ip,sym` on stdin and keeps the samples that fall inside a marked
operation (the edu markers of QEMU's trace, timestamped on the same
realtime clock), per workload id: how many samples per operation, how
many in guest code, in our modules (or arm_smmu_v3.ko), and the top
functions, guest PCs resolved through the kernel's System.map and the
module symbols the guest printed (ALIST-KSYM lines of its log).

With cpu-clock at 999 Hz, a sample is about a millisecond of one host
CPU: samples per operation is the emulation work an operation costs,
both vCPU threads and QEMU's own. It still varies between boots (TCG's
translation state differs), so it says where the time goes; the ratios
to read come from BENCH_ICOUNT=1 (guest instructions).

usage: perf script -F time,ip,sym | bench-profile.py SYSTEM_MAP LOG TRACE JSON
"""
import bisect
import json
import os
import re
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest_syms import load_syms  # noqa: E402

RE_MARK = re.compile(r"@(\d+\.\d+):memory_region_ops_write .*addr 0x([0-9a-f]+) "
                     r"value 0x(ab[12]00[0-9a-f]{3}) ")
RE_SAMPLE = re.compile(r"\s*(\d+\.\d+):\s+[0-9a-f]+\s+(\S+)")
RE_GUEST = re.compile(r"guest-0x([0-9a-f]+)")
MODULES = ("iommu_alist", "alist_vtd", "alist_smmuv3", "arm_smmu_v3")
TOP = 25


def windows(trace):
    """(start, end, id) of every marked operation, sorted by start"""
    out, begun = [], {}
    with open(trace, errors="replace") as f:
        for line in f:
            m = RE_MARK.search(line)
            if not m or int(m.group(2), 16) & 0xfffff != 0x04:
                continue
            t, v = float(m.group(1)), int(m.group(3), 16)
            pid = v & 0xfff
            if v & ~0xfff == 0xab100000:
                begun[pid] = t
            elif pid in begun:
                out.append((begun.pop(pid), t, pid))
    out.sort()
    return out


def main():
    system_map, log, trace, out = sys.argv[1:5]
    addrs, names = load_syms(system_map, log)
    wins = windows(trace)
    starts = [w[0] for w in wins]
    ops = Counter(w[2] for w in wins)
    per = {}
    for line in sys.stdin:
        m = RE_SAMPLE.match(line)
        if not m:
            continue
        t = float(m.group(1))
        i = bisect.bisect_right(starts, t) - 1
        if i < 0 or t > wins[i][1]:
            continue
        g = RE_GUEST.match(m.group(2))
        if g:
            j = bisect.bisect_right(addrs, int(g.group(1), 16)) - 1
            key = names[j] if j >= 0 else "guest:?"
        else:
            key = "qemu:" + m.group(2)
        per.setdefault(wins[i][2], Counter())[key] += 1
    res = {}
    for wid, c in sorted(per.items()):
        total = sum(c.values())
        guest = sum(v for k, v in c.items() if not k.startswith("qemu:"))
        mods = sum(v for k, v in c.items()
                   if any(k.endswith(f"[{mod}]") for mod in MODULES))
        res[str(wid)] = {"ops": ops[wid], "samples": total, "guest": guest,
                         "modules": mods, "top": c.most_common(TOP)}
    with open(out, "w") as f:
        json.dump({"hz": 999, "windows": len(wins), "workloads": res}, f, indent=1)
    return 0 if wins else 1


if __name__ == "__main__":
    sys.exit(main())
