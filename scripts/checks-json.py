#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the results of a script's own checks as a JSON file that
scripts/results.py reads (the ktap.py --json format).

usage: checks-json.py OUT LABEL NAME... -- OK...
Each NAME is reported as LABEL/NAME, passed when its OK is 1.
"""
import json
import sys


def main():
    out, label, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    i = args.index("--")
    names, oks = args[:i], args[i + 1:]
    results = [{"name": label + "/" + n, "status": "PASS" if o == "1" else "FAIL"}
               for n, o in zip(names, oks)]
    passed = sum(r["status"] == "PASS" for r in results)
    with open(out, "w") as f:
        json.dump({"label": label, "passed": passed,
                   "failed": len(results) - passed, "skipped": 0,
                   "results": results, "splats": []}, f, indent=1)


if __name__ == "__main__":
    main()
