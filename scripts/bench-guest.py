#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Ours against the in-tree IOMMU driver, workload by workload, in make bench's guests.

Each run is one guest boot (scripts/bench-guest.sh) that ran the selftest
program in bench mode (vtd_dma bench / smmu_dma bench) with QEMU tracing:

- the console log has the program's ALIST-BENCH lines: the workloads
  (phase lines: name, operation, pages requested), per workload the number
  of operations, the round trip of the ioctl from user space (p50, p99, in
  ns, clock_gettime in the guest) and, under our driver, its own debugfs
  counts of the first operations;
- the QEMU trace has, in one stream, what the emulated IOMMU executed --
  VT-d: every descriptor (vtd_inv_desc, with its type and first 128 bits;
  the range of an IOTLB one is read from them) and the moves of the queue
  tail (vtd_inv_qi_tail); SMMUv3: every command (smmuv3_cmdq_opcode) and
  the ranges it invalidated (smmuv3_range_inval)
  -- and the program's markers: writes to edu's liveness register (BAR0 +
  0x04, memory_region_ops_write) with 0xab100000 | phase before and
  0xab200000 | phase after each operation.

Per operation this gives: commands (every descriptor or command but the
syncs), syncs (VT-d wait descriptors, CMD_SYNC), device-TLB/ATC commands
(a subset of the commands), whole-tag IOTLB commands (domain-, PASID- or
ASID/VMID-wide, also a subset) and the pages that ranged IOTLB
invalidations covered beyond the pages the operation asked for. Counted on
the QEMU side, the same way for every driver.

Times are emulation time (TCG): only ratios of ours to the in-tree driver
mean anything, taken per round from boots next to each other.

Runs of MODE 2smmu (arm64, run-guest.sh --machine 2smmu) are their own
unit: two SMMUv3 instances, the commands of both counted together. Their
phase lines also say how many domains the two devices used (domains=) and
what became of the attach that shares one (shared=ok, or the errno of the
refusal): both go into the rows; and over how many IOMMU instances the
operation's devices are (instances=, default 1): each instance has to
invalidate the requested pages, so pages beyond the request are those
beyond instances x the request.

