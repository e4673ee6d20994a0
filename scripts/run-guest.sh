#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one test guest, capture its console, and turn the log into results.
#
# usage: run-guest.sh --arch ARCH --name NAME [--modules m1,m2]
#                     [--kunit s1,s2] [--selftests p1,p2] [--run SCRIPT]
#                     [--vtd-mode fs|ss] [--timeout SEC] [--append ARGS]
#                     [--initrd FILE] [--no-parse] [--trace EVENTS]
#                     [--kernel FILE] [--nvme IMG] [--allow-taint MASK]
#                     [--load-nth MODULE [--load-nth-stride S]]
#                     [--machine-opts OPTS] [--profile FILE] [--icount]
#                     [--plugin SPEC] [--machine 2smmu]
#
# x86_64: q35 + intel-iommu (scalable mode; first stage with --vtd-mode fs,
#         the default, second stage with ss) + edu + a virtio-rng with ATS
#         behind a root port. The in-tree VT-d driver stands aside:
#         intel_iommu=off intremap=off.
# arm64:  virt, GICv3 (ITS: isolated MSI), SMMUv3 with nested stages + edu.
#         --arch arm64-intree: the same machine, booting make bench's arm64
#         comparison kernel (scripts/lib.sh, alist_arch_vars).
#         QEMU's SMMU has neither S2FWB nor CANWBS devices, so the vSMMU
#         tests need alist_smmuv3.allow_noncoherent_viommu=1, which taints
#         (U); ktap.py accepts that taint only with the parameter set.
#         --machine 2smmu (arm64-intree: its kernel has ACPI): two SMMUv3
#         instances, nested stages, each with an edu behind it: smmu0 on
#         pcie.0 (edu 00:03.0), smmu1 on a pxb-pcie bus (bus 0x80, edu
#         81:00.0 behind a root port). QEMU 10.0 cannot build it; QEMU 11.1
#         (alist_host_qemu11 in scripts/lib.sh, fetched once) can. Only
#         the IORT describes the second SMMU, so the guest boots through
#         UEFI with ACPI. deferred_probe_timeout=600: the devices behind
#         an SMMU wait for our driver, which loads late, from /init.
#
# The log is build/ARCH/logs/NAME.log, results build/ARCH/results/NAME.json.
# --trace EVENTS (QEMU trace patterns, comma separated) writes QEMU's trace
# to build/ARCH/logs/NAME.trace.
# --kernel boots another kernel image than the cached guest kernel (a
# distribution's, scripts/distro-build.sh); --nvme adds an NVMe disk backed
# by IMG; --allow-taint is the taint mask the parser accepts (ktap.py).
# --load-nth loads MODULE (one of --modules) with fault injection at each
# point of its load in turn (scripts/guest/load_nth.c), edu then behind the
# IOMMU; its result is the selftest load_nth_MODULE. The driver sweeps its
# init trying every S-th point (--load-nth-stride, default 61; 1: every
# point).
# --machine-opts adds OPTS to the machine (-M) of an arm64 guest:
# virtualization=on makes it an L1 host for KVM (scripts/vmm.sh).
# --profile FILE: QEMU runs under the host's perf (cpu-clock at 999 Hz,
# realtime clock), writing FILE; -perfmap names each translated block by
# its guest PC in /tmp/perf-PID.map, and -msg timestamp=on gives the
# trace the same clock (scripts/bench-profile.py folds the samples into
# guest functions per bench operation).
# --icount: the guest's clock counts its instructions (QEMU -icount
# shift=0, sleep=off: 1 ns per instruction, idle time skipped), so a time
# the guest measures is the instructions executed meanwhile, the same on
# a busy host as on an idle one.
# --plugin SPEC: load a QEMU TCG plugin (QEMU's -plugin SPEC), e.g.
# scripts/qemu-plugin/insn-windows.c built by bench-guest.sh (with
# --machine 2smmu, QEMU 11.1: a plugin built for its API, version 7).
# Exit status: the parser's (0 only when nothing failed), or the runner's
# own failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=x86_64 name= modules= kunit= selftests= run= vtd_mode=fs timeout=300
append= parse=1 initrd= trace= kernel= nvme= taint= load_nth= load_nth_stride=61
machine_opts= profile= icount=0 plugin= machine=
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift ;;
	--name) name=$2; shift ;;
	--modules) modules=$2; shift ;;
	--kunit) kunit=$2; shift ;;
	--selftests) selftests=$2; shift ;;
	--run) run=$2; shift ;;
	--vtd-mode) vtd_mode=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--append) append=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--no-parse) parse=0 ;;
	--trace) trace=$2; shift ;;
	--kernel) kernel=$2; shift ;;
	--nvme) nvme=$2; shift ;;
	--allow-taint) taint=$2; shift ;;
	--load-nth) load_nth=$2; shift ;;
	--load-nth-stride) load_nth_stride=$2; shift ;;
	--machine-opts) machine_opts=,$2; shift ;;
	--profile) profile=$2; shift ;;
	--icount) icount=1 ;;
	--plugin) plugin=$2; shift ;;
	--machine) machine=$2; shift ;;
	*) alist_die "run-guest.sh: unknown option $1" ;;
	esac
	shift
