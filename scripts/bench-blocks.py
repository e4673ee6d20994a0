#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where one function's instructions go in one traced bench operation.

BENCH_FUNCS_TRACE=ID:K makes scripts/bench-guest.sh write NAME.insn.trace,
every translated block the K-th operation of workload ID ran, in order
("pc instructions" a line). This prints FUNC's disassembly (objdump -d of
OBJ, the module object that holds it) restricted to the blocks that ran,
each headed by its offset, how often it ran and the instructions it
counted; then the total. FUNC's load address is the ALIST-KSYM line of
the guest's console log (LOG), read as bench-funcs.py reads it
(guest_syms.py).

usage: bench-blocks.py LOG TRACE OBJ FUNC
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest_syms import module_syms  # noqa: E402

SYMBOL = re.compile(r"^([0-9a-f]+) <(.+)>:$")
INSN = re.compile(r"^\s+([0-9a-f]+):\s+(.*\S)")


def load_address(log, func):
    """FUNC's address in the guest, or None when the log does not name it"""
    return next((a for a, n, _ in module_syms(log) if n == func), None)


def disassemble(obj, func):
    """FUNC's instructions in OBJ as (offset from FUNC, text), in order"""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", obj],
                         capture_output=True, text=True, check=True).stdout
    insns, start = [], None
    for line in out.splitlines():
        m = SYMBOL.match(line)
        if m:
            start = int(m.group(1), 16) if m.group(2) == func else None
            continue
        m = INSN.match(line)
        if m and start is not None:
            insns.append((int(m.group(1), 16) - start, m.group(2)))
    return insns


def symbol_size(obj, func):
    """FUNC's size in bytes as OBJ's symbol table gives it, 0 if absent"""
    out = subprocess.run(["nm", "-S", "--defined-only", obj],
                         capture_output=True, text=True, check=True).stdout
    for p in (line.split() for line in out.splitlines()):
        if len(p) == 4 and p[3] == func:
            return int(p[1], 16)
    return 0


def block_counts(trace, base, size):
    """{offset: [runs, instructions]} of the blocks starting in [base, base + size)"""
    counts = {}
    with open(trace) as f:
        for line in f:
            pc, n = line.split()
            off = int(pc, 16) - base
            if 0 <= off < size:
                c = counts.setdefault(off, [0, 0])
                c[0] += 1
                c[1] += int(n)
    return counts


def render(insns, counts):
    """The report's lines: each block that ran, then the total"""
    index = {off: i for i, (off, _) in enumerate(insns)}
    lines, total = [], 0
    for off in sorted(counts):
        runs, n = counts[off]
        total += n
        lines.append(f"+{off:#x}: ran {runs}x, {n} instructions")
        if off not in index:
            lines.append("    (not an instruction boundary of the object)")
            continue
        i = index[off]
        for o, text in insns[i:i + n // runs]:
            lines.append(f"    {o:6x}  {text}")
    lines.append(f"total: {total} instructions in {len(counts)} blocks")
    return lines


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    log, trace, obj, func = argv[1:]
    base = load_address(log, func)
    if base is None:
        sys.stderr.write(f"bench-blocks: {func} has no ALIST-KSYM line in {log}\n")
        return 1
    insns = disassemble(obj, func)
    if not insns:
        sys.stderr.write(f"bench-blocks: {func} is not in {obj}\n")
        return 1
    size = symbol_size(obj, func)
    print("\n".join(render(insns, block_counts(trace, base, size))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