usage: bench-guest.py --run LABEL:ARCH:MODE:DRIVER:LOG:TRACE ... --json OUT
Writes OUT: a list of rows {arch, unit, workload, driver ("ours" or
"intree"), cmds, syncs, devtlb_cmds, over_pages, whole_tag_cmds, p50_ns,
p99_ns, ops, rounds, domains, shared}, counts per operation (domains and
shared None but on the 2smmu unit); and OUT with -detail before .json:
every run, phase, command type and problem.
"""
import argparse
import json
import re
import statistics
import sys

MARK_BEGIN = 0xab100000
MARK_END = 0xab200000

RE_MARK = re.compile(r"memory_region_ops_write .*addr 0x([0-9a-f]+) value 0x([0-9a-f]+) "
                     r"size 4 name 'edu-mmio'")
RE_VTD = re.compile(r"vtd_inv_desc invalidate desc type (\S+)(?: high 0x([0-9a-f]+) "
                    r"low 0x([0-9a-f]+))?")
RE_SMMU = re.compile(r"smmuv3_cmdq_opcode <--- SMMU_CMD_(\S+)")
RE_SMMU_RANGE = re.compile(r"smmuv3_range_inval .*num_pages=0x([0-9a-f]+)")
RE_QI_SETUP = re.compile(r"vtd_inv_qi_setup addr 0x[0-9a-f]+ size (\d+)")
RE_QI_TAIL = re.compile(r"vtd_inv_qi_tail write tail (\d+)")
RE_ROOT = re.compile(r"vtd_reg_dmar_root addr 0x[0-9a-f]+ scalable (\d)")
RE_BENCH = re.compile(r"ALIST-BENCH (start|phase|result|error|end)\b(.*)")
RE_KV = re.compile(r"(\w+)=(\S+)")
RE_CAP = re.compile(r"dmar\d+: .*\bcap (?:0x)?([0-9a-f]+) ecap")
CAP_RWBF, CAP_CM = 1 << 4, 1 << 7

# SMMUv3 commands that drop a whole tag's IOTLB entries
SMMU_WHOLE = {"TLBI_NH_ASID", "TLBI_NH_ALL", "TLBI_S12_VMALL", "TLBI_NSNH_ALL",
              "TLBI_EL2_ALL", "TLBI_EL3_ALL", "TLBI_EL2_ASID"}
# Per-operation counts kept for the comparison with our debugfs counters
KEEP_OPS = 64


def is_sync(arch, kind):
    return kind == ("wait" if arch == "x86_64" else "SYNC")


def is_devtlb(arch, kind):
    """A device-TLB (VT-d, PASID-based too) or ATC (SMMUv3) invalidation."""
    if arch == "x86_64":
        return "dev" in kind.lower()
    return kind == "ATC_INV"


def vtd_iotlb_pages(kind, hi, lo):
    """Pages an IOTLB descriptor invalidates by address; None: a whole tag.

    QEMU 10.0 traces the ranges of second-stage IOTLB descriptors
    (vtd_inv_desc_iotlb_pages) but not of PASID-based ones, so both are
    read from the descriptor itself: granularity in bits 5:4 of the low
    quadword (page-selective: 3 for either type), the address mask in bits
    5:0 of the high one. 0 for other descriptor types.
    """
    if kind not in ("iotlb", "p-iotlb"):
        return 0
    if (lo >> 4) & 3 != 3:
        return None
    return 1 << (hi & 0x3f)


def parse_log(path):
    """Phases, results, errors and facts from the console log."""
    phases, errors, info = {}, [], {"end": None, "lines": []}
    with open(path, errors="replace") as f:
        for line in f:
            if "ALIST-BENCH dmesg" in line or "ALIST-BENCH intel-iommu" in line:
                info["lines"].append(line.split("ALIST-BENCH ", 1)[1].strip())
            m = RE_CAP.search(line)
            if m:
                info["cap"] = int(m.group(1), 16)
            m = RE_BENCH.search(line)
            if not m:
                continue
            kv = dict(RE_KV.findall(m.group(2)))
            what = m.group(1)
            if what == "start":
                info["start"] = kv
            elif what == "phase":
                pid = int(kv["id"])
                phases[pid] = {"id": pid, "name": kv["name"], "op": kv["op"],
                               "req": int(kv.get("req", 0)),
                               "domain": kv.get("domain", "paging")}
                phases[pid]["instances"] = int(kv.get("instances", 1))
                if "domains" in kv:
                    phases[pid]["domains"] = int(kv["domains"])
                    phases[pid]["shared"] = kv.get("shared")
            elif what == "result":
                ph = phases.setdefault(int(kv["id"]), {"id": int(kv["id"])})
                ph["guest_ops"] = int(kv["ops"])
                ph["dbg_ops"] = int(kv.get("dbg_ops", kv["ops"]))
                if kv.get("dbg_cmds", "-") != "-":
                    ph["dbg_cmds"] = int(kv["dbg_cmds"])
                    ph["dbg_syncs"] = int(kv["dbg_syncs"])
                if "p50_ns" in kv:
                    ph["p50_ns"] = int(kv["p50_ns"])
                    ph["p99_ns"] = int(kv["p99_ns"])
            elif what == "error":
                errors.append(m.group(2).strip())
            elif what == "end":
                info["end"] = int(kv.get("rc", 1))
    return phases, errors, info


def new_count():
    return {"ops": 0, "cmd": 0, "sync": 0, "devtlb": 0, "whole": 0, "pages": 0,
            "queued": 0, "by_type": {}, "per_op": []}


def parse_trace(path, arch):
    """Per phase: operations seen and what the IOMMU executed inside their windows."""
    counts, problems = {}, []
    open_id = None
    scalable = None
    outside = 0
    cur = None  # counts of the open operation, for per_op
    qsize, tail = None, 0  # VT-d: the invalidation queue, in descriptors
    ev = RE_VTD if arch == "x86_64" else RE_SMMU
    with open(path, errors="replace") as f:
        for line in f:
            if arch == "x86_64":
                # QEMU 10.0 traces no vtd_inv_desc for some descriptor types
                # (PASID-cache invalidations): the tail moves tell how many
                # the driver queued.
                m = RE_QI_TAIL.search(line)
                if m:
                    new = int(m.group(1))
                    if open_id is not None and qsize:
                        cur[2] += (new - tail) % qsize
                    tail = new
                    continue
                m = RE_QI_SETUP.search(line)
                if m:
                    qsize, tail = int(m.group(1)), 0
                    continue
            m = ev.search(line)
            if m:
                kind = m.group(1)
                if open_id is None:
                    outside += 1
                    continue
                c = counts[open_id]
                sync = is_sync(arch, kind)
                c["sync" if sync else "cmd"] += 1
                cur[1 if sync else 0] += 1
                if is_devtlb(arch, kind):
                    c["devtlb"] += 1
                if arch == "arm64" and kind in SMMU_WHOLE:
                    c["whole"] += 1
                if arch == "x86_64" and m.group(2) is not None:
                    pages = vtd_iotlb_pages(kind, int(m.group(2), 16), int(m.group(3), 16))
                    if pages is None:
                        c["whole"] += 1
                    else:
                        c["pages"] += pages
                c["by_type"][kind] = c["by_type"].get(kind, 0) + 1
                continue
            if open_id is not None and arch == "arm64":
                m = RE_SMMU_RANGE.search(line)
                if m:
                    counts[open_id]["pages"] += int(m.group(1), 16)
                    continue
            m = RE_MARK.search(line)
            if m:
                if int(m.group(1), 16) & 0xfffff != 0x04:
                    continue
                val = int(m.group(2), 16)
                pid = val & 0xfff
                if val & ~0xfff == MARK_BEGIN:
                    if open_id is not None:
                        problems.append(f"phase {pid} began inside phase {open_id}")
                    open_id = pid
                    counts.setdefault(pid, new_count())
                    cur = [0, 0, 0]
                elif val & ~0xfff == MARK_END:
                    if open_id != pid:
                        problems.append(f"phase {pid} ended while {open_id} was open")
                    else:
                        c = counts[pid]
                        c["ops"] += 1
                        if qsize:
                            # queued but not traced: commands too
                            c["queued"] += cur[2]
                            untraced = cur[2] - cur[0] - cur[1]
                            if untraced < 0:
                                problems.append(f"phase {pid}: {cur[0] + cur[1]} descriptors "
                                                f"traced, the queue tail moved {cur[2]}")
                            elif untraced:
                                c["cmd"] += untraced
                                cur[0] += untraced
                                c["by_type"]["untraced"] = (c["by_type"].get("untraced", 0) +
                                                            untraced)
                        if len(c["per_op"]) < KEEP_OPS:
                            c["per_op"].append(cur[:2])
                    open_id = None
                continue
            m = RE_ROOT.search(line)
            if m:
                scalable = int(m.group(1))
    if open_id is not None:
        problems.append(f"phase {open_id} never ended")
    return counts, problems, scalable, outside


def per_op(total, ops):
    return total / ops if ops else float("nan")


def check_run(label, arch, driver, phases, errors, info, counts, scalable):
    """Fill in each phase's per-operation figures; the run's problems."""
    problems = []
    if info["end"] != 0:
        problems.append(f"the bench program did not end with rc=0 ({info['end']})")
    problems += [f"guest: {e}" for e in errors]
    if not phases:
        problems.append("no ALIST-BENCH phases in the log")
    if arch == "x86_64" and info.get("cap", 0) & (CAP_CM | CAP_RWBF):
        problems.append(f"the unit has caching mode or RWBF (CAP {info['cap']:#x}): "
                        "maps would need flushes the workloads do not measure")
    if arch == "x86_64" and scalable != 1:
        problems.append(f"the unit's root table is not scalable mode (trace: {scalable})")
    if driver == "in-tree" and arch == "x86_64" and not any(
            "Virtualization Technology for Directed I/O" in x for x in info["lines"]):
        problems.append("the in-tree DMAR driver did not initialize")
    for pid, ph in sorted(phases.items()):
        c = counts.get(pid, new_count())
        if c["ops"] != ph.get("guest_ops"):
            problems.append(f"phase {pid}: {c['ops']} marked operations in the trace, "
                            f"{ph.get('guest_ops')} in the guest")
        ops = c["ops"]
        ph["ops"] = ops
        ph["cmds"] = per_op(c["cmd"], ops)
        ph["syncs"] = per_op(c["sync"], ops)
        ph["devtlb_cmds"] = per_op(c["devtlb"], ops)
        ph["whole_tag_cmds"] = per_op(c["whole"], ops)
        ph["inv_pages"] = per_op(c["pages"], ops)
        # Only operations that ask for a range have pages beyond it
        ph["over_pages"] = (max(0.0, ph["inv_pages"] - ph["req"] * ph.get("instances", 1))
                            if ph.get("req") and ops else None)
        ph["by_type"] = c["by_type"]
        if "dbg_cmds" in ph:
            first = c["per_op"][:ph["dbg_ops"]]
            qc, qs = sum(x[0] for x in first), sum(x[1] for x in first)
            if len(first) != ph["dbg_ops"] or (ph["dbg_cmds"], ph["dbg_syncs"]) != (qc, qs):
                problems.append(f"phase {pid}: debugfs {ph['dbg_cmds']}/{ph['dbg_syncs']} "
                                f"!= QEMU {qc}/{qs} over the first {ph['dbg_ops']} operations")
    return problems


def fmt(x):
    if x is None or x != x:
        return "-"
    return f"{x:g}" if x == int(x) else f"{x:.2f}"


def fmt_us(ns):
    return "-" if ns is None else f"{ns / 1000:.1f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ms(x):
    return "n/a" if x is None else f"{x:.2f}"


def fmt_kinsn(x):
    return "n/a" if x is None else f"{x / 1000:.1f}"


def fmt_domains(row):
    """2smmu: the domains used, and why more than one (the shared attach refused)"""
    if not row or not row.get("domains"):
        return "-"
    shared = row.get("shared")
    if shared and shared != "ok":
        return f"{row['domains']} (shared attach: {shared})"
    return str(row["domains"])


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}"


def load_folded(path, what):
    """A per-workload JSON (bench-profile.py, bench-funcs.py): data, problems"""
    try:
        with open(path) as f:
            return json.load(f), []
    except (OSError, ValueError) as e:
        return None, [f"no {what}: {e}"]


def add_profile(phases, path):
    """Host CPU ms per operation of each phase, from its profile; problems"""
    prof, problems = load_folded(path, "profile")
    if problems:
        return problems
    ms = 1000.0 / prof["hz"]
    for pid, ph in phases.items():
        w = prof["workloads"].get(str(pid))
        if w and w["ops"]:
            ph["cpu_ms"] = round(w["samples"] * ms / w["ops"], 3)
            ph["cpu_ms_modules"] = round(w["modules"] * ms / w["ops"], 3)
    return []


def add_funcs(phases, path):
    """Driver instructions per operation of each phase (BENCH_FUNCS=1); problems"""
    funcs, problems = load_folded(path, "function counts")
    if problems:
        return problems
    for pid, ph in phases.items():
        w = funcs["workloads"].get(str(pid))
        if w:
            ph["insn"] = w["insn"]
            ph["driver_insn"] = w["driver_insn"]
    return []


def unit_of(arch, mode):
    if arch == "x86_64" or mode == "2smmu":
        return mode
    return "smmuv3"


def aggregate(runs):
    """Rows per (arch, unit, workload, driver), figures over the rounds."""
    by_key = {}
    order = []
    for r in runs:
        for ph in r["phases"]:
            if "name" not in ph:
                continue
            key = (r["arch"], unit_of(r["arch"], r["mode"]), ph["name"], r["driver"])
            if key not in by_key:
                by_key[key] = []
                order.append(key)
            by_key[key].append((r, ph))
    rows, problems = [], []
    for key in order:
        arch, unit, name, driver = key
        items = by_key[key]
        first = items[0][1]
        for r, ph in items[1:]:
            for k in ("cmds", "syncs", "devtlb_cmds", "whole_tag_cmds", "over_pages",
                      "domains"):
                if ph.get(k) != first.get(k):
                    problems.append(f"{arch} {unit} {name} {driver}: {k} differs between "
                                    f"rounds ({first.get(k)} vs {ph.get(k)})")
        p50 = [ph["p50_ns"] for _, ph in items if "p50_ns" in ph]
        p99 = [ph["p99_ns"] for _, ph in items if "p99_ns" in ph]
        cpu = [ph["cpu_ms"] for _, ph in items if "cpu_ms" in ph]
        drv = [ph["driver_insn"] for _, ph in items if "driver_insn" in ph]

        def nz(x):
            return None if x != x else x
        rows.append({
            "arch": arch, "unit": unit, "workload": name,
            "driver": "ours" if driver == "ours" else "intree",
            "cmds": nz(first["cmds"]), "syncs": nz(first["syncs"]),
            "devtlb_cmds": nz(first["devtlb_cmds"]),
            "over_pages": first["over_pages"],
            "whole_tag_cmds": nz(first["whole_tag_cmds"]),
            "req_pages": first.get("req") or None,
            "p50_ns": int(statistics.median(p50)) if p50 else None,
            "p99_ns": int(statistics.median(p99)) if p99 else None,
            "ops": first["ops"], "rounds": len(items),
            "domains": first.get("domains"), "shared": first.get("shared"),
            # per round, in boot order: the ratios pair them
            "p50_ns_rounds": p50, "p99_ns_rounds": p99,
        })
        if cpu:
            # host CPU per operation (BENCH_PROFILE=1), per round likewise
            rows[-1]["cpu_ms"] = statistics.median(cpu)
            rows[-1]["cpu_ms_rounds"] = cpu
        if drv:
            # mean instructions per operation in the driver's own code
            # (BENCH_FUNCS=1), per round likewise
            rows[-1]["driver_insn"] = int(statistics.median(drv))
            rows[-1]["driver_insn_rounds"] = drv
    return rows, problems


def time_ratio(o, t, key):
    """Median over rounds of ours/in-tree, each round's boots side by side."""
    a, b = o.get(key + "_rounds") or [], t.get(key + "_rounds") or []
    rs = [x / y for x, y in zip(a, b) if y]
    return statistics.median(rs) if rs else None


