#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Add up test results from several sources into one total.

Each argument is one source:

  FILE.json           --json output of ktap.py, or a GoogleTest
                      --gtest_output=json file (told apart by their keys)
  NAME=FILE.json      the same, reported under NAME
  NAME=P:F:S          a source that only has counts (passed:failed:skipped)

A listed file that is missing or unreadable is a failure of that source
(counted as 1 failed). One subtotal line is printed per source, followed by
the names of its failures, and the last line is ``N passed, N failed, N
skipped`` alone. The exit status is 1 if anything failed.

  --expected-skips FILE   (first) the skips a run expects: one fnmatch
                          pattern a line, then white space and the reason;
                          ``#`` starts a comment. A ktap.py result that
                          skips and matches none counts as failed ("skip
                          not expected"): a suite that silently stops
                          running turns the total red.
"""

import fnmatch

import json
import os
import re
import sys
from dataclasses import dataclass, field
from typing import List

COUNTS_RE = re.compile(r'^(\d+):(\d+):(\d+)$')


@dataclass
class Tally:
    """The results of one source."""
    name: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: List[str] = field(default_factory=list)

    def line(self):
        """'N passed, N failed, N skipped' for this tally."""
        return '%d passed, %d failed, %d skipped' % (
            self.passed, self.failed, self.skipped)


def broken(name, why):
    """A source that could not be read: one failure."""
    return Tally(name=name, failed=1, failures=['%s: %s' % (name, why)])


def read_expected_skips(path):
    """The fnmatch patterns of an expected-skips file."""
    patterns = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                patterns.append(line.split()[0])
    return patterns


def from_ktap(name, data, expected_skips=None):
    """Tally of a ktap.py --json file, named after its label by default.

    With @expected_skips (patterns), a skipped result that matches none
    of them is counted as failed.
    """
    t = Tally(name=name or data.get('label') or 'ktap',
              passed=data['passed'], failed=data['failed'],
              skipped=data['skipped'])
    t.failures = [r['name'] for r in data.get('results', [])
                  if r.get('status') == 'FAIL']
    if expected_skips is None:
        return t
    for r in data.get('results', []):
        if r.get('status') != 'SKIP' or \
                any(fnmatch.fnmatchcase(r['name'], p) for p in expected_skips):
            continue
        t.skipped -= 1
        t.failed += 1
        t.failures.append('%s (skip not expected)' % r['name'])
    return t


def gtest_status(test):
    """PASS, FAIL or SKIP of one GoogleTest test entry."""
    if test.get('failures'):
        return 'FAIL'
    if test.get('result') in ('SKIPPED', 'SUPPRESSED') or \
            test.get('status') == 'NOTRUN':
        return 'SKIP'
    return 'PASS'


def from_gtest(name, data):
    """Tally of a GoogleTest JSON file.

    Tests are counted one by one; if the file's own 'failures' or 'errors'
    totals say more went wrong than the tests show (a failing
    SetUpTestSuite, say), the difference is added as failures.
    """
    t = Tally(name=name or 'gtest')
    for suite in data.get('testsuites', []):
        for test in suite.get('testsuite', []):
            status = gtest_status(test)
            if status == 'FAIL':
                t.failed += 1
                t.failures.append('%s/%s.%s' % (name, suite.get('name'),
                                                test.get('name')))
            elif status == 'SKIP':
                t.skipped += 1
            else:
                t.passed += 1
    extra = data.get('failures', 0) + data.get('errors', 0) - t.failed
    if extra > 0:
        t.failed += extra
        t.failures.append('%s: %d failure(s) outside any test' % (name, extra))
    return t


def file_name(path):
    """A source name for @path: its file name without ``.json``."""
    base = os.path.basename(path)
    return base[:-len('.json')] if base.endswith('.json') else base


def from_file(name, path, expected_skips=None):
    """Tally of one JSON file of either kind.

    @name may be None: a ktap.py file is then named after its label, a
    GoogleTest file or a broken one after the file.
    """
    if not os.path.isfile(path):
        return broken(name or file_name(path), 'missing file %s' % path)
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        return broken(name or file_name(path),
                      'unreadable %s (%s)' % (path, e))
    if isinstance(data, dict) and 'testsuites' in data and 'tests' in data:
        return from_gtest(name or file_name(path), data)
    if isinstance(data, dict) and \
            all(k in data for k in ('passed', 'failed', 'skipped')):
        return from_ktap(name, data, expected_skips)
    return broken(name or file_name(path), 'unknown format in %s' % path)


def from_arg(arg, expected_skips=None):
    """Tally of one command-line argument."""
    name, sep, rest = arg.partition('=')
    if not sep:
        return from_file(None, arg, expected_skips)
    m = COUNTS_RE.match(rest)
    if m:
        passed, failed, skipped = (int(x) for x in m.groups())
        t = Tally(name=name, passed=passed, failed=failed, skipped=skipped)
        if failed:
            t.failures.append('%s: %d failed' % (name, failed))
        return t
    return from_file(name, rest, expected_skips)


def total(tallies):
    """The sum of all tallies."""
    t = Tally(name='total')
    for s in tallies:
        t.passed += s.passed
        t.failed += s.failed
        t.skipped += s.skipped
    return t


def main(argv=None):
    """Entry point: returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ('-h', '--help'):
        print(__doc__, file=sys.stderr)
        return 2
    expected = None
    if args[0] == '--expected-skips':
        if len(args) < 2:
            print(__doc__, file=sys.stderr)
            return 2
        expected = read_expected_skips(args[1])
        args = args[2:]
    tallies = [from_arg(a, expected) for a in args]
    for t in tallies:
        print('%s: %s' % (t.name, t.line()))
        for name in t.failures:
            print('  FAIL %s' % name)
    all_of = total(tallies)
    print(all_of.line())
    return 1 if all_of.failed else 0


if __name__ == '__main__':
    sys.exit(main())
