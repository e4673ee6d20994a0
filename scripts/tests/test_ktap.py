# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/ktap.py over the hand-written console logs in logs/."""

import io
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

import ktap  # noqa: E402


def run_log(name, expects=(), label='x86_64', mask=ktap.DEFAULT_TAINT_MASK):
    """Analyze logs/<name> and return its Report."""
    with open(os.path.join(LOGS, name), encoding='utf-8') as f:
        return ktap.analyze(f.read(), label, expects, mask)


class KtapTestCase(unittest.TestCase):
    """Helpers to check a Report."""

    def assertCounts(self, report, passed, failed, skipped):
        """The report has exactly these counts."""
        self.assertEqual((report.count(ktap.PASS), report.count(ktap.FAIL),
                          report.count(ktap.SKIP)),
                         (passed, failed, skipped), report.results)

    def assertResult(self, report, status, name):
        """The report holds a result @name with @status."""
        self.assertIn((status, name), report.results)

    def failures(self, report):
        """The names of all failures of the report."""
        return [n for s, n in report.results if s == ktap.FAIL]


class CleanLog(KtapTestCase):
    """A run where everything passes."""

    def test_counts(self):
        r = run_log('clean.log', ['kunit:alist_core_list',
                                  'selftest:iommufd_ioas'])
        self.assertCounts(r, 5, 0, 0)
        self.assertResult(r, ktap.PASS,
                          'x86_64/kunit/alist_core_list/test_insert_sorted')
        self.assertResult(r, ktap.PASS,
                          'x86_64/selftest/iommufd_ioas/global.map_fixed')
        self.assertEqual(r.splats, [])

    def test_console_ktap_outside_blocks_ignored(self):
        # The log also has KUnit's own printk copy of the results.
        r = run_log('clean.log')
        self.assertEqual(len(r.results), 5)


class KunitFailure(KtapTestCase):
    """One failing KUnit case among passing ones."""

    def test_counts(self):
        r = run_log('kunit_fail.log', ['kunit:alist_core_list'])
        self.assertCounts(r, 2, 1, 0)
        self.assertEqual(self.failures(r),
                         ['x86_64/kunit/alist_core_list/test_remove'])


class Parameterized(KtapTestCase):
    """Parameterized cases count their parameters, not themselves."""

    def test_counts(self):
        r = run_log('param.log', ['kunit:alist_batch', 'kunit:alist_nested'])
        self.assertCounts(r, 7, 2, 0)
        self.assertResult(r, ktap.FAIL, 'x86_64/kunit/alist_batch/'
                          'test_encode_range/smmuv3-64k')
        self.assertResult(r, ktap.PASS,
                          'x86_64/kunit/alist_batch/test_threshold/param-2')

    def test_parent_fails_with_passing_children(self):
        r = run_log('param.log')
        self.assertResult(r, ktap.FAIL,
                          'x86_64/kunit/alist_nested/test_s2_unmap')
        # A failing parent with a failing child is not counted again.
        self.assertNotIn('x86_64/kunit/alist_batch/test_encode_range',
                         self.failures(r))


class Skips(KtapTestCase):
    """SKIP (any case), XFAIL, TODO, skipped suite, skipped program."""

    def test_counts(self):
        r = run_log('skip.log', ['kunit:alist_core_list',
                                 'selftest:iommufd_viommu'])
        self.assertCounts(r, 2, 0, 7)
        self.assertResult(r, ktap.SKIP, 'x86_64/kunit/alist_core_list/test_b')
        self.assertResult(r, ktap.SKIP, 'x86_64/kunit/alist_core_list/test_c')
        self.assertResult(r, ktap.SKIP, 'x86_64/kunit/alist_vtd_hw')
        self.assertResult(r, ktap.SKIP, 'x86_64/selftest/iommufd_nested/'
                          'global.known_broken')
        self.assertResult(r, ktap.SKIP,
                          'x86_64/selftest/iommufd_nested/global.todo')
        self.assertResult(r, ktap.SKIP, 'x86_64/selftest/iommufd_viommu')


