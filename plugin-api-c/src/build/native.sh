#!/usr/bin/env bash
# Builds the C programs of the plugin system into DIST_DIR, laid out as in the install tree
# (host/src/build/assemble.sh copies DIST_DIR over it):
#   libexec/conmon-j-plugin-host   runs one plugin instance out of the monitor's process
#   bin/conmon-plugin-check        drives a plugin through the ABI and reports broken rules
#   lib/native/libconmonj-plugin-call.so   the in-process driver's calls into a plugin (JNA direct mapping)
# The first two share src/main/c/host/plugin-loader.c (the checks and messages of loading); the plugin
# host undoes the monitor JVM's memory-sharing opt-ins with the host module's memory-sharing.c.
# Usage: native.sh MODULE_DIR SDK_DIR DIST_DIR
set -euo pipefail
module=$1 sdk=$2 dist=$3
src=$module/src/main/c/host
cflags=(-std=gnu11 -O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -fstack-protector-strong -I"$sdk/include")
mkdir -p "$dist/libexec" "$dist/bin" "$dist/lib/native"
sharing=$module/../host/src/main/c
gcc "${cflags[@]}" -I"$sharing" -o "$dist/libexec/conmon-j-plugin-host" "$src/plugin-host.c" "$src/plugin-loader.c" \
    "$sharing/memory-sharing.c" -ldl -lpthread
if [ -f "$src/plugin-check.c" ]; then
    gcc "${cflags[@]}" -o "$dist/bin/conmon-plugin-check" "$src/plugin-check.c" "$src/plugin-loader.c" -ldl -lpthread
fi
gcc "${cflags[@]}" -shared -fPIC -fvisibility=hidden -o "$dist/lib/native/libconmonj-plugin-call.so" \
    "$module/src/main/c/call/plugin-call.c"
