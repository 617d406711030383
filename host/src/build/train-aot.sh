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

# Trained on what a default `podman run -d` passes (no --log-size-max, a config.json with Podman's
# annotations and none of conmon-j's), because every class the training run loads is loaded at every
# start (AOT class linking): a class only a rare option needs would cost every container memory.
# --sync only lets this script see the fake container's status.
mkdir -p "$work/bundle" "$work/exits"
cat > "$work/bundle/config.json" <<'JSON'
{"ociVersion":"1.0.0","process":{"args":["sh"]},"annotations":{"io.container.manager":"libpod",
"io.kubernetes.cri-o.TTY":"false","io.podman.annotations.autoremove":"FALSE",
"org.opencontainers.image.stopSignal":"15"}}
JSON
# A packaged install reads its policy file at every start (packaging/src/deb/etc/conmon-j/policy.conf): train on
# that file, so that its parser comes from the cache too. A policy must be root's (docs/security.md), so a build by
# another user trains without one.
policy_env=()
if [ "$(id -u)" = 0 ]; then
    install -m 0644 "$(dirname "$0")/../../../packaging/src/deb/etc/conmon-j/policy.conf" "$work/policy.conf"
    policy_env=(CONMONJ_POLICY="$work/policy.conf")
fi
status=0
# Without the build's locale: Podman starts the monitor with none (POSIX), so the JVM's platform encoding is
# ANSI_X3.4-1968 there, and the charset classes that looks up must come from the cache as well.
env -u LANG -u LC_ALL -u LC_CTYPE "${policy_env[@]}" \
    JDK_JAVA_OPTIONS="-XX:AOTCacheOutput=$root/lib/conmon-j.aot" timeout 120 "$root/bin/conmon" \
    --api-version 1 -c training-container-0123456789 -u training-container-0123456789 -r "$runtime" \
    -b "$work/bundle" -p "$work/pidfile" -n training --exit-dir "$work/exits" --full-attach \
    -l "k8s-file:$work/ctr.log" --log-level warning --runtime-arg --log-format=json \
    --conmon-pidfile "$work/conmon.pid" --exit-command /bin/true --exit-command-arg training \
    --sync >"$work/stdout" 2>"$work/stderr" || status=$?
# The guardian, whose status the launcher relays, exits as soon as the monitor says it has nothing left to do
# (its 'X' record, src/main/c/guardian.c); the JVM writes the cache only as it exits, after that: wait for the
# JVM (bounded), found by the bundle path on its command line.
command -v pgrep >/dev/null || { echo "train-aot.sh: pgrep (procps) is needed to wait for the JVM" >&2; exit 1; }
waited=0
while pgrep -f -- "-b $work/bundle" >/dev/null; do
    (( waited++ < 1200 )) || { echo "AOT training run: the JVM did not exit within 120 s" >&2; exit 1; }
    sleep 0.1
done
if [ "$status" != 3 ] || [ ! -s "$root/lib/conmon-j.aot" ]; then
    echo "AOT training run failed (status $status, expected the fake container's 3):" >&2
    cat "$work/stdout" "$work/stderr" >&2
    exit 1
fi