class WarnSplat(KtapTestCase):
    """A WARN with a Call Trace is one splat; its W taint is another."""

    def test_counts(self):
        r = run_log('warn.log', ['kunit:alist_vtd_inv'])
        self.assertCounts(r, 2, 2, 0)
        self.assertEqual(len(r.splats), 1)
        self.assertResult(r, ktap.FAIL, 'x86_64/splat/WARNING: CPU: 1 PID: 97 '
                          'at drivers/vtd/queue.c:211 '
                          'alist_vtd_qi_submit+0x1f4/0x230 [alist_vtd]')
        self.assertResult(r, ktap.FAIL, 'x86_64/taint/266752:W')

    def test_splat_text_shown(self):
        r = run_log('warn.log')
        text = r.splats[0].text
        self.assertEqual(text[0], '------------[ cut here ]------------')
        self.assertIn('Call Trace:', text)
        self.assertEqual(text[-1], '---[ end trace 0000000000000000 ]---')
        out = io.StringIO()
        ktap.print_report(r, out)
        self.assertIn('    |  iommu_unmap+0x3c/0x60\n', out.getvalue())


class LockdepSplat(KtapTestCase):
    """A lockdep report inside a KUnit block, with its Call Trace."""

    def test_counts(self):
        r = run_log('lockdep.log', ['kunit:alist_core_rcu'])
        self.assertCounts(r, 1, 1, 0)
        self.assertEqual(self.failures(r), [
            'x86_64/splat/WARNING: possible circular locking dependency '
            'detected'])
        self.assertEqual(r.splats[0].kind, 'lockdep')
        self.assertEqual(len(r.splats[0].text), ktap.SPLAT_CONTEXT + 1)


class KasanSplat(KtapTestCase):
    """A KASAN report and the B taint it sets."""

    def test_counts(self):
        r = run_log('kasan.log', ['kunit:alist_core_retire'])
        self.assertCounts(r, 2, 2, 0)
        self.assertResult(r, ktap.FAIL, 'x86_64/splat/BUG: KASAN: '
                          'slab-use-after-free in alist_array_walk+0x1c4/0x1f0'
                          ' [alist_core]')
        self.assertResult(r, ktap.FAIL, 'x86_64/taint/266272:B')
        self.assertEqual(r.splats[0].kind, 'KASAN')
        self.assertTrue(r.splats[0].closed)


class Truncated(KtapTestCase):
    """The guest died inside a selftest: no END, no DONE."""

    def test_counts(self):
        r = run_log('truncated.log', ['kunit:alist_core_list',
                                      'selftest:iommufd_ioas'])
        self.assertCounts(r, 3, 2, 0)
        self.assertEqual(self.failures(r), [
            'x86_64/truncated/selftest:iommufd_ioas',
            'x86_64/guest/incomplete'])


class Missing(KtapTestCase):
    """An expected suite never ran."""

    def test_counts(self):
        r = run_log('missing.log', ['kunit:alist_core_list',
                                    'kunit:alist_batch'])
        self.assertCounts(r, 1, 1, 0)
        self.assertEqual(self.failures(r),
                         ['x86_64/missing/kunit:alist_batch'])


class Interleaved(KtapTestCase):
    """Kernel lines inside a block, one spliced into a result line."""

    def test_counts(self):
        r = run_log('interleaved.log', ['kunit:alist_core_list'])
        self.assertCounts(r, 3, 0, 1)
        self.assertResult(r, ktap.PASS,
                          'x86_64/kunit/alist_core_list/test_remove')
        self.assertResult(r, ktap.PASS,
                          'x86_64/kunit/alist_core_list/test_grow')


class MarkerSplice(KtapTestCase):
    """A kernel line spliced into a marker line (recorded from a guest)."""

    def test_marker_repaired(self):
        r = run_log('marker_splice.log', ['kunit:alist_canary_pass'])
        self.assertCounts(r, 1, 0, 0)
        self.assertResult(
            r, ktap.PASS,
            'x86_64/kunit/alist_canary_pass/alist_canary_passes')


