#!/usr/bin/env bash
# Compiles the unit tests' plugins into OUT_DIR: every src/test/c/*.c as NAME.so, and the
# file-plugin and socket-plugin examples from their sources in ../examples, all against the installed SDK
# through pkg-config, as a third party would.
# Usage: test-plugins.sh MODULE_DIR SDK_DIR OUT_DIR
set -euo pipefail
module=$1 sdk=$2 out=$3
mkdir -p "$out"
read -r -a cflags <<< "$(PKG_CONFIG_PATH=$sdk/lib/pkgconfig pkg-config --cflags conmon-log-plugin)"
cflags+=(-std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC)
for src in "$module"/src/test/c/*.c; do
    gcc "${cflags[@]}" -o "$out/$(basename "$src" .c).so" "$src" -ldl
done
gcc "${cflags[@]}" -o "$out/file-plugin.so" "$module/../examples/file-plugin/file-plugin.c"
gcc "${cflags[@]}" -o "$out/socket-plugin.so" "$module/../examples/socket-plugin/socket-plugin.c"
