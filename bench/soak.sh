#!/usr/bin/env bash
# Soak benchmark (not run by CI): SOAK_N containers at once for SOAK_SECS seconds, each writing a
# mix of floods, long lines and partial lines, first under the C conmon (k8s-file), then under
# conmon-j (k8s-file plus the syslog driver to a loopback TCP sink). Prints, per monitor, the
# bytes the containers produced against the bytes their k8s-file logs hold, the monitors' RSS and
# open descriptors at the start and at the end, and their CPU per MB. Asserts nothing.
#
#   sudo bench/soak.sh [CONMONJ_BIN]     (default: host/target/conmon/bin/conmon of this checkout)
#
# Knobs: SOAK_N (50), SOAK_SECS (120), SOAK_C_CONMON (/usr/bin/conmon).
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
CONMONJ=$(readlink -f "${1:-$repo/host/target/conmon/bin/conmon}")
CONMON_C=${SOAK_C_CONMON:-/usr/bin/conmon}
N=${SOAK_N:-50}
SECS=${SOAK_SECS:-120}

log() { printf '[soak %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "SOAK_N must be a positive integer"
[[ $SECS =~ ^[1-9][0-9]*$ ]] || die "SOAK_SECS must be a positive integer"
[ "$(id -u)" = 0 ] || die "must run as root"
for tool in podman runc socat awk timeout; do command -v "$tool" >/dev/null || die "'$tool' is not installed"; done
[ -x "$CONMON_C" ] || die "C conmon not found at $CONMON_C"
[ -x "$CONMONJ" ] || die "conmon-j not found at $CONMONJ (mvn -B package -DskipTests first)"

# shellcheck source=../scripts/podman-sandbox.sh
. "$repo/scripts/podman-sandbox.sh"

SINK_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
    if [ -n "${SANDBOX:-}" ]; then
        log "cleaning up $SANDBOX"
        timeout -k 5 120 "${PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1
        sandbox_cleanup
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sandbox_init "$(mktemp -d /var/tmp/conmonj-soak.XXXXXX)" || die "sandbox_init failed"

# One iteration writes exactly ITER_BYTES to stdout: a 100,000-byte flood of 36-byte lines, one
# 70,000-byte line (several reads, so partial records), and a line written in ten pieces 20 ms
# apart (partial records across reads); then a pause. At the end: "SOAK-DONE <iterations>".
ITER_BYTES=$(( 100000 + 70001 + 10 * 6 + 1 ))
# shellcheck disable=SC2016
WORKLOAD='end=$(( $(date +%s) + $1 )); i=0
while [ "$(date +%s)" -lt "$end" ]; do
  yes "flood line 0123456789abcdefghijkl" | head -c 100000
  head -c 70000 /dev/zero | tr "\0" L; echo
  j=0; while [ $j -lt 10 ]; do printf "part%d " $j; usleep 20000; j=$((j+1)); done; echo
  i=$((i+1)); sleep 1
done
echo "SOAK-DONE $i"; sleep 3600'

cpu_s() { # utime+stime of PID in seconds
    local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($12 + $13) / hz }' <<<"${stat##*) }"
}
rss_kb() { awk '$1 == "Rss:" { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
# the monitor's pids, and for conmon-j also its guardian or other processes of the same session
# (ConmonPid is conmon-j's guardian; its child running java is the monitor JVM: both are counted)
monitor_pids() {
    local p c
    for p in $("${PODMAN[@]}" inspect --format '{{.State.ConmonPid}}' "$@"); do
        echo "$p"
        for c in $(cat "/proc/$p"/task/*/children 2>/dev/null); do
            [[ $(readlink "/proc/$c/exe") == */java ]] && echo "$c"
        done
    done
}
sum() { awk '{ s += $1 } END { printf "%.2f", s }'; }

