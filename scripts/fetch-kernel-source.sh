#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Download Debian's linux-source-7.3 package with apt and unpack the source
# tarball under the cache. Nothing is installed on the system.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

debs=$ALIST_CACHE/debs
mkdir -p "$debs" "$ALIST_CACHE/src"

deb=$(ls "$debs"/${ALIST_KPKG}_*_all.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ]; then
	alist_log "downloading $ALIST_KPKG"
	(cd "$debs" && apt-get download "$ALIST_KPKG" >/dev/null 2>&1) ||
		alist_die "apt-get download $ALIST_KPKG failed (run scripts/install-deps.sh)"
	deb=$(ls "$debs"/${ALIST_KPKG}_*_all.deb | tail -n 1)
fi

version=$(dpkg-deb -f "$deb" Version)
dir=$ALIST_CACHE/src/$ALIST_KPKG-$version
if [ ! -f "$dir/.alist-unpacked" ]; then
	alist_log "unpacking $ALIST_KPKG $version"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$dir.tmp" --strip-components=1
	echo "$ALIST_KPKG $version" > "$dir.tmp/.alist-unpacked"
	mv "$dir.tmp" "$dir"
fi
echo "$dir" > "$ALIST_CACHE/src/current"
echo "$dir"