class MarkerSpliceTwice(KtapTestCase):
    """A marker line cut by two kernel messages (recorded from a guest)."""

    def test_marker_repaired(self):
        r = run_log('marker_splice_twice.log', ['kunit:alist_core_inv'])
        # 4 cases, two of them parameterized: 14 leaf results.
        self.assertCounts(r, 14, 0, 0)
        self.assertResult(r, ktap.PASS,
                          'x86_64/kunit/alist_core_inv/alist_inv_bad_calls')


class SelftestExitStatus(KtapTestCase):
    """rc != 0 with passing lines, XPASS, and a short plan."""

    def test_counts(self):
        r = run_log('rc.log')
        self.assertCounts(r, 4, 4, 0)
        self.assertEqual(self.failures(r), [
            'x86_64/selftest/iommufd_ioas/rc=139',
            'x86_64/selftest/iommufd_fail/global.bad_size',
            'x86_64/selftest/iommufd_fail/global.xpass',
            'x86_64/selftest/iommufd_short/plan:2/3'])


class Taint(KtapTestCase):
    """Taint bits outside the allowed mask."""

    def test_outside_mask(self):
        r = run_log('taint.log')
        self.assertCounts(r, 1, 1, 0)
        self.assertEqual(self.failures(r), ['x86_64/taint/274432:E'])

    def test_allowed_by_mask(self):
        mask = ktap.DEFAULT_TAINT_MASK | 1 << 13
        self.assertCounts(run_log('taint.log', mask=mask), 1, 0, 0)

    def test_bits_match_kernel(self):
        self.assertEqual(ktap.DEFAULT_TAINT_MASK, 266240)
        self.assertEqual(ktap.taint_letters(ktap.DEFAULT_TAINT_MASK), 'ON')


class ParamTaint(KtapTestCase):
    """U from alist_smmuv3.allow_noncoherent_viommu: only when asked for."""

    def test_param_and_message(self):
        self.assertCounts(run_log('param_taint.log', label='arm64'), 1, 0, 0)

    def test_without_param(self):
        r = run_log('param_taint_noparam.log', label='arm64')
        self.assertEqual(self.failures(r), ['arm64/taint/4160:U'])

    def test_other_taint_still_fails(self):
        r = run_log('param_taint_other.log', label='arm64')
        self.assertEqual(self.failures(r), ['arm64/taint/4672:W'])

    def test_user_is_bit_6(self):
        self.assertEqual(ktap.taint_letters(1 << ktap.TAINT_USER), 'U')


class BareCallTrace(KtapTestCase):
    """A Call Trace without a header, list corruption, arm64 oops, panic."""

    def test_counts(self):
        r = run_log('bare_trace.log', label='arm64')
        self.assertCounts(r, 0, 5, 0)
        self.assertEqual([s.kind for s in r.splats],
                         ['call-trace', 'list-corruption', 'fault', 'panic'])
        self.assertIn('arm64/guest/incomplete', self.failures(r))
        self.assertEqual(r.splats[0].text[0],
                         'alist_smmuv3: unexpected event 0x10 on queue 1')