def table(rows, icount=False):
    """Per arch and unit: each workload, ours next to the in-tree driver."""
    groups = {}
    for row in rows:
        g = groups.setdefault((row["arch"], row["unit"]), {})
        g.setdefault(row["workload"], {})[row["driver"]] = row
    out = []
    titles = {"ss": "VT-d, second-stage unit (QEMU intel-iommu, scalable mode)",
              "fs": "VT-d, first-stage unit (QEMU intel-iommu, scalable mode)",
              "smmuv3": "SMMUv3 (QEMU arm-smmuv3, stage=nested), comparison kernel",
              "2smmu": "two SMMUv3 instances, an edu behind each, both devices on one "
                       "IOAS (QEMU 11.1, comparison kernel); commands of both SMMUs"}
    for (arch, unit), wl in groups.items():
        out.append(f"\n{arch} {unit}: {titles.get(unit, unit)}")
        unit_text = ("thousands of guest instructions (QEMU -icount)" if icount
                     else "us (TCG)")
        out.append("  per operation: commands/syncs/device-TLB commands/pages beyond "
                   f"the request (w: whole-tag commands); round trip p50 and p99 in "
                   f"{unit_text}; with BENCH_PROFILE=1 host CPU ms (cpu); with "
                   "BENCH_FUNCS=1 mean thousands of instructions in the driver's own "
                   "code (drv); ratios ours/in-tree")
        hdr = ["workload", "ops", "ours c/s/d/over", "in-tree c/s/d/over",
               "ours p50", "in-tree p50", "p50 ratio", "ours p99", "in-tree p99",
               "p99 ratio"]
        profiled = any("cpu_ms" in r for by in wl.values() for r in by.values())
        if profiled:
            hdr += ["ours cpu", "in-tree cpu", "cpu ratio"]
        counted = any("driver_insn" in r for by in wl.values() for r in by.values())
        if counted:
            hdr += ["ours drv", "in-tree drv", "drv ratio"]
        # The devices' domains, and the shared attach's fate (2smmu)
        domained = any(r.get("domains") for by in wl.values() for r in by.values())
        if domained:
            hdr += ["ours domains", "in-tree domains"]
        lines = []
        for name, by in wl.items():
            o, t = by.get("ours"), by.get("intree")

            def cell(x):
                if not x:
                    return "n/a"
                s = (f"{fmt(x['cmds'])}/{fmt(x['syncs'])}/{fmt(x['devtlb_cmds'])}/"
                     f"{fmt(x['over_pages'])}")
                if x["whole_tag_cmds"]:
                    s += f" w{fmt(x['whole_tag_cmds'])}"
                return s
            lines.append([
                name, str((o or t)["ops"]), cell(o), cell(t),
                fmt_us(o and o["p50_ns"]), fmt_us(t and t["p50_ns"]),
                fmt_ratio(time_ratio(o, t, "p50_ns") if o and t else None),
                fmt_us(o and o["p99_ns"]), fmt_us(t and t["p99_ns"]),
                fmt_ratio(time_ratio(o, t, "p99_ns") if o and t else None)])
            if profiled:
                lines[-1] += [fmt_ms(o and o.get("cpu_ms")), fmt_ms(t and t.get("cpu_ms")),
                              fmt_ratio(time_ratio(o, t, "cpu_ms") if o and t else None)]
            if counted:
                lines[-1] += [fmt_kinsn(o and o.get("driver_insn")),
                              fmt_kinsn(t and t.get("driver_insn")),
                              fmt_ratio(time_ratio(o, t, "driver_insn") if o and t else None)]
            if domained:
                lines[-1] += [fmt_domains(o), fmt_domains(t)]
        widths = [max(len(r[i]) for r in lines + [hdr]) for i in range(len(hdr))]
        for r in [hdr] + lines:
            out.append("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                        for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", action="append", default=[],
                    help="LABEL:ARCH:MODE:DRIVER:LOG:TRACE")
    ap.add_argument("--profile", action="append", default=[],
                    help="LABEL:PROFILE_JSON (scripts/bench-profile.py)")
    ap.add_argument("--funcs", action="append", default=[],
                    help="LABEL:FUNCS_JSON (scripts/bench-funcs.py)")
    ap.add_argument("--icount", action="store_true",
                    help="the boots ran with -icount: times are instructions")
    ap.add_argument("--json", required=True)
    args = ap.parse_args(argv)
    profiles = dict(p.split(":", 1) for p in args.profile)
    funcs = dict(p.split(":", 1) for p in args.funcs)

    runs, failed = [], []
    for spec in args.run:
        label, arch, mode, driver, log, trace = spec.split(":", 5)
        phases, errors, info = parse_log(log)
        try:
            counts, problems, scalable, outside = parse_trace(trace, arch)
        except OSError as e:
            counts, problems, scalable, outside = {}, [f"no trace: {e}"], None, 0
        problems += check_run(label, arch, driver, phases, errors, info, counts, scalable)
        if label in profiles:
            problems += add_profile(phases, profiles[label])
        if label in funcs:
            problems += add_funcs(phases, funcs[label])
        runs.append({"label": label, "arch": arch, "mode": mode, "driver": driver,
                     "log": log, "trace": trace, "scalable": scalable,
                     "commands_outside_windows": outside,
                     "phases": [phases[k] for k in sorted(phases)], "problems": problems})
        if problems:
            failed.append(label)
            for p in problems:
                print(f"bench-guest: {label}: {p}", file=sys.stderr)

    rows, agg_problems = aggregate(runs)
    for p in agg_problems:
        print(f"bench-guest: {p}", file=sys.stderr)
    for row in rows:
        row["clock"] = "icount" if args.icount else "wall"
    text = table(rows, args.icount)
    print(text)

    with open(args.json, "w") as f:
        json.dump(rows, f, indent=1)
    detail = re.sub(r"\.json$", "", args.json) + "-detail.json"
    with open(detail, "w") as f:
        json.dump({"runs": runs, "table": text, "failed": failed,
                   "problems": agg_problems}, f, indent=1)
    return 1 if failed or agg_problems else 0


if __name__ == "__main__":
    sys.exit(main())
