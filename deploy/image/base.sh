#!/usr/bin/env bash
# Build the local base image, localhost/exobot-python:3.10-bookworm: Debian bookworm (minbase, from Debian's
# own packages) with this machine's Python 3.10 in /usr/local, as the official python:3.10-slim-bookworm
# lays it out. No image registry is reachable here; a clinic's build uses python:3.10-slim-bookworm
# instead (BASE_IMAGE=docker.io/library/python:3.10-slim-bookworm make image).
# Usage: deploy/image/base.sh ENGINE IMAGE
set -euo pipefail
engine="${1:?engine (podman or docker)}" image="${2:?image name}"
python="$(bash "$(dirname "$0")/../../scripts/find_python310.sh")"
prefix="$("$python" -c 'import sys; print(sys.prefix)')"
case "$prefix" in /usr|/usr/local) echo "error: $python is the system's Python; the base image needs a self-contained one (pyenv's)" >&2; exit 1;; esac
command -v mmdebstrap >/dev/null || bash "$(dirname "$0")/../../scripts/apt_install.sh" "the base image" mmdebstrap
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The shared libraries Python's own modules link to (ssl, sqlite3, ctypes, lzma, bz2, readline, uuid...).
libraries=libssl3,libffi8,libsqlite3-0,libbz2-1.0,liblzma5,zlib1g,libreadline8,libncursesw6,libuuid1,libexpat1,libnsl2,libcrypt1,libgomp1,netbase,tzdata
echo "==> debootstrapping Debian bookworm (minbase) with Python's libraries"
mmdebstrap --quiet --variant=minbase --include="$libraries" \
  --customize-hook="cp -a '$prefix/.' \"\$1/usr/local/\"" \
  --customize-hook='rm -rf "$1"/usr/local/lib/python3.10/test "$1"/usr/local/lib/python3.10/idlelib "$1"/usr/local/lib/python3.10/tkinter "$1"/usr/local/lib/python3.10/lib-dynload/_tkinter* "$1"/usr/local/share/man' \
  --customize-hook='find "$1"/usr/local -name __pycache__ -prune -exec rm -rf {} +' \
  --customize-hook='ln -sf python3.10 "$1"/usr/local/bin/python3 && ln -sf python3 "$1"/usr/local/bin/python && chroot "$1" ldconfig' \
  --customize-hook='rm -rf "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/*' \
  bookworm "$work/rootfs.tar"
echo "==> importing it as $image"
"$engine" import --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' "$work/rootfs.tar" "$image" >/dev/null
"$engine" run --rm "$image" python3 -c 'import ssl, sqlite3, ctypes, lzma, bz2, uuid, sys; print("==> base image:", sys.version.split()[0])'
