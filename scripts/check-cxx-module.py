#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Post-link check of kernel modules that contain C++.

Fails when a .ko carries what the kernel would silently ignore or cannot
provide:

- constructors or destructors other than the compiler's sanitizer module
  constructors: every .init_array/.fini_array entry must point at a
  function named _sub_I_<prio>_<n> / _sub_D_<prio>_<n> (KASAN's global
  registration, which the kernel runs because KASAN selects
  CONFIG_CONSTRUCTORS). A C++ dynamic initializer (_GLOBAL__sub_I_*) is
  never run without CONFIG_CONSTRUCTORS and is run with it: forbidden.
- .ctors/.dtors, unwind and exception tables (.eh_frame, .gcc_except_table);
- undefined C++ runtime symbols: __cxa_*, _Unwind_*, __gxx_*, __dso_handle,
  operator new/delete, RTTI, anything from std::.

usage: check-cxx-module.py [--cross PREFIX] MODULE.ko...
"""
import re
import subprocess
import sys

FORBIDDEN_SECTIONS = re.compile(
    r"^\.(ctors|dtors|eh_frame|eh_frame_hdr|gcc_except_table)(\..*)?$")
CDTOR_SECTIONS = (".init_array", ".fini_array")
SANITIZER_CDTOR = re.compile(r"^_sub_[ID]_\d+_\d+$")
CXX_RUNTIME = re.compile(
    r"^(__cxa_|_Unwind_|__gxx_|__dso_handle|_ZSt|_ZNSt|_ZNKSt|_ZTI|_ZTS|"
    r"_Znw|_Zna|_Zdl|_Zda)")


def run(tool, *args):
    return subprocess.run([tool, *args], check=True, capture_output=True,
                          text=True).stdout


def sections(readelf, ko):
    """Section index -> name."""
    out = {}
    for m in re.finditer(r"^\s*\[\s*(\d+)\]\s+(\S+)", run(readelf, "-SW", ko),
                         re.M):
        out[int(m.group(1))] = m.group(2)
    return out


def functions(readelf, ko, secnames):
    """(section name, value) -> function symbol name."""
    out = {}
    for line in run(readelf, "-sW", ko).splitlines():
        f = line.split()
        if len(f) >= 8 and f[3] == "FUNC" and f[6].isdigit():
            out[(secnames.get(int(f[6])), int(f[1], 16))] = f[7]
    return out


def cdtor_targets(readelf, ko):
    """Yield (section, target) for every constructor/destructor entry."""
    secnames = sections(readelf, ko)
    funcs = functions(readelf, ko, secnames)
    current = None
    for line in run(readelf, "-rW", ko).splitlines():
        m = re.match(r"Relocation section '\.rela(\S+)'", line)
        if m:
            current = m.group(1) if m.group(1) in CDTOR_SECTIONS else None
            continue
        if not current:
            continue
        m = re.search(r"\s([.\w]+) \+ ([0-9a-f]+)$", line)
        if m:
            sym, off = m.group(1), int(m.group(2), 16)
            yield current, funcs.get((sym, off), sym if not sym.startswith(".")
                                     else f"{sym}+{off:#x}")


def check(ko, cross):
    problems = []
    readelf, nm = cross + "readelf", cross + "nm"
    for name in sections(readelf, ko).values():
        if FORBIDDEN_SECTIONS.match(name):
            problems.append(f"forbidden section {name}")
    for sec, target in cdtor_targets(readelf, ko):
        if not SANITIZER_CDTOR.match(target):
            problems.append(f"{sec} entry {target} (a global constructor or "
                            "destructor)")
    for line in run(nm, "-u", ko).splitlines():
        sym = line.split()[-1]
        if CXX_RUNTIME.match(sym):
            problems.append(f"undefined C++ runtime symbol {sym}")
    return problems


def main(argv):
    cross = ""
    if argv[:1] == ["--cross"]:
        cross, argv = argv[1], argv[2:]
    if not argv:
        print("check-cxx-module: no modules given", file=sys.stderr)
        return 1
    bad = 0
    for ko in argv:
        problems = check(ko, cross)
        if problems:
            bad = 1
            print(f"check-cxx-module: {ko}:", file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