done
[ -n "$name" ] || alist_die "run-guest.sh: --name is required"
alist_arch_vars "$arch"
case "$GARCH/$machine" in
*/) ;;
arm64/2smmu)
	# The arm64 test kernel has no ACPI: it would see one SMMU
	[ "$arch" = arm64-intree ] || [ -n "$kernel" ] ||
		alist_die "--machine 2smmu boots an ACPI kernel: --arch arm64-intree"
	;;
*) alist_die "run-guest.sh: no machine '$machine' for $GARCH" ;;
esac

kernel=${kernel:-$(alist_kbuild "$arch")/$KIMAGE}
initrd=${initrd:-$ALIST_BUILD/$arch/initramfs.cpio.gz}
[ -f "$kernel" ] || alist_die "no $arch kernel at $kernel (make kernel ARCH=$arch)"
[ -f "$initrd" ] || alist_die "no initramfs at $initrd (make initramfs ARCH=$arch)"

logdir=$ALIST_BUILD/$arch/logs
resdir=$ALIST_BUILD/$arch/results
mkdir -p "$logdir" "$resdir"
log=$logdir/$name.log

# A hang ends the run with a stack trace: a CPU that does not schedule
# for 2 x 30 s (soft lockup) or a task blocked for 120 s panics, and
# panic=-1 powers the guest off (the thresholds leave room for TCG).
cmdline="panic=-1 watchdog_thresh=30 softlockup_panic=1 hung_task_panic=1"
# No BSD pseudo-terminals: setting up the 256 of LEGACY_PTYS costs 6 s of
# boot under TCG with KASAN, and nothing here opens one
cmdline="$cmdline pty.legacy_count=0"
cmdline="$cmdline kunit.autorun=0 alist_modules=$modules alist_kunit=$kunit"
cmdline="$cmdline alist_selftests=$selftests alist_run=$run $append"
# edu (1234:11e8) is on both machines; our drivers' test builds sweep
# their own init (init_fail_nth), every S-th point: an init with its
# undo costs seconds under TCG and the VT-d one has thousands of points,
# most of them the IOMMU core's for each PCI device (Documentation/testing.rst)
[ -n "$load_nth" ] && cmdline="$cmdline alist_load_nth=$load_nth alist_load_nth_pci=1234:11e8 alist_load_nth_param=init_fail_nth alist_load_nth_stride=$load_nth_stride"
# 1 GiB: the tests need far less, and kmemleak's end-of-run scan walks
# every page's struct page (ALIST_GUEST_MEM=MiB overrides)
# ALIST_QEMU_MONITOR=DIR: a QEMU monitor socket per guest, DIR/NAME.sock,
# to look at a guest that hangs ("info registers" gives each vCPU's RIP/PC)
monitor=none
[ -n "${ALIST_QEMU_MONITOR:-}" ] &&
	monitor=unix:$ALIST_QEMU_MONITOR/$name.sock,server=on,wait=off
qemu_bin=("$QEMU")
qemu=(-nodefaults -display none -monitor "$monitor" -serial stdio -no-reboot
      -accel tcg -m "${ALIST_GUEST_MEM:-1024}" -smp 2 -kernel "$kernel" -initrd "$initrd")
