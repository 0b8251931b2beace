#!/usr/bin/env bash
# make bench: every benchmark in one run (Redis client, ingress, worker, end to end), then BENCHMARKS.md
# rewritten from what they printed: date, machine, every figure, the ratios. Each script's output is
# also kept in .run/bench/. Release builds go to SWIFT_BUILD_FLAGS' scratch path if set.
set -euo pipefail
cd "$(dirname "$0")/.."
out=".run/bench"
mkdir -p "$out"
bash scripts/deps.sh wrk
# BENCH_REPORT_ONLY=1: rewrite BENCHMARKS.md from the last run's outputs (after editing the template).
if [ -z "${BENCH_REPORT_ONLY:-}" ]; then
    started="$(date -u '+%Y-%m-%d %H:%M UTC')"
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    for bench in redis ingress worker e2e; do
        echo "bench: $bench"
        bash "scripts/bench-$bench.sh" | tee "$out/$bench.txt"
    done
    load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%s\n%s\n%s\n' "$started" "$load_before" "$load_after" > "$out/run.txt"
fi
{ read -r started; read -r load_before; read -r load_after; } < "$out/run.txt"

report() { sed -n '/^--- report ---$/,$p' "$out/$1.txt" | tail -n +2; }
machine="$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), $(swift --version 2>&1 | grep -o 'Swift version [0-9.]*' | head -1), redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2)"
fill='
import sys
text = sys.stdin.read()
keys = ["started", "machine", "load_before", "load_after", "redis", "ingress", "worker", "e2e", "floors"]
for key, value in zip(keys, sys.argv[1:]):
    text = text.replace("{{" + key + "}}", value.strip())
sys.stdout.write(text)
'
# Issue 17's goals against the floors the bare parts of this run put under them (scripts/bench-floors.py).
floors="$(python3 scripts/bench-floors.py <(report ingress) <(report worker) <(report e2e))"
python3 -c "$fill" "$started" "$machine" "$load_before" "$load_after" "$(report redis)" "$(report ingress)" "$(report worker)" "$(report e2e)" "$floors" \
    < Benchmarks/BENCHMARKS.template.md > BENCHMARKS.md
echo "bench: BENCHMARKS.md rewritten ($started)"
