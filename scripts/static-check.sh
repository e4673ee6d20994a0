#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own static checkers over our C code, as a maintainer runs
# them before applying a patch:
#   sparse        make C=2 over every C file of both guest builds (the
#                 modules must already be built by guest-build.sh)
#   checkpatch    --strict on every C source and header
#   kernel-doc    -none -Wall on every kernel C source and header
# Each tool is first shown a file with a known defect (a canary) and must
# report it, so that a tool that silently checks nothing fails here.
# Results go to RES/static.json for scripts/results.py.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

res=${1:?usage: static-check.sh RESULTS_DIR}
ksrc=$(alist_ksrc) || alist_die "no kernel source (run scripts/fetch-kernel-source.sh)"
sparse=$("$ALIST_TOP/scripts/build-sparse.sh") || exit 1
log=$res/static
mkdir -p "$log"
names=()
oks=()

# result NAME OK LOGFILE: record one check; print the log of a failure.
result() {
	names+=("$1")
	oks+=("$2")
	if [ "$2" != 1 ]; then
		echo "static: $1 failed:" >&2
		head -n 40 "$3" >&2
	fi
}

# A file with output is a failure; the tools exit 0 on warnings.
quiet() {
	[ ! -s "$1" ] && echo 1 || echo 0
}

cd "$ALIST_TOP" || exit 1
# The kernel-side C (user space selftests are checked on their own below).
mapfile -t kfiles < <(git ls-files '*.c' '*.h' |
	grep -v '^core/\|^host/\|^selftests/\|^scripts/qemu-plugin/')
mapfile -t ufiles < <(git ls-files 'selftests/*.c' 'selftests/*.h' 'scripts/qemu-plugin/*.[ch]')
canary=$(mktemp -d)
trap 'rm -rf "$canary"' EXIT

# sparse: canary module with an __rcu pointer used as a plain one.
cat > "$canary/t.c" <<'EOF'
#include <linux/module.h>
#include <linux/rcupdate.h>
static int __rcu *slot;
static int value;
int canary_read(void);
int canary_read(void)
{
	slot = &value;
	return *slot;
}
MODULE_DESCRIPTION("sparse canary");
MODULE_LICENSE("GPL");
EOF
echo 'obj-m := t.o' > "$canary/Kbuild"
alist_arch_vars x86_64
make -s -C "$(alist_kbuild x86_64)" M="$canary" C=2 CHECK="$sparse" \
	modules > "$log/sparse-canary.log" 2>&1
grep 'different address spaces' "$log/sparse-canary.log" > /dev/null
result sparse-canary "$([ $? = 0 ] && echo 1 || echo 0)" "$log/sparse-canary.log"

for arch in x86_64 arm64; do
	alist_arch_vars "$arch"
	mo=$ALIST_BUILD/$arch/modules
	if [ ! -f "$mo/Module.symvers" ]; then
		echo "no $arch modules in $mo" > "$log/sparse-$arch.log"
		result "sparse-$arch" 0 "$log/sparse-$arch.log"
		continue
	fi
	# C=2 checks every C file whether or not it is rebuilt; the objects
	# are up to date, so only sparse runs.
	make -s -C "$(alist_kbuild "$arch")" M="$ALIST_TOP" MO="$mo" \
		ARCH="$KARCH" CROSS_COMPILE="$CROSS" CONFIG_IOMMU_ALIST_TEST_HOOKS=y \
		C=2 CHECK="$sparse" -j"$(nproc)" modules > "$log/sparse-$arch.log" 2>&1
	result "sparse-$arch" "$(quiet "$log/sparse-$arch.log")" "$log/sparse-$arch.log"
done

# checkpatch: canary with a C99 comment and a space before a tab.
printf '// SPDX-License-Identifier: GPL-2.0\nint canary(void)\n{\n \treturn 0;\n}\n' > "$canary/c.c"
cp="$ksrc/scripts/checkpatch.pl --no-tree --strict --terse --show-types --quiet"
$cp -f "$canary/c.c" > "$log/checkpatch-canary.log" 2>&1
grep 'SPACE_BEFORE_TAB' "$log/checkpatch-canary.log" > /dev/null
result checkpatch-canary "$([ $? = 0 ] && echo 1 || echo 0)" "$log/checkpatch-canary.log"

# The exports are C, their definitions C++: EXPORT_SYMBOL cannot follow
# its function there. User space selftests (and the QEMU plugin of make
# bench) use the C99 fixed-size types, as the kernel's own selftests do. Two headers are compiled by the
# freestanding C++ core too, which includes no kernel header:
#   include/alist/types.h  NEW_TYPEDEFS: the core's own fixed-width types
#                          (no u64 without linux/types.h);
#                          COMPLEX_MACRO: ALIST_C_BEGIN is extern "C" {;
#                          CAMELCASE: C11's _Static_assert keyword, C's
#                          half of ALIST_STATIC_ASSERT
#   include/alist/env.h    PREFER_DEFINED_ATTRIBUTE_MACRO: the format
#                          attribute of alist_env_log(), no __printf()
{
	$cp -f $(printf '%s\n' "${kfiles[@]}" |
		grep -vx 'env/alist_exports.c\|include/alist/types.h\|include/alist/env.h')
	$cp --ignore EXPORT_SYMBOL -f env/alist_exports.c
	$cp --ignore NEW_TYPEDEFS,COMPLEX_MACRO,CAMELCASE -f include/alist/types.h
	$cp --ignore PREFER_DEFINED_ATTRIBUTE_MACRO -f include/alist/env.h
	$cp --ignore PREFER_KERNEL_TYPES -f "${ufiles[@]}"
} 2>&1 | grep -E ': (ERROR|WARNING|CHECK):' > "$log/checkpatch.log"
result checkpatch "$(quiet "$log/checkpatch.log")" "$log/checkpatch.log"

# kernel-doc: canary with an undescribed parameter and no Return: line.
printf '/**\n * canary() - a function\n */\nint canary(int x);\n' > "$canary/k.c"
"$ksrc/scripts/kernel-doc" -none -Wall "$canary/k.c" > "$log/kernel-doc-canary.log" 2>&1
grep "parameter 'x' not described" "$log/kernel-doc-canary.log" > /dev/null
result kernel-doc-canary "$([ $? = 0 ] && echo 1 || echo 0)" "$log/kernel-doc-canary.log"

"$ksrc/scripts/kernel-doc" -none -Wall "${kfiles[@]}" > "$log/kernel-doc.log" 2>&1
result kernel-doc "$(quiet "$log/kernel-doc.log")" "$log/kernel-doc.log"

"$ALIST_TOP/scripts/checks-json.py" "$res/static.json" static "${names[@]}" -- "${oks[@]}"
for o in "${oks[@]}"; do
	[ "$o" = 1 ] || exit 1
done
