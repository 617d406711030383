#!/usr/bin/env bash
# Builds TARGET_DIR/native/libconmonj-sys.so, the JNI library behind io.conmonj.sys.LibC, with the system gcc
# against the JDK's JNI headers. host/src/build/assemble.sh copies it into the install tree's lib/native.
# Usage: native.sh MODULE_DIR TARGET_DIR JAVA_HOME
set -euo pipefail
module=$1 target=$2 java_home=$3
mkdir -p "$target/native"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -fstack-protector-strong -shared -fPIC \
    -fvisibility=hidden -I"$java_home/include" -I"$java_home/include/linux" \
    -o "$target/native/libconmonj-sys.so" "$module/src/main/c/conmonj-sys.c"
