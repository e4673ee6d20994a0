# SPDX-License-Identifier: GPL-2.0
#
# Compiling freestanding C++ into kernel module objects.
#
# Kbuild has no C++ rule, so this one builds $(obj)/%.o from $(src)/%.cpp
# with the target kernel's own code-generation flags (KBUILD_CFLAGS: code
# model, red zone, FP/SIMD off, retpoline/return thunks, IBT/BTI/PAC,
# stack protector, alignment) minus the options that only mean something
# to C, plus the freestanding C++ options. C++ sources see no kernel header:
# only GCC's freestanding headers, include/ and core/.
#
# objtool covers these objects as it covers C: per object through
# $(cmd_objtool) when it runs per object, and at the composite module link
# when the kernel delays it (IBT, LTO).

# g++ must be the very compiler that built the kernel's C: Kbuild probes
# options (cc-option) with $(CC), and g++ of another version may reject them.
# So the C++ compiler is named after $(CC), whatever prefix and version
# suffix it carries (gcc-14 -> g++-14, aarch64-linux-gnu-gcc ->
# aarch64-linux-gnu-g++, as a distribution's headers set CC); CXX= on the
# command line or in the environment overrides that.
ifeq ($(filter command line environment,$(origin CXX)),)
CXX := $(shell echo '$(CC)' | sed -e 's/gcc\([^/ ]*\)$$/g++\1/')
endif
ifneq ($(shell $(CC) -dumpfullversion),$(shell $(CXX) -dumpfullversion))
$(error $(CXX) $(shell $(CXX) -dumpfullversion) differs from $(CC) $(shell $(CC) -dumpfullversion))
endif

# Valid for C only; g++ warns about or rejects each of them.
cxx-drop := -std=gnu11 -std=gnu99 -std=gnu89 -Wstrict-prototypes \
	-Werror=strict-prototypes -Wmissing-prototypes -Wold-style-definition \
	-Wdeclaration-after-statement -Wno-pointer-sign \
	-Werror=implicit-function-declaration -Werror=implicit-int \
	-Werror=incompatible-pointer-types -Werror=designated-init \
	-Wno-override-init -Wmissing-parameter-type -Wno-missing-field-initializers

cxx-sanitize := $(if $(CONFIG_KASAN_GENERIC),$(CFLAGS_KASAN)) \
	$(if $(CONFIG_UBSAN),$(CFLAGS_UBSAN)) $(if $(CONFIG_KCSAN),$(CFLAGS_KCSAN))

# pahole cannot encode C++ types in BTF (reference types, for one), and a
# module whose BTF step fails is deleted. With module BTF the C++ objects
# therefore carry no DWARF (the last -g option wins): BTF describes the C
# shims and drivers; the core is debugged in its host build (host/).
cxx-debug := $(if $(CONFIG_DEBUG_INFO_BTF_MODULES),-g0)

cxx_flags = $(filter-out $(cxx-drop),$(KBUILD_CFLAGS) $(KBUILD_CFLAGS_MODULE)) \
	$(if $(filter arm64,$(SRCARCH)),-mlittle-endian) \
	-std=gnu++20 -ffreestanding -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-use-cxa-atexit -fcheck-new \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-nostdinc -nostdinc++ -isystem $(shell $(CC) -print-file-name=include) \
	-I$(alist-top)/include -I$(alist-top)/core \
	-Wall -Werror -Wno-unused-parameter \
	$(cxx-sanitize) $(cxx-debug) -Wp,-MMD,$(depfile)

quiet_cmd_cxx_o_cpp = CXX [M]  $@
      cmd_cxx_o_cpp = $(CXX) $(cxx_flags) -c -o $@ $< $(cmd_objtool)

$(obj)/%.o: $(obj)/%.cpp FORCE
	$(call if_changed_dep,cxx_o_cpp)
