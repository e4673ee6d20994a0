#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the modules as a user of a distribution kernel would: against
# Debian's own Linux 7.3 headers (trixie-backports), with the compiler that
# built that kernel (gcc-14 from trixie), for amd64 and, cross, for arm64.
# That configuration is the opposite of the test guests': KUnit, fault
# injection and IOMMUFD off, module BTF on.
#
# The build runs in a trixie chroot kept under ALIST_CACHE (debootstrap,
# about 2 minutes once; nothing is installed on this machine). The arm64
# headers package is unpacked next to the amd64 one and uses its host tools,
# as Debian's linux-kbuild package is meant to be used for cross builds.
#
# Checks, per arch: the build succeeds; exactly the core and the arch's
# driver come out (no KUnit module on a kernel without KUnit); each has a
# .BTF section; no module carries a test hook (skip_flush).
#
# Then Debian's own kernel image of that arch boots in QEMU (the test
# guests' machines) with our modules and Debian's NVMe driver loaded from
# the initramfs, our driver owning the IOMMU: scripts/guest/distro_dma.sh
# writes and reads back a pattern with O_DIRECT through our translation,
# and the host finds the pattern in the disk image. Any splat fails it, as
# in every guest run; the taints allowed are O, N and E (the modules are
# not signed).
#
# On amd64 a second boot loads our modules while the NVMe disk, bound to
# its driver before, does DMA in a loop (scripts/guest/distro_bound.sh):
# the data stays intact and no fault is raised.
#
# Writes RESDIR/distro.json (the format scripts/results.py reads); the boots
# write build/ARCH/results/distro_dma.json (and distro_bound.json) like
# every guest run.
# usage: distro-build.sh RESDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

res=${1:?usage: distro-build.sh RESDIR}
kver=7.3.4+deb13
root_pkgs=gcc-14,g++-14,gcc-14-aarch64-linux-gnu,g++-14-aarch64-linux-gnu,make,libc6-dev,binutils,python3,kmod,dwarves,bc,libelf-dev
key=$(echo "$kver $root_pkgs" | sha256sum | cut -c1-16)
root=$ALIST_CACHE/distro/trixie-$key
log=$ALIST_BUILD/distro/build.log
mkdir -p "$(dirname "$log")" "$res"
: > "$log"
names=() oks=()

expect() {
	names+=("$1")
	oks+=("$2")
	echo "distro: $1: $([ "$2" = 1 ] && echo ok || echo FAILED)"
}

in_root() {
	# A private mount namespace: objtool reads /proc, and the mount goes
	# away with the command.
	unshare --mount --fork chroot "$root" sh -c 'mount -t proc proc /proc && "$@"' sh "$@"
}

make_root() {
	local tmp=$root.tmp debs
	alist_log "distro: trixie chroot with gcc-14 and Debian's $kver headers"
	rm -rf "$tmp"
	mkdir -p "$(dirname "$root")"
	debootstrap --variant=minbase --include="$root_pkgs" trixie "$tmp" \
		http://deb.debian.org/debian >> "$log" 2>&1 || return 1
	cat > "$tmp/etc/apt/sources.list.d/backports.sources" <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	chroot "$tmp" apt-get update >> "$log" 2>&1 &&
		DEBIAN_FRONTEND=noninteractive chroot "$tmp" apt-get install -y \
			--no-install-recommends -t trixie-backports \
			"linux-headers-$kver-amd64" >> "$log" 2>&1 || return 1
	# The arm64 headers are an arm64 package: unpack it, do not install it.
	debs=$(mktemp -d)
	chmod 755 "$debs" # apt's sandbox user downloads into it
	(cd "$debs" && apt-get download "linux-headers-$kver-arm64:arm64") >> "$log" 2>&1 &&
		dpkg-deb -x "$debs"/linux-headers-"$kver"-arm64_*.deb "$tmp" || return 1
	rm -rf "$debs"
	mv "$tmp" "$root"
}

if [ ! -d "$root" ]; then
	rm -rf "$ALIST_CACHE"/distro/trixie-*
	make_root || { tail -n 30 "$log" >&2; expect chroot 0; }
fi

# build ARCH MODULE: build in the chroot from a copy of the working tree.
build() {
	local arch=$1 drv=$2 src=$work/$1 kos ko
	local kdir=/usr/src/linux-headers-$kver-$arch
	rm -rf "${root:?}$src"
	mkdir -p "$root$src"
	(cd "$ALIST_TOP" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - -cf -) | tar -xf - -C "$root$src"
	alist_log "distro: $arch modules against Debian's $kver headers"
	if ! in_root make -C "$src" KDIR="$kdir" -j"$(nproc)" >> "$log" 2>&1; then
		grep -E 'error|Error' "$log" | tail -n 15 >&2
		expect "$arch/build" 0
		return
	fi
	expect "$arch/build" 1
	kos=$(cd "$root$src" && echo *.ko)
	[ "$kos" = "$drv.ko iommu_alist.ko" ] || [ "$kos" = "iommu_alist.ko $drv.ko" ]
	expect "$arch/modules:$(echo "$kos" | tr ' ' ,)" $(( $? == 0 ))
	for ko in $kos; do
		# grep reads all its input: with pipefail, grep -q would stop
		# early and fail the pipeline by the reader's SIGPIPE.
		readelf -S "$root$src/$ko" | grep ' \.BTF ' > /dev/null
		expect "$arch/btf:$ko" $(( $? == 0 ))
	done
	# The fault attribute's debugfs name, as a string of its own (the
	# shared layer in iommu_alist.ko creates it for the driver).
	for ko in $kos; do
		! strings -a "$root$src/$ko" | grep -x skip_flush > /dev/null
		expect "$arch/no-test-hooks:$ko" $(( $? == 0 ))
	done
}

