# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/bench-guest.py: the guests' logs and QEMU traces to rows."""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest
import unittest.mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import script_module  # noqa: E402

bg = script_module.load('bench_guest', 'bench-guest.py')
bf = script_module.load('bench_funcs', 'bench-funcs.py')


def mark(begin, pid):
    """An edu marker write as QEMU's memory_region_ops_write traces it."""
    val = (bg.MARK_BEGIN if begin else bg.MARK_END) | pid
    return (f"memory_region_ops_write cpu 0 mr 0x55d0 addr 0xfea00004 "
            f"value 0x{val:x} size 4 name 'edu-mmio'\n")


def vtd(kind, hi=0, lo=0):
    return f"vtd_inv_desc invalidate desc type {kind} high 0x{hi:x} low 0x{lo:x}\n"


def vtd_psi(mask, pasid=False):
    """A page-selective IOTLB descriptor (granularity 3) with address mask."""
    if pasid:
        return vtd("p-iotlb", 0x4000000 | mask, 0x10036)
    return vtd("iotlb", 0x4000000 | mask, 0x10032)


def smmu(op):
    return f"smmuv3_cmdq_opcode <--- SMMU_CMD_{op}\n"


def smmu_range(pages):
    return (f"smmuv3_range_inval vmid=0 asid=1 addr=0x5000000 tg=1 "
            f"num_pages=0x{pages:x} ttl=3 leaf=1 stage=1\n")


def log_text(phases, results, rc=0, extra="", phase_kv=""):
    out = ["ALIST-BENCH start prog=x counters=none iters=32 timed=1000\n"]
    for pid, name, op, req in phases:
        out.append(f"ALIST-BENCH phase id={pid} name={name} op={op} req={req}{phase_kv}\n")
    out += results
    out.append(extra)
    out.append(f"ALIST-BENCH end rc={rc}\n")
    return "".join(out)


