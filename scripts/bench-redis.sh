#!/usr/bin/env bash
# make bench-redis: XADD/s through our client next to redis-benchmark, same server, same run.
# Both share this machine's cores with the redis-server they measure: read the ratios, not the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/redis.sh
requests="${BENCH_REQUESTS:-200000}"

swift build -c release ${SWIFT_BUILD_FLAGS:-} --product redis-bench
bin="$(swift build -c release ${SWIFT_BUILD_FLAGS:-} --show-bin-path)"
data_dir="$(mktemp -d /tmp/relay-bench-redis.XXXXXX)"
trap 'stop_private_redis; rm -rf "$data_dir"' EXIT INT TERM
start_private_redis "$data_dir" "" --save "" --appendonly no
url="redis://127.0.0.1:${REDIS_PORT}/0"

results="$(mktemp)"
"$bin/redis-bench" "$url" "$requests" 1 16 64 | tee "$results"
body="$(printf 'x%.0s' $(seq 1 250))"
baseline() {  # clients pipeline
    redis-benchmark -p "$REDIS_PORT" -c "$1" -P "$2" -n "$requests" --csv \
        XADD "bench:rb:$1:$2" MAXLEN '~' 1000000 '*' body "$body" | tail -n 1 | cut -d, -f2 | tr -d '"' | cut -d. -f1
}

echo
echo "--- report ---"
echo "XADD of a 250-byte field, $requests commands per cell; redis-server $(redis-server --version | awk '{print $3}'), $(nproc) cores shared by server and client"
echo
echo "| callers | redis-benchmark -P 1 | ours, one round trip each | ratio | ours, auto-pipelined | ratio | redis-benchmark -P 16 | ours, pipeline(16) | ratio |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for callers in 1 16 64; do
    rb1=$(baseline "$callers" 1); rb16=$(baseline "$callers" 16)
    single=$(awk -v c="$callers" '$1=="single" && $2==c {print $3}' "$results")
    auto=$(awk -v c="$callers" '$1=="auto" && $2==c {print $3}' "$results")
    pipe=$(awk -v c="$callers" '$1=="pipeline16" && $2==c {print $3}' "$results")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$callers" "$rb1" "$single" \
        "$(awk -v a="$single" -v b="$rb1" 'BEGIN{printf "%.0f%%", 100*a/b}')" "$auto" \
        "$(awk -v a="$auto" -v b="$rb1" 'BEGIN{printf "%.0f%%", 100*a/b}')" "$rb16" "$pipe" \
        "$(awk -v a="$pipe" -v b="$rb16" 'BEGIN{printf "%.0f%%", 100*a/b}')"
done
auto64=$(awk '$1=="auto" && $2==64 {print $3}' "$results"); rb64=$(baseline 64 1)
echo
echo "- Goal: ≥ 50 % of redis-benchmark -P 1 with 64 concurrent callers (the client as the services use it, auto-pipelined): **$(awk -v a="$auto64" -v b="$rb64" 'BEGIN{print (a >= 0.5 * b) ? "met" : "not met"}')** ($(awk -v a="$auto64" -v b="$rb64" 'BEGIN{printf "%.0f%%", 100*a/b}') in a second measurement of the baseline)."
rm -f "$results"