case "$GARCH" in
x86_64)
	case "$vtd_mode" in
	fs) vtd=intel-iommu,intremap=off,x-scalable-mode=on,x-flts=on,device-iotlb=on ;;
	ss) vtd=intel-iommu,intremap=off,x-scalable-mode=on,device-iotlb=on ;;
	*) alist_die "--vtd-mode is fs or ss" ;;
	esac
	# edu: the DMA engine. A virtio-rng behind a PCIe root port with
	# ats=on: a device with an ATS capability (QEMU gives PCIe capabilities
	# only to devices behind a port), for device-TLB invalidation.
	# la57=off: 4-level paging, as deployed x86 machines run. With
	# TCG's max CPU the kernel picks 5-level paging, and an interrupt in
	# the first milliseconds of boot was once reported by KASAN as a wild
	# access in that configuration, before any of our code ran.
	# hpet, smbus, sata off and no ACPI PCI hotplug: a smaller DSDT and
	# fewer devices; TCG interprets the AML at every boot (a third of it).
	qemu+=(-M q35,hpet=off,smbus=off,sata=off
	       -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
	       -cpu max,la57=off -bios qboot.rom -device "$vtd" -device edu
	       -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1
	       -device virtio-rng-pci,bus=rp1,ats=on,disable-legacy=on)
	cmdline="console=ttyS0 intel_iommu=off intremap=off iommufd.allow_unsafe_interrupts=1 $cmdline"
	;;
arm64)
	cmdline="console=ttyAMA0 alist_smmuv3.allow_noncoherent_viommu=1 $cmdline"
	if [ "$machine" = 2smmu ]; then
		alist_host_qemu11
		qemu_bin=("${ALIST_QEMU11[@]}")
		# -device arm-smmuv3 cannot be combined with iommu=smmuv3; the
		# stage global reaches both instances
		qemu+=(-M "virt,gic-version=3$machine_opts" -cpu max,pauth-impdef=on
		       -bios "$ALIST_QEMU11_EFI" -global arm-smmuv3.stage=nested
		       -device arm-smmuv3,primary-bus=pcie.0,id=smmu0
		       -device edu,bus=pcie.0,addr=0x3
		       -device pxb-pcie,id=pxb1,bus_nr=0x80,bus=pcie.0,addr=0x4
		       -device arm-smmuv3,primary-bus=pxb1,id=smmu1
		       -device pcie-root-port,id=rp1,bus=pxb1,chassis=1,slot=1
		       -device edu,bus=rp1)
		cmdline="$cmdline deferred_probe_timeout=600"
	else
		qemu+=(-M "virt,gic-version=3,iommu=smmuv3$machine_opts"
		       -cpu max,pauth-impdef=on -global arm-smmuv3.stage=nested
		       -device edu)
	fi
	;;
esac

if [ -n "$nvme" ]; then
	qemu+=(-drive "file=$nvme,if=none,id=nvme0,format=raw"
	       -device nvme,serial=alist0,drive=nvme0)
fi

if [ -n "$trace" ]; then
	rm -f "$logdir/$name.trace"
	qemu+=(-d "trace:${trace//,/,trace:}" -D "$logdir/$name.trace")
fi

[ "$icount" = 1 ] && qemu+=(-icount shift=0,sleep=off)
[ -n "$plugin" ] && qemu+=(-plugin "$plugin")
perf=()
if [ -n "$profile" ]; then
	qemu+=(-perfmap -msg timestamp=on)
	perf=(perf record -q -k realtime -e cpu-clock -F 999 -o "$profile" --)
fi

alist_log "booting $arch guest '$name' (log: ${log#$ALIST_TOP/})"
start=$(date +%s)
set +e
timeout -k 10 "$timeout" "${perf[@]}" "${qemu_bin[@]}" "${qemu[@]}" -append "$cmdline" < /dev/null > "$log" 2>&1
rc=$?
set -e
echo "ALIST-HOST qemu exit $rc after $(( $(date +%s) - start ))s" >> "$log"
[ "$rc" = 124 ] && alist_log "$arch guest '$name' timed out after ${timeout}s"

[ "$parse" = 1 ] || exit "$rc"

expect=()
for s in $(echo "$kunit" | tr ',' ' '); do expect+=(--expect "kunit:$s"); done
for p in $(echo "$selftests" | tr ',' ' '); do expect+=(--expect "selftest:$p"); done
[ -n "$load_nth" ] && expect+=(--expect "selftest:load_nth_$load_nth")
[ -n "$taint" ] && expect+=(--allow-taint-mask "$taint")
python3 "$ALIST_TOP/scripts/ktap.py" "$log" "${expect[@]}" --label "$arch/$name" \
	--json "$resdir/$name.json"
