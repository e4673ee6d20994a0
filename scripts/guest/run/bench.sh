# SPDX-License-Identifier: GPL-2.0
# The guest half of make bench (alist_run=bench.sh, run by /init with
# busybox sh): say which IOMMU driver owns the hardware, then run the
# selftest program of this arch in bench mode. Its ALIST-BENCH lines and
# the edu markers it writes are read by scripts/bench-guest.py on the host.
# alist_bench=two on the kernel command line (bench-guest.sh's boots on
# the two-SMMU machine): smmu_dma bench two, that machine's workload.

echo "ALIST-BENCH guest $(uname -m) $(uname -r)"
echo "ALIST-BENCH cmdline $(cat /proc/cmdline)"
echo "ALIST-BENCH modules $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
echo "ALIST-BENCH iommus $(ls /sys/class/iommu 2>/dev/null | tr '\n' ' ')"
# The in-tree VT-d driver's view of its units (absent under ours)
for u in /sys/class/iommu/dmar*/intel-iommu; do
	[ -d "$u" ] || continue
	echo "ALIST-BENCH intel-iommu ${u%/intel-iommu} cap $(cat "$u/cap") ecap $(cat "$u/ecap")"
done
dmesg | grep -E 'DMAR|[Ii]ntel-IOMMU|Virtualization Technology|alist_vtd|alist_smmuv3' |
	sed 's/^/ALIST-BENCH dmesg /'

# Profiled boots (bench-guest.sh, BENCH_PROFILE=1): where the modules are
[ -n "${alist_bench_ksyms:-}" ] &&
	grep -E '\[(alist_vtd|alist_smmuv3|iommu_alist|arm_smmu_v3)\]' /proc/kallsyms | sed 's/^/ALIST-KSYM /'
if [ -x /opt/alist/selftests/vtd_dma ]; then
	/opt/alist/selftests/vtd_dma bench
elif [ -x /opt/alist/selftests/smmu_dma ]; then
	/opt/alist/selftests/smmu_dma bench ${alist_bench:+"$alist_bench"}
else
	echo "ALIST-BENCH error id=0 what=no-bench-program"
	false
fi
