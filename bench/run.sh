#!/usr/bin/env bash
# Side-by-side benchmark of the C conmon and conmon-j under a real Podman, in one run.
# Prints figures, asserts nothing. Usage: sudo bench/run.sh [CONMONJ_BIN]
# Environment: BENCH_RUNS (10), BENCH_IDLE_N (20), BENCH_MB (200), BENCH_JOURNALD_MB (20), BENCH_SETTLE (5 s),
#              BENCH_HIBERNATE_DELAY (10 s: conmon-j's default CONMONJ_HIBERNATE),
#              BENCH_C_CONMON (/usr/bin/conmon), BENCH_SANDBOX_SH (path of podman-sandbox.sh), BENCH_BURST_WAIT (30 s),
#              BENCH_KSM_WAIT (300 s), BENCH_KSM_CPU_WINDOW (60 s), BENCH_KSM_PAGES (the kernel's pages_to_scan).
# See bench/README.md for what each row measures and how to read it.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

CONMONJ=${1:-$repo/host/target/conmon/bin/conmon}
CONMON_C=${BENCH_C_CONMON:-/usr/bin/conmon}
RUNS=${BENCH_RUNS:-10}
IDLE_N=${BENCH_IDLE_N:-20}
MB=${BENCH_MB:-200}
JOURNALD_MB=${BENCH_JOURNALD_MB:-20}   # journald takes ~30k entries/s here: 20 MB is ~7 s per monitor
SETTLE=${BENCH_SETTLE:-5}
HIB_DELAY=${BENCH_HIBERNATE_DELAY:-10}   # conmon-j's default CONMONJ_HIBERNATE (s): the hibernated row waits 2x it + SETTLE
WAKE_DELAY=2                             # CONMONJ_HIBERNATE of the wake row: short, so that each wake is quick
OUT_DIR=$here/out
# An idle container has logged something, as real ones have: a monitor that never wrote a record would be
# measured without what its log driver keeps after the first one (e.g. the k8s-file clock's time zone).
IDLE_CMD=(sh -c 'echo idle; exec sleep 600')
T_PODMAN=120          # seconds allowed for any single podman command
T_WAIT=30             # seconds allowed for a monitor to appear/settle/exit
T_LOG=600             # seconds allowed for the k8s-file run to log everything

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for v in RUNS IDLE_N MB JOURNALD_MB SETTLE HIB_DELAY; do
    n=BENCH_$v; [ "$v" = HIB_DELAY ] && n=BENCH_HIBERNATE_DELAY
    [[ ${!v} =~ ^[0-9]+$ ]] && (( ${!v} > 0 )) || die "$n must be a positive integer (got '${!v}')"
done
(( RUNS >= 1 )) || die "BENCH_RUNS must be >= 1"
[ "$(id -u)" = 0 ] || die "must run as root (Podman with runc and cgroupfs): sudo $0 [CONMONJ_BIN]"
for tool in podman runc timeout awk; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed"
done
[ -x "$CONMON_C" ] || die "C conmon not found at $CONMON_C (set BENCH_C_CONMON)"

# The Podman sandbox helper: this checkout's scripts/, else the main worktree's.
sandbox_sh=${BENCH_SANDBOX_SH:-}
if [ -z "$sandbox_sh" ]; then
    sandbox_sh=$repo/scripts/podman-sandbox.sh
    if [ ! -f "$sandbox_sh" ]; then
        main_wt=$(git -C "$repo" worktree list --porcelain 2>/dev/null | awk 'NR==1 {print $2}')
        [ -n "$main_wt" ] && sandbox_sh=$main_wt/scripts/podman-sandbox.sh
    fi
fi
[ -f "$sandbox_sh" ] || die "scripts/podman-sandbox.sh not found (set BENCH_SANDBOX_SH)"
# shellcheck source=../scripts/podman-sandbox.sh
. "$sandbox_sh"

# ---------------------------------------------------------------- cleanup
# pids of monitors started in our sandbox: only monitors get "--exit-dir <sandbox>/..."
sandbox_monitors() {
    local files
    [ -n "${SANDBOX:-}" ] || return 0
    files=$(grep -lszxF -e --exit-dir /proc/[0-9]*/cmdline) || return 0
    # shellcheck disable=SC2086
    grep -lszF -e "$SANDBOX/" $files | sed -n 's|^/proc/\([0-9]*\)/cmdline$|\1|p'
}

# Remove every container and wait (bounded) until no monitor of ours is left.
reset_containers() {
    local deadline left
    timeout -k 5 "$T_PODMAN" "${PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1 \
        || log "warning: 'podman rm -af' failed or timed out"
    deadline=$(( $(date +%s) + T_WAIT ))
    while left=$(sandbox_monitors) && [ -n "$left" ]; do
        if (( $(date +%s) >= deadline )); then
            log "warning: monitor(s) still running ${T_WAIT}s after their containers were removed: $(echo $left); killing them"
            kill -KILL $left 2>/dev/null
            sleep 0.5
            break
        fi
        sleep 0.1
    done
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "${SANDBOX:-}" ]; then
        log "cleaning up $SANDBOX"
        reset_containers
        sandbox_cleanup
    fi
    ksm_restore
    rm -f "${ERRF:-}" "${ERRF:-}.x"
    local d; for d in "${JD_DIRS[@]}"; do rm -rf --one-file-system "$d"; done
    for d in "${SINK_PIDS[@]}"; do kill "$d" 2>/dev/null; done
    exit "$rc"
}
SINK_PIDS=() # loopback receivers of the remote-driver rows
JD_DIRS=()   # work dirs of bench/journald.sh (its mounts die with its namespace)
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# ---------------------------------------------------------------- helpers
now_ns() { date +%s%N; }
ERRF=$(mktemp /tmp/conmonj-bench-err.XXXXXX)

# pm MON ARGS...: podman with MON as its monitor, bounded; stderr kept in $ERRF
# Podman silently falls back to /usr/bin/conmon when the --conmon binary's "--version" is not
# "conmon version X.Y.Z" (>= its minimum); it only logs a warning. That warning fails the call.
pm() {
    local mon=$1 rc; shift
    timeout -k 5 "$T_PODMAN" "${PODMAN[@]}" --conmon "${MON_BIN[$mon]}" "$@" 2>"$ERRF"; rc=$?
    if grep -q 'msg="Conmon at .* invalid' "$ERRF"; then
        grep -o 'Conmon at .* invalid[^"]*' "$ERRF" | head -n 1 | sed 's/^/podman rejected it: /' > "$ERRF.x"
        mv "$ERRF.x" "$ERRF"
        return 97
    fi
    return "$rc"
}
# pq ARGS...: podman for queries (inspect), bounded. Podman runs "MONITOR --version" at every
# start, so queries use the default monitor and cost the same for both columns.
pq() { timeout -k 5 "$T_PODMAN" "${PODMAN[@]}" "$@" 2>"$ERRF"; }
# one-line reason from the last podman failure (rc in $1), safe inside a table cell
why() {
    local rc=$1 msg
    msg=$(grep -v '^[[:space:]]*$' "$ERRF" | tail -n 1 | tr '|' '/')
    [ -n "${SANDBOX:-}" ] && msg=${msg//$SANDBOX/SANDBOX}
    msg=$(sed -E 's/[0-9a-f]{64}/ID/g' <<<"$msg" | cut -c1-140)
    (( rc == 124 || rc == 137 )) && msg="timed out after ${T_PODMAN}s${msg:+: $msg}"
    echo "${msg:-exit status $rc}"
}

declare -A MON_BIN=([c]=$CONMON_C [j]=$CONMONJ)
declare -A MON_NA=()      # MON_NA[j]="reason": the whole column is n/a
declare -A MON_NA_SHORT=()  # the same, shortened for the table cells
declare -A R=()           # R[row:mon] = figure or "n/a (reason)"
MONS=(c j)

na() { echo "n/a ($*)"; }
set_row() { R[$1:$2]=$3; }
set_rows_na() { # set_rows_na MON REASON ROW...
    local mon=$1 reason=$2; shift 2
    local r; for r in "$@"; do R[$r:$mon]=$(na "$reason"); done
}

# conmon_pid CTR MON: ConmonPid of CTR (conmon-j: its guardian), checked to be a live process running MON
conmon_pid() {
    local ctr=$1 mon=$2 pid rc
    pid=$(pq inspect --format '{{.State.ConmonPid}}' "$ctr"); rc=$?
    (( rc == 0 )) || { echo "inspect failed: $(why $rc)"; return 1; }
    [[ $pid =~ ^[1-9][0-9]*$ ]] || { echo "no ConmonPid ('$pid')"; return 1; }
    [ -r "/proc/$pid/smaps_rollup" ] || { echo "ConmonPid $pid is not running"; return 1; }
    # make sure the process measured is the monitor under test, not a fallback
    local exe; exe=$(readlink "/proc/$pid/exe")
    if [ "$mon" = c ] && [ "$exe" != "$(readlink -f "$CONMON_C")" ]; then
        echo "ConmonPid $pid runs $exe, not $CONMON_C"; return 1
    fi
    if [ "$mon" = j ] && [ "$exe" = "$(readlink -f "$CONMON_C")" ]; then
        echo "ConmonPid $pid runs the C conmon $exe"; return 1
    fi
    echo "$pid"
}
# monitor_pid CTR MON: the process of CTR's monitor that does the work: the C conmon, or conmon-j's JVM
monitor_pid() {
    local ctr=$1 mon=$2 pid
    pid=$(conmon_pid "$ctr" "$mon") || { echo "$pid"; return 1; }
    if [ "$mon" = j ]; then
        # ConmonPid is the guardian (launcher.c/guardian.c); the monitor JVM is its child
        local child
        for child in $(cat "/proc/$pid"/task/*/children 2>/dev/null); do
            [[ $(readlink "/proc/$child/exe") == */java ]] && { echo "$child"; return 0; }
        done
        echo "no monitor JVM under the guardian $pid"; return 1
    fi
    echo "$pid"
}
# kB from /proc/PID/smaps_rollup (field Rss or Pss)
smaps_kb() { awk -v k="$2:" '$1 == k { print $2; found=1 } END { if (!found) exit 1 }' "/proc/$1/smaps_rollup"; }
# monitor_procs PID MON: the processes that make up one container's monitor. For the C conmon, PID.
# For conmon-j, PID and those of its parent and children that run a file of conmon-j's install tree
# (the JVM and the C guardian that stays its parent), never the container's processes.
monitor_procs() {
    local pid=$1 mon=$2 q exe
    echo "$pid"
    [ "$mon" = j ] || return 0
    local root; root=$(dirname "$(dirname "$(readlink -f "$CONMONJ")")")
    for q in $(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null) $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
        exe=$(readlink "/proc/$q/exe" 2>/dev/null) || continue
        case $exe in "$root"/*) echo "$q" ;; esac
    done
}
# procs_kb FIELD PID...: the sum of smaps_rollup FIELD over the processes
procs_kb() {
    local field=$1 p kb sum=0; shift
    for p in "$@"; do kb=$(smaps_kb "$p" "$field") || return 1; sum=$(( sum + kb )); done
    echo "$sum"
}
threads() { awk '$1 == "Threads:" { print $2 }' "/proc/$1/status"; }
# utime+stime in seconds, from /proc/PID/stat (fields after the ")" of comm)
cpu_s() {
    local stat rest
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    rest=${stat##*) }
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / hz }' <<<"$rest"
}
# utime+stime+cutime+cstime in seconds: the process's CPU and that of the children it has reaped (conmon-j's
# guardian reaps each JVM it started, so over a hibernation cycle this is the guardian's and the resumed JVM's)
tree_cpu_s() {
    local stat rest
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    rest=${stat##*) }
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13 + $14 + $15) / hz }' <<<"$rest"
}
# monitor_tree PID MON: PID and every descendant of it that runs a file of conmon-j's install tree (the guardian,
# and the JVM while it runs), never the container's processes; for the C conmon, PID
monitor_tree() {
    local pid=$1 mon=$2 q exe root
    echo "$pid"
    [ "$mon" = j ] || return 0
    root=$(dirname "$(dirname "$(readlink -f "$CONMONJ")")")
    for q in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
        exe=$(readlink "/proc/$q/exe" 2>/dev/null) || continue
        case $exe in "$root"/*) monitor_tree "$q" "$mon" ;; esac
    done
}
# monitor_jvms PID: the JVMs in conmon-j's monitor tree of PID (under its guardian: the monitor JVM, while awake)
monitor_jvms() {
    local p
    for p in $(monitor_tree "$1" j); do
        [[ $(readlink "/proc/$p/exe" 2>/dev/null) == */java ]] && echo "$p"
    done
}
mib() { awk -v k="$1" 'BEGIN { printf "%.2f", k / 1024 }'; }
# awake MON COMMAND...: COMMAND with conmon-j's monitors kept awake (CONMONJ_HIBERNATE=off in the monitors'
# environment): for the rows that measure the JVM itself over longer than the hibernation delay
awake() {
    local mon=$1; shift
    [ "$mon" = j ] && sandbox_conmon_env CONMONJ_HIBERNATE=off
    "$@"
    [ "$mon" = j ] && sandbox_conmon_env
    return 0
}

