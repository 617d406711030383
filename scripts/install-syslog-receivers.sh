#!/usr/bin/env bash
# Installs the two real syslog receivers the syslog driver's tests run against (also the json-file
# shippers of it/JsonFileShipperTest: rsyslog's imfile and mmjsonparse, syslog-ng's json-plugin).
# rsyslog comes as a normal package. syslog-ng-core conflicts with it (both provide
# system-log-daemon), so its .deb is unpacked into $SYSLOG_NG_ROOT instead of being
# installed; the tests start it from there with LD_LIBRARY_PATH and --module-path.
# Neither daemon is started here, and /etc is not configured: each test starts its
# own instance with a private configuration and stops it.
set -euo pipefail
root=${SYSLOG_NG_ROOT:-/opt/syslog-ng}
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends rsyslog \
    libivykis0 libnet1 libjson-c5 libwrap0 libcap2 libglib2.0-0 libpcre3 libssl3 >/dev/null
if [ ! -x "$root/usr/sbin/syslog-ng" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && apt-get download -qq syslog-ng-core)
    mkdir -p "$root"
    dpkg-deb -x "$tmp"/syslog-ng-core_*.deb "$root"
fi
LD_LIBRARY_PATH="$root/usr/lib/syslog-ng" "$root/usr/sbin/syslog-ng" --version | head -1
