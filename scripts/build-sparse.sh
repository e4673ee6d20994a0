#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build sparse 0.6.5-rc1 under ALIST_CACHE and print the binary's path.
#
# Linux 7.3 runs sparse only when it understands __typeof_unqual__
# (scripts/checker-valid.sh); the sparse of Debian 12 and 13 (0.6.4) does
# not, so `make C=1` with it silently checks nothing. Debian unstable ships
# 0.6.5-rc1, which does: its source tarball is downloaded from the Debian
# archive, checked against a pinned SHA-256, and built without the optional
# GTK/LLVM/libxml parts. Nothing is installed on the machine.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=0.6.5~rc1
dir=sparse-0.6.5-rc1
sha256=3ac8855ec7f3ab92f325be0f64347ccc2b10f8b4d7c2906783ee8e2bdab3f0de
url=http://deb.debian.org/debian/pool/main/s/sparse/sparse_${ver}.orig.tar.gz
top=$ALIST_CACHE/sparse
bin=$top/$dir/sparse

if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

mkdir -p "$top"
tarball=$top/sparse_${ver}.orig.tar.gz
if [ ! -f "$tarball" ]; then
	alist_log "downloading sparse $ver"
	curl -sSfL -o "$tarball.part" "$url" ||
		alist_die "cannot download $url (Debian may have replaced $ver in unstable)"
	mv "$tarball.part" "$tarball"
fi
echo "$sha256  $tarball" | sha256sum -c --status ||
	{ rm -f "$tarball"; alist_die "sparse tarball checksum mismatch"; }

rm -rf "${top:?}/$dir"
tar -xzf "$tarball" -C "$top"
# HAVE_*=no: the checker alone, with no optional library probed.
make -C "$top/$dir" -j"$(nproc)" HAVE_GTK=no HAVE_LLVM=no HAVE_LIBXML=no \
	HAVE_SQLITE=no sparse > "$top/build.log" 2>&1 ||
	{ tail -n 20 "$top/build.log" >&2; alist_die "sparse build failed"; }
echo "$bin"
