#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the hand-made seed inputs of the fuzz targets: corpus/NAME/seed-*.

Each seed is a valid input or a boundary case, in the target's input
format (see the comment at the top of host/fuzz/NAME.c or .cpp). Run it
after changing an input format; it rewrites the seed-* files only, never
the crash-* regression inputs (Documentation/testing.rst)."""
import os
import struct

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def le(fmt, *v):
    return struct.pack("<" + fmt, *v)


# user_array: which (0 VT-d, 1 SMMUv3), type, entry_len, knobs,
# entry_num (16 bits), 2 spare bytes; then the entries.
def uarray(which, typ, elen, knobs, num, body):
    return bytes([which, typ, elen, knobs]) + le("H", num) + b"\0\0" + body


def vtd_inv(addr, npages, flags=0, rsvd=0):
    return le("QQII", addr, npages, flags, rsvd)


def smmu_cmd(w0, w1=0):
    return le("QQ", w0, w1)


ALL = (1 << 64) - 1
NH_VA, NH_ASID, CFGI_CD, CFGI_CD_ALL, ATC_INV = 0x12, 0x11, 0x05, 0x06, 0x40

USER_ARRAY = {
    "seed-vtd-page": uarray(0, 0, 24, 12, 1, vtd_inv(0x1000, 1)),
    "seed-vtd-ranges": uarray(0, 0, 24, 5, 3, vtd_inv(0x200000, 512, 1) +
                              vtd_inv(0, ALL) + vtd_inv(0x3000, 1, 0, 1)),
    "seed-vtd-len-long": uarray(0, 0, 32, 0, 2, vtd_inv(0x5000, 4) + bytes(8) +
                                vtd_inv(0x9000, 1) + b"\1" + bytes(7)),
    "seed-vtd-len-zero": uarray(0, 0, 0, 0, 2, bytes(48)),
    "seed-vtd-len-short": uarray(0, 0, 8, 0, 1, le("Q", 0x1000)),
    "seed-smmu-mixed": uarray(1, 1, 16, 0x07, 4,
                              smmu_cmd(NH_VA | 5 << 48, 0x1000 | 1) +
                              smmu_cmd(NH_ASID | 5 << 48) +
                              smmu_cmd(CFGI_CD | 4 << 32, 1) +
                              smmu_cmd(ATC_INV | 6 << 32, 0x4000 | 2)),
    "seed-smmu-range": uarray(1, 1, 16, 0x01, 2,
                              smmu_cmd(NH_VA | 3 << 12 | 1 << 20 | 7 << 48,
                                       0x10000 | 1 << 10 | 3 << 8 | 1) +
                              smmu_cmd(NH_VA | 7 << 48, 0x20000)),
    "seed-smmu-bad": uarray(1, 1, 16, 0x00, 3, smmu_cmd(NH_ASID | 1 << 48) +
                            smmu_cmd(CFGI_CD_ALL | 3 << 32) + smmu_cmd(0x01)),
    "seed-type-mismatch": uarray(1, 0, 16, 0, 1, smmu_cmd(NH_ASID)),
}

# smmuv3_vste: STE words 0 and 1, IPA size, SSIDSIZE, SMMUV3_FEAT_* (16 bits).
FEAT_ATS, FEAT_CD2L = 1 << 6, 1 << 10


def vste(w0, w1, ipa, ssid, feat):
    return le("QQBBH", w0, w1, ipa, ssid, feat)


V = 1
S1, BYPASS, S2 = 5 << 1, 4 << 1, 6 << 1
SMMUV3_VSTE = {
    "seed-s1-linear": vste(V | S1 | 0x40000000, 1 << 2 | 1 << 4 | 3 << 6, 48, 20,
                           FEAT_ATS | FEAT_CD2L),
    "seed-s1-2level": vste(V | S1 | 2 << 4 | 0x80001000 | 8 << 59, 2, 44, 16, FEAT_CD2L),
    "seed-bypass-ats": vste(V | BYPASS, 1 << 28, 48, 0, FEAT_ATS),
    "seed-abort": vste(V | 0xfffc0000000, 3 << 28, 40, 0, 0),
    "seed-invalid": vste(S2 | 0xffffffffc0, 1 << 27, 32, 0, 0),
    "seed-s2-refused": vste(V | S2, 0, 48, 0, 0),
    "seed-stalld": vste(V | S1 | 0x1000, 1 << 27, 48, 8, FEAT_CD2L),
}


# smmuv3_evt: the record (type, StreamID in word 0; S2 is word 1 bit 39),
# then a vSID.
def evt(typ, sid, s2=0, vsid=7, w2=0, w3=0):
    return le("QQQQI", typ | sid << 32 | 0xab00, s2 << 39 | 0x1234, w2, w3, vsid)


SMMUV3_EVT = {
    "seed-f-translation": evt(0x10, 0x100, w2=0xdead000),
    "seed-f-permission-s2": evt(0x13, 0x100, s2=1),
    "seed-c-bad-cd": evt(0x0a, 0x42, vsid=0),
    "seed-unlisted": evt(0x0b, 0x8),
    "seed-max-sid": evt(0x12, 0xffffffff, vsid=0xffffffff, w3=ALL),
}


# vtd_s1: struct iommu_hwpt_vtd_s1 (flags, pgtbl_addr, addr_width,
# __reserved), CAP, ECAP.
def s1(flags, addr, aw, rsvd, cap, ecap):
    return le("QQIIQQ", flags, addr, aw, rsvd, cap, ecap)


def mgaw(bits):
    return (bits - 1) << 16


FS5LP = 1 << 60
ECAP = (1 << 26) | (1 << 31) | (1 << 34) | (1 << 46) | (1 << 47)
VTD_S1 = {
    "seed-4level": s1(0, 0x12345000, 48, 0, mgaw(48), ECAP),
    "seed-5level-flags": s1(7, 0xfff000, 57, 0, mgaw(57) | FS5LP, ECAP),
    "seed-5level-no-fs5lp": s1(0, 0x1000, 57, 0, mgaw(57), ECAP),
    "seed-addr-above-mgaw": s1(0, 1 << 48, 48, 0, mgaw(48), ECAP),
    "seed-mgaw-64": s1(4, 0xfffffffffffff000, 48, 0, mgaw(64), ECAP),
    "seed-reserved": s1(0, 0x1000, 48, 1, mgaw(48), ECAP),
}


# vtd_dmar: the ACPI table, header included.
def scope(typ, bus, hops):
    body = b"".join(bytes([d, f]) for d, f in hops)
    return bytes([typ, 6 + len(body), 0, 0, 0, bus]) + body


def drhd(base, scopes=b"", flags=0, size=0, seg=0):
    return le("HHBBHQ", 0, 16 + len(scopes), flags, size, seg, base) + scopes


def rmrr(base, limit, scopes=b"", seg=0):
    return le("HHHHQQ", 1, 24 + len(scopes), 0, seg, base, limit) + scopes


def dmar(structs, haw=38, flags=1, extra=b""):
    body = b"".join(structs)
    hdr = b"DMAR" + le("I", 48 + len(body)) + bytes(28) + bytes([haw, flags]) + bytes(10)
    return hdr + body + extra


EP, BRIDGE, IOAPIC = 1, 2, 3
ATSR = le("HHBBH", 2, 8, 0, 0, 0)
VTD_DMAR = {
    "seed-one-unit": dmar([drhd(0xfed90000, scope(IOAPIC, 0xf0, [(0x1f, 0)]), flags=1)]),
    "seed-units-rmrr": dmar([drhd(0xfed91000, scope(EP, 0, [(2, 0)]) +
                                  scope(BRIDGE, 0, [(0x1c, 0), (0, 0)]), size=1),
                             drhd(0xfed90000, flags=1), ATSR,
                             rmrr(0x7a000000, 0x7a7fffff, scope(EP, 0, [(0x14, 0)]))]),
    "seed-rmrr-bounds": dmar([drhd(0xfed90000, flags=1),
                              rmrr(0x7a000800, 0x7a0017ff, scope(EP, 0, [(0x14, 0)])),
                              rmrr(0x9000, 0x8fff)]),
    "seed-limits": dmar([drhd(0xfed90000, b"".join(scope(EP, 1, [(i, 0)]) for i in range(17)) +
                              scope(BRIDGE, 0, [(1, 0)] * 5))] +
                        [rmrr(0x100000 * i, 0x100000 * i + 0xfff) for i in range(1, 10)]),
    "seed-no-unit": dmar([rmrr(0x1000, 0x1fff)]),
    "seed-nine-units": dmar([drhd(0x1000 * (i + 1)) for i in range(9)]),
    "seed-trailing": dmar([drhd(0xfed90000, flags=1)], extra=b"\xff" * 12),
}

TARGETS = {
    "user_array": USER_ARRAY,
    "smmuv3_vste": SMMUV3_VSTE,
    "smmuv3_evt": SMMUV3_EVT,
    "vtd_s1": VTD_S1,
    "vtd_dmar": VTD_DMAR,
}


def main():
    for target, seeds in TARGETS.items():
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            if name.startswith("seed-"):
                os.remove(os.path.join(d, name))
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
