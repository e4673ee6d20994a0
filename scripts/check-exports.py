#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that env/alist_exports.c exports exactly the functions that the
core's public C API headers declare (include/alist/*.h, less the environment
contract, which only KUnit sees), so a driver can never meet an API function
it cannot link to, and nothing is exported that is not documented API."""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRIVATE = {"env.h", "types.h", "errno.h", "target.h"}
DECL = re.compile(r"^[a-z][a-z_ *]*?[ *](alist_[a-z0-9_]+)\(", re.M)
EXPORT = re.compile(r"^EXPORT_SYMBOL_NS_GPL\((alist_[a-z0-9_]+), \"IOMMU_ALIST\"\);",
                    re.M)


def main():
    inc = os.path.join(TOP, "include", "alist")
    declared = set()
    for name in sorted(os.listdir(inc)):
        if name.endswith(".h") and name not in PRIVATE:
            with open(os.path.join(inc, name)) as f:
                declared |= set(DECL.findall(f.read()))
    with open(os.path.join(TOP, "env", "alist_exports.c")) as f:
        exported = set(EXPORT.findall(f.read()))
    bad = 0
    for fn in sorted(declared - exported):
        print(f"check-exports: {fn} is declared in include/alist but not exported")
        bad = 1
    for fn in sorted(exported - declared):
        print(f"check-exports: {fn} is exported but no public header declares it")
        bad = 1
    if not bad:
        print(f"check-exports: {len(declared)} API functions, all exported")
    return bad


if __name__ == "__main__":
    sys.exit(main())
