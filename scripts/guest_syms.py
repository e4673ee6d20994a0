# SPDX-License-Identifier: GPL-2.0
"""Guest text symbols for naming guest PCs (bench-profile.py, bench-funcs.py):
the kernel's System.map and the module symbols a bench guest printed
(ALIST-KSYM lines of its log, from /proc/kallsyms)."""
import re

RE_KSYM = re.compile(r"ALIST-KSYM ([0-9a-f]+) [tTwW] (\S+)\s+\[(\S+)\]")


def load_syms(system_map, log):
    """Sorted guest text symbols: addresses, names (module ones as name[mod])"""
    syms = []
    with open(system_map) as f:
        for line in f:
            a, t, n = line.split()[:3]
            if t in "tTwW":
                syms.append((int(a, 16), n))
    with open(log, errors="replace") as f:
        for line in f:
            m = RE_KSYM.search(line)
            if m:
                syms.append((int(m.group(1), 16), f"{m.group(2)}[{m.group(3)}]"))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]
