#!/usr/bin/env bash
# Where a monitor's memory is: the proportional set size (Pss) of the given processes, summed
# and split by kind, from /proc/PID/smaps. Usage (root): bench/mem-breakdown.sh PID...
# Prints one "kind kB" line per kind, in this order, then "total kB" (= the sum of their
# smaps_rollup Pss):
#   aot      file mappings of the AOT cache (*.aot): its read-write region is written as classes link
#   heap     anonymous mappings below 4 GiB: the Java heap (with -Xmx16m the JVM places it there for
#            unscaled compressed oops, "Compressed Oops: Enabled (32-bit)" in -Xlog:gc+init)
#   meta     metaspace: anonymous mappings in the class space, which follows the AOT cache mapped at
#            SharedBaseAddress 0x800000000 (ArchiveRelocationMode=0), and the non-class metaspace
#            nodes (anonymous reservations of 64 MiB, 16 MiB aligned, that are not malloc heaps)
#   code     the code cache: the only anonymous mapping that is writable and executable
#   malloc   glibc malloc: the main arena ([heap]) and each thread arena's 64 MiB heap, recognised by
#            its heap_info header (read from /proc/PID/mem: its mprotect_size equals the mapping's size)
#   stacks   thread stacks: the mapping that holds a thread's stack pointer (/proc/PID/task/*/syscall),
#            and [stack]
#   libjvm   libjvm.so: its relocated data and .bss (the anonymous mapping right after its last
#            file mapping), and its code pages' share
#   files    every other file mapping (other libraries, the jimage, the launcher)
#   other    every other anonymous mapping (large malloc blocks mmap()ed on their own, GC tables, ...)
# A process of a C program (the C conmon, conmon-j's guardian) lands in malloc, stacks and files.
set -uo pipefail

breakdown_one() {
    local pid=$1 t sp sps="" arenas="" line start end perms
    # stack pointers of the threads blocked in a system call (an idle monitor's threads all are)
    for t in /proc/"$pid"/task/*; do
        read -r _ _ _ _ _ _ _ sp _ < "$t/syscall" 2>/dev/null || continue
        [[ $sp == 0x* ]] && sps+="$sp "
    done
    # candidate glibc arena heaps: a read-write anonymous mapping at a 64 MiB boundary
    while read -r line; do
        start=${line%%-*}; end=${line#*-}; end=${end%% *}; perms=$(awk '{ print $2 }' <<<"$line")
        [ "$perms" = rw-p ] || continue
        (( (0x$start & 0x3ffffff) == 0 )) || continue
        # heap_info: ar_ptr, prev, size, mprotect_size (64-bit words)
        local words
        words=$(dd if=/proc/"$pid"/mem bs=32 count=1 iflag=skip_bytes skip=$((0x$start)) status=none 2>/dev/null | od -An -tu8 | tr -s ' \n' ' ') || continue
        read -r _ _ hsize hprot <<<"$words"
        [ -n "${hprot:-}" ] && (( hprot == 0x$end - 0x$start && hsize > 0 && hsize <= hprot )) && arenas+="$start "
    done < <(awk '$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ && NF == 5' /proc/"$pid"/smaps)
    awk -v sps="$sps" -v arenas="$arenas" '
        function hex(s,   i, n, c) { n = 0; s = tolower(s); sub(/^0x/, "", s)
            for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; n = n * 16 + c }
            return n }
        BEGIN { ns = split(sps, sp, " "); for (i = 1; i <= ns; i++) spv[i] = hex(sp[i])
                na = split(arenas, a, " "); for (i = 1; i <= na; i++) arena[a[i]] = 1
                GiB4 = 4294967296; CLS_LO = hex("800000000"); CLS_HI = CLS_LO + 4 * GiB4; MiB16 = 16777216 }
        /^[0-9a-f]+-[0-9a-f]+ / {
            n++; split($1, r, "-"); lo[n] = hex(r[1]); hi[n] = hex(r[2]); slo[n] = r[1]; perm[n] = $2
            path[n] = (NF >= 6) ? $6 : ""; pss[n] = 0; next }
        /^Pss:/ { pss[n] = $2 }
        END {
            # malloc heaps: 64 MiB from each recognised arena heap start
            for (i = 1; i <= n; i++) {
                if (slo[i] in arena) aend = lo[i] + 4 * MiB16
                inarena[i] = (path[i] == "" && aend && lo[i] < aend)
            }
            # group the other adjacent anonymous mappings into reservations (committed parts and PROT_NONE rests)
            for (i = 1; i <= n; i++) {
                if (path[i] == "" && !inarena[i] && i > 1 && path[i - 1] == "" && !inarena[i - 1] && lo[i] == hi[i - 1]) grp[i] = grp[i - 1]
                else grp[i] = i
                gend[grp[i]] = hi[i]
            }
            for (i = 1; i <= n; i++) {
                k = "other"
                if (path[i] ~ /\.aot$/) k = "aot"
                else if (path[i] ~ /\/libjvm\.so$/) { k = "libjvm"; lastjvm = i }
                else if (path[i] == "[heap]") k = "malloc"
                else if (path[i] == "[stack]") k = "stacks"
                else if (path[i] != "" && path[i] !~ /^\[/) k = "files"
                else if (path[i] == "") {
                    g = grp[i]
                    for (j = 1; j <= ns; j++) if (spv[j] >= lo[i] && spv[j] < hi[i]) k = "stacks"
                    if (k != "stacks") {
                        if (hi[i] <= GiB4) k = "heap"
                        else if (lo[i] >= CLS_LO && hi[i] <= CLS_HI) k = "meta"
                        else if (perm[i] ~ /^rwx/) k = "code"
                        else if (inarena[i]) k = "malloc"
                        else if (lastjvm && lastjvm == i - 1 && lo[i] == hi[i - 1]) k = "libjvm"
                        else if (lo[g] % MiB16 == 0 && (gend[g] - lo[g]) % MiB16 == 0 && gend[g] - lo[g] >= 4 * MiB16) k = "meta"
                    }
                }
                sum[k] += pss[i]
            }
            split("aot heap meta code malloc stacks libjvm files other", order, " ")
            for (i = 1; i <= 9; i++) { printf "%s %d\n", order[i], sum[order[i]]; t += sum[order[i]] }
            printf "total %d\n", t
        }' /proc/"$pid"/smaps
}

[ $# -ge 1 ] || { echo "usage: $0 PID..." >&2; exit 2; }
for pid in "$@"; do
    breakdown_one "$pid" || exit 1
done | awk '{ s[$1] += $2; if (!($1 in seen)) { seen[$1] = 1; o[++n] = $1 } } END { for (i = 1; i <= n; i++) print o[i], s[o[i]] }'