declare -A R=()
soak() { # soak MON BIN [podman run args...]
    local mon=$1 bin=$2; shift 2
    local names=() pids=() i
    log "[$mon] starting $N containers for ${SECS}s"
    for i in $(seq 1 "$N"); do
        names+=("soak-$mon-$i")
        timeout 120 "${PODMAN[@]}" --conmon "$bin" run -d --name "soak-$mon-$i" --network none \
            --log-driver k8s-file "$@" "$IMAGE" sh -c "$WORKLOAD" sh "$SECS" >/dev/null \
            || die "[$mon] podman run $i failed"
    done
    mapfile -t pids < <(monitor_pids "${names[@]}")
    sleep 5
    local rss0 fd0 cpu0
    rss0=$(for p in "${pids[@]}"; do rss_kb "$p"; done | sum)
    fd0=$(for p in "${pids[@]}"; do fds "$p"; done | sum)
    cpu0=$(for p in "${pids[@]}"; do cpu_s "$p"; done | sum)
    log "[$mon] running; waiting for SOAK-DONE in every log"
    local logs=() deadline=$(( $(date +%s) + SECS + 300 ))
    for i in "${names[@]}"; do logs+=("$("${PODMAN[@]}" inspect --format '{{.HostConfig.LogConfig.Path}}' "$i")"); done
    for f in "${logs[@]}"; do
        until tail -c 200 "$f" | grep -q SOAK-DONE; do
            (( $(date +%s) < deadline )) || die "[$mon] no SOAK-DONE in $f"
            sleep 1
        done
    done
    local rss1 fd1 cpu1
    rss1=$(for p in "${pids[@]}"; do rss_kb "$p"; done | sum)
    fd1=$(for p in "${pids[@]}"; do fds "$p"; done | sum)
    cpu1=$(for p in "${pids[@]}"; do cpu_s "$p"; done | sum)
    # bytes produced (iterations x ITER_BYTES) against the stdout bytes the k8s-file records hold
    local produced=0 logged=0 f its got
    for f in "${logs[@]}"; do
        its=$(grep -a 'SOAK-DONE' "$f" | tail -n 1 | awk '{ print $NF }')
        produced=$(( produced + its * ITER_BYTES ))
        got=$(LC_ALL=C awk '$2 == "stdout" && $0 !~ / SOAK-DONE [0-9]+$/ {
                n += length($0) - length($1) - length($2) - length($3) - 3 + ($3 == "F") }
            END { printf "%.0f", n }' "$f")
        logged=$(( logged + got ))
    done
    R[produced:$mon]=$produced
    R[logged:$mon]=$logged
    R[equal:$mon]=$([ "$produced" = "$logged" ] && echo yes || echo "NO ($(( produced - logged )) missing)")
    R[rss0:$mon]=$(awk -v k="$rss0" -v n="$N" 'BEGIN { printf "%.1f", k / n / 1024 }')
    R[rss1:$mon]=$(awk -v k="$rss1" -v n="$N" 'BEGIN { printf "%.1f", k / n / 1024 }')
    R[fd0:$mon]=$(awk -v k="$fd0" -v n="$N" 'BEGIN { printf "%.1f", k / n }')
    R[fd1:$mon]=$(awk -v k="$fd1" -v n="$N" 'BEGIN { printf "%.1f", k / n }')
    R[cpu:$mon]=$cpu1
    R[cpumb:$mon]=$(awk -v c="$cpu1" -v b="$logged" 'BEGIN { printf "%.1f", c * 1000 / (b / 1e6) }')
    R[cpu0:$mon]=$cpu0
    log "[$mon] produced $produced, logged $logged; removing the containers"
    timeout -k 5 300 "${PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1
}

port=$(( 20000 + RANDOM % 40000 ))
SINK_OUT=$SANDBOX/syslog-sink.out
socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "OPEN:$SINK_OUT,creat,wronly,append" &
SINK_PID=$!
sleep 0.2

soak c "$CONMON_C"
# conmon-j: k8s-file plus syslog (RFC 5424 over TCP), set for every container by the administrator's channel
cat >> "$CONTAINERS_CONF" <<CONF
conmon_env_vars = ["CONMONJ_LOG_DRIVER=syslog", "CONMONJ_LOG_OPTS=syslog.syslog-address=tcp://127.0.0.1:$port;syslog.syslog-format=rfc5424"]
CONF
soak j "$CONMONJ"
R[sink:c]="n/a (no syslog driver)"
R[sink:j]=$(stat -c %s "$SINK_OUT")

row() { printf '| %s | %s | %s |\n' "$1" "${R[$2:c]}" "${R[$2:j]}"; }
{
    echo "Soak: $N containers at once for ${SECS}s each, $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "| metric | conmon (C), k8s-file | conmon-j, k8s-file + syslog (TCP) |"
    echo "|---|---|---|"
    row "stdout bytes produced" produced
    row "stdout bytes in the k8s-file logs" logged
    row "equal" equal
    row "bytes the syslog sink received" sink
    row "monitor RSS at start, mean (MiB)" rss0
    row "monitor RSS at end, mean (MiB)" rss1
    row "open fds per monitor at start" fd0
    row "open fds per monitor at end" fd1
    row "monitor CPU 5 s after the start, all monitors (s)" cpu0
    row "monitor CPU at the end, all monitors (s)" cpu
    row "monitor CPU per MB logged (ms)" cpumb
} | { mkdir -p "$repo/bench/out"; tee "$repo/bench/out/soak.md"; }