# fetch_kernel DEBARCH: Debian's kernel image and NVMe modules of DEBARCH,
# unpacked (never installed) under the cache; prints the directory.
fetch_kernel() {
	local debarch=$1 dir=$ALIST_CACHE/distro/kernel-$kver-$1 tmp m
	if [ ! -f "$dir/vmlinuz" ]; then
		tmp=$(mktemp -d)
		chmod 755 "$tmp"
		(cd "$tmp" && apt-get download "linux-binary-$kver-$debarch:$debarch" \
			"linux-modules-$kver-$debarch:$debarch") >> "$log" 2>&1 || return 1
		for p in "$tmp"/*.deb; do
			dpkg-deb -x "$p" "$tmp/root" || return 1
		done
		rm -rf "$dir"
		mkdir -p "$dir/modules"
		cp "$tmp/root/usr/lib/modules/$kver-$debarch/vmlinuz" "$dir/" || return 1
		for m in nvme-keyring nvme-auth nvme-core nvme; do
			xz -dc "$(find "$tmp/root" -name "$m.ko.xz")" > "$dir/modules/$m.ko" ||
				return 1
		done
		rm -rf "$tmp"
	fi
	echo "$dir"
}

nvme_mods=nvme-keyring,nvme-auth,nvme-core,nvme

# boot DEBARCH ARCH DRIVER NAME MODULES [KERNEL ARGS]: Debian's kernel with
# our modules and Debian's NVMe driver in the initramfs; /init loads
# MODULES in order and runs scripts/guest/NAME.sh.
boot() {
	local debarch=$1 arch=$2 drv=$3 name=$4 mods=$5 append=${6:-} kdir out
	local src=$root$work/$debarch
	kdir=$(fetch_kernel "$debarch") || { expect "$debarch/$name" 0; return; }
	out=$ALIST_BUILD/distro/$debarch-$name
	rm -rf "$out"
	mkdir -p "$out/modules" "$out/selftests"
	cp "$src/iommu_alist.ko" "$src/$drv.ko" "$kdir"/modules/*.ko "$out/modules/"
	install -m 0755 "$ALIST_TOP/scripts/guest/$name.sh" "$out/selftests/$name"
	"$ALIST_TOP/scripts/mkinitramfs.sh" "$arch" "$(alist_kbuild x86_64)" \
		"$out/modules" "$out/selftests" "$out/initramfs.cpio.gz" || return 1
	truncate -s 64M "$out/disk.img"
	# Taints allowed: O (out of tree), E (unsigned module), N (test).
	"$ALIST_TOP/scripts/run-guest.sh" --arch "$arch" --name "$name" \
		--kernel "$kdir/vmlinuz" --initrd "$out/initramfs.cpio.gz" \
		--nvme "$out/disk.img" --allow-taint $(( 1 << 12 | 1 << 13 | 1 << 18 )) \
		--modules "$mods" --selftests "$name" --append "$append"
	expect "$debarch/$name" $(( $? == 0 ))
	[ "$name" = distro_dma ] || return
	# What the guest wrote through our translation is on the disk.
	lines=$(sed -n 's/^PATTERN_LINES=//p' "$ALIST_TOP/scripts/guest/distro_dma.sh")
	size=$(seq 1 "$lines" | wc -c)
	head -c "$size" "$out/disk.img" | cmp -s - <(seq 1 "$lines")
	expect "$debarch/pattern-on-disk" $(( $? == 0 ))
}

if [ -d "$root" ]; then
	# A build directory of this run's own: two runs may share the chroot.
	mkdir -p "$root/work"
	work=/work/$(basename "$(mktemp -d "$root/work/run.XXXXXX")")
	trap 'rm -rf "${root:?}$work"' EXIT
	build amd64 alist_vtd
	build arm64 alist_smmuv3
	if [ -f "$root$work/amd64/alist_vtd.ko" ]; then
		boot amd64 x86_64 alist_vtd distro_dma "iommu_alist,alist_vtd,$nvme_mods"
		# The disk is bound before our driver loads, under DMA.
		boot amd64 x86_64 alist_vtd distro_bound "$nvme_mods"
	fi
	[ -f "$root$work/arm64/alist_smmuv3.ko" ] &&
		boot arm64 arm64 alist_smmuv3 distro_dma "iommu_alist,alist_smmuv3,$nvme_mods" \
			initcall_blacklist=arm_smmu_driver_init
fi

"$ALIST_TOP/scripts/checks-json.py" "$res/distro.json" distro "${names[@]}" -- "${oks[@]}"
for o in "${oks[@]}"; do [ "$o" = 1 ] || exit 1; done
exit 0
