#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count invalidation commands and syncs per operation in make bench's guests.

Each run is one guest boot (scripts/bench-guest.sh) that ran the selftest
program in bench mode (vtd_dma bench / smmu_dma bench) with QEMU tracing:

- the console log has the program's ALIST-BENCH lines: the phases (what
  each operation is), the number of operations, and our driver's own
  debugfs counts when our driver was loaded;
- the QEMU trace has, in one stream, the invalidation descriptors the
  emulated VT-d unit executed (vtd_inv_desc) or the commands the emulated
  SMMUv3 consumed (smmuv3_cmdq_opcode), and the program's markers: writes
  to edu's liveness register (BAR0 + 0x04, memory_region_ops_write) with
  0xab100000 | phase before and 0xab200000 | phase after each operation.

The QEMU-side count is the same for every driver, so our driver and the
in-tree one are compared on one scale. The minimum of each phase is worked
out here from the operation alone (see minimum()), not from any driver.

usage: bench-guest.py --run LABEL:ARCH:MODE:DRIVER:LOG:TRACE ... --json OUT
"""
import argparse
import json
import re
import sys

MARK_BEGIN = 0xab100000
MARK_END = 0xab200000

RE_MARK = re.compile(r"memory_region_ops_write .*addr 0x([0-9a-f]+) value 0x([0-9a-f]+) "
                     r"size 4 name 'edu-mmio'")
RE_VTD = re.compile(r"vtd_inv_desc invalidate desc type (\S+)")
RE_SMMU = re.compile(r"smmuv3_cmdq_opcode <--- SMMU_CMD_(\S+)")
RE_ROOT = re.compile(r"vtd_reg_dmar_root addr 0x[0-9a-f]+ scalable (\d)")
RE_BENCH = re.compile(r"ALIST-BENCH (start|phase|result|error|end)\b(.*)")
RE_KV = re.compile(r"(\w+)=(\S+)")
RE_CAP = re.compile(r"dmar\d+: .*\bcap (?:0x)?([0-9a-f]+) ecap")
CAP_RWBF, CAP_CM = 1 << 4, 1 << 7


def is_sync(arch, kind):
    return kind == ("wait" if arch == "x86_64" else "SYNC")


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
                phases[pid] = {
                    "id": pid, "op": kv["op"], "pages": int(kv["pages"]),
                    "areas": int(kv["areas"]), "domain": kv.get("domain", "paging"),
                }
            elif what == "result":
                ph = phases.setdefault(int(kv["id"]), {"id": int(kv["id"])})
                ph["guest_ops"] = int(kv["ops"])
                if kv.get("dbg_cmds", "-") != "-":
                    ph["dbg_cmds"] = int(kv["dbg_cmds"])
                    ph["dbg_syncs"] = int(kv["dbg_syncs"])
            elif what == "error":
                errors.append(m.group(2).strip())
            elif what == "end":
                info["end"] = int(kv.get("rc", 1))
    return phases, errors, info


def parse_trace(path, arch):
    """Per phase: operations seen, commands and syncs inside their windows."""
    counts, problems = {}, []
    open_id = None
    scalable = None
    outside = 0
    ev = RE_VTD if arch == "x86_64" else RE_SMMU
    with open(path, errors="replace") as f:
        for line in f:
            m = ev.search(line)
            if m:
                kind = m.group(1)
                if open_id is None:
                    outside += 1
                    continue
                c = counts[open_id]
                c["sync" if is_sync(arch, kind) else "cmd"] += 1
                c["by_type"][kind] = c["by_type"].get(kind, 0) + 1
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
                    counts.setdefault(pid, {"ops": 0, "cmd": 0, "sync": 0, "by_type": {}})
                elif val & ~0xfff == MARK_END:
                    if open_id != pid:
                        problems.append(f"phase {pid} ended while {open_id} was open")
                    else:
                        counts[pid]["ops"] += 1
                    open_id = None
                continue
            m = RE_ROOT.search(line)
            if m:
                scalable = int(m.group(1))
    if open_id is not None:
        problems.append(f"phase {open_id} never ended")
    return counts, problems, scalable, outside


def minimum(arch, ph):
    """The fewest commands and syncs the operation needs, from first principles.

    map: nothing. The emulated units do not cache invalid entries that
    software must flush after a map (VT-d CAP.CM=0 and RWBF=0, checked from
    the logged CAP; SMMUv3 never caches faulting translations).

    unmap: iommufd unmaps each IOAS area with its own iommu_unmap(), and
    each must be complete when it returns: one sync per area. Per area one
    invalidation command covers the range: VT-d page-selective (or
    PASID-selective for a first-stage domain) with a power-of-two mask
    (CAP.MAMV 18), SMMUv3 a TLBI_NH_VA range (IDR3.RIL). edu has no ATS, so
    no device-TLB commands. A nest parent with a nested user adds what the
    architecture orders after the stage-2 range: a CMD_SYNC, then
    TLBI_NH_ALL for the vIOMMU's VMID (stage-1 entries are cached combined
    with stage 2 and cannot be found by IPA) and its CMD_SYNC: 2 + 2.

    viommu_inv: an array of N TLBI_NH_VA on N non-adjacent pages is N
    commands (merging would widen the guest's scope) and one CMD_SYNC.
    """
    op, areas = ph["op"], ph["areas"]
    if op == "map":
        return 0, 0
    if op == "unmap":
        if ph.get("domain") == "nest_parent":
            return 2 * areas, 2 * areas
        return areas, areas
    if op == "viommu_inv":
        return ph["pages"], 1
    raise ValueError(f"no minimum for {op}")


def per_op(total, ops):
    return total / ops if ops else float("nan")


def ratio(cmds, syncs, mc, ms):
    if mc + ms == 0:
        return "=" if cmds + syncs == 0 else f"+{cmds + syncs:g}"
    return f"{(cmds + syncs) / (mc + ms):.2f}"


def fmt(x):
    if x != x:
        return "-"
    return f"{x:g}" if x == int(x) else f"{x:.2f}"


def phase_name(ph):
    op = ph["op"]
    if op == "viommu_inv":
        return f"vIOMMU array of {ph['pages']}"
    what = {"map": "map", "unmap": "unmap"}[op]
    if ph["areas"] > 1:
        shape = f"{ph['pages']} scattered pages"
    elif ph["pages"] == 1:
        shape = "1 page"
    else:
        shape = f"{ph['pages']} pages ({ph['pages'] * 4} KiB)"
    dom = {"nest_parent": ", nest parent"}.get(ph.get("domain"), "")
    return f"{what} {shape}{dom}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", action="append", default=[],
                    help="LABEL:ARCH:MODE:DRIVER:LOG:TRACE")
    ap.add_argument("--json", required=True)
    args = ap.parse_args()

    runs, failed = [], []
    for spec in args.run:
        label, arch, mode, driver, log, trace = spec.split(":", 5)
        phases, errors, info = parse_log(log)
        counts, problems, scalable, outside = parse_trace(trace, arch)
        if info["end"] != 0:
            problems.append(f"the bench program did not end with rc=0 ({info['end']})")
        problems += [f"guest: {e}" for e in errors]
        if not phases:
            problems.append("no ALIST-BENCH phases in the log")
        if arch == "x86_64" and info.get("cap", CAP_CM) & (CAP_CM | CAP_RWBF):
            problems.append("the minimum assumes a unit without caching mode and RWBF "
                            f"(CAP {info.get('cap', 'not found')})")
        if arch == "x86_64" and scalable != 1:
            problems.append(f"the unit's root table is not scalable mode (trace: {scalable})")
        if driver == "in-tree" and not any("Virtualization Technology for Directed I/O" in x
                                           for x in info["lines"]):
            problems.append("the in-tree DMAR driver did not initialize")
        for pid, ph in sorted(phases.items()):
            c = counts.get(pid, {"ops": 0, "cmd": 0, "sync": 0, "by_type": {}})
            if c["ops"] != ph.get("guest_ops"):
                problems.append(f"phase {pid}: {c['ops']} marked operations in the trace, "
                                f"{ph.get('guest_ops')} in the guest")
            ph["ops"] = c["ops"]
            ph["cmds"], ph["syncs"] = c["cmd"], c["sync"]
            ph["by_type"] = c["by_type"]
            ph["min_cmds"], ph["min_syncs"] = minimum(arch, ph)
            ph["name"] = phase_name(ph)
            if "dbg_cmds" in ph and (ph["dbg_cmds"], ph["dbg_syncs"]) != (ph["cmds"], ph["syncs"]):
                problems.append(f"phase {pid}: debugfs {ph['dbg_cmds']}/{ph['dbg_syncs']} "
                                f"!= QEMU {ph['cmds']}/{ph['syncs']}")
        runs.append({"label": label, "arch": arch, "mode": mode, "driver": driver,
                     "log": log, "trace": trace, "scalable": scalable,
                     "commands_outside_windows": outside,
                     "phases": [phases[k] for k in sorted(phases)], "problems": problems})
        if problems:
            failed.append(label)
            for p in problems:
                print(f"bench-guest: {label}: {p}", file=sys.stderr)

    # One table per (arch, mode): ours next to the in-tree driver, by phase
    groups = {}
    for r in runs:
        groups.setdefault((r["arch"], r["mode"]), {})[r["driver"]] = r
    out = []
    for (arch, mode), by_drv in groups.items():
        ours, intree = by_drv.get("ours"), by_drv.get("in-tree")
        unit = {"x86_64": f"VT-d, {'first' if mode == 'fs' else 'second'}-stage unit "
                          "(QEMU intel-iommu, scalable mode)",
                "arm64": "SMMUv3 (QEMU arm-smmuv3, stage=nested)"}[arch]
        what = "descriptors / waits" if arch == "x86_64" else "commands / CMD_SYNCs"
        title = f"{arch} {mode}" if arch == "x86_64" else arch
        out.append(f"\n{title}: {unit}; {what} per operation, counted by QEMU")
        hdr = ["phase", "ops", "ours cmds", "ours syncs", "min", "ours/min",
               "in-tree cmds", "in-tree syncs", "in-tree/min", "ours debugfs"]
        rows = []
        base = ours or intree
        for ph in base["phases"]:
            o = next((p for p in ours["phases"] if p["id"] == ph["id"]), None) if ours else None
            t = next((p for p in intree["phases"] if p["id"] == ph["id"]), None) if intree else None
            mc, ms = ph["min_cmds"], ph["min_syncs"]
            row = [ph["name"], str(ph["ops"]), "-", "-", f"{mc}/{ms}", "-", "-", "-", "-", "-"]
            if o:
                oc, os_ = per_op(o["cmds"], o["ops"]), per_op(o["syncs"], o["ops"])
                row[2], row[3], row[5] = fmt(oc), fmt(os_), ratio(oc, os_, mc, ms)
                if "dbg_cmds" in o:
                    row[9] = (f"{fmt(per_op(o['dbg_cmds'], o['ops']))}/"
                              f"{fmt(per_op(o['dbg_syncs'], o['ops']))}")
            if t:
                tc, ts = per_op(t["cmds"], t["ops"]), per_op(t["syncs"], t["ops"])
                row[6], row[7], row[8] = fmt(tc), fmt(ts), ratio(tc, ts, mc, ms)
            elif arch == "arm64":
                row[6] = row[7] = row[8] = "n/a"
            rows.append(row)
        widths = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
        for r in [hdr] + rows:
            out.append("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                        for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        for drv, r in (("ours", ours), ("in-tree", intree)):
            if not r:
                continue
            kinds = {}
            for p in r["phases"]:
                for k, n in p["by_type"].items():
                    kinds[k] = kinds.get(k, 0) + n
            root = ", scalable-mode root table" if r["scalable"] == 1 else ""
            out.append(f"  {drv} ({r['label']}{root}) used, all phases: " +
                       (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "nothing"))
    if any(r["arch"] == "arm64" for r in runs):
        out.append("\narm64 in-tree: n/a, the arm64 guest kernel does not build the "
                   "in-tree SMMUv3 driver (ours owns the SMMU).")
    text = "\n".join(out)
    print(text)

    verdict = {}
    for r in runs:
        if r["driver"] != "ours":
            continue
        verdict[r["label"]] = all(p["cmds"] == p["min_cmds"] * p["ops"] and
                                  p["syncs"] == p["min_syncs"] * p["ops"]
                                  for p in r["phases"])
    print("\nours equals the minimum in every phase: " +
          ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in verdict.items()))

    with open(args.json, "w") as f:
        json.dump({"runs": runs, "ours_at_minimum": verdict, "table": text,
                   "failed": failed}, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
