# SPDX-License-Identifier: GPL-2.0
#
# iommu-alist. Front end for the module build (Kbuild) and the test guests.
#
#   make [KDIR=...]              modules for a kernel build tree (default:
#                                the running kernel's), C++ post-link check
#   make check                   everything: installs what is missing, builds
#                                the guest kernels (cached), host tests, KUnit
#                                and selftests in both guests, runner tests;
#                                ends with "N passed, N failed, N skipped"
#   make run [ARCH=x86_64|arm64] the main job: boot a guest with our modules
#                                loaded and show them working
#   make kunit ARCH=...          KUnit suites in one guest
#   make selftests ARCH=...      iommufd selftests in one guest
#   make kernel ARCH=...         just the (cached) guest kernel
#   make host-tests              GoogleTest suites of the core (plain, ASan, TSan)
#   make static                  sparse (built under the cache), checkpatch
#                                --strict and kernel-doc over our C code,
#                                after the guest builds of both arches
#   make bench                   benchmarks: the core on the host
#                                (build/host/bench.json), then in the
#                                guests, workload by workload, ours vs the
#                                in-tree VT-d and SMMUv3 drivers: commands,
#                                syncs, device-TLB commands, over-invalidated
#                                pages, ioctl p50/p99 (build/bench-guest.json,
#                                Documentation/performance.rst)
#   make vmm                     QEMU 11.1 as the client: the arm64 guest as
#                                an L1 host with KVM runs QEMU with
#                                arm-smmuv3,accel=on on our driver, edu passed
#                                through to an L2 (Documentation/smmuv3.rst);
#                                make check runs its short part (QEMU
#                                starts, creates its objects, quits)
#   make two-smmu                arm64: two SMMUv3 instances (QEMU 11.1,
#                                fetched once; the ACPI comparison kernel),
#                                one stage-2 domain shared by an edu behind
#                                each: smmu_dma in one boot. Not in make
#                                check (a cold run builds that kernel)
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
ARCH ?= x86_64
export ALIST_CACHE ALIST_BUILD

# Only pass ARCH/CROSS_COMPILE to a dev-host build when the user set them.
kbuild-arch := $(if $(filter command line environment,$(origin ARCH)),ARCH=$(ARCH))
kbuild-cross := $(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

.PHONY: all modules modules_install check run kunit selftests kernel guest \
	host-tests static bench vmm two-smmu clean help

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(kbuild-arch) $(kbuild-cross) modules
	scripts/check-cxx-module.py $(CURDIR)/*.ko

modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(kbuild-arch) $(kbuild-cross) modules_install

kernel:
	scripts/install-deps.sh
	scripts/build-kernel.sh $(ARCH) >/dev/null

guest:
	scripts/install-deps.sh
	scripts/guest-build.sh $(ARCH)

kunit: guest
	scripts/guest-test.sh $(ARCH) kunit

selftests: guest
	scripts/guest-test.sh $(ARCH) selftests

run: guest
	scripts/guest-test.sh $(ARCH) run

host-tests:
	scripts/install-deps.sh
	$(MAKE) -C host test asan tsan

bench:
	scripts/install-deps.sh
	$(MAKE) -C host bench
	cp build/host/bench.json build/bench.json
	scripts/bench-guest.sh

check:
	scripts/check.sh

vmm:
	scripts/install-deps.sh
	scripts/guest-build.sh arm64
	scripts/vmm.sh

two-smmu:
	scripts/install-deps.sh
	scripts/guest-build.sh arm64-intree
	scripts/guest-test.sh arm64-intree two-smmu

static:
	scripts/install-deps.sh
	scripts/guest-build.sh x86_64
	scripts/guest-build.sh arm64
	scripts/static-check.sh build/results

# Also what an in-tree `make KDIR=...` left in every source directory.
clean:
	rm -rf build
	find . -path ./build -prune -o -path ./.git -prune -o -type f \( \
		-name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.d' -o -name modules.order \
		-o -name Module.symvers \) -print | xargs -r rm -f

help:
	@sed -n '3,38p' Makefile
