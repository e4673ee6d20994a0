# SPDX-License-Identifier: GPL-2.0
# make vmm, inside the L1 guest (busybox sh, run by /init as alist_run):
# KVM in L1, edu bound to vfio-pci behind alist_smmuv3, then QEMU 11.1
# (unpacked from Debian's packages into /opt/vmm by scripts/vmm.sh) with
# KVM and an accelerated vSMMU (arm-smmuv3,accel=on) on iommufd, edu passed
# through, booting L2 (Debian's kernel, UEFI, ACPI). Prints VMM-* marker
# lines; scripts/vmm.sh turns them into PASS/FAIL per step.

now() {
	cut -d' ' -f1 /proc/uptime
}

smmu_dbg=
for d in /sys/kernel/debug/alist_smmuv3/*; do
	[ -f "$d/info" ] && smmu_dbg=$d && break
done

echo "VMM-L1-BOOTED $(now)s"
dmesg | grep -E 'kvm \[|KVM|kvm:' | head -n 20 | sed 's/^/VMM-L1-KVM-DMESG /'
if [ -c /dev/kvm ]; then
	echo "VMM-L1-KVM ok"
else
	echo "VMM-L1-KVM missing"
fi

edu=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ] && edu=$d
done
bdf=${edu##*/}
echo vfio-pci > "$edu/driver_override"
[ -e "$edu/driver" ] && echo "$bdf" > "$edu/driver/unbind"
echo "$bdf" > /sys/bus/pci/drivers_probe
drv=$(basename "$(readlink "$edu/driver" 2>/dev/null)")
echo "VMM-L1-VFIO $bdf driver=$drv cdev=$(ls "$edu/vfio-dev" 2>/dev/null)" \
	"iommu=$(basename "$(readlink "$edu/iommu")")"

[ -n "$smmu_dbg" ] && sed 's/^/VMM-L1-STATS-BEFORE /' "$smmu_dbg/stats"

# L2: 1 vCPU, 512 MiB. The vSMMU sits on the root bus, edu behind a root
# port there (QEMU's accel mode takes only vfio-pci endpoints).
l2mem=${vmm_l2_mem:-512}
echo "VMM-QEMU-START $(now)s"
# QEMU's output (L2's console) is read line by line: the L1 time of L2's
# markers, and the counters just before L2's DMA test starts, so what the
# test adds is told apart from what L2's boot did.
{
	timeout -s KILL "${vmm_l2_timeout:-900}" \
	env LD_LIBRARY_PATH=/opt/vmm/lib /opt/vmm/bin/qemu-system-aarch64 \
		-nodefaults -display none -serial stdio -monitor none -no-reboot \
		-accel kvm -M virt,gic-version=3 -cpu host -smp 1 -m "$l2mem" \
		-bios /opt/vmm/QEMU_EFI.fd \
		-kernel /opt/vmm/l2/Image -initrd /opt/vmm/l2/initrd.gz \
		-append "console=ttyAMA0 panic=-1 loglevel=6" \
		-object iommufd,id=iommufd0 \
		-device arm-smmuv3,primary-bus=pcie.0,id=smmuv3.0,accel=on${vmm_smmu_opts:+,$vmm_smmu_opts} \
		-device pcie-root-port,id=rp0,bus=pcie.0,chassis=1 \
		-device vfio-pci,host="$bdf",bus=rp0,iommufd=iommufd0 \
		${vmm_trace:+-d "trace:$vmm_trace"} < /dev/null 2>&1
	echo "$?" > /tmp/qemu.rc
} | while IFS= read -r line; do
	echo "$line"
	case "$line" in
	*VMM-L2-BOOTED*) echo "VMM-L1-SAW-L2-BOOTED $(now)s" ;;
	*VMM-L2-TEST-START*)
		[ -n "$smmu_dbg" ] && sed 's/^/VMM-L1-STATS-MID /' "$smmu_dbg/stats"
		;;
	*VMM-L2-CONTROL-START*)
		# The negative control: every vIOMMU invalidation dropped
		[ -n "$smmu_dbg" ] && sed 's/^/VMM-L1-STATS-CTL /' "$smmu_dbg/stats"
		h=/sys/kernel/debug/alist_smmuv3/skip_user_inv
		if [ -d "$h" ] && echo 100 > "$h/probability" && echo -1 > "$h/times"; then
			echo "VMM-L1-CONTROL armed"
		else
			echo "VMM-L1-CONTROL unavailable"
		fi
		;;
	esac
done
echo "VMM-QEMU-EXIT $(cat /tmp/qemu.rc) $(now)s"

[ -n "$smmu_dbg" ] && sed 's/^/VMM-L1-STATS-AFTER /' "$smmu_dbg/stats"
dmesg | grep -iE 'alist|smmu|iommufd|vfio' | tail -n 30 | sed 's/^/VMM-L1-DMESG /'
unset smmu_dbg d edu bdf drv l2mem