# ---------------------------------------------------------------- sections
# 1. podman run --rm IMG true
bench_latency() {
    local mon=$1 i t0 t1 rc ms=()
    log "[$mon] latency: warm-up + $RUNS x podman run --rm $IMAGE true"
    pm "$mon" run --rm "$IMAGE" true >/dev/null; rc=$?
    if (( rc != 0 )); then
        set_rows_na "$mon" "warm-up failed: $(why $rc)" lat_p50 lat_p90; return
    fi
    for (( i = 1; i <= RUNS; i++ )); do
        t0=$(now_ns)
        pm "$mon" run --rm "$IMAGE" true >/dev/null; rc=$?
        t1=$(now_ns)
        if (( rc != 0 )); then
            set_rows_na "$mon" "run $i/$RUNS failed: $(why $rc)" lat_p50 lat_p90; return
        fi
        ms+=( $(( (t1 - t0) / 1000000 )) )
    done
    # median (mean of the two middle values for even N), p90 by nearest rank
    local stats
    stats=$(printf '%s\n' "${ms[@]}" | sort -n | awk '{ v[NR] = $1 } END {
        n = NR; med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        r = int(0.9 * n); if (r < 0.9 * n) r++; if (r < 1) r = 1
        printf "%.0f %d", med, v[r] }')
    set_row lat_p50 "$mon" "${stats% *}"
    set_row lat_p90 "$mon" "${stats#* }"
    log "[$mon] latency ms: ${ms[*]}"
}

# 1b. the cost of reading conmon-j's policy at every monitor start: the hand-off below (launcher, start byte,
#     stand-in runtime) without CONMONJ_POLICY and with the sandbox's policy file, interleaved so that the shared
#     machine's drift hits both alike; the monitor reads the policy before it invokes the runtime
median_ms() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
    n = NR; printf "%.0f", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
bench_policy() {
    local mon=$1 bin=${MON_BIN[$1]} dir i p w t0 t2 lpid mpid none=() with=()
    if [ "$mon" = c ]; then
        set_rows_na c "the C conmon reads no policy" pol_none pol_with; return
    fi
    dir=$(mktemp -d /tmp/conmonj-bench-policy.XXXXXX)
    printf '#!/bin/sh\ndate +%%s%%N > %s/runtime-invoked\nexit 1\n' "$dir" > "$dir/runtime"
    chmod +x "$dir/runtime"
    log "[$mon] policy: $RUNS x (hand-off without, then with CONMONJ_POLICY=$SANDBOX/policy/policy.conf)"
    for (( i = 1; i <= RUNS; i++ )); do
        for p in "" "$SANDBOX/policy/policy.conf"; do
            rm -f "$dir/start" "$dir/runtime-invoked" "$dir/conmon.pid"
            mkfifo "$dir/start"
            ( exec 4<>"$dir/start"; _OCI_STARTPIPE=4 CONMONJ_POLICY=$p exec "$bin" -c policy-0123456789abcdef -u u \
                -r "$dir/runtime" -b "$dir" --full-attach -p "$dir/pidfile" -l "k8s-file:$dir/ctr.log" \
                -P "$dir/conmon.pid" --log-level error </dev/null >/dev/null 2>&1 ) &
            lpid=$!
            sleep 0.3   # the launcher is now blocked on the start pipe
            t0=$(now_ns); printf x > "$dir/start"; wait "$lpid"
            w=0; while (( w++ < 100 )) && [ ! -s "$dir/runtime-invoked" ]; do sleep 0.05; done
            t2=$(cat "$dir/runtime-invoked" 2>/dev/null || echo 0)
            mpid=$(cat "$dir/conmon.pid" 2>/dev/null || echo 0)
            w=0; while (( w++ < 100 && mpid > 0 )) && kill -0 "$mpid" 2>/dev/null; do sleep 0.05; done
            if (( t2 == 0 )); then
                rm -rf "$dir"; set_rows_na "$mon" "runtime not invoked (policy '${p:-none}')" pol_none pol_with; return
            fi
            if [ -z "$p" ]; then none+=( $(( (t2 - t0) / 1000000 )) ); else with+=( $(( (t2 - t0) / 1000000 )) ); fi
        done
    done
    rm -rf "$dir"
    set_row pol_none "$mon" "$(median_ms "${none[@]}")"
    set_row pol_with "$mon" "$(median_ms "${with[@]}")"
    log "[$mon] runtime invoked after the start byte, ms: without policy ${none[*]}; with ${with[*]}"
}

# 1a. podman exec CTR true
bench_exec() {
    local mon=$1 ctr i t0 t1 rc ms=()
    log "[$mon] exec latency: warm-up + $RUNS x podman exec CTR true"
    ctr=$(pm "$mon" run -d "$IMAGE" sleep 600); rc=$?
    if (( rc != 0 )); then
        set_rows_na "$mon" "run -d failed: $(why $rc)" exec_p50; return
    fi
    pm "$mon" exec "$ctr" true >/dev/null; rc=$?
    if (( rc != 0 )); then
        set_rows_na "$mon" "warm-up exec failed: $(why $rc)" exec_p50; return
    fi
    for (( i = 1; i <= RUNS; i++ )); do
        t0=$(now_ns)
        pm "$mon" exec "$ctr" true >/dev/null; rc=$?
        t1=$(now_ns)
        if (( rc != 0 )); then
            set_rows_na "$mon" "exec $i/$RUNS failed: $(why $rc)" exec_p50; return
        fi
        ms+=( $(( (t1 - t0) / 1000000 )) )
    done
    set_row exec_p50 "$mon" "$(printf '%s\n' "${ms[@]}" | sort -n | awk '{ v[NR] = $1 } END {
        n = NR; printf "%.0f", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }')"
    log "[$mon] exec latency ms: ${ms[*]}"
}

