#!/bin/bash
# Compares the cost of the ways to call libc from the monitor's JVM (docs/design.md, "Native layer"):
# the project's own JNI library (JniProbe, on module sys as the monitor uses it), JNA direct mapping (JnaProbe),
# java.lang.foreign downcalls (FfmProbe), and a JVM that makes no native call (NoneProbe). Each probe makes the monitor's typical calls (getpid, pipe2, read/write,
# epoll_create1/ctl/wait with a struct epoll_event, sigprocmask, signalfd) under the flags of jvm.options,
# each with its own AOT cache trained on one run of it.
#   usage: JNA_JAR=path/to/jna.jar SYS_JAR=sys/target/sys-VERSION.jar bench/native-binding/run.sh [rounds]
#   (the sys jar finds its JNI library in native/ next to it: build the sys module first)
# Prints per probe: classes loaded (and how many did not come from the AOT cache), time from the
# shell's clock to the first call, PSS 5 s and 15 s after start, anonymous memory at 15 s, and
# write+read pairs per second on a pipe (64 bytes each, 2 s).
set -euo pipefail
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25}" "${JNA_JAR:?set JNA_JAR to the jna jar the plugins use}"
: "${SYS_JAR:?set SYS_JAR to the jar of module sys (sys/target/sys-VERSION.jar)}"
J=$JAVA_HOME/bin/java
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
LIBC=$(ldd "$J" | awk '/libc.so.6/{print $3}')
$JAVA_HOME/bin/javac -cp "$JNA_JAR:$SYS_JAR" -d "$work" "$here"/*.java
(cd "$work" && $JAVA_HOME/bin/jar cf probe.jar ./*.class)
mkdir -p "$work/native" && (cd "$work/native" && unzip -q -j "$JNA_JAR" 'com/sun/jna/linux-x86-64/libjnidispatch.so')
BASE="-XX:+UseSerialGC -Xmx16m -Xss256k -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED"
FLAGS="-Xms4m -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=8m -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000 -XX:CompileThresholdScaling=5 -XX:+DisableAttachMechanism -Xrs -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-AOTReplayTraining"
args() {
    case $1 in
        jna) echo "-Dlibc=$LIBC -Djna.boot.library.path=$work/native -Djna.nounpack=true -Djna.nosys=true -Djna.platform.library.path=$work/native -cp $work/probe.jar:$JNA_JAR JnaProbe" ;;
        jni) echo "-cp $work/probe.jar:$SYS_JAR JniProbe" ;;
        ffm) echo "-cp $work/probe.jar FfmProbe" ;;
        none) echo "-cp $work/probe.jar NoneProbe" ;;
    esac
}
for m in none jni jna ffm; do
    read -ra A <<<"$(args $m)"
    $J $BASE -XX:AOTCacheOutput="$work/$m.aot" "${A[@]}" >/dev/null 2>&1
done
for _ in $(seq "${1:-3}"); do
    for m in none jni jna ffm; do
        read -ra A <<<"$(args $m)"
        main=${A[-1]}; unset 'A[-1]'
        run=($J $BASE $FLAGS -XX:AOTCache="$work/$m.aot" "${A[@]}")
        classes=$("${run[@]}" -Xlog:class+load "$main" | awk '/class,load/{n++} /shared objects file/{s++} END{print n " (" n-s " not from the cache)"}')
        first=$("${run[@]}" -Dt0="$(date +%s%3N)" "$main" | grep -o 'first-call-ms=[0-9]*')
        "${run[@]}" "$main" 20000 >/dev/null & p=$!
        sleep 5; pss5=$(awk '/^Pss:/{print $2}' /proc/$p/smaps_rollup)
        sleep 10; at15=$(awk '/^(Pss|Anonymous):/{printf "%s=%s ", $1, $2}' /proc/$p/smaps_rollup)
        wait $p
        rate=$("${run[@]}" -Dbench=true "$main" | grep -o 'pairs/s=[0-9]*' || true)
        echo "$m: classes=$classes $first pss5s_kB=$pss5 at15s_kB: $at15 $rate"
    done
done
