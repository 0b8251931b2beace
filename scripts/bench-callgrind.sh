#!/usr/bin/env bash
# make bench-callgrind: instructions per message (valgrind's callgrind, which counts instructions and is
#   not disturbed by a shared machine) for (a) a bare Hummingbird handler, (b) the ingress in plaintext and
#   (c) in safe mode, each receiving the same pushes from `wxsim load`; and for (d) the bare worker loop
#   (`bare-worker`: XREADGROUP → POST → XACK) and (e) the worker, each replying to the same messages.
#   Only the process under callgrind is counted; counters are zeroed after a warm-up and dumped after the
#   last message, so start-up is left out. The process runs ~50× slower under valgrind, so the load is
#   paced (BENCH_CALLGRIND_RATE, default 100/s): batching (several requests per Redis round trip) is then
#   about what a native process sees at a few thousand per second.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/redis.sh
bash scripts/deps.sh valgrind
count="${BENCH_CALLGRIND_MESSAGES:-1000}"
rate="${BENCH_CALLGRIND_RATE:-100}"

for product in ingress worker wxsim ingress-bench bare-worker worker-bench; do swift build -c release ${SWIFT_BUILD_FLAGS:-} --product "$product"; done
bin="$(swift build -c release ${SWIFT_BUILD_FLAGS:-} --show-bin-path)"
work="$(mktemp -d /tmp/relay-bench-callgrind.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    stop_private_redis
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
start_private_redis "$work/redis" "" --save "" --appendonly yes --appendfsync everysec

