#!/usr/bin/env bash
# Records the AOT cache (JDK 25, JEP 483/514) from one run of the monitor over
# a fake container. It runs through bin/conmon, as in production: the launcher
# blocks the signals the monitor reads from its signalfd, which a JVM cannot do
# for its own threads. JDK_JAVA_OPTIONS adds the output option to the launcher's.
set -euo pipefail
root=$1
runtime=$(cd "$(dirname "$0")" && pwd)/training-runtime.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bundle" "$work/exits"
status=0
JDK_JAVA_OPTIONS="-XX:AOTCacheOutput=$root/lib/conmon-j.aot" timeout 120 "$root/bin/conmon" \
    --api-version -c training-container-0123456789 -u training -r "$runtime" \
    -b "$work/bundle" -p "$work/pidfile" -l "k8s-file:$work/ctr.log" --exit-dir "$work/exits" \
    --full-attach --log-size-max 4096 --sync >"$work/stdout" 2>"$work/stderr" || status=$?
if [ "$status" != 3 ] || [ ! -s "$root/lib/conmon-j.aot" ]; then
    echo "AOT training run failed (status $status, expected the fake container's 3):" >&2
    cat "$work/stdout" "$work/stderr" >&2
    exit 1
fi
