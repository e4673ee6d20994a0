#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The reliability line of make check, from what the runs printed.

usage: reliability.py FILE...

Each FILE is a guest console log or a fuzz log (*.log: scanned for the
lines below) or a guest's results (*.json from ktap.py: its kmemleak
failures and splats). Prints one line:

  reliability: F faults injected at P points of S sweeps; T stress runs
  (D DMAs checked, O operations); X fuzz executions in Z runs; L leaks,
  K splats

What is counted, and where it is printed:
  - a fail-nth sweep of an ioctl sequence (selftests/iommufd_fail_nth.c):
    "# fail-nth <seq>: <P> points (<T> tried: ..."
  - a driver's init sweep (scripts/guest/load_nth.c):
    "# fail-nth init <module>: <P> points (every <S> tried)"
  - KUnit's nested VT-d sweep:
    "fail-nth nested VT-d: <P> points (..."  (every point tried)
  - a stress test (selftests/iommufd_stress.c, smmu_dma.c):
    "stress <name>: <n> DMAs checked, <n> <what>, ..." (every other
    number is an operation)
  - libFuzzer's final stats: "stat::number_of_executed_units: <n>"
"""
import json
import math
import re
import sys

# A sweep's line, and its (points met, faults injected) from the match
SWEEPS = [
    # an ioctl sequence: "N points (T tried"
    (re.compile(r'# fail-nth (?!init )\S+: (\d+) points \((\d+) tried'),
     lambda m: (int(m[1]), int(m[2]))),
    # a driver's init, every S-th point tried
    (re.compile(r'# fail-nth init \S+: (\d+) points \(every (\d+) tried\)'),
     lambda m: (int(m[1]), math.ceil(int(m[1]) / int(m[2])))),
    # KUnit's nested VT-d sweep tries every point
    (re.compile(r'fail-nth nested VT-d: (\d+) points'),
     lambda m: (int(m[1]), int(m[1]))),
]
STRESS_RE = re.compile(r'stress (\w+): (.*)$')
COUNT_RE = re.compile(r'(\d+) ([A-Za-z][\w-]*(?: [a-z-]+)?)')
FUZZ_RE = re.compile(r'^stat::number_of_executed_units: (\d+)')
# The kernel's own copy of a KUnit line; the run prints the suite again
PRINTK_RE = re.compile(r'^\[ *\d+\.\d+\]')


class Tally:
    """What the logs and results add up to."""

    def __init__(self):
        self.injected = self.points = self.sweeps = 0
        self.stress_runs = set()
        self.dmas = self.ops = 0
        self.fuzz_execs = self.fuzz_runs = 0
        self.leaks = self.splats = 0

    def log_line(self, source, line):
        if PRINTK_RE.match(line):
            return
        for regex, counts in SWEEPS:
            m = regex.search(line)
            if m:
                points, tried = counts(m)
                self.sweeps += 1
                self.points += points
                self.injected += tried
                return
        m = FUZZ_RE.match(line)
        if m:
            self.fuzz_runs += 1
            self.fuzz_execs += int(m.group(1))
            return
        m = STRESS_RE.search(line)
        if m:
            self.stress_runs.add((source, m.group(1)))
            for n, what in COUNT_RE.findall(m.group(2)):
                if what.startswith('DMAs'):
                    self.dmas += int(n)
                else:
                    self.ops += int(n)

    def results(self, data):
        self.splats += len(data.get('splats', []))
        self.leaks += sum(1 for r in data.get('results', [])
                          if r['status'] == 'FAIL' and '/kmemleak/' in r['name'])

    def line(self):
        return ('reliability: %d faults injected at %d points of %d sweeps; '
                '%d stress runs (%d DMAs checked, %d operations); '
                '%d fuzz executions in %d runs; %d leaks, %d splats' % (
                    self.injected, self.points, self.sweeps,
                    len(self.stress_runs), self.dmas, self.ops,
                    self.fuzz_execs, self.fuzz_runs, self.leaks, self.splats))


def tally(paths):
    t = Tally()
    for path in paths:
        try:
            if path.endswith('.json'):
                with open(path) as f:
                    t.results(json.load(f))
            else:
                with open(path, errors='replace') as f:
                    for line in f:
                        t.log_line(path, line.rstrip('\n'))
        except (OSError, ValueError):
            continue    # a stage that did not run: counted by results.py
    return t


def main(argv):
    print(tally(argv[1:]).line())
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
