#!/bin/sh
# Install the Debian packages divertsim needs, if any is missing.
# Idempotent: does nothing (and needs no network) when all are present.
set -eu
# m4 and cpp (gcc) for `ipfw -p`; netbase for /etc/services (ipfw port names);
# libgraphviz-dev for `divertsim view`'s topology (libgvc), chromium for the
# test that opens its page in a browser; libwiretap-dev, libwireshark-dev
# (its include path) and libwsutil-dev for run.pcapng.
PKGS="meson ninja-build pkg-config gcc g++ python3 libglib2.0-dev check
libpcap-dev libns3-dev libgsl-dev libsqlite3-dev libxml2-dev tshark m4 netbase
clang libclang-rt-14-dev jq
libgraphviz-dev chromium
libwiretap-dev libwireshark-dev libwsutil-dev"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
# tshark asks whether non-root users may capture unless told not to ask.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $missing
