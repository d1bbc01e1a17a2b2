#!/usr/bin/env bash
# Install the Debian packages that are not installed yet.
# Usage: scripts/apt_install.sh "what needs them" PACKAGE...
set -euo pipefail
purpose="$1"; shift
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "error: $purpose need Debian's ${missing[*]}: run 'apt-get install ${missing[*]}' as root" >&2; exit 1
fi
echo "==> installing Debian's ${missing[*]} for $purpose"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