class Kmemleak(KtapTestCase):
    """The kmemleak report at the end of a run: each suspect fails it."""

    def test_leaks_fail(self):
        r = run_log('kmemleak.log', ['selftest:iommufd_fail_nth'])
        self.assertCounts(r, 1, 2, 1)
        self.assertResult(r, ktap.FAIL, 'x86_64/kmemleak/scan/unreferenced '
                          'object (size 192) in vtd_domain_alloc_paging_flags'
                          '+0x8a/0x2d0 [alist_vtd]')
        self.assertResult(r, ktap.FAIL, 'x86_64/kmemleak/scan/unreferenced '
                          'object (size 8) in alist_leaky_init+0x21/0x60')
        self.assertEqual(r.splats, [])

    def test_kunit_mm_is_known(self):
        r = run_log('kmemleak.log')
        names = [n for st, n in r.results if '/known' in n]
        self.assertEqual(len(names), 1, names)
        self.assertResult(r, ktap.SKIP, 'x86_64/kmemleak/scan/known: 1 '
                          "objects of KUnit's own mm (kunit_attach_mm)")

    def test_leak_text_shown(self):
        r = run_log('kmemleak.log')
        out = io.StringIO()
        ktap.print_report(r, out)
        self.assertIn('    |   comm "iommufd_fail_nt", pid 97, jiffies '
                      '4294721334\n', out.getvalue())
        self.assertIn('    |     iommufd_hwpt_alloc+0x2a7/0x6d0\n',
                      out.getvalue())
        # KUnit's own mm is counted, not listed among the leaks
        self.assertEqual(len(r.to_json()['leaks']), 2)

    def test_boot_objects_set_aside(self):
        # Allocated before ALIST-KMEMLEAK-SINCE: boot's, a skip; after: ours
        r = run_log('kmemleak_since.log', ['selftest:iommufd_fail_nth'])
        self.assertCounts(r, 1, 1, 2)
        self.assertResult(r, ktap.SKIP, 'x86_64/kmemleak/scan/boot/unreferenced '
                          'object (size 8) in alist_leaky_init+0x21/0x60')
        self.assertResult(r, ktap.FAIL, 'x86_64/kmemleak/scan/unreferenced '
                          'object (size 192) in vtd_domain_alloc_paging_flags'
                          '+0x8a/0x2d0 [alist_vtd]')

    def test_empty_report_passes(self):
        r = run_log('kmemleak_clean.log', label='arm64')
        self.assertCounts(r, 1, 0, 0)
        self.assertResult(r, ktap.PASS, 'arm64/kmemleak/scan')

    def test_failed_scan_fails(self):
        r = run_log('kmemleak_noscan.log', label='arm64')
        self.assertCounts(r, 0, 2, 0)
        self.assertResult(r, ktap.FAIL, 'arm64/kmemleak/scan/error: sh: '
                          'write error: Operation not permitted')


class SplatHeaders(KtapTestCase):
    """Each listed splat header is recognized; ordinary lines are not."""

    HEADERS = [
        ('[    1.0] BUG: sleeping function called from invalid context at '
         'kernel/locking/mutex.c:580', 'atomic-sleep'),
        ('[    1.0] BUG: scheduling while atomic: kworker/0:1/12/0x00000002',
         'atomic-sleep'),
        ('[    1.0] WARNING: suspicious RCU usage', 'lockdep'),
        ('[    1.0] WARNING: possible recursive locking detected', 'lockdep'),
        ('[    1.0] WARNING: inconsistent lock state', 'lockdep'),
        ('[    1.0] WARNING: lock held when returning to user space!',
         'lockdep'),
        ('[    1.0] WARNING: bad unlock balance detected!', 'lockdep'),
        ('[    1.0] DEBUG_LOCKS_WARN_ON(1)', 'lockdep'),
        ('[    1.0] UBSAN: shift-out-of-bounds in core/batch.cpp:88:19',
         'UBSAN'),
        ('[   22.0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
         'RCU-stall'),
        ('[   22.0] rcu: INFO: rcu_sched self-detected stall on CPU',
         'RCU-stall'),
        ('[  123.0] INFO: task modprobe:80 blocked for more than 122 seconds.',
         'hung-task'),
        ('[    1.0] list_add corruption. prev->next should be next',
         'list-corruption'),
        ('[    1.0] Oops: general protection fault, probably for '
         'non-canonical address 0xdffffc0000000001: 0000 [#1] SMP KASAN',
         'Oops'),
        ('[    1.0] general protection fault: 0000 [#1] SMP', 'GPF'),
        ('[    1.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s!',
         'BUG'),
        ('[    1.0] Kernel panic - not syncing: Fatal exception', 'panic'),
        ('[    1.0][    T1] Call Trace:', 'call-trace'),
    ]

    def test_headers(self):
        for line, kind in self.HEADERS:
            with self.subTest(line=line):
                splats = ktap.find_splats([line])
                self.assertEqual([s.kind for s in splats], [kind])

    def test_not_headers(self):
        lines = ['    # test_a: EXPECTATION FAILED at core/x.c:1',
                 '# iommufd.c:40:bad:Expected 0 (0) == errno (22)',
                 '[    1.0]     # test_warn: WARNING: not a kernel header',
                 'ok 1 global.bug_report']
        self.assertEqual(ktap.find_splats(lines), [])


