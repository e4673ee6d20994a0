#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that env/alist_exports.c exports exactly the functions that the
core's public C API headers declare (include/alist/*.h, less the environment
contract, which only KUnit sees), so a driver can never meet an API function
it cannot link to, and nothing is exported that is not documented API.

A header's declarations after its test interface marker (a comment that
starts "Test interface: KUnit only") are for KUnit alone: they must be
exported with EXPORT_SYMBOL_IF_KUNIT, all others with EXPORT_SYMBOL_NS_GPL
in the IOMMU_ALIST namespace. A static inline function is not a
declaration: the header is its definition, there is nothing to export."""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRIVATE = {"env.h", "types.h", "errno.h", "target.h"}
DECL = re.compile(r"^(?!static )[a-z][a-z0-9_ *]*?[ *](alist_[a-z0-9_]+)\(", re.M)
EXPORT = re.compile(r"^EXPORT_SYMBOL_NS_GPL\((alist_[a-z0-9_]+), \"IOMMU_ALIST\"\);",
                    re.M)
KUNIT_EXPORT = re.compile(r"^EXPORT_SYMBOL_IF_KUNIT\((alist_[a-z0-9_]+)\);", re.M)
KUNIT_MARK = " * Test interface: KUnit only"


def main():
    inc = os.path.join(TOP, "include", "alist")
    declared, declared_kunit = set(), set()
    for name in sorted(os.listdir(inc)):
        if name.endswith(".h") and name not in PRIVATE:
            with open(os.path.join(inc, name)) as f:
                api, _, tests = f.read().partition(KUNIT_MARK)
            declared |= set(DECL.findall(api))
            declared_kunit |= set(DECL.findall(tests))
    with open(os.path.join(TOP, "env", "alist_exports.c")) as f:
        text = f.read()
    exported = set(EXPORT.findall(text))
    exported_kunit = set(KUNIT_EXPORT.findall(text))
    bad = 0
    for what, decl, exp in (("", declared, exported),
                            (" to KUnit", declared_kunit, exported_kunit)):
        for fn in sorted(decl - exp):
            print(f"check-exports: {fn} is declared in include/alist but not exported{what}")
            bad = 1
        for fn in sorted(exp - decl):
            print(f"check-exports: {fn} is exported{what} but no public header declares it so")
            bad = 1
    if not bad:
        print(f"check-exports: {len(declared)} API functions exported, "
              f"{len(declared_kunit)} to KUnit only")
    return bad


if __name__ == "__main__":
    sys.exit(main())
