# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/results.py."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(HERE)
LOGS = os.path.join(HERE, 'logs')
sys.path.insert(0, SCRIPTS)

import results  # noqa: E402


def run_results(*args):
    """Run results.py; return (exit status, stdout lines)."""
    p = subprocess.run([sys.executable, os.path.join(SCRIPTS, 'results.py')]
                       + list(args), capture_output=True, text=True,
                       check=False)
    return p.returncode, p.stdout.splitlines()


class Gtest(unittest.TestCase):
    """GoogleTest JSON files."""

    def test_mixed(self):
        # Written by a real gtest binary: one pass, one failure, one
        # GTEST_SKIP() and one DISABLED_ test.
        t = results.from_arg(os.path.join(LOGS, 'gtest_mixed.json'))
        self.assertEqual((t.name, t.passed, t.failed, t.skipped),
                         ('gtest_mixed', 1, 1, 2))
        self.assertEqual(t.failures, ['gtest_mixed/A.Fail'])

    def test_failure_outside_tests(self):
        t = results.from_arg('host=' + os.path.join(LOGS,
                                                    'gtest_setup_fail.json'))
        self.assertEqual((t.name, t.passed, t.failed, t.skipped),
                         ('host', 2, 1, 0))


class Sources(unittest.TestCase):
    """ktap.py JSON, counts arguments, missing and bad files."""

    def test_ktap_json_named_by_label(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'guest.json')
            with open(path, 'w', encoding='utf-8') as f:
                json.dump({'label': 'arm64', 'passed': 3, 'failed': 1,
                           'skipped': 2, 'splats': [],
                           'results': [{'status': 'FAIL',
                                        'name': 'arm64/guest/incomplete'}]},
                          f)
            t = results.from_arg(path)
        self.assertEqual((t.name, t.passed, t.failed, t.skipped),
                         ('arm64', 3, 1, 2))
        self.assertEqual(t.failures, ['arm64/guest/incomplete'])

    def test_counts_argument(self):
        t = results.from_arg('checkpatch=5:0:1')
        self.assertEqual((t.name, t.passed, t.failed, t.skipped),
                         ('checkpatch', 5, 0, 1))

    def test_missing_file_is_one_failure(self):
        t = results.from_arg('tsan=/nonexistent/tsan.json')
        self.assertEqual((t.name, t.passed, t.failed, t.skipped),
                         ('tsan', 0, 1, 0))

    def test_not_json_is_one_failure(self):
        t = results.from_arg(os.path.join(LOGS, 'clean.log'))
        self.assertEqual((t.passed, t.failed, t.skipped), (0, 1, 0))


class ExpectedSkips(unittest.TestCase):
    """--expected-skips: a skip nobody expects is a failure."""

    def write(self, tmp, name, data):
        path = os.path.join(tmp, name)
        with open(path, 'w', encoding='utf-8') as f:
            if isinstance(data, str):
                f.write(data)
            else:
                json.dump(data, f)
        return path

    def test_unexpected_skip_fails(self):
        with tempfile.TemporaryDirectory() as tmp:
            skips = self.write(tmp, 'skips.txt',
                               '# comment\n'
                               'arm64/check/two.*\tneeds two SMMUs\n'
                               '*/kmemleak/known:*  not ours\n')
            guest = self.write(tmp, 'guest.json', {
                'label': 'arm64/check', 'passed': 1, 'failed': 0,
                'skipped': 3, 'splats': [],
                'results': [
                    {'status': 'PASS', 'name': 'arm64/check/a'},
                    {'status': 'SKIP', 'name': 'arm64/check/two.x'},
                    {'status': 'SKIP',
                     'name': 'arm64/check/kmemleak/known: 3 objects'},
                    {'status': 'SKIP', 'name': 'arm64/check/vsmmu.y'}]})
            rc, out = run_results('--expected-skips', skips, guest)
        self.assertEqual(rc, 1)
        self.assertIn('  FAIL arm64/check/vsmmu.y (skip not expected)', out)
        self.assertEqual(out[-1], '1 passed, 1 failed, 2 skipped')

    def test_expected_skips_only(self):
        with tempfile.TemporaryDirectory() as tmp:
            skips = self.write(tmp, 'skips.txt', 'x/two.*  reason\n')
            guest = self.write(tmp, 'guest.json', {
                'label': 'x', 'passed': 0, 'failed': 0, 'skipped': 1,
                'splats': [],
                'results': [{'status': 'SKIP', 'name': 'x/two.a'}]})
            rc, out = run_results('--expected-skips', skips, guest)
            rc_plain, out_plain = run_results(guest)
        self.assertEqual((rc, out[-1]), (0, '0 passed, 0 failed, 1 skipped'))
        # Without the option a skip is a skip, as before
        self.assertEqual((rc_plain, out_plain[-1]),
                         (0, '0 passed, 0 failed, 1 skipped'))


class CommandLine(unittest.TestCase):
    """Subtotals, last line and exit status."""

    def test_all_pass(self):
        rc, out = run_results('build=2:0:0', 'checkpatch=1:0:3')
        self.assertEqual(rc, 0)
        self.assertEqual(out, ['build: 2 passed, 0 failed, 0 skipped',
                               'checkpatch: 1 passed, 0 failed, 3 skipped',
                               '3 passed, 0 failed, 3 skipped'])

    def test_failures(self):
        rc, out = run_results('host=' + os.path.join(LOGS,
                                                     'gtest_mixed.json'),
                              'x86_64=/nonexistent.json', 'build=1:0:0')
        self.assertEqual(rc, 1)
        self.assertIn('  FAIL host/A.Fail', out)
        self.assertIn('x86_64: 0 passed, 1 failed, 0 skipped', out)
        self.assertEqual(out[-1], '2 passed, 2 failed, 2 skipped')


if __name__ == '__main__':
    unittest.main()
