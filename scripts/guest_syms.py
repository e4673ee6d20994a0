# SPDX-License-Identifier: GPL-2.0
"""Guest text symbols for naming guest PCs (bench-profile.py, bench-funcs.py,
bench-blocks.py):
the kernel's System.map and the module symbols a bench guest printed
(ALIST-KSYM lines of its log, from /proc/kallsyms)."""
import re

RE_KSYM = re.compile(r"ALIST-KSYM ([0-9a-f]+) [tTwW] (\S+)\s+\[(\S+)\]")


def module_syms(log):
    """The module text symbols a guest printed: (address, name, module)"""
    with open(log, errors="replace") as f:
        for line in f:
            m = RE_KSYM.search(line)
            if m:
                yield int(m.group(1), 16), m.group(2), m.group(3)


def load_syms(system_map, log):
    """Sorted guest text symbols: addresses, names (module ones as name[mod])"""
    syms = []
    with open(system_map) as f:
        for line in f:
            a, t, n = line.split()[:3]
            if t in "tTwW":
                syms.append((int(a, 16), n))
    syms += [(a, f"{n}[{mod}]") for a, n, mod in module_syms(log)]
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]