# 1b. the daemonizing hand-off, without Podman: a FIFO start pipe, a stand-in runtime that
#     records when it was invoked. "launcher exit" is what Podman waits for after the start
#     byte; "runtime invoked" is when the monitor has done its set-up and starts `runtime create`.
bench_handoff() {
    local mon=$1 bin=${MON_BIN[$1]} dir i w t0 t1 t2 lpid mpid exits=() readies=()
    dir=$(mktemp -d /tmp/conmonj-bench-handoff.XXXXXX)
    printf '#!/bin/sh\ndate +%%s%%N > %s/runtime-invoked\nexit 1\n' "$dir" > "$dir/runtime"
    chmod +x "$dir/runtime"
    log "[$mon] hand-off: $RUNS x launcher with a FIFO start pipe"
    for (( i = 1; i <= RUNS; i++ )); do
        rm -f "$dir/start" "$dir/runtime-invoked" "$dir/conmon.pid"
        mkfifo "$dir/start"
        ( exec 4<>"$dir/start"; _OCI_STARTPIPE=4 exec "$bin" -c handoff-0123456789abcdef -u u -r "$dir/runtime" \
            -b "$dir" --full-attach -p "$dir/pidfile" -l "k8s-file:$dir/ctr.log" -P "$dir/conmon.pid" --log-level error \
            </dev/null >/dev/null 2>&1 ) &
        lpid=$!
        sleep 0.3   # the launcher is now blocked on the start pipe
        t0=$(now_ns); printf x > "$dir/start"; wait "$lpid"; t1=$(now_ns)
        w=0; while (( w++ < 100 )) && [ ! -s "$dir/runtime-invoked" ]; do sleep 0.05; done
        t2=$(cat "$dir/runtime-invoked" 2>/dev/null || echo 0)
        mpid=$(cat "$dir/conmon.pid" 2>/dev/null || echo 0)
        w=0; while (( w++ < 100 && mpid > 0 )) && kill -0 "$mpid" 2>/dev/null; do sleep 0.05; done
        exits+=( $(( (t1 - t0) / 1000000 )) )
        (( t2 > 0 )) && readies+=( $(( (t2 - t0) / 1000000 )) )
    done
    rm -rf "$dir"
    set_row hand_exit "$mon" "$(printf '%s\n' "${exits[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
    if (( ${#readies[@]} == RUNS )); then
        set_row hand_ready "$mon" "$(printf '%s\n' "${readies[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
    else
        set_row hand_ready "$mon" "$(na "runtime not invoked in ${#readies[@]}/$RUNS runs")"
    fi
    log "[$mon] hand-off ms: launcher exit ${exits[*]}; runtime invoked ${readies[*]}"
}

# 2. one idle monitor, awake (conmon-j with CONMONJ_HIBERNATE=off: the JVM's own cost, whatever the settle time):
#    RSS, PSS, threads
bench_idle1() { awake "$1" idle1_measure "$1"; }
idle1_measure() {
    local mon=$1 ctr rc pid rss pss
    log "[$mon] idle, 1 container, awake: podman run -d $IMAGE ${IDLE_CMD[*]}, settle ${SETTLE}s"
    ctr=$(pm "$mon" run -d "$IMAGE" "${IDLE_CMD[@]}"); rc=$?
    if (( rc != 0 )); then
        set_rows_na "$mon" "run -d failed: $(why $rc)" idle1_rss idle1_pss idle1_thr; return
    fi
    sleep "$SETTLE"
    if ! pid=$(monitor_pid "$ctr" "$mon"); then
        set_rows_na "$mon" "$pid" idle1_rss idle1_pss idle1_thr; return
    fi
    local procs thr=0 p
    mapfile -t procs < <(monitor_procs "$pid" "$mon")
    rss=$(procs_kb Rss "${procs[@]}") && pss=$(procs_kb Pss "${procs[@]}") || {
        set_rows_na "$mon" "cannot read /proc/$pid/smaps_rollup" idle1_rss idle1_pss idle1_thr; return; }
    for p in "${procs[@]}"; do thr=$(( thr + $(threads "$p") )); done
    set_row idle1_rss "$mon" "$(mib "$rss")"
    set_row idle1_pss "$mon" "$(mib "$pss")"
    set_row idle1_thr "$mon" "$thr"
    (( ${#procs[@]} > 1 )) && log "[$mon] monitor of 1 container: ${#procs[@]} processes ($(for p in "${procs[@]}"; do printf '%s ' "$(readlink "/proc/$p/exe")"; done))"
}

# 3. IDLE_N idle monitors, awake (conmon-j with CONMONJ_HIBERNATE=off: starting them takes longer than the
#    hibernation delay): PSS per monitor, mean RSS
# start_idle MON: IDLE_N idle containers; sets IDLE_PIDS (every process of every monitor: conmon-j's JVM
# and guardian), or IDLE_WHY and returns 1
start_idle() {
    local mon=$1 i ctr rc pid ctrs=() pids=() procs
    IDLE_PIDS=() IDLE_WHY=
    log "[$mon] idle, $IDLE_N containers: podman run -d $IMAGE ${IDLE_CMD[*]} x $IDLE_N, settle ${SETTLE}s"
    for (( i = 1; i <= IDLE_N; i++ )); do
        ctr=$(pm "$mon" run -d "$IMAGE" "${IDLE_CMD[@]}"); rc=$?
        (( rc == 0 )) || { IDLE_WHY="run -d $i/$IDLE_N failed: $(why $rc)"; return 1; }
        ctrs+=("$ctr")
    done
    sleep "$SETTLE"
    for ctr in "${ctrs[@]}"; do
        pid=$(monitor_pid "$ctr" "$mon") || { IDLE_WHY=$pid; return 1; }
        pids+=("$pid")
    done
    local distinct
    distinct=$(printf '%s\n' "${pids[@]}" | sort -u | wc -l)
    (( distinct == IDLE_N )) || { IDLE_WHY="only $distinct distinct monitor pids for $IDLE_N containers"; return 1; }
    IDLE_PIDS=()
    for pid in "${pids[@]}"; do mapfile -t procs < <(monitor_procs "$pid" "$mon"); IDLE_PIDS+=("${procs[@]}"); done
}
# idle_pss_kb: the sum of Pss over IDLE_PIDS, read in one pass (PSS depends on the sharers)
idle_pss_kb() {
    local pid kb sum=0
    for pid in "${IDLE_PIDS[@]}"; do
        kb=$(smaps_kb "$pid" Pss) || { echo "monitor $pid exited"; return 1; }
        sum=$(( sum + kb ))
    done
    echo "$sum"
}
bench_idleN() { awake "$1" idleN_measure "$1"; }
idleN_measure() {
    local mon=$1 pid kb sum_pss sum_rss=0
    start_idle "$mon" || { set_rows_na "$mon" "$IDLE_WHY" idleN_pss idleN_rss $MEM_ROWS; return; }
    sum_pss=$(idle_pss_kb) || { set_rows_na "$mon" "$sum_pss" idleN_pss idleN_rss $MEM_ROWS; return; }
    for pid in "${IDLE_PIDS[@]}"; do
        kb=$(smaps_kb "$pid" Rss) || { set_rows_na "$mon" "monitor $pid exited" idleN_pss idleN_rss $MEM_ROWS; return; }
        sum_rss=$(( sum_rss + kb ))
    done
    set_row idleN_pss "$mon" "$(mib $(( sum_pss / IDLE_N )))"
    set_row idleN_rss "$mon" "$(mib $(( sum_rss / IDLE_N )))"
    # where it is: Pss by kind (bench/mem-breakdown.sh), per monitor
    local kind
    while read -r kind kb; do
        [ "$kind" = total ] && { log "[$mon] breakdown total $(mib $(( kb / IDLE_N ))) MiB per monitor (smaps_rollup: $(mib $(( sum_pss / IDLE_N ))))"; continue; }
        set_row "mem_$kind" "$mon" "$(mib $(( kb / IDLE_N )))"
    done < <("$here/mem-breakdown.sh" "${IDLE_PIDS[@]}")
}

# 3a. IDLE_N idle monitors, hibernated: conmon-j with its default hibernation delay (CONMONJ_HIBERNATE unset,
#     HIB_DELAY s), read 2 x HIB_DELAY + SETTLE s after the last container started: the monitor checks once per
#     period whether the whole period was idle, and its first period holds the container's start, so it hibernates
#     between one and two periods after its last event (the JVMs still running after one period + SETTLE are
#     logged). A monitor is the ConmonPid's tree: conmon-j's guardian and any JVM still (or again) running under
#     it; the C conmon, the same measurement.
bench_idle_hibernated() {
    local mon=$1 rows=(hib_pss hib_rss hib_jvms hib_kinds) i ctr rc pid roots=() procs pids=() jvms=0
    log "[$mon] idle, $IDLE_N containers, hibernated: podman run -d $IMAGE ${IDLE_CMD[*]} x $IDLE_N, then 2 x ${HIB_DELAY}s (hibernation delay) + ${SETTLE}s"
    for (( i = 1; i <= IDLE_N; i++ )); do
        ctr=$(pm "$mon" run -d "$IMAGE" "${IDLE_CMD[@]}"); rc=$?
        (( rc == 0 )) || { set_rows_na "$mon" "run -d $i/$IDLE_N failed: $(why $rc)" "${rows[@]}"; return; }
        pid=$(conmon_pid "$ctr" "$mon") || { set_rows_na "$mon" "$pid" "${rows[@]}"; return; }
        roots+=("$pid")
    done
    (( $(printf '%s\n' "${roots[@]}" | sort -u | wc -l) == IDLE_N )) || {
        set_rows_na "$mon" "fewer distinct monitor pids than containers" "${rows[@]}"; return; }
    sleep $(( HIB_DELAY + SETTLE ))
    if [ "$mon" = j ]; then
        for pid in "${roots[@]}"; do jvms=$(( jvms + $(monitor_jvms "$pid" | wc -l) )); done
        log "[$mon] ${HIB_DELAY}s + ${SETTLE}s after the last start: $jvms JVM(s) running"
        jvms=0
    fi
    sleep "$HIB_DELAY"
    for pid in "${roots[@]}"; do
        [ -e "/proc/$pid" ] || { set_rows_na "$mon" "monitor $pid exited" "${rows[@]}"; return; }
    done
    for pid in "${roots[@]}"; do
        mapfile -t procs < <(monitor_tree "$pid" "$mon")
        pids+=("${procs[@]}")
        [ "$mon" = j ] && jvms=$(( jvms + $(monitor_jvms "$pid" | wc -l) ))
    done
    # Pss in one pass (it depends on the sharers), then Rss
    local sum_pss sum_rss
    sum_pss=$(procs_kb Pss "${pids[@]}") && sum_rss=$(procs_kb Rss "${pids[@]}") || {
        set_rows_na "$mon" "a monitor process exited while being read" "${rows[@]}"; return; }
    set_row hib_pss "$mon" "$(mib $(( sum_pss / IDLE_N )))"
    set_row hib_rss "$mon" "$(mib $(( sum_rss / IDLE_N )))"
    if [ "$mon" = j ]; then set_row hib_jvms "$mon" "$jvms"; else set_row hib_jvms "$mon" "$(na "no JVM")"; fi
    # where it is: Pss by kind (bench/mem-breakdown.sh), per monitor, the kinds that hold any
    set_row hib_kinds "$mon" "$("$here/mem-breakdown.sh" "${pids[@]}" | awk -v n="$IDLE_N" '
        $1 != "total" && $2 / n >= 5 { printf "%s%s %.2f", sep, $1, $2 / n / 1024; sep = ", " }')"
    log "[$mon] hibernated: ${#pids[@]} processes for $IDLE_N monitors, $jvms JVM(s) running"
}

# 3b. the wake: one container whose monitor hibernates after WAKE_DELAY s (conmon-j, CONMONJ_HIBERNATE=2); RUNS
#     times, once it has hibernated, the benchmark writes a line into the container's stdout pipe (as its pid 1
#     would: /proc/PID/fd/1) and reads the line's k8s-file record. Latency = the record's timestamp (the monitor's
#     clock as it writes the record) - the time just before the write. CPU = utime+stime+cutime+cstime of the
#     ConmonPid from just before the write until the resumed JVM has hibernated again and been reaped by the
#     guardian (the guardian and the resumed JVM). The C conmon, never asleep: the same latency, and its CPU from
#     the write until the line is logged (its baseline).
bench_wake() {
    local mon=$1
    [ "$mon" = j ] && sandbox_conmon_env "CONMONJ_HIBERNATE=$WAKE_DELAY"
    wake_measure "$mon" || set_rows_na "$mon" "$WAKE_WHY" wake_lat wake_p90 wake_cpu wake_up
    [ "$mon" = j ] && sandbox_conmon_env
    return 0
}
# wait_hibernated ROOT: until no JVM runs under conmon-j's guardian ROOT (at most T_WAIT s), or return 1
wait_hibernated() {
    local deadline=$(( $(date +%s) + T_WAIT ))
    while [ -n "$(monitor_jvms "$1")" ]; do
        (( $(date +%s) < deadline )) || return 1
        sleep 0.05
    done
}
wake_measure() {
    local mon=$1 ctr rc root cpid logf i t0 rec t_rec deadline jvm c0 c1 lat=() cpu=() up=()
    WAKE_WHY=
    log "[$mon] wake: podman run -d --log-driver k8s-file $IMAGE ${IDLE_CMD[*]}, $RUNS lines into its stdout$([ "$mon" = j ] && echo ", each once the JVM hibernated (CONMONJ_HIBERNATE=$WAKE_DELAY)")"
    ctr=$(pm "$mon" run -d --log-driver k8s-file "$IMAGE" "${IDLE_CMD[@]}"); rc=$?
    (( rc == 0 )) || { WAKE_WHY="run -d failed: $(why $rc)"; return 1; }
    root=$(conmon_pid "$ctr" "$mon") || { WAKE_WHY=$root; return 1; }
    cpid=$(pq inspect --format '{{.State.Pid}}' "$ctr") && [[ $cpid =~ ^[1-9][0-9]*$ ]] || {
        WAKE_WHY="no container pid from inspect"; return 1; }
    logf=$(pq inspect --format '{{.HostConfig.LogConfig.Path}}' "$ctr") && [ -n "$logf" ] || {
        WAKE_WHY="no log path from inspect"; return 1; }
    [ "$mon" = c ] || [ -n "$(monitor_jvms "$root")" ] || { WAKE_WHY="no JVM under the guardian at the start"; return 1; }
    for (( i = 1; i <= RUNS; i++ )); do
        if [ "$mon" = j ]; then
            wait_hibernated "$root" || { WAKE_WHY="wake $i: the JVM did not hibernate within ${T_WAIT}s"; return 1; }
        fi
        c0=$(tree_cpu_s "$root") || { WAKE_WHY="monitor $root exited"; return 1; }
        t0=${EPOCHREALTIME/./}   # microseconds, read in the shell itself: no fork between it and the write
        printf 'BENCH-WAKE %d\n' "$i" > "/proc/$cpid/fd/1" || { WAKE_WHY="cannot write to the container's stdout"; return 1; }
        deadline=$(( $(date +%s) + T_WAIT ))
        until rec=$(grep -m 1 " stdout F BENCH-WAKE $i\$" "$logf" 2>/dev/null); do
            (( $(date +%s) < deadline )) || { WAKE_WHY="wake $i: line not logged within ${T_WAIT}s"; return 1; }
            sleep 0.02
        done
        if [ "$mon" = j ]; then
            jvm=$(monitor_jvms "$root" | head -n 1)
            [ -n "$jvm" ] || { WAKE_WHY="wake $i: the line was logged with no JVM running"; return 1; }
            # hibernated again, and the JVM reaped (its CPU is then in the guardian's cutime/cstime)
            deadline=$(( $(date +%s) + T_WAIT ))
            while [ -e "/proc/$jvm" ]; do
                (( $(date +%s) < deadline )) || { WAKE_WHY="wake $i: the JVM did not hibernate again within ${T_WAIT}s"; return 1; }
                sleep 0.05
            done
            up+=( $(( ${EPOCHREALTIME/./} - t0 )) )
        fi
        c1=$(tree_cpu_s "$root") || { WAKE_WHY="monitor $root exited"; return 1; }
        t_rec=$(date -d "${rec%% *}" +%s%N 2>/dev/null) || { WAKE_WHY="unparsable record timestamp '${rec%% *}'"; return 1; }
        lat+=( $(( t_rec / 1000 - t0 )) )
        cpu+=( "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" )
        [ "$mon" = c ] && sleep 0.5
    done
    # every line once in the log: nothing lost or repeated across hibernation and resume
    local counts bad=""
    counts=$(grep -o ' stdout F BENCH-WAKE [0-9]*$' "$logf" | awk '{ n[$4]++ } END { for (i in n) print i, n[i] }')
    for (( i = 1; i <= RUNS; i++ )); do
        [ "$(awk -v i="$i" '$1 == i { print $2 }' <<<"$counts")" = 1 ] || bad+=" $i"
    done
    local stats
    stats=$(printf '%s\n' "${lat[@]}" | sort -n | awk '{ v[NR] = $1 } END {
        n = NR; med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        r = int(0.9 * n); if (r < 0.9 * n) r++; if (r < 1) r = 1
        printf "%.1f %.1f", med / 1000, v[r] / 1000 }')
    set_row wake_lat "$mon" "${stats% *}${bad:+ (lines not logged exactly once:$bad!)}"
    set_row wake_p90 "$mon" "${stats#* }"
    set_row wake_cpu "$mon" "$(printf '%s\n' "${cpu[@]}" | sort -n | awk '{ v[NR] = $1 } END {
        n = NR; printf "%.2f", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }')"
    if [ "$mon" = j ]; then
        set_row wake_up "$mon" "$(printf '%s\n' "${up[@]}" | sort -n | awk '{ v[NR] = $1 } END {
            n = NR; printf "%.1f", ((n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) / 1e6 }')"
    else
        set_row wake_up "$mon" "$(na "never hibernates")"
    fi
    log "[$mon] wake: latency us ${lat[*]}; CPU s ${cpu[*]}${up[*]:+; awake us ${up[*]}}"
}

# 3c. the floor under any JVM monitor: IDLE_N plain JVMs (bench/floor/Idle.java: print a line, sleep) on the
#     install tree's runtime with conmon-j's JVM options and an AOT cache of their own; PSS per process.
#     The C conmon has no such floor (its column is n/a).
bench_floor() {
    local mon=$1 root work opts=() line i pids=() sum=0 kb
    [ "$mon" = j ] || { set_row floor_pss "$mon" "$(na "no JVM")"; return; }
    root=$(cd "$(dirname "$CONMONJ")/.." && pwd)
    local javac=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac
    [ -x "$javac" ] || { set_row floor_pss "$mon" "$(na "no javac at $javac")"; return; }
    work=$(mktemp -d /tmp/conmonj-bench-floor.XXXXXX)
    while read -r line; do
        [[ -z $line || $line == \#* || $line == -XX:AOTCache=* ]] && continue
        opts+=("${line//@ROOT@/$root}")
    done < "$root/conf/jvm.options"
    # an AOT cache takes its classes from jars only
    "$javac" -d "$work/classes" "$here/floor/Idle.java" && "$(dirname "$javac")/jar" cf "$work/idle.jar" -C "$work/classes" .
    "$root/runtime/bin/java" "${opts[@]}" -XX:AOTCacheOutput="$work/idle.aot" -cp "$work/idle.jar" Idle 1 >/dev/null 2>&1 \
        || { set_row floor_pss "$mon" "$(na "AOT training failed")"; rm -rf "$work"; return; }
    log "[$mon] floor: $IDLE_N x $root/runtime/bin/java (jvm.options, own AOT cache) Idle, settle ${SETTLE}s"
    for (( i = 1; i <= IDLE_N; i++ )); do
        "$root/runtime/bin/java" "${opts[@]}" -XX:AOTCache="$work/idle.aot" -cp "$work/idle.jar" Idle 600 >/dev/null 2>&1 &
        pids+=($!)
    done
    sleep "$SETTLE"
    for i in "${pids[@]}"; do
        kb=$(smaps_kb "$i" Pss) || { kb=; break; }
        sum=$(( sum + kb ))
    done
    if [ -n "$kb" ]; then
        set_row floor_pss "$mon" "$(mib $(( sum / IDLE_N )))"
        log "[$mon] floor breakdown: $("$here/mem-breakdown.sh" "${pids[@]}" | awk -v n="$IDLE_N" '{ printf "%s %.2f ", $1, $2 / n / 1024 }')"
    else
        set_row floor_pss "$mon" "$(na "a plain JVM exited")"
    fi
    kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null
    rm -rf "$work"
}

# 3d. the same idle monitors with the host's same-page merging on (/sys/kernel/mm/ksm/run = 1, an
#     operator's setting, at the kernel's scan rate unless BENCH_KSM_PAGES is set; the benchmark turns it
#     on and restores it), conmon-j in CONMONJ_MEMORY_SHARING mode ksm (the default) and ksm-fixed-layout.
#     Measured once merging settled: two full scans after the last container started whose pages_sharing
#     differ by < 2 %, at most BENCH_KSM_WAIT s. The kernel's own cost is shown next to it: ksmd's CPU over
#     the next BENCH_KSM_CPU_WINDOW s, and 64 bytes of kernel memory (struct ksm_rmap_item) per page the
#     monitors' ksm_stat counts as scanned.
KSM=/sys/kernel/mm/ksm
KSM_WAIT=${BENCH_KSM_WAIT:-300}
KSM_CPU_WINDOW=${BENCH_KSM_CPU_WINDOW:-60}
declare -A KSM_SAVED=()
ksm_on() {
    [ -w "$KSM/run" ] || return 1
    if [ -z "${KSM_SAVED[run]:-}" ]; then
        local f; for f in run pages_to_scan; do KSM_SAVED[$f]=$(cat "$KSM/$f"); done
    fi
    [ -n "${BENCH_KSM_PAGES:-}" ] && echo "$BENCH_KSM_PAGES" > "$KSM/pages_to_scan"
    echo 1 > "$KSM/run"
}
# back to the host's settings; pages merged while the benchmark had turned merging on are unmerged
ksm_restore() {
    [ -n "${KSM_SAVED[run]:-}" ] || return 0
    [ "${KSM_SAVED[run]}" = 0 ] && echo 2 > "$KSM/run"
    echo "${KSM_SAVED[pages_to_scan]}" > "$KSM/pages_to_scan"
    echo "${KSM_SAVED[run]}" > "$KSM/run"
    KSM_SAVED=()
}
ksm_settle() { # prints the seconds it took, or returns 1
    local t0 scans last=-1 now sharing
    # ksmd scans nothing, and counts no full scan, while no process opted in (the C conmon does not)
    local pid stats=()
    for pid in "${IDLE_PIDS[@]}"; do stats+=("/proc/$pid/ksm_stat"); done
    grep -qs -e '^ksm_merge_any: yes' -e '^ksm_mergeable: yes' "${stats[@]}" || { echo 0; return 0; }
    t0=$(date +%s)
    scans=$(cat "$KSM/full_scans")
    while (( $(date +%s) - t0 < KSM_WAIT )); do
        sleep 1
        now=$(cat "$KSM/full_scans")
        (( now > scans )) || continue
        scans=$now
        sharing=$(cat "$KSM/pages_sharing")
        # settled: two full scans in a row within 2 % (0 and 0 where nothing merges, as for the C conmon)
        if (( last >= 0 )) && (( (sharing - last) * 50 <= sharing && (last - sharing) * 50 <= sharing )); then
            echo $(( $(date +%s) - t0 )); return 0
        fi
        last=$sharing
    done
    return 1
}
bench_ksm() { bench_ksm_mode "$1" ksm ksm; }
bench_ksm_fixed() { bench_ksm_mode "$1" ksmf ksm-fixed-layout; }
bench_ksm_mode() {
    local mon=$1 prefix=$2 mode=$3 rows=("$2_pss" "$2_kern" "$2_cpu" "$2_wait") ksmd
    ksmd=$(pgrep -x ksmd | head -n 1)
    [ -n "$ksmd" ] && ksm_on || { set_rows_na "$mon" "no KSM in this kernel" "${rows[@]}"; return; }
    # the JVMs stay awake (CONMONJ_HIBERNATE=off): merging takes longer than the hibernation delay
    [ "$mon" = j ] && sandbox_conmon_env "CONMONJ_MEMORY_SHARING=$mode" CONMONJ_HIBERNATE=off
    ksm_measure "$mon" "$prefix" "$mode" "$ksmd" || set_rows_na "$mon" "$KSM_WHY" "${rows[@]}"
    [ "$mon" = j ] && sandbox_conmon_env
    reset_containers
    ksm_restore
}
# ksm_measure MON PREFIX MODE KSMD_PID: the rows of one mode, or KSM_WHY and return 1
ksm_measure() {
    local mon=$1 prefix=$2 mode=$3 ksmd=$4 secs pss pid items=0 n k0 k1
    start_idle "$mon" || { KSM_WHY=$IDLE_WHY; return 1; }
    secs=$(ksm_settle) || { KSM_WHY="merging did not settle within ${KSM_WAIT}s"; return 1; }
    pss=$(idle_pss_kb) || { KSM_WHY=$pss; return 1; }
    for pid in "${IDLE_PIDS[@]}"; do
        n=$(awk '$1 == "ksm_rmap_items" { print $2 }' "/proc/$pid/ksm_stat" 2>/dev/null)
        items=$(( items + ${n:-0} ))
    done
    k0=$(cpu_s "$ksmd"); sleep "$KSM_CPU_WINDOW"; k1=$(cpu_s "$ksmd")
    set_row "${prefix}_pss" "$mon" "$(mib $(( pss / IDLE_N )))"
    set_row "${prefix}_kern" "$mon" "$(mib $(( items * 64 / 1024 / IDLE_N )))"
    set_row "${prefix}_cpu" "$mon" "$(awk -v a="$k0" -v b="$k1" -v w="$KSM_CPU_WINDOW" 'BEGIN { printf "%.1f", (b - a) * 100 / w }')"
    set_row "${prefix}_wait" "$mon" "$secs"
    log "[$mon] KSM $mode: settled in ${secs}s, pages_sharing $(cat "$KSM/pages_sharing"), rmap items $items"
}

# 3e. memory given back after a burst: one monitor's PSS (guardian included) idle, right after
#     BENCH_MB of output, and BURST_WAIT s later (issue 12: back within 1.2x the idle figure in 30 s); conmon-j's
#     JVM kept awake (CONMONJ_HIBERNATE=off): the row is about what the JVM gives back, and BURST_WAIT is longer
#     than the hibernation delay
MEM_ROWS="mem_aot mem_heap mem_meta mem_code mem_malloc mem_stacks mem_libjvm mem_files mem_other"
BURST_WAIT=${BENCH_BURST_WAIT:-30}
bench_burst() { awake "$1" burst_measure "$1"; }
burst_measure() {
    local mon=$1 rows=(burst_idle burst_end burst_later burst_ratio) ctr rc pid logf deadline procs p0 p1 p2
    local bytes=$(( MB * 1000000 ))
    log "[$mon] burst: PSS idle, after $MB MB of output, and ${BURST_WAIT}s later"
    ctr=$(pm "$mon" run -d --log-driver k8s-file "$IMAGE" sh -c \
        'echo BENCH-START; sleep "$2"; yes "$0" | head -c "$1"; echo BENCH-END; sleep 600' \
        "$PAYLOAD" "$bytes" "$(( SETTLE + 3 ))"); rc=$?
    if (( rc != 0 )); then set_rows_na "$mon" "run -d failed: $(why $rc)" "${rows[@]}"; return; fi
    if ! pid=$(monitor_pid "$ctr" "$mon"); then set_rows_na "$mon" "$pid" "${rows[@]}"; return; fi
    logf=$(pq inspect --format '{{.HostConfig.LogConfig.Path}}' "$ctr") && [ -n "$logf" ] || {
        set_rows_na "$mon" "no log path from inspect" "${rows[@]}"; return; }
    mapfile -t procs < <(monitor_procs "$pid" "$mon")
    sleep "$SETTLE"   # the payload starts SETTLE + 3 s after the container
    p0=$(procs_kb Pss "${procs[@]}") || { set_rows_na "$mon" "monitor exited" "${rows[@]}"; return; }
    deadline=$(( $(date +%s) + T_LOG ))
    until tail -c 4096 "$logf" 2>/dev/null | grep -q BENCH-END; do
        if (( $(date +%s) >= deadline )) || [ ! -e "/proc/$pid" ]; then
            set_rows_na "$mon" "marker not logged" "${rows[@]}"; return
        fi
        sleep 0.05
    done
    p1=$(procs_kb Pss "${procs[@]}") || { set_rows_na "$mon" "monitor exited" "${rows[@]}"; return; }
    sleep "$BURST_WAIT"
    p2=$(procs_kb Pss "${procs[@]}") || { set_rows_na "$mon" "monitor exited" "${rows[@]}"; return; }
    set_row burst_idle "$mon" "$(mib "$p0")"
    set_row burst_end "$mon" "$(mib "$p1")"
    set_row burst_later "$mon" "$(mib "$p2")"
    set_row burst_ratio "$mon" "$(awk -v a="$p2" -v b="$p0" 'BEGIN { printf "%.2f", a / b }')"
}

# 4. k8s-file throughput and monitor CPU
# Each payload line is 99 characters + newline = 100 bytes, so MB*10^6 bytes are whole lines.
PAYLOAD=$(printf 'conmon-bench-payload-%078d' 0)
bench_k8s() {
    measure_k8s "$1" k8s
}

# 4b. the same with one C log plugin (the example file plugin) loaded next to k8s-file: in its own
#     conmon-j-plugin-host process (the default isolation; the host's CPU is its own row), and in the
#     monitor's process (isolation=in-process, the administrator's choice for trusted plugins)
bench_plugin() { bench_c_plugin "$1" plug process; }
bench_plugin_inproc() { bench_c_plugin "$1" plugi in-process; }
bench_c_plugin() {
    local mon=$1 prefix=$2 isolation=$3 so=$repo/examples/target/plugins/file-plugin.so out
    local rows=("${prefix}_mbs" "${prefix}_cpu" "${prefix}_cpu0")
    [ "$isolation" = process ] && rows+=("${prefix}_hcpu")
    if [ "$mon" = c ]; then
        set_rows_na c "the C conmon has no log plugins" "${rows[@]}"; return
    fi
    [ -f "$so" ] || { set_rows_na "$mon" "$so not built" "${rows[@]}"; return; }
    out=$(mktemp /var/tmp/conmonj-bench-plugin.XXXXXX)
    MEASURE_HOST_ROW=$([ "$isolation" = process ] && echo "${prefix}_hcpu") \
    measure_k8s "$mon" "$prefix" --annotation io.conmon-j.log-driver=c-plugin:f \
        --annotation "io.conmon-j.log-opt.f.plugin=file-plugin" --annotation "io.conmon-j.log-opt.f.path=$out" \
        --annotation "io.conmon-j.log-opt.f.isolation=$isolation"
    log "[$mon] file plugin ($isolation) wrote $(stat -c %s "$out") bytes"
    rm -f "$out"
}

# Summed utime+stime (s) of the conmon-j-plugin-host processes below PID (the monitor, or its guardian).
plugin_host_cpu_s() {
    local root=$1 pid total=0 c
    for pid in $(ps -e -o pid=,ppid=,comm= | awk -v r="$root" '
            { parent[$1] = $2; comm[$1] = $3 }
            END { for (p in comm) if (comm[p] == "conmon-j-plugin") {
                      q = p; while (q in parent && q != r && q > 1) q = parent[q]; if (q == r) print p } }'); do
        c=$(cpu_s "$pid") && total=$(awk -v a="$total" -v b="$c" 'BEGIN { printf "%.2f", a + b }')
    done
    echo "$total"
}

# 4c. the same with the json-file driver (Docker's format) selected next to k8s-file
bench_json() {
    local mon=$1 out
    if [ "$mon" = c ]; then
        set_rows_na c "the C conmon has no json-file driver" json_mbs json_cpu json_cpu0; return
    fi
    out=$(mktemp /var/tmp/conmonj-bench-json.XXXXXX)
    measure_k8s "$mon" json --annotation io.conmon-j.log-driver=json-file:j \
        --annotation "io.conmon-j.log-opt.j.path=$out"
    log "[$mon] json-file wrote $(stat -c %s "$out") bytes"
    rm -f "$out"
}

# 4d. the json-file driver alone: Podman's own log off (--log-driver none), json-file selected by
#     annotation; the figures come from json-file's own "time" fields
bench_jsonalone() {
    local mon=$1 out
    if [ "$mon" = c ]; then
        set_rows_na c "the C conmon has no json-file driver" jsa_mbs jsa_cpu jsa_cpu0; return
    fi
    out=$(mktemp /var/tmp/conmonj-bench-json.XXXXXX)
    MEASURE_JSON=$out measure_k8s "$mon" jsa --log-driver none --annotation io.conmon-j.log-driver=json-file:j \
        --annotation "io.conmon-j.log-opt.j.path=$out"
    rm -f "$out"
}

# 4e. Podman's --log-driver journald (-l journald), both monitors, into a private systemd-journald:
#     bench/journald.sh runs in its own mount namespace (unshare) with its own Podman store
bench_journald() {
    local mon=$1 dir r m v line
    if ! command -v unshare >/dev/null || [ ! -x /lib/systemd/systemd-journald ]; then
        set_rows_na "$mon" "needs unshare and /lib/systemd/systemd-journald" jd_mbs jd_cpu jd_cpu0; return
    fi
    dir=$(mktemp -d /var/tmp/conmonj-bench-jd.XXXXXX)
    JD_DIRS+=("$dir")
    while read -r line; do
        r=${line%% *}; line=${line#* }; m=${line%% *}; v=${line#* }
        set_row "$r" "$m" "$v"
    done < <(env JD_DIR="$dir" JD_SANDBOX_SH="$sandbox_sh" JD_MONS="$mon" JD_BIN_c="$CONMON_C" JD_BIN_j="$CONMONJ" \
                 MB="$JOURNALD_MB" PAYLOAD="$PAYLOAD" T_PODMAN="$T_PODMAN" T_WAIT="$T_WAIT" T_LOG="$T_LOG" \
                 timeout -k 5 $(( T_LOG + 4 * T_PODMAN )) unshare -m --propagation private bash "$here/journald.sh")
    for r in jd_mbs jd_cpu jd_cpu0; do
        [ -n "${R[$r:$mon]:-}" ] || set_row "$r" "$mon" "$(na "bench/journald.sh gave no figure")"
    done
    rm -rf "$dir"
}

# 4f. the remote drivers (drivers-contrib) next to k8s-file, in blocking mode (the default), each sending to
#     a loopback receiver: socat, storing what it reads so that its size can be checked (a sink, not a
#     collector: what is measured is the monitor's encoding and sending, not a collector's speed)
free_port() {
    local p
    while :; do
        p=$(( 20000 + RANDOM % 40000 ))
        ss -Hltun "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
    done
}
# bench_remote MON ROW DRIVER PROTO [extra annotations...]
bench_remote() {
    local mon=$1 row=$2 driver=$3 proto=$4 port out sink
    shift 4
    if [ "$mon" = c ]; then
        set_rows_na c "the C conmon has no $driver driver" "${row}_mbs" "${row}_cpu" "${row}_cpu0"; return
    fi
    command -v socat >/dev/null || {
        set_rows_na "$mon" "socat is not installed" "${row}_mbs" "${row}_cpu" "${row}_cpu0"; return; }
    port=$(free_port)
    out=$(mktemp /var/tmp/conmonj-bench-$driver.XXXXXX)
    if [ "$proto" = udp ]; then
        socat -u "UDP-RECV:$port,bind=127.0.0.1,rcvbuf=16777216" "OPEN:$out,wronly,append" &
    else
        socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" "OPEN:$out,wronly,append" &
    fi
    sink=$!
    SINK_PIDS+=("$sink")
    sleep 0.2
    measure_k8s "$mon" "$row" --annotation "io.conmon-j.log-driver=$driver" \
        --annotation "io.conmon-j.log-opt.$driver.$driver-address=$proto://127.0.0.1:$port" "$@"
    log "[$mon] $driver over $proto: the receiver got $(stat -c %s "$out") bytes"
    kill "$sink" 2>/dev/null; wait "$sink" 2>/dev/null
    rm -f "$out"
}
bench_syslog() { bench_remote "$1" sysl syslog tcp --annotation io.conmon-j.log-opt.syslog.syslog-format=rfc5424; }
bench_gelf_udp() { bench_remote "$1" gelfu gelf udp; }
bench_gelf_tcp() { bench_remote "$1" gelft gelf tcp; }
bench_fluentd() { bench_remote "$1" fluent fluentd tcp; }

# measure_k8s MON ROW-PREFIX [extra podman run args...]
# With MEASURE_JSON=PATH the log read is that json-file log instead of Podman's k8s-file log.
measure_k8s() {
    local mon=$1 prefix=$2 ctr rc pid logf deadline cpu0 cpu1 size first last t_first t_last
    local json=${MEASURE_JSON:-}
    shift 2
    local rows=("${prefix}_mbs" "${prefix}_cpu" "${prefix}_cpu0")
    local bytes=$(( MB * 1000000 ))
    log "[$mon] $prefix: container writes $MB MB to stdout"
    # the monitor is idle during "sleep 2" (CPU baseline), then logs the payload and a marker,
    # and the container stays alive 10 s so the monitor can be read right after the marker.
    local driver=(--log-driver k8s-file)
    [ -n "$json" ] && driver=()
    ctr=$(pm "$mon" run -d "${driver[@]}" "$@" "$IMAGE" sh -c \
        'echo BENCH-START; sleep 2; yes "$0" | head -c "$1"; echo BENCH-END; sleep 10' \
        "$PAYLOAD" "$bytes"); rc=$?
    if (( rc != 0 )); then set_rows_na "$mon" "run -d failed: $(why $rc)" "${rows[@]}"; return; fi
    if ! pid=$(monitor_pid "$ctr" "$mon"); then set_rows_na "$mon" "$pid" "${rows[@]}"; return; fi
    if [ -n "$json" ]; then
        logf=$json
    else
        logf=$(pq inspect --format '{{.HostConfig.LogConfig.Path}}' "$ctr") && [ -n "$logf" ] || {
            set_rows_na "$mon" "no log path from inspect" "${rows[@]}"; return; }
    fi

    deadline=$(( $(date +%s) + T_WAIT ))
    until [ -f "$logf" ] && grep -q BENCH-START "$logf" 2>/dev/null; do
        if (( $(date +%s) >= deadline )); then
            set_rows_na "$mon" "BENCH-START not logged within ${T_WAIT}s" "${rows[@]}"; return
        fi
        sleep 0.05
    done
    cpu0=$(cpu_s "$pid") || { set_rows_na "$mon" "monitor $pid exited early" "${rows[@]}"; return; }
    local hcpu0=0 hcpu1=0
    [ -n "${MEASURE_HOST_ROW:-}" ] && hcpu0=$(plugin_host_cpu_s "$pid")
    size=$(stat -c %s "$logf")
    (( size > 1000000 )) && log "warning: [$mon] payload started before the CPU baseline was read ($size bytes logged)"

    deadline=$(( $(date +%s) + T_LOG ))
    until tail -c 4096 "$logf" 2>/dev/null | grep -q BENCH-END; do
        if (( $(date +%s) >= deadline )); then
            set_rows_na "$mon" "marker not logged within ${T_LOG}s" "${rows[@]}"; return
        fi
        if [ ! -e "/proc/$pid" ]; then
            set_rows_na "$mon" "monitor exited before logging the marker" "${rows[@]}"; return
        fi
        sleep 0.05
    done
    cpu1=$(cpu_s "$pid") || { set_rows_na "$mon" "monitor exited right after the marker" "${rows[@]}"; return; }
    [ -n "${MEASURE_HOST_ROW:-}" ] && hcpu1=$(plugin_host_cpu_s "$pid")

    # record timestamps: the first record after BENCH-START's, and the marker's
    if [ -n "$json" ]; then
        first=$(awk 'f { print; exit } /"log":"BENCH-START\\n"/ { f = 1 }' "$logf" | sed 's/.*"time":"\([^"]*\)".*/\1/')
        last=$(tail -c 4096 "$logf" | grep -F '"log":"BENCH-END\n"' | tail -n 1 | sed 's/.*"time":"\([^"]*\)".*/\1/')
    else
        first=$(awk 'f { print $1; exit } / BENCH-START$/ { f = 1 }' "$logf")
        last=$(tail -c 4096 "$logf" | grep -F BENCH-END | tail -n 1 | cut -d' ' -f1)
    fi
    t_first=$(date -d "$first" +%s%N 2>/dev/null) && t_last=$(date -d "$last" +%s%N 2>/dev/null) || {
        set_rows_na "$mon" "unparsable record timestamps '$first' / '$last'" "${rows[@]}"; return; }
    (( t_last > t_first )) || { set_rows_na "$mon" "marker not after the first record" "${rows[@]}"; return; }

    # check that the log holds the whole payload: the stdout bytes the records carry (content,
    # plus the newline of each full "F" record) minus "BENCH-START\n" and "BENCH-END\n"
    local logged
    if [ -n "$json" ]; then
        # the "log" string of each stdout record; the payload has no escapes but its "\n" (2 characters, 1 byte)
        logged=$(LC_ALL=C awk -F'"' '$8 == "stdout" { s = $4; n += length(s) - (s ~ /\\n$/) }
            END { printf "%.0f", n - 22 }' "$logf")
    else
        logged=$(LC_ALL=C awk '$2 == "stdout" { n += length($0) - length($1) - length($2) - length($3) - 3 + ($3 == "F") }
            END { printf "%.0f", n - 22 }' "$logf")
    fi
    local mbs
    mbs=$(awk -v b="$bytes" -v ns=$(( t_last - t_first )) 'BEGIN { printf "%.0f", b / 1e6 / (ns / 1e9) }')
    if [ "$logged" != "$bytes" ]; then
        mbs="$mbs (log holds $logged of $bytes payload bytes!)"
        log "warning: [$mon] ${json:+json-file}${json:-k8s-file} log holds $logged of $bytes payload bytes"
    fi
    set_row "${prefix}_mbs" "$mon" "$mbs"
    set_row "${prefix}_cpu" "$mon" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')"
    set_row "${prefix}_cpu0" "$mon" "$cpu0"
    if [ -n "${MEASURE_HOST_ROW:-}" ]; then
        set_row "$MEASURE_HOST_ROW" "$mon" "$(awk -v a="$hcpu0" -v b="$hcpu1" 'BEGIN { printf "%.2f", b - a }')"
    fi
    log "[$mon] $prefix: $MB MB in $(( (t_last - t_first) / 1000000 )) ms, monitor CPU $cpu0 s before, $cpu1 s at marker"
}

# ---------------------------------------------------------------- run
SANDBOX_DIR=$(mktemp -d /var/tmp/conmonj-bench.XXXXXX)
log "sandbox $SANDBOX_DIR: importing the busybox image"
sandbox_init "$SANDBOX_DIR" || die "sandbox_init failed (podman import)"
timeout -k 5 "$T_PODMAN" "${PODMAN[@]}" image exists "$IMAGE" || die "image $IMAGE missing after sandbox_init"

# Preflight, per monitor: binary, --version, Podman really picks it, and one container runs
# with it as its monitor. A monitor failing here gets n/a in every row, with the reason.
declare -A MON_VERSION=() MON_EXE=()
preflight() {
    local mon=$1 bin=${MON_BIN[$1]} v picked ctr pid rc
    [ -e "$bin" ] || { MON_NA[$mon]="no binary at $bin"; MON_NA_SHORT[$mon]="not built"; return; }
    [ -x "$bin" ] || { MON_NA[$mon]="$bin is not executable"; MON_NA_SHORT[$mon]="not executable"; return; }
    # the line Podman parses is "conmon version X.Y.Z"; show any other first line too
    local out first
    out=$(timeout -k 5 30 "$bin" --version 2>"$ERRF" | head -n 5); rc=$?
    first=$(head -n 1 <<<"$out" | tr '|' '/' | cut -c1-100)
    v=$(grep -m 1 'version' <<<"$out" || echo "$first")
    if (( rc != 0 )) || [ -z "$v" ]; then
        MON_NA[$mon]="--version failed: $(why $rc)"; MON_NA_SHORT[$mon]="--version failed"; return
    fi
    MON_VERSION[$mon]=$v
    picked=$(pm "$mon" info --format '{{.Host.Conmon.Path}}'); rc=$?
    if (( rc != 0 )) || [ "$(readlink -f "$picked")" != "$(readlink -f "$bin")" ]; then
        MON_NA[$mon]="Podman does not use it (picked '$picked'): $(why $rc)"
        [[ $first == "conmon version "* ]] || MON_NA[$mon]+="; first line of its --version stdout: '$first'"
        MON_NA_SHORT[$mon]="rejected by Podman"; return
    fi
    log "[$mon] smoke test: podman --conmon $bin run -d $IMAGE sleep 600"
    ctr=$(pm "$mon" run -d "$IMAGE" sleep 600); rc=$?
    if (( rc != 0 )); then
        MON_NA[$mon]="podman run with it failed: $(why $rc)"; MON_NA_SHORT[$mon]="podman run failed"
    elif ! pid=$(monitor_pid "$ctr" "$mon"); then
        MON_NA[$mon]="$pid"; MON_NA_SHORT[$mon]="no monitor process"
    else
        MON_EXE[$mon]=$(readlink "/proc/$pid/exe")
    fi
    reset_containers
}
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
reset_containers
for mon in "${MONS[@]}"; do
    preflight "$mon"
    [ -n "${MON_NA[$mon]:-}" ] && log "[$mon] column is n/a: ${MON_NA[$mon]}"
done
c_version=${MON_VERSION[c]:-$("$CONMON_C" --version 2>&1 | head -n 1)}

facts() {
    echo "## conmon (C) vs conmon-j — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) CPUs, kernel $(uname -r), load average at start $LOAD0"
    echo "- $(podman --version), $(runc --version | head -n 1)"
    local mon name
    for mon in "${MONS[@]}"; do
        [ "$mon" = c ] && name="conmon (C)" || name=conmon-j
        if [ -n "${MON_NA[$mon]:-}" ]; then
            echo "- $name: \`${MON_BIN[$mon]}\`: n/a (${MON_NA[$mon]})"
        else
            echo "- $name: \`${MON_BIN[$mon]}\`: ${MON_VERSION[$mon]}; monitor process runs \`${MON_EXE[$mon]}\`"
        fi
    done
    echo "- settings: BENCH_RUNS=$RUNS BENCH_IDLE_N=$IDLE_N BENCH_MB=$MB BENCH_JOURNALD_MB=$JOURNALD_MB BENCH_SETTLE=$SETTLE BENCH_HIBERNATE_DELAY=$HIB_DELAY${BENCH_SECTIONS:+ BENCH_SECTIONS=\"$BENCH_SECTIONS\"}"
}

sections=(bench_latency bench_policy bench_exec bench_handoff bench_idle1 bench_idleN bench_idle_hibernated bench_wake bench_floor bench_ksm bench_ksm_fixed bench_burst bench_k8s bench_plugin bench_plugin_inproc bench_json bench_jsonalone
          bench_journald bench_syslog bench_gelf_udp bench_gelf_tcp bench_fluentd)
declare -A SECTION_ROWS=(
    [bench_latency]="lat_p50 lat_p90"
    [bench_policy]="pol_none pol_with"
    [bench_exec]="exec_p50"
    [bench_handoff]="hand_exit hand_ready"
    [bench_idle1]="idle1_rss idle1_pss idle1_thr"
    [bench_idleN]="idleN_pss idleN_rss mem_aot mem_heap mem_meta mem_code mem_malloc mem_stacks mem_libjvm mem_files mem_other"
    [bench_idle_hibernated]="hib_pss hib_rss hib_jvms hib_kinds"
    [bench_wake]="wake_lat wake_p90 wake_cpu wake_up"
    [bench_floor]="floor_pss"
    [bench_ksm]="ksm_pss ksm_kern ksm_cpu ksm_wait"
    [bench_ksm_fixed]="ksmf_pss ksmf_kern ksmf_cpu ksmf_wait"
    [bench_burst]="burst_idle burst_end burst_later burst_ratio"
    [bench_k8s]="k8s_mbs k8s_cpu k8s_cpu0"
    [bench_plugin]="plug_mbs plug_cpu plug_hcpu plug_cpu0"
    [bench_plugin_inproc]="plugi_mbs plugi_cpu plugi_cpu0"
    [bench_json]="json_mbs json_cpu json_cpu0"
    [bench_jsonalone]="jsa_mbs jsa_cpu jsa_cpu0"
    [bench_journald]="jd_mbs jd_cpu jd_cpu0"
    [bench_syslog]="sysl_mbs sysl_cpu sysl_cpu0"
    [bench_gelf_udp]="gelfu_mbs gelfu_cpu gelfu_cpu0"
    [bench_gelf_tcp]="gelft_mbs gelft_cpu gelft_cpu0"
    [bench_fluentd]="fluent_mbs fluent_cpu fluent_cpu0")
# BENCH_SECTIONS: only these sections (function names, e.g. "bench_k8s bench_fluentd"); the others print n/a
if [ -n "${BENCH_SECTIONS:-}" ]; then
    for s in $BENCH_SECTIONS; do
        [ -n "${SECTION_ROWS[$s]:-}" ] || die "BENCH_SECTIONS: unknown section '$s' (known: ${sections[*]})"
    done
    read -r -a sections <<<"$BENCH_SECTIONS"
fi
for s in "${sections[@]}"; do
    for mon in "${MONS[@]}"; do
        if [ -n "${MON_NA[$mon]:-}" ]; then
            # shellcheck disable=SC2086
            set_rows_na "$mon" "${MON_NA_SHORT[$mon]}, see above" ${SECTION_ROWS[$s]}
            continue
        fi
        "$s" "$mon"
        reset_containers   # sections and monitors never overlap
    done
done

# ---------------------------------------------------------------- report
ROW_IDS=(lat_p50 lat_p90 pol_none pol_with exec_p50 hand_exit hand_ready idle1_rss idle1_pss idle1_thr idleN_pss idleN_rss $MEM_ROWS
         hib_pss hib_rss hib_jvms hib_kinds wake_lat wake_p90 wake_cpu wake_up floor_pss ksm_pss ksm_kern ksm_cpu ksm_wait ksmf_pss ksmf_kern ksmf_cpu ksmf_wait burst_idle burst_end burst_later burst_ratio k8s_mbs k8s_cpu k8s_cpu0 plug_mbs plug_cpu plug_hcpu plug_cpu0 plugi_mbs plugi_cpu plugi_cpu0 json_mbs json_cpu json_cpu0 jsa_mbs jsa_cpu jsa_cpu0 jd_mbs jd_cpu jd_cpu0 sysl_mbs sysl_cpu gelfu_mbs gelfu_cpu gelft_mbs gelft_cpu fluent_mbs fluent_cpu)
declare -A ROW_NAME=(
    [lat_p50]="\`podman run --rm IMG true\`, median of $RUNS (ms)"
    [lat_p90]="\`podman run --rm IMG true\`, p90 of $RUNS (ms)"
    [pol_none]="monitor invokes the runtime after the start byte, no policy file, median of $RUNS (ms)"
    [pol_with]="monitor invokes the runtime after the start byte, with a policy file, median of $RUNS (ms)"
    [exec_p50]="\`podman exec CTR true\`, median of $RUNS (ms)"
    [hand_exit]="launcher exits after the start byte, median of $RUNS (ms)"
    [hand_ready]="monitor invokes the runtime after the start byte, median of $RUNS (ms)"
    [idle1_rss]="idle, 1 container, awake (conmon-j: CONMONJ_HIBERNATE=off): monitor RSS (MiB)"
    [idle1_pss]="idle, 1 container, awake: monitor PSS (MiB; conmon-j: JVM + guardian)"
    [idle1_thr]="idle, 1 container, awake: monitor threads"
    [idleN_pss]="idle, $IDLE_N containers, awake (conmon-j: CONMONJ_HIBERNATE=off): PSS per monitor (MiB; conmon-j: JVM + guardian)"
    [idleN_rss]="idle, $IDLE_N containers, awake: mean monitor RSS (MiB)"
    [mem_aot]="… of which AOT cache (MiB)"
    [mem_heap]="… of which Java heap (MiB)"
    [mem_meta]="… of which metaspace and class space (MiB)"
    [mem_code]="… of which code cache (MiB)"
    [mem_malloc]="… of which malloc arenas (MiB)"
    [mem_stacks]="… of which thread stacks (MiB)"
    [mem_libjvm]="… of which libjvm.so (relocated data, .bss, shared code) (MiB)"
    [mem_files]="… of which other file mappings (libraries, jimage) (MiB)"
    [mem_other]="… of which other anonymous memory (MiB)"
    [hib_pss]="idle, $IDLE_N containers, hibernated (conmon-j's default delay; read 2 × $HIB_DELAY + $SETTLE s after the last start): PSS per monitor (MiB; conmon-j: guardian + any JVM)"
    [hib_rss]="idle, $IDLE_N containers, hibernated: mean monitor RSS (MiB)"
    [hib_jvms]="… JVMs still running (of $IDLE_N)"
    [hib_kinds]="… of which, by kind (MiB per monitor; bench/mem-breakdown.sh)"
    [wake_lat]="wake: a line into a hibernated container's stdout until its k8s-file record, median of $RUNS (ms; conmon-j: CONMONJ_HIBERNATE=$WAKE_DELAY; the C conmon never sleeps)"
    [wake_p90]="wake: the same, p90 of $RUNS (ms)"
    [wake_cpu]="wake: monitor CPU per wake, median of $RUNS (s; conmon-j: guardian + the resumed JVM until it hibernates again)"
    [wake_up]="wake: seconds the resumed JVM runs per wake, median of $RUNS"
    [floor_pss]="floor: $IDLE_N plain JVMs (print a line, sleep) with the monitor's runtime, JVM options and an own AOT cache: PSS per process (MiB)"
    [ksm_pss]="idle, $IDLE_N containers, awake, host KSM on, conmon-j's default (ksm): PSS per monitor (MiB)"
    [ksm_kern]="… kernel memory for merging, per monitor (MiB; 64 B per scanned page)"
    [ksm_cpu]="… ksmd CPU over ${KSM_CPU_WINDOW} s once settled (% of one CPU, all monitors)"
    [ksm_wait]="… seconds until merging settled"
    [ksmf_pss]="idle, $IDLE_N containers, awake, host KSM on, CONMONJ_MEMORY_SHARING=ksm-fixed-layout: PSS per monitor (MiB)"
    [ksmf_kern]="… kernel memory for merging, per monitor (MiB; 64 B per scanned page)"
    [ksmf_cpu]="… ksmd CPU over ${KSM_CPU_WINDOW} s once settled (% of one CPU, all monitors)"
    [ksmf_wait]="… seconds until merging settled"
    [burst_idle]="burst: monitor PSS idle, before $MB MB of output (MiB)"
    [burst_end]="burst: monitor PSS right after $MB MB of output (MiB)"
    [burst_later]="burst: monitor PSS ${BURST_WAIT} s after the burst (MiB)"
    [burst_ratio]="burst: PSS ${BURST_WAIT} s after ÷ idle PSS (same monitor; goal ≤ 1.2)"
    [k8s_mbs]="k8s-file, $MB MB of stdout: MB/s (record timestamps)"
    [k8s_cpu]="k8s-file, $MB MB of stdout: monitor CPU s while logging"
    [k8s_cpu0]="k8s-file: monitor CPU s from start to first output"
    [plug_mbs]="k8s-file + C file plugin (own process), $MB MB of stdout: MB/s (record timestamps)"
    [plug_cpu]="k8s-file + C file plugin (own process), $MB MB of stdout: monitor CPU s while logging"
    [plug_hcpu]="k8s-file + C file plugin (own process), $MB MB of stdout: plugin host CPU s while logging"
    [plug_cpu0]="k8s-file + C file plugin (own process): monitor CPU s from start to first output"
    [plugi_mbs]="k8s-file + C file plugin (in process), $MB MB of stdout: MB/s (record timestamps)"
    [plugi_cpu]="k8s-file + C file plugin (in process), $MB MB of stdout: monitor CPU s while logging"
    [plugi_cpu0]="k8s-file + C file plugin (in process): monitor CPU s from start to first output"
    [json_mbs]="k8s-file + json-file, $MB MB of stdout: MB/s (record timestamps)"
    [json_cpu]="k8s-file + json-file, $MB MB of stdout: monitor CPU s while logging"
    [json_cpu0]="k8s-file + json-file: monitor CPU s from start to first output"
    [jsa_mbs]="json-file alone, $MB MB of stdout: MB/s (record timestamps)"
    [jsa_cpu]="json-file alone, $MB MB of stdout: monitor CPU s while logging"
    [jsa_cpu0]="json-file alone: monitor CPU s from start to first output"
    [jd_mbs]="journald (\`-l journald\`), $JOURNALD_MB MB of stdout: MB/s (journal receive times)"
    [jd_cpu]="journald, $JOURNALD_MB MB of stdout: monitor CPU s while logging"
    [jd_cpu0]="journald: monitor CPU s from start to first output"
    [sysl_mbs]="k8s-file + syslog (RFC 5424, TCP octet-counted, loopback), $MB MB of stdout: MB/s"
    [sysl_cpu]="k8s-file + syslog (RFC 5424, TCP), $MB MB: monitor CPU s while logging"
    [gelfu_mbs]="k8s-file + gelf (UDP, gzip), $MB MB of stdout: MB/s"
    [gelfu_cpu]="k8s-file + gelf (UDP, gzip), $MB MB: monitor CPU s while logging"
    [gelft_mbs]="k8s-file + gelf (TCP), $MB MB of stdout: MB/s"
    [gelft_cpu]="k8s-file + gelf (TCP), $MB MB: monitor CPU s while logging"
    [fluent_mbs]="k8s-file + fluentd (forward, TCP), $MB MB of stdout: MB/s"
    [fluent_cpu]="k8s-file + fluentd (forward, TCP), $MB MB: monitor CPU s while logging")

ratio() {
    local c=$1 j=$2
    [[ $c =~ ^[0-9.]+$ && $j =~ ^[0-9.]+$ ]] || { echo "–"; return; }
    awk -v c="$c" -v j="$j" 'BEGIN { if (c + 0 == 0) print "–"; else printf "%.2f×\n", j / c }'
}

report() {
    facts
    echo
    echo "| metric | conmon (C) ${c_version##* } | conmon-j | ratio |"
    echo "|---|---|---|---|"
    local r
    for r in "${ROW_IDS[@]}"; do
        echo "| ${ROW_NAME[$r]} | ${R[$r:c]:-n/a} | ${R[$r:j]:-n/a} | $(ratio "${R[$r:c]:-}" "${R[$r:j]:-}") |"
    done
    cat <<NOTES

ratio = conmon-j ÷ C (above 1 means more time or memory, or more MB/s for the throughput row).
- latency: wall time of a whole \`podman run --rm IMG true\` (Podman, runc and the monitor, including
  Podman's own \`conmon --version\` probe), after one warm-up run; p90 by nearest rank.
- policy: the hand-off below, alternately without \`CONMONJ_POLICY\` (nothing to read unless
  /etc/conmon-j/policy.conf exists) and with the sandbox's policy file, which the monitor checks (ownership,
  lstat) and parses before it invokes the runtime. The Podman rows all run with that policy.
- exec: \`podman exec CTR true\` against a running \`sleep\` container, after one warm-up exec.
- hand-off: the launcher started by hand with a FIFO as start pipe and a stand-in runtime
  that records the time it was invoked; measured from the start byte.
- idle, 1 container: \`podman run -d IMG sh -c 'echo idle; exec sleep 600'\` (one line logged, as a real
  container has), ${SETTLE} s to settle, then the ConmonPid
  process's Rss/Pss from /proc/PID/smaps_rollup and Threads from /proc/PID/status.
- awake: conmon-j's monitors with CONMONJ_HIBERNATE=off (idle, KSM and burst rows), so their JVM is measured
  whatever the timing.
- idle, 1 and $IDLE_N containers: a monitor is every process of it (conmon-j: the JVM and the C guardian
  that stays its parent); $IDLE_N such containers at once; sum of the monitors' Pss ÷ $IDLE_N
  (shared pages counted once across them) and the mean Rss.
- "… of which": the same Pss split by kind of mapping in /proc/PID/smaps (bench/mem-breakdown.sh;
  method in bench/README.md); the kinds add up to the PSS row.
- hibernated: the same $IDLE_N containers with conmon-j's default hibernation delay, read 2 × ${HIB_DELAY} + ${SETTLE} s
  after the last one started (the monitor hibernates one to two delays after its last event); a monitor is the ConmonPid's tree (conmon-j: the guardian and any JVM running
  under it), the kinds as above, those that hold any memory.
- wake: one such container, conmon-j with CONMONJ_HIBERNATE=$WAKE_DELAY; $RUNS times, once the JVM has hibernated,
  a line written into the container's stdout pipe (/proc/PID/fd/1 of its pid 1); latency from just before the
  write to the record's timestamp; CPU = utime+stime+cutime+cstime of the ConmonPid from the write until the
  resumed JVM has hibernated again and been reaped (the C conmon: until the line is logged).
- floor: $IDLE_N plain JVMs (bench/floor/Idle.java: print a line, sleep) on conmon-j's runtime with its JVM options
  and an AOT cache of their own: what any JVM monitor costs at least (the C conmon has no JVM).
- host KSM on: the same idle containers with the kernel's same-page merging turned on (restored afterwards),
  conmon-j in CONMONJ_MEMORY_SHARING mode ksm (its default) or ksm-fixed-layout, read once two full scans agree;
  ksmd's CPU over ${KSM_CPU_WINDOW} s after that, and 64 B of kernel memory per page the monitors' ksm_stat counts.
- burst: one container that waits, writes $MB MB and sleeps; the monitor's Pss before the payload,
  when the marker is logged, and ${BURST_WAIT} s later.
- k8s-file: \`podman run -d --log-driver k8s-file\` of a container that prints one line, sleeps 2 s,
  then writes $MB×10^6 bytes of 100-byte lines (\`yes | head -c\`) and a marker line.
  MB/s = payload bytes ÷ (marker record's timestamp − first payload record's timestamp), both
  written by the monitor into the log, so container start-up is excluded. CPU = the monitor's
  utime+stime (/proc/PID/stat) when the marker is logged minus its value before the payload.
- k8s-file + C file plugin: the same container with the example file plugin
  (examples/target/plugins/file-plugin.so) selected by annotation next to the k8s-file log, in its
  own conmon-j-plugin-host process (the default; one RECORDS frame per read; the host's CPU is
  summed over the conmon-j-plugin-host processes below the monitor) and in process
  (\`isolation=in-process\`, JNA direct mapping through lib/native/libconmonj-plugin-call.so).
- k8s-file + json-file: the same with the json-file driver (Docker's format) selected by annotation.
- json-file alone: the same with \`--log-driver none\` and json-file selected by annotation; times
  from json-file's "time" fields.
- journald: \`--log-driver journald\` into a private systemd-journald (no rate limit) in its own mount
  namespace; MB/s from the journal's receive times (__REALTIME_TIMESTAMP) of a line written right
  before the payload and of the marker, so journald's own speed is part of the figure; every
  payload line is checked to be one entry.
- remote drivers (syslog, gelf, fluentd; conmon-j's drivers-contrib): the k8s-file container with the
  driver selected by annotation, in blocking mode, sending to a socat on loopback that stores what it
  reads (a sink, not a collector, so the figure is the monitor's encoding and sending).
- the machine may be shared: treat differences under ~20 % as noise.
NOTES
}

mkdir -p "$OUT_DIR"
report | tee "$OUT_DIR/results.md"
log "saved $OUT_DIR/results.md"