class Parse(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_vtd_counts_pages_and_devtlb(self):
        # Two unmaps of pages 1-6 with ATS: 4 PSIs (1, 2-3, 4-5, 6), two
        # device-TLB descriptors, one wait. Outside the window: ignored.
        op = (vtd_psi(0) + vtd_psi(1) + vtd_psi(1) + vtd_psi(0, pasid=True) +
              vtd("device") + vtd("p-device") + vtd("wait"))
        trace = vtd("wait") + "".join(mark(1, 3) + op + mark(0, 3) for _ in range(2))
        counts, problems, _, outside = bg.parse_trace(self.write("t", trace), "x86_64")
        self.assertEqual(problems, [])
        self.assertEqual(outside, 1)
        c = counts[3]
        self.assertEqual((c["ops"], c["cmd"], c["sync"], c["devtlb"], c["pages"], c["whole"]),
                         (2, 12, 2, 4, 12, 0))
        self.assertEqual(c["per_op"], [[6, 1], [6, 1]])

    def test_vtd_untraced_from_queue_tail(self):
        # QEMU 10.0 traces no vtd_inv_desc for a PASID-cache invalidation:
        # the tail moving over 3 descriptors (across the end of a queue of
        # 8) with 2 traced counts the third as an untraced command.
        tail = "vtd_inv_qi_tail write tail {}\n".format
        trace = ("vtd_inv_qi_tail write tail 0\n" +
                 "vtd_inv_qi_setup addr 0xa10000 size 8\n" + tail(6) +
                 mark(1, 30) + vtd("iotlb") + vtd("wait") + tail(1) + mark(0, 30))
        counts, problems, _, _ = bg.parse_trace(self.write("t", trace), "x86_64")
        self.assertEqual(problems, [])
        c = counts[30]
        self.assertEqual((c["cmd"], c["sync"], c["queued"], c["by_type"]["untraced"]),
                         (2, 1, 3, 1))
        self.assertEqual(c["per_op"], [[2, 1]])

    def test_vtd_tail_behind_trace_is_a_problem(self):
        trace = ("vtd_inv_qi_setup addr 0xa10000 size 8\n" + mark(1, 30) +
                 vtd("iotlb") + vtd("wait") + "vtd_inv_qi_tail write tail 1\n" + mark(0, 30))
        _, problems, _, _ = bg.parse_trace(self.write("t", trace), "x86_64")
        self.assertTrue(any("tail moved 1" in p for p in problems), problems)

    def test_vtd_whole_tag(self):
        # PASID-selective (granularity 2) and domain-selective (2 on the
        # second-stage type): whole tags, no pages
        trace = (mark(1, 8) + vtd("p-iotlb", 0, 0x10026) + vtd("iotlb", 0, 0x10022) +
                 vtd("wait") + mark(0, 8))
        counts, _, _, _ = bg.parse_trace(self.write("t", trace), "x86_64")
        self.assertEqual((counts[8]["whole"], counts[8]["pages"], counts[8]["cmd"]), (2, 0, 2))

    def test_smmu_ranges_and_whole(self):
        # nest parent unmap: S2 range (2 ranges of QEMU's split), sync,
        # NH_ALL, sync
        trace = (mark(1, 40) + smmu("TLBI_S2_IPA") + smmu_range(1) + smmu_range(2) +
                 smmu("SYNC") + smmu("TLBI_NH_ALL") + smmu("SYNC") + mark(0, 40))
        counts, problems, _, _ = bg.parse_trace(self.write("t", trace), "arm64")
        self.assertEqual(problems, [])
        c = counts[40]
        self.assertEqual((c["cmd"], c["sync"], c["pages"], c["whole"], c["devtlb"]),
                         (2, 2, 3, 1, 0))

    def test_unbalanced_markers(self):
        trace = mark(1, 1) + mark(1, 2) + mark(0, 2)
        _, problems, _, _ = bg.parse_trace(self.write("t", trace), "arm64")
        self.assertIn("phase 2 began inside phase 1", problems)

    def test_log_phases_and_times(self):
        text = log_text([(1, "unmap_1", "unmap", 1)],
                        ["ALIST-BENCH result id=1 ops=1000 dbg_ops=32 dbg_cmds=32 "
                         "dbg_syncs=32 p50_ns=51000 p99_ns=90000\n"])
        phases, errors, info = bg.parse_log(self.write("l", text))
        self.assertEqual(errors, [])
        self.assertEqual(info["end"], 0)
        ph = phases[1]
        self.assertEqual((ph["name"], ph["req"], ph["guest_ops"], ph["dbg_ops"],
                          ph["p50_ns"], ph["p99_ns"]),
                         ("unmap_1", 1, 1000, 32, 51000, 90000))

    def run_funcs(self, smap, log, counts):
        """bench-funcs.py over these files (no built-in driver); its JSON"""
        out = os.path.join(self.dir.name, "f.json")
        with unittest.mock.patch("sys.argv", ["bench-funcs.py", smap, log, counts,
                                              "none", out]):
            self.assertEqual(bf.main(), 0)
        return out

    def test_funcs_fold_blocks_into_functions(self):
        smap = self.write("System.map", "ffff000000001000 T lock_acquire\n"
                                        "ffff000000002000 t helper\n"
                                        "ffff000000003000 D some_data\n")
        log = self.write("g.log", "ALIST-KSYM ffff800000010000 t alist_flush\t"
                                  "[iommu_alist]\n"
                                  "ALIST-KSYM ffff800000020000 T arm_smmu_sync\t"
                                  "[arm_smmu_v3]\n")
        # two operations of workload 1: blocks inside lock_acquire (two
        # starts), helper, our module, the other driver's module, user space
        counts = self.write("c.insn", "W 1 2\nW 7 1\n"
                                      "B 1 ffff000000001000 100\n"
                                      "B 1 ffff000000001010 40\n"
                                      "B 1 ffff000000002004 60\n"
                                      "B 1 ffff800000010040 400\n"
                                      "B 1 ffff800000020000 80\n"
                                      "B 1 400100 20\n"
                                      "B 7 ffff800000010000 9\n")
        out = self.run_funcs(smap, log, counts)
        with open(out) as f:
            w = json.load(f)["workloads"]
        self.assertEqual((w["1"]["ops"], w["1"]["insn"]), (2, 350))
        # both modules are driver code; lock_acquire and helper are not
        self.assertEqual(w["1"]["driver_insn"], 240)
        top = dict(w["1"]["top"])
        self.assertEqual((top["lock_acquire"], top["helper"], top["<user>"],
                          top["alist_flush[iommu_alist]"]), (70, 30, 10, 200))
        self.assertEqual((w["7"]["insn"], w["7"]["driver_insn"]), (9, 9))

    def test_funcs_trace_as_call_sequence(self):
        smap = self.write("System.map", "ffff000000001000 T lock_acquire\n"
                                        "ffff000000002000 t helper\n")
        log = self.write("g.log", "ALIST-KSYM ffff800000010000 t alist_flush\t"
                                  "[iommu_alist]\n")
        counts = self.write("c.insn", "W 1 1\nB 1 ffff800000010000 30\n")
        # consecutive blocks of one function are one run; a return to a
        # function after a call is a new run
        self.write("c.insn.trace", "ffff800000010000 10\n"
                                   "ffff800000010010 20\n"
                                   "ffff000000001000 5\n"
                                   "ffff000000002008 7\n"
                                   "ffff800000010020 3\n"
                                   "400100 2\n")
        self.run_funcs(smap, log, counts)
        with open(counts + ".calls") as f:
            runs = [line.split() for line in f]
        self.assertEqual(runs, [["30", "alist_flush[iommu_alist]"], ["5", "lock_acquire"],
                                ["7", "helper"], ["3", "alist_flush[iommu_alist]"],
                                ["2", "<user>"]])

    def test_funcs_without_trace_writes_no_calls(self):
        smap = self.write("System.map", "ffff000000001000 T lock_acquire\n")
        log = self.write("g.log", "")
        counts = self.write("c.insn", "W 1 1\nB 1 ffff000000001000 30\n")
        self.run_funcs(smap, log, counts)
        self.assertFalse(os.path.exists(counts + ".calls"))

    def test_funcs_column(self):
        op = smmu("TLBI_NH_VA") + smmu_range(6) + smmu("SYNC")
        funcs = []
        for drv, n in (("ours", 3000), ("in-tree", 1500)):
            path = self.write(f"{drv}.funcs.json", json.dumps(
                {"workloads": {"1": {"ops": 3, "insn": 9000, "driver_insn": n,
                                     "top": []}}}))
            funcs += ["--funcs", f"{drv}:{path}"]
        rc, rows = self.run_pair(op, op, extra=funcs)
        self.assertEqual(rc, 0)
        o = next(r for r in rows if r["driver"] == "ours")
        t = next(r for r in rows if r["driver"] == "intree")
        self.assertEqual((o["driver_insn"], t["driver_insn"]), (3000, 1500))
        self.assertEqual(bg.time_ratio(o, t, "driver_insn"), 2.0)

    def run_pair(self, ours_op, intree_op, ops=3, dbg=None, times=((100, 200), (200, 300)),
                 extra=(), mode="smmuv3", phase_kv=("", ""), text=None):
        """bench-guest.py main() over one ours and one in-tree arm64 run."""
        runs = []
        for drv, op, (p50, p99), kv in (("ours", ours_op, times[0], phase_kv[0]),
                                        ("in-tree", intree_op, times[1], phase_kv[1])):
            res = f"ALIST-BENCH result id=1 ops={ops} dbg_ops={ops} "
            if drv == "ours" and dbg:
                res += f"dbg_cmds={dbg[0]} dbg_syncs={dbg[1]} "
            else:
                res += "dbg_cmds=- dbg_syncs=- "
            res += f"p50_ns={p50} p99_ns={p99}\n"
            log = self.write(f"{drv}.log", log_text([(1, "unmap_p1-6", "unmap", 6)], [res],
                                                    phase_kv=kv))
            trace = self.write(f"{drv}.trace",
                               "".join(mark(1, 1) + op + mark(0, 1) for _ in range(ops)))
            runs += ["--run", f"{drv}:arm64:{mode}:{drv}:{log}:{trace}"]
        out = os.path.join(self.dir.name, "b.json")
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout), \
                contextlib.redirect_stderr(io.StringIO()):
            rc = bg.main(runs + list(extra) + ["--json", out])
        if text is not None:
            text.append(stdout.getvalue())
        with open(out) as f:
            return rc, json.load(f)

    def test_rows(self):
        ours = smmu("TLBI_NH_VA") + smmu_range(6) + smmu("SYNC")
        intree = smmu("TLBI_NH_VA") + smmu_range(8) + smmu("SYNC") + smmu("SYNC")
        rc, rows = self.run_pair(ours, intree, dbg=(3, 3))
        self.assertEqual(rc, 0)
        self.assertEqual(len(rows), 2)
        o = next(r for r in rows if r["driver"] == "ours")
        t = next(r for r in rows if r["driver"] == "intree")
        for r in rows:
            self.assertEqual(set(r) >= {"arch", "workload", "driver", "cmds", "syncs",
                                        "devtlb_cmds", "over_pages", "p50_ns", "p99_ns"},
                             True)
        self.assertEqual((o["arch"], o["workload"], o["cmds"], o["syncs"], o["over_pages"],
                          o["p50_ns"]), ("arm64", "unmap_p1-6", 1, 1, 0, 100))
        self.assertEqual((t["syncs"], t["over_pages"], t["p99_ns"]), (2, 2, 300))
        self.assertEqual(bg.time_ratio(o, t, "p50_ns"), 0.5)

    def test_two_smmu_rows(self):
        # Two SMMU instances: ours, one shared domain, pages 1-6 and a sync
        # on each SMMU; in-tree, two domains (the shared attach refused),
        # the same per SMMU plus 2 more pages on one. Both SMMUs' commands
        # count, in a unit of their own; each SMMU had to drop the 6 pages.
        one = smmu("TLBI_S2_IPA") + smmu_range(6) + smmu("SYNC")
        wider = smmu("TLBI_S2_IPA") + smmu_range(8) + smmu("SYNC")
        text = []
        kv = " domain=nest_parent instances=2 domains="
        rc, rows = self.run_pair(one + one, one + wider, dbg=(6, 6), mode="2smmu",
                                 phase_kv=(kv + "1 shared=ok", kv + "2 shared=EINVAL"),
                                 text=text)
        self.assertEqual(rc, 0)
        o = next(r for r in rows if r["driver"] == "ours")
        t = next(r for r in rows if r["driver"] == "intree")
        self.assertEqual((o["unit"], o["cmds"], o["syncs"], o["over_pages"], o["domains"],
                          o["shared"]), ("2smmu", 2, 2, 0, 1, "ok"))
        self.assertEqual((t["unit"], t["over_pages"], t["domains"], t["shared"]),
                         ("2smmu", 2, 2, "EINVAL"))
        self.assertIn("arm64 2smmu: two SMMUv3 instances", text[0])
        self.assertIn("2 (shared attach: EINVAL)", text[0])

    def test_one_smmu_rows_have_no_domains(self):
        op = smmu("TLBI_NH_VA") + smmu_range(6) + smmu("SYNC")
        text = []
        rc, rows = self.run_pair(op, op, text=text)
        self.assertEqual(rc, 0)
        self.assertEqual({(r["unit"], r["domains"], r["shared"]) for r in rows},
                         {("smmuv3", None, None)})
        self.assertNotIn("domains", text[0])

    def test_debugfs_disagreement_fails(self):
        op = smmu("TLBI_NH_VA") + smmu_range(6) + smmu("SYNC")
        rc, _ = self.run_pair(op, op, dbg=(3, 4))
        self.assertEqual(rc, 1)

    def test_marked_ops_must_match_guest(self):
        phases = {1: {"id": 1, "name": "w", "op": "unmap", "req": 1, "guest_ops": 5,
                      "dbg_ops": 5}}
        counts = {1: bg.new_count()}
        counts[1]["ops"] = 4
        problems = bg.check_run("x", "arm64", "ours", phases, [], {"end": 0, "lines": []},
                                counts, None)
        self.assertTrue(any("4 marked operations" in p for p in problems), problems)

    def test_rounds_median_of_pairs(self):
        o = {"p50_ns_rounds": [100, 300, 200]}
        t = {"p50_ns_rounds": [200, 300, 100]}
        # per round 0.5, 1.0, 2.0: the median pairs rounds, not medians
        self.assertEqual(bg.time_ratio(o, t, "p50_ns"), 1.0)


if __name__ == "__main__":
    unittest.main()