class KtapTree(KtapTestCase):
    """Nesting by relative indentation (2 or 4 spaces per level)."""

    def test_two_space_ktap_example(self):
        text = ['KTAP version 1', '1..2', '  KTAP version 1', '  1..2',
                '    KTAP version 1', '    1..2', '    not ok 1 test_1',
                '    ok 2 test_2', '  not ok 1 test_3',
                '  ok 2 test_4 # SKIP', 'not ok 1 example_test_1',
                'ok 2 example_test_2']
        root, open_levels = ktap.parse_ktap(text)
        self.assertEqual(open_levels, [])
        self.assertEqual([r.name for r in root.results],
                         ['example_test_1', 'example_test_2'])
        out = []
        for r in root.results:
            ktap.walk(r, '', out, True)
        self.assertEqual(out, [(ktap.FAIL, '/example_test_1/test_3/test_1'),
                               (ktap.PASS, '/example_test_1/test_3/test_2'),
                               (ktap.SKIP, '/example_test_1/test_4'),
                               (ktap.PASS, '/example_test_2')])

    def test_kselftest_directive_before_name(self):
        root, _ = ktap.parse_ktap(['TAP version 13', '1..1',
                                   'ok 1 # SKIP no device'])
        out = []
        ktap.walk(root.results[0], '', out, True)
        self.assertEqual(out, [(ktap.SKIP, '/test1')])


class RealGuest(KtapTestCase):
    """Console of a real x86_64 guest running selftests/iommufd_ioas."""

    def test_counts(self):
        r = run_log('real_selftest_x86_64.log', ['selftest:iommufd_ioas'])
        self.assertCounts(r, 15, 0, 0)
        self.assertResult(r, ktap.PASS,
                          'x86_64/selftest/iommufd_ioas/ioas.size_larger')


class CommandLine(unittest.TestCase):
    """ktap.py as a program: output, exit status and --json."""

    def run_script(self, *args):
        """Run ktap.py and return (exit status, stdout lines)."""
        p = subprocess.run([sys.executable, os.path.join(SCRIPTS, 'ktap.py')]
                           + list(args), capture_output=True, text=True,
                           check=False)
        return p.returncode, p.stdout.splitlines()

    def test_clean_exit_zero(self):
        rc, out = self.run_script(os.path.join(LOGS, 'clean.log'),
                                  '--expect', 'kunit:alist_core_list',
                                  '--label', 'x86_64')
        self.assertEqual(rc, 0)
        self.assertEqual(out[-1], '5 passed, 0 failed, 0 skipped')
        self.assertEqual(out[0], 'PASS x86_64/kunit/alist_core_list/'
                         'test_insert_sorted')

    def test_failure_exit_one_and_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            out_json = os.path.join(tmp, 'r.json')
            rc, out = self.run_script(os.path.join(LOGS, 'warn.log'),
                                      '--label', 'arm64', '--json', out_json,
                                      '--allow-taint-mask', '0x41200')
            with open(out_json, encoding='utf-8') as f:
                data = json.load(f)
        self.assertEqual(rc, 1)
        self.assertEqual(out[-1], '2 passed, 1 failed, 0 skipped')
        self.assertEqual((data['label'], data['passed'], data['failed'],
                          data['skipped']), ('arm64', 2, 1, 0))
        self.assertEqual(len(data['splats']), 1)
        self.assertEqual(data['results'][0],
                         {'status': 'PASS', 'name':
                          'arm64/kunit/alist_vtd_inv/test_psi_encode'})


if __name__ == '__main__':
    unittest.main()
