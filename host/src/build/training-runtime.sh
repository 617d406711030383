#!/bin/sh
# A stand-in OCI runtime for the AOT training run only (the build must not need
# root or runc): `create ... --pid-file F ... ID` starts a short "container"
# that writes some output, and records its pid like runc does. The "container"
# waits before it runs: had it exited while this script still ran, the script
# (not the monitor, its subreaper) would reap it and its status would be lost.
while [ $# -gt 1 ]; do
    case $1 in --pid-file) pidfile=$2; shift ;; esac
    shift
done
sh -c 'sleep 0.3; i=0; while [ $i -lt 200 ]; do echo "training line $i"; echo "err $i" >&2; i=$((i+1)); done; printf partial; exit 3' &
echo $! > "$pidfile"
