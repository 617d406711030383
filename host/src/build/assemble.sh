#!/usr/bin/env bash
# Builds conmon-j's install tree, target/conmon:
#   bin/conmon                 native launcher (what Podman executes)
#   libexec/conmon-j-exec      pre-exec helper for the runtime and the exit command
#   lib/conmon-j.jar, lib/*.jar the monitor and its run-time jars (JNA, log driver SPI, built-in
#                              drivers, jackson-core), named as conmon-j.jar's manifest Class-Path says
#   lib/native/                libconmonj-sys.so (the monitor's libc calls, JNI: module sys); JNA's dispatch
#                              library, pre-extracted, for C plugins loaded in the monitor's process
#   lib/conmon-j.aot           AOT cache from a training run (regenerated on every build)
#   runtime/                   jlink'ed JDK (java.base + java.logging)
#   lib/drivers/               Java log driver jars found with ServiceLoader when a container selects
#                              a driver: conmon-j's remote drivers (drivers-contrib), third-party jars
#   conf/jvm.options           JVM flags, read by the launcher
#   include/, lib/pkgconfig/   the C log plugin SDK (conmon_log_plugin.h, conmon-log-plugin.pc)
#   libexec/conmon-j-plugin-host, bin/conmon-plugin-check   C plugins out of process, the plugin checker
# Usage: assemble.sh MODULE_DIR TARGET_DIR JNA_JAR CONMON_VERSION CONMONJ_VERSION
set -euo pipefail
module=$1 target=$2 jna_jar=$3 conmon_version=$4 conmonj_version=$5
root=$target/conmon
java_home=${JAVA_HOME:?JAVA_HOME must point at a JDK 25}

rm -rf "$root"
mkdir -p "$root/bin" "$root/libexec" "$root/lib/native" "$root/lib/drivers" "$root/conf"

cflags=(-O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -fstack-protector-strong)
gcc "${cflags[@]}" -DCONMON_VERSION="\"$conmon_version\"" -DCONMONJ_VERSION="\"$conmonj_version\"" \
    -o "$root/bin/conmon" "$module/src/main/c/launcher.c" "$module/src/main/c/guardian.c" \
    "$module/src/main/c/guardian-output.c" "$module/src/main/c/guardian-sleep.c" \
    "$module/src/main/c/memory-sharing.c"
# conmon-logs, the log reader (io.conmonj.host.reader)
install -m 0755 "$module/src/main/dist/bin/conmon-logs" "$root/bin/conmon-logs"
gcc "${cflags[@]}" -o "$root/libexec/conmon-j-exec" "$module/src/main/c/exec-helper.c" \
    "$module/src/main/c/memory-sharing.c"

cp "$target/conmon-j.jar" "$root/lib/conmon-j.jar"
cp "$jna_jar" "$root/lib/$(basename "$jna_jar")"
cp "$target"/lib/*.jar "$root/lib/"   # maven-dependency-plugin copy-dependencies, runtime scope
cp "$module/../drivers-contrib/target/drivers-contrib-$conmonj_version.jar" \
   "$root/lib/drivers/conmon-j-drivers-contrib.jar"
# the C plugin SDK (header + pkg-config file) for third-party plugin authors
cp -r "$module/../plugin-api-c/target/sdk/." "$root/"
cp -r "$module/../plugin-api-c/target/dist/." "$root/"   # libexec/conmon-j-plugin-host, bin/conmon-plugin-check
cp "$module/../sys/target/native/libconmonj-sys.so" "$root/lib/native/"
(cd "$root/lib/native" && unzip -q -j "$jna_jar" 'com/sun/jna/linux-x86-64/libjnidispatch.so')

"$java_home/bin/jlink" --add-modules java.base,java.logging --strip-debug --no-man-pages \
    --no-header-files --compress=zip-6 --output "$root/runtime"

# AOT cache: train on a real monitor run (fake runtime, see training-runtime.sh),
# started through the launcher with the final options minus the cache itself.
grep -v '^-XX:AOTCache=' "$module/src/main/dist/conf/jvm.options" > "$root/conf/jvm.options"
bash "$module/src/build/train-aot.sh" "$root"
cp "$module/src/main/dist/conf/jvm.options" "$root/conf/jvm.options"
