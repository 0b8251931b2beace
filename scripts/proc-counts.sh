#!/usr/bin/env bash
# Sourced by the benchmarks: exact per-process counts from /proc that timing noise on a shared machine
# does not change (issue 17's hand-offs):
#   proc_counts PID...  -> "voluntary involuntary syscalls" summed over the processes and all their
#                          threads: voluntary context switches (a thread went to sleep to wait: each
#                          hand-off between threads costs one), involuntary ones, and read + write
#                          system calls (/proc/PID/io syscr + syscw, which includes threads that exited).
proc_counts() {
    local pid voluntary=0 involuntary=0 syscalls=0 v i r w
    for pid in "$@"; do
        read -r v i < <(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {v += $2} /^nonvoluntary_ctxt_switches/ {i += $2} END {print v + 0, i + 0}')
        read -r r w < <(awk '/^syscr/ {r = $2} /^syscw/ {w = $2} END {print r + 0, w + 0}' /proc/"$pid"/io 2>/dev/null)
        voluntary=$(( voluntary + v )); involuntary=$(( involuntary + i )); syscalls=$(( syscalls + r + w ))
    done
    echo "$voluntary $involuntary $syscalls"
}
# per_message "BEFORE" "AFTER" MESSAGES -> "voluntary syscalls" per message, one decimal
per_message() {
    awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.1f %.1f", (y[1] - x[1]) / n, (y[3] - x[3]) / n }'
}