api_port=18301; ingress_port=18302; bare_port=18303
aes_key="DemoDemoDemoDemoDemoDemoDemoDemoDemoDemo12E"
export WECHAT_TOKEN=demo-token WECHAT_APPSECRET=demo-secret REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0" LOG_LEVEL=error
wait_for() { for _ in $(seq 1 600); do "$bin/wxsim" probe "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "bench-callgrind: $1 did not come up" >&2; return 1; }
grind() {  # out-file command...: starts the command under callgrind in the background, sets GRIND_PID
    valgrind --tool=callgrind --callgrind-out-file="$1" --dump-instr=no --dump-line=no "${@:2}" 2> "$1.log" &
    GRIND_PID=$!; pids+=("$GRIND_PID")
}
instructions() {  # pid out-file messages: zeroed before, dumped now → instructions per message
    callgrind_control -d "$1" > /dev/null
    sleep 1
    local total
    total="$(cat "$2".* 2>/dev/null | awk '/^summary:/ {s = $2} END {print s + 0}')"
    awk -v t="$total" -v n="$3" 'BEGIN{printf "%.0f", t / n}'
}
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
WECHAT_APPID=wxgrindworker00 "$bin/wxsim" api --quiet --port "$api_port" & pids+=($!)
wait_for "http://127.0.0.1:$api_port/wxsim/replies"
load() {  # appid url args...
    "$bin/wxsim" load --appid "$1" --to "$2" "${@:3}" --count "$count" --users 1000 --rate "$rate" --concurrency 16 > "$work/load.out" 2>&1 \
        || { echo "bench-callgrind: wxsim load failed:" >&2; cat "$work/load.out" >&2; return 1; }
}

# The ingress side: (a) bare handler, (b) plaintext, (c) safe mode; each after a warm-up of 200 pushes.
ingress_row() {  # label appid mode-args...
    local label="$1" appid="$2"; shift 2
    local out="$work/ingress-$appid"
    if [ "$label" = bare ]; then
        grind "$out" "$bin/ingress-bench" trivial "$bare_port"; url="http://127.0.0.1:$bare_port/wechat"
    else
        WECHAT_APPID="$appid" INGRESS_HOST=127.0.0.1 INGRESS_PORT="$ingress_port" INGRESS_SPOOL_DIR="$work/spool-$appid" "$@" \
            bash -c 'exec valgrind --tool=callgrind --callgrind-out-file="$0" --dump-instr=no --dump-line=no "$1"' "$out" "$bin/ingress" 2> "$out.log" &
        GRIND_PID=$!; pids+=("$GRIND_PID"); url="http://127.0.0.1:$ingress_port/wechat"
    fi
    for _ in $(seq 1 600); do curl -s -o /dev/null "${url%/wechat}/" && break; sleep 0.2; done
    local keyargs=(); [ "$label" = safe ] && keyargs=(--aes-key "$aes_key")
    count=200 load "$appid" "$url" --post-only "${keyargs[@]}"
    callgrind_control -z "$GRIND_PID" > /dev/null
    load "$appid" "$url" --post-only "${keyargs[@]}"
    instructions "$GRIND_PID" "$out" "$count"
    stop "$GRIND_PID"
}
bare_ingress="$(ingress_row bare wxgrindbare0000)"
plain_ingress="$(ingress_row plain wxgrindplain000 env)"
safe_ingress="$(ingress_row safe wxgrindsafe0000 env WECHAT_AES_KEY="$aes_key")"

# The worker side: (d) the bare loop, (e) the worker, replying to the same messages (appid wxgrindworker00,
# the one `wxsim api` accepts). A native ingress queues the pushes for the worker; the bare loop reads a
# stream of the same envelopes that `worker-bench preload-stream` writes. The bare loop exits by itself,
# so it runs twice (200 and 200 + N messages) and the difference ÷ N is its cost per message.
WECHAT_APPID=wxgrindworker00 INGRESS_HOST=127.0.0.1 INGRESS_PORT="$ingress_port" INGRESS_SPOOL_DIR="$work/spool-worker" "$bin/ingress" & pids+=($!)
wait_for "http://127.0.0.1:$ingress_port/readyz"
WECHAT_APPID=wxgrindworker00 WECHAT_API_BASE="http://127.0.0.1:$api_port" WORKER_CONCURRENCY=64 WORKER_METRICS_PORT=off WORKER_CLAIM_IDLE=120 \
    bash -c 'exec valgrind --tool=callgrind --callgrind-out-file="$0" --dump-instr=no --dump-line=no "$1"' "$work/worker" "$bin/worker" 2> "$work/worker.log" &
worker_pid=$!; pids+=("$worker_pid")
count=200 load wxgrindworker00 "http://127.0.0.1:$ingress_port/wechat" --api "http://127.0.0.1:$api_port" --timeout 300
callgrind_control -z "$worker_pid" > /dev/null
load wxgrindworker00 "http://127.0.0.1:$ingress_port/wechat" --api "http://127.0.0.1:$api_port" --timeout 300
worker_instructions="$(instructions "$worker_pid" "$work/worker" "$count")"
stop "$worker_pid"
bare_total() {  # messages → the whole bare-worker run's instructions
    local stream="wxbench:grind:$1"
    "$bin/worker-bench" preload-stream "$REDIS_URL" "$stream" "$1" wxgrindworker00 > /dev/null
    valgrind --tool=callgrind --callgrind-out-file="$work/bare-$1" --dump-instr=no --dump-line=no \
        "$bin/bare-worker" "$REDIS_URL" "http://127.0.0.1:$api_port" wxgrindworker00 demo-secret "$stream" "$1" 64 > "$work/bare-$1.out" 2> "$work/bare-$1.log"
    awk '/^summary:/ {s = $2} END {print s + 0}' "$work/bare-$1"
}
small="$(bare_total 200)"
large="$(bare_total $(( 200 + count )))"
bare_worker="$(awk -v a="$small" -v b="$large" -v n="$count" 'BEGIN{printf "%.0f", (b - a) / n}')"

echo "--- report ---"
echo "callgrind (valgrind $(valgrind --version | sed 's/valgrind-//')), instructions per message; $count messages from 1 000 users at $rate/s, counted after a warm-up of 200"
echo
echo "| process | instructions per message | × its baseline |"
echo "|---|---:|---:|"
printf '| (a) bare Hummingbird handler | %s | 1.00 |\n' "$bare_ingress"
printf '| (b) ingress, plaintext | %s | %s |\n' "$plain_ingress" "$(awk -v a="$plain_ingress" -v b="$bare_ingress" 'BEGIN{printf "%.2f", a/b}')"
printf '| (c) ingress, safe mode | %s | %s |\n' "$safe_ingress" "$(awk -v a="$safe_ingress" -v b="$bare_ingress" 'BEGIN{printf "%.2f", a/b}')"
printf '| (d) bare worker loop (XREADGROUP → POST → XACK) | %s | 1.00 |\n' "$bare_worker"
printf '| (e) worker | %s | %s |\n' "$worker_instructions" "$(awk -v a="$worker_instructions" -v b="$bare_worker" 'BEGIN{printf "%.2f", a/b}')"
