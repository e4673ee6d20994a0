# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/reliability.py."""

import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import reliability  # noqa: E402

LOG = os.path.join(HERE, 'logs', 'reliability.log')


class Reliability(unittest.TestCase):
    """Every counted line adds up; the kernel's copy of a line does not."""

    def test_log(self):
        t = reliability.tally([LOG])
        # init: ceil(2605 / 263) = 10 tried; KUnit 12 (once); 3 + 9
        self.assertEqual(t.injected, 10 + 12 + 3 + 9)
        self.assertEqual(t.points, 2605 + 12 + 59 + 25)
        self.assertEqual(t.sweeps, 4)
        self.assertEqual(len(t.stress_runs), 1)
        self.assertEqual(t.dmas, 360)
        self.assertEqual(t.ops, 90 + 108 + 12)
        self.assertEqual((t.fuzz_execs, t.fuzz_runs), (1000, 1))

    def test_leaks_and_splats(self):
        data = {'results': [
            {'status': 'FAIL', 'name': 'x86_64/check-fs/kmemleak/scan/unreferenced '
             'object (size 8) in f'},
            {'status': 'SKIP', 'name': 'x86_64/check-fs/kmemleak/scan/boot/x'},
            {'status': 'FAIL', 'name': 'x86_64/check-fs/selftest/a/b'}],
            'splats': [{'kind': 'WARNING'}]}
        with tempfile.NamedTemporaryFile('w', suffix='.json') as f:
            json.dump(data, f)
            f.flush()
            t = reliability.tally([f.name, '/nonexistent.json'])
        self.assertEqual((t.leaks, t.splats), (1, 1))
        self.assertIn('1 leaks, 1 splats', t.line())


if __name__ == '__main__':
    unittest.main()
