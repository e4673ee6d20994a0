# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/bench-blocks.py over an object compiled here."""

import contextlib
import io
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import script_module  # noqa: E402

bb = script_module.load('bench_blocks', 'bench-blocks.py')

BASE = 0xffffffffa0001000
SOURCE = """
int step(int x) { if (x > 3) return x * 2 + 7; return x - 1; }
int next(int y) { return y + 5; }
"""


class BenchBlocksTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        with open(os.path.join(d, "f.c"), "w") as f:
            f.write(SOURCE)
        self.obj = os.path.join(d, "f.o")
        subprocess.run(["gcc", "-O1", "-c", "-o", self.obj, os.path.join(d, "f.c")],
                       check=True)
        self.log = os.path.join(d, "guest.log")
        with open(self.log, "w") as f:
            f.write("[    1.0] booted\n")
            f.write(f"ALIST-KSYM {BASE:x} t step\t[alist_test]\n")
        self.insns = bb.disassemble(self.obj, "step")
        self.size = bb.symbol_size(self.obj, "step")

    def tearDown(self):
        self.dir.cleanup()

    def trace(self, lines):
        path = os.path.join(self.dir.name, "t.insn.trace")
        with open(path, "w") as f:
            f.writelines(f"{pc:x} {n}\n" for pc, n in lines)
        return path

    def test_disassembly_and_size(self):
        self.assertTrue(self.insns)
        self.assertEqual(self.insns[0][0], 0)
        self.assertGreater(self.size, self.insns[-1][0])
        self.assertEqual(bb.load_address(self.log, "step"), BASE)
        self.assertIsNone(bb.load_address(self.log, "next"))

    def test_blocks_of_the_function_only(self):
        two = min(2, len(self.insns))
        t = self.trace([(0x401000, 9),                  # user space
                        (BASE, two), (BASE, two),       # the entry block, twice
                        (BASE + self.size, 3)])         # the next function
        counts = bb.block_counts(t, BASE, self.size)
        self.assertEqual(counts, {0: [2, 2 * two]})
        out = bb.render(self.insns, counts)
        self.assertEqual(out[0], f"+0x0: ran 2x, {2 * two} instructions")
        # the block's own instructions, no more
        self.assertEqual(len(out), 1 + two + 1)
        self.assertIn(self.insns[0][1], out[1])
        self.assertEqual(out[-1], f"total: {2 * two} instructions in 1 blocks")

    def test_block_off_an_instruction_boundary(self):
        # an offset inside the first instruction (the object is not the one that ran)
        odd = next(o for o in range(1, 16) if o not in {i[0] for i in self.insns})
        out = bb.render(self.insns, {odd: [1, 1]})
        self.assertIn("not an instruction boundary", out[1])

    def test_main_refuses_an_unknown_function(self):
        t = self.trace([(BASE, 1)])
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(bb.main(["bench-blocks.py", self.log, t, self.obj, "next"]), 1)
        self.assertIn("no ALIST-KSYM line", err.getvalue())
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(bb.main(["bench-blocks.py", self.log, t, self.obj, "step"]), 0)
        self.assertIn("total: 1 instructions in 1 blocks", out.getvalue())


if __name__ == "__main__":
    unittest.main()
