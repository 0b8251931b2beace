#!/usr/bin/env bash
# Installs the system packages the product needs, only those that are missing (Debian/Ubuntu, through apt).
set -euo pipefail

needed=()
dpkg -s libhiredis-dev >/dev/null 2>&1 || needed+=(libhiredis-dev)
dpkg -s libxml2-dev >/dev/null 2>&1 || needed+=(libxml2-dev)
command -v redis-server >/dev/null 2>&1 || needed+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || needed+=(redis-tools)
command -v pkg-config >/dev/null 2>&1 || needed+=(pkg-config)
for extra in "$@"; do
    dpkg -s "$extra" >/dev/null 2>&1 || needed+=("$extra")
done
[ ${#needed[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null 2>&1 || { echo "deps: missing ${needed[*]}, and apt-get is not available to install them" >&2; exit 1; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing ${needed[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
