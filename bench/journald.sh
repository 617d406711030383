#!/usr/bin/env bash
# journald throughput, for bench/run.sh: runs INSIDE a private mount namespace
# (run.sh starts it with `unshare -m --propagation private`) so that its systemd-journald,
# its journald.conf and its Podman store never touch the host (docs/test-environment.md).
# Prints result lines "ROW MON VALUE" on stdout (VALUE may be "n/a (reason)"); progress on stderr.
# Environment (from run.sh): JD_DIR (work dir), JD_SANDBOX_SH, JD_MONS ("c j"), JD_BIN_c, JD_BIN_j,
#   MB, PAYLOAD, T_PODMAN, T_WAIT, T_LOG.
set -uo pipefail
trap 'exit 143' TERM
trap 'exit 130' INT

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
row() { printf '%s %s %s\n' "$1" "$2" "$3"; }
rows_na() { local mon=$1 why=$2 r; for r in jd_mbs jd_cpu jd_cpu0; do row "$r" "$mon" "n/a ($why)"; done; }

# ---------------------------------------------------------------- a private journald
mount -t tmpfs tmpfs /run/systemd || { rows_na c "cannot mount /run/systemd"; rows_na j "cannot mount /run/systemd"; exit 0; }
mkdir -p /run/systemd/journal "$JD_DIR/journal"
mount -t tmpfs tmpfs /run/log
mount --bind "$JD_DIR/journal" /var/log/journal
# no rate limit (conmon sends one entry per line), room for the whole payload, nothing forwarded
cat > "$JD_DIR/journald.conf" <<'CONF'
[Journal]
Storage=persistent
RateLimitIntervalSec=0
RateLimitBurst=0
SystemMaxUse=16G
SystemKeepFree=1G
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
CONF
mount --bind "$JD_DIR/journald.conf" /etc/systemd/journald.conf
/lib/systemd/systemd-journald >"$JD_DIR/journald.out" 2>&1 &
JPID=$!
# shellcheck source=../scripts/podman-sandbox.sh
. "$JD_SANDBOX_SH"
cleanup() {
    sandbox_cleanup
    kill "$JPID" 2>/dev/null; wait "$JPID" 2>/dev/null
}
trap cleanup EXIT
i=0
until [ -S /run/systemd/journal/socket ]; do
    (( i++ > 100 )) && { rows_na c "journald did not start"; rows_na j "journald did not start"; exit 0; }
    sleep 0.1
done
sandbox_init "$JD_DIR/sandbox" || { rows_na c "podman import failed"; rows_na j "podman import failed"; exit 0; }

cpu_s() {
    local stat rest
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    rest=${stat##*) }
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / hz }' <<<"$rest"
}
# entry_us ID TEXT: __REALTIME_TIMESTAMP (µs) of the container's entry whose MESSAGE is TEXT\n
entry_us() {
    journalctl -q -o json --no-pager CONTAINER_ID_FULL="$1" "MESSAGE=$2"$'\n' 2>/dev/null \
        | sed -n 's/.*"__REALTIME_TIMESTAMP" *: *"\([0-9]*\)".*/\1/p' | head -n 1
}

measure() {
    local mon=$1 bin=$2 ctr rc pid deadline cpu0 cpu1 t_go t_end bytes=$(( MB * 1000000 )) n exe
    local P=("${PODMAN[@]}" --conmon "$bin")
    log "[$mon] journald: container writes $MB MB to stdout, -l journald"
    ctr=$(timeout -k 5 "$T_PODMAN" "${P[@]}" run -d --log-driver journald "$IMAGE" sh -c \
        'echo BENCH-START; sleep 2; echo BENCH-GO; yes "$0" | head -c "$1"; echo BENCH-END; sleep 10' \
        "$PAYLOAD" "$bytes" 2>"$JD_DIR/err"); rc=$?
    (( rc == 0 )) || { rows_na "$mon" "run -d failed: $(tail -n 1 "$JD_DIR/err" | tr '|' '/' | cut -c1-100)"; return; }
    pid=$(timeout -k 5 "$T_PODMAN" "${PODMAN[@]}" inspect --format '{{.State.ConmonPid}}' "$ctr" 2>/dev/null)
    [[ $pid =~ ^[1-9][0-9]*$ ]] && [ -r "/proc/$pid/stat" ] || { rows_na "$mon" "no monitor process"; return; }
    exe=$(readlink "/proc/$pid/exe")
    if [ "$mon" = j ] && [ "$exe" = "$(readlink -f "$JD_BIN_c")" ]; then rows_na j "monitor is the C conmon"; return; fi
    if [ "$mon" = c ] && [ "$exe" != "$(readlink -f "$JD_BIN_c")" ]; then rows_na c "monitor runs $exe"; return; fi
    # conmon-j's ConmonPid is its guardian (C, idle while the JVM logs): measure the JVM, its child
    if [ "$mon" = j ]; then
        local child
        for child in $(cat "/proc/$pid"/task/*/children 2>/dev/null); do
            [[ $(readlink "/proc/$child/exe") == */java ]] && { pid=$child; break; }
        done
    fi
    deadline=$(( $(date +%s) + T_WAIT ))
    until [ -n "$(entry_us "$ctr" BENCH-START)" ]; do
        (( $(date +%s) >= deadline )) && { rows_na "$mon" "BENCH-START not in the journal within ${T_WAIT}s"; return; }
        sleep 0.05
    done
    cpu0=$(cpu_s "$pid") || { rows_na "$mon" "monitor exited early"; return; }
    deadline=$(( $(date +%s) + T_LOG ))
    until t_end=$(entry_us "$ctr" BENCH-END) && [ -n "$t_end" ]; do
        (( $(date +%s) >= deadline )) && { rows_na "$mon" "BENCH-END not in the journal within ${T_LOG}s"; return; }
        [ -e "/proc/$pid" ] || { rows_na "$mon" "monitor exited before the marker"; return; }
        sleep 0.2
    done
    cpu1=$(cpu_s "$pid") || { rows_na "$mon" "monitor exited right after the marker"; return; }
    t_go=$(entry_us "$ctr" BENCH-GO)
    [ -n "$t_go" ] && (( t_end > t_go )) || { rows_na "$mon" "no BENCH-GO entry before the marker"; return; }
    # every payload line is one entry (journalctl -o cat prints MESSAGE, whose \n is kept, and a \n)
    n=$(journalctl -q -o cat --no-pager CONTAINER_ID_FULL="$ctr" | LC_ALL=C grep -c -xF "$PAYLOAD")
    local mbs
    mbs=$(awk -v b="$bytes" -v us=$(( t_end - t_go )) 'BEGIN { printf "%.1f", b / 1e6 / (us / 1e6) }')
    if [ "$n" != $(( bytes / 100 )) ]; then
        mbs="$mbs (journal holds $n of $(( bytes / 100 )) payload entries!)"
        log "warning: [$mon] journal holds $n of $(( bytes / 100 )) payload entries"
    fi
    row jd_mbs "$mon" "$mbs"
    row jd_cpu "$mon" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')"
    row jd_cpu0 "$mon" "$cpu0"
    log "[$mon] journald: $MB MB in $(( (t_end - t_go) / 1000 )) ms, monitor CPU $cpu0 s before, $cpu1 s at marker, $n entries"
    timeout -k 5 "$T_PODMAN" "${PODMAN[@]}" rm -f -t 0 "$ctr" >/dev/null 2>&1
}

for mon in $JD_MONS; do
    bin_var=JD_BIN_$mon
    measure "$mon" "${!bin_var}"
done
exit 0
