#!/usr/bin/env bash
# make bench-e2e: the whole pipeline under `wxsim load`: POST to the ingress (safe mode) → the users' queues in Redis →
#   2 worker processes → the fake WeChat API (`wxsim api`, 0 ms latency), timed from each POST to the
#   matching customer-service call. Baseline in the same run: the same load generator POSTing to a bare
#   Hummingbird handler that only answers `success` (its ceiling on this machine). Floor in the same run: the
#   bare pipeline, the same generator → a bare handler storing each push in a Redis stream → one
#   `bare-worker` (XREADGROUP → POST → XACK) → the fake API, paced and as fast as possible.
# Everything (wxsim, ingress, workers, redis-server, fake API) shares this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/redis.sh
source scripts/proc-counts.sh
rate="${BENCH_E2E_RATE:-1000}"
paced_count="${BENCH_E2E_PACED:-20000}"
burst_count="${BENCH_E2E_BURST:-30000}"

# BENCH_BIN_DIR: measure binaries built elsewhere (an A/B against an older build) instead of building here.
if [ -n "${BENCH_BIN_DIR:-}" ]; then bin="$BENCH_BIN_DIR"; else
    for product in ingress worker wxsim ingress-bench bare-worker; do swift build -c release ${SWIFT_BUILD_FLAGS:-} --product "$product"; done
    bin="$(swift build -c release ${SWIFT_BUILD_FLAGS:-} --show-bin-path)"
fi
work="$(mktemp -d /tmp/relay-bench-e2e.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    stop_private_redis
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
start_private_redis "$work/redis" "" --save "" --appendonly yes --appendfsync everysec

api_port=18201; ingress_port=18202; bare_port=18203
aes_key="DemoDemoDemoDemoDemoDemoDemoDemoDemoDemo12E"
wait_for() { for _ in $(seq 1 150); do "$bin/wxsim" probe "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "bench-e2e: $1 did not come up" >&2; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); v=eval(sys.argv[2], {}, r); print(v if not isinstance(v, float) else ("%.0f" % v if v >= 10 else "%.1f" % v))' "$@"; }

# Baseline: wxsim load POSTing to the bare handler (nothing verified, queued or replied).
"$bin/ingress-bench" trivial "$bare_port" & pids+=($!); bare_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$bare_port/wechat" && break; sleep 0.1; done
"$bin/wxsim" load --to "http://127.0.0.1:$bare_port/wechat" --post-only --rate 0 --count 2000 --users 100 > /dev/null 2>&1
"$bin/wxsim" load --to "http://127.0.0.1:$bare_port/wechat" --post-only --rate 0 --count "$burst_count" --users 1000 --json "$work/bare.json" > /dev/null 2>"$work/bare.err"
kill -TERM "$bare_pid"; wait "$bare_pid" 2>/dev/null || true

# The fake API, for the bare pipeline and the product.
export WECHAT_TOKEN=demo-token WECHAT_APPID=wxbenche2e000000 WECHAT_APPSECRET=demo-secret WECHAT_AES_KEY="$aes_key"
export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0" LOG_LEVEL=error
"$bin/wxsim" api --quiet --port "$api_port" & pids+=($!); api_pid=$!
wait_for "http://127.0.0.1:$api_port/wxsim/replies"

# The floor: the bare pipeline. What the least a message needs (one HTTP request in, one durable write, one
# HTTP call out) costs on the same libraries: no signature, XML, dedup, order, lease or allowance.
bare_stream="bench:bare-pipeline"
"$bin/ingress-bench" bare-durable "$bare_port" "$REDIS_URL" "$bare_stream" & pids+=($!); bare_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$bare_port/wechat" && break; sleep 0.1; done
"$bin/bare-worker" "$REDIS_URL" "http://127.0.0.1:$api_port" "$WECHAT_APPID" "$WECHAT_APPSECRET" "$bare_stream" \
    $(( 2000 + 1 + paced_count + burst_count )) 64 > "$work/bare-worker.out" 2>&1 & pids+=($!); bare_worker_pid=$!
bare_drained() {  # every entry of the stream read and acknowledged (waits at most 120 s)
    for _ in $(seq 1 600); do
        [ "$(redis-cli -p "$REDIS_PORT" xinfo groups "$bare_stream" 2>/dev/null | awk 'p == "pending" {pe = $0} p == "lag" {lag = $0} {p = $0} END {print (pe == "0" && lag == "0") ? "yes" : "no"}')" = yes ] && return 0
        sleep 0.2
    done
    echo "bench-e2e: the bare pipeline did not drain" >&2; return 1
}
bare_run() {  # name args...: CPU µs per message of the bare handler, bare-worker and redis-server
    local name="$1"; shift
    local h0 w0 r0 n
    h0="$(cpu_ticks "$bare_pid")"; w0="$(cpu_ticks "$bare_worker_pid")"; r0="$(cpu_ticks "$REDIS_PID")"
    "$bin/wxsim" load --to "http://127.0.0.1:$bare_port/wechat" --post-only "$@" --json "$work/$name.json" > /dev/null 2> "$work/$name.err"
    bare_drained
    n="$(field "$work/$name.json" accepted)"
    awk -v h="$(( $(cpu_ticks "$bare_pid") - h0 ))" -v w="$(( $(cpu_ticks "$bare_worker_pid") - w0 ))" -v r="$(( $(cpu_ticks "$REDIS_PID") - r0 ))" \
        -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { k = 1000000 / hz / n; printf "%.0f %.0f %.0f %.0f\n", h * k, w * k, r * k, (h + w + r) * k }' > "$work/$name.split"
}
"$bin/wxsim" load --to "http://127.0.0.1:$bare_port/wechat" --post-only --rate 0 --count 2000 --users 100 > /dev/null 2>&1
bare_drained
bare_run bare-paced --rate "$rate" --count "$paced_count" --users 1000
bare_run bare-burst --rate 0 --count "$burst_count" --users 1000
kill -TERM "$bare_pid" "$bare_worker_pid"; wait "$bare_pid" "$bare_worker_pid" 2>/dev/null || true

# The product: ingress (safe mode), two workers.
INGRESS_HOST=127.0.0.1 INGRESS_PORT="$ingress_port" INGRESS_SPOOL_DIR="$work/spool" "$bin/ingress" & pids+=($!); ingress_pid=$!
for n in 1 2; do
    WECHAT_API_BASE="http://127.0.0.1:$api_port" WORKER_CONCURRENCY=64 WORKER_METRICS_PORT=off "$bin/worker" & pids+=($!)
done
worker_pids=("${pids[-2]}" "${pids[-1]}")
wait_for "http://127.0.0.1:$ingress_port/readyz"
load() { "$bin/wxsim" load --to "http://127.0.0.1:$ingress_port/wechat" --api "http://127.0.0.1:$api_port" --aes-key "$aes_key" "$@"; }
load --rate 0 --count 2000 --users 100 > /dev/null 2>&1   # warm-up: token fetch, connections

# CPU seconds (user + system) of this shell's finished children so far: the load generator's cost.
# (`times` must run in this shell, not in a $(...) subshell, which has no children of its own.)
children_cpu() { times > "$work/times"; awk 'END { split($1, u, "m"); split($2, s, "m"); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times" > "$work/children"; }
worker_ticks() { echo $(( $(cpu_ticks "${worker_pids[0]}") + $(cpu_ticks "${worker_pids[1]}") )); }
service_ticks() { local total=0 pid; for pid in "$ingress_pid" "${worker_pids[@]}" "$REDIS_PID"; do total=$(( total + $(cpu_ticks "$pid") )); done; echo "$total"; }
run() {  # name args...
    local name="$1"; shift
    local s0 a0 g0 i0 w0 r0; s0="$(service_ticks)"; a0="$(cpu_ticks "$api_pid")"; children_cpu; g0="$(cat "$work/children")"
    i0="$(cpu_ticks "$ingress_pid")"; w0="$(worker_ticks)"; r0="$(cpu_ticks "$REDIS_PID")"
    local ci cw cr; ci="$(proc_counts "$ingress_pid")"; cw="$(proc_counts "${worker_pids[@]}")"; cr="$(proc_counts "$REDIS_PID")"
    load "$@" --json "$work/$name.json" > "$work/$name.out" 2> "$work/$name.err" || echo "bench-e2e: the $name run did not get every reply exactly once (see below)" >&2
    local n; n="$(field "$work/$name.json" accepted)"
    children_cpu
    awk -v a="$g0" -v b="$(cat "$work/children")" -v n="$n" 'BEGIN{printf "%.0f", (b - a) * 1000000 / n}' > "$work/$name.gencpu"
    awk -v a="$s0" -v b="$(service_ticks)" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.0f", (b - a) * 1000000 / hz / n}' > "$work/$name.cpu"
    per() { awk -v a="$1" -v b="$2" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.0f", (b - a) * 1000000 / hz / n}'; }
    echo "$(per "$i0" "$(cpu_ticks "$ingress_pid")") $(per "$w0" "$(worker_ticks)") $(per "$r0" "$(cpu_ticks "$REDIS_PID")")" > "$work/$name.split"
    echo "$(per_message "$ci" "$(proc_counts "$ingress_pid")" "$n") $(per_message "$cw" "$(proc_counts "${worker_pids[@]}")" "$n") $(per_message "$cr" "$(proc_counts "$REDIS_PID")" "$n")" > "$work/$name.counts"
    awk -v a="$a0" -v b="$(cpu_ticks "$api_pid")" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.0f", (b - a) * 1000000 / hz / n}' > "$work/$name.apicpu"
}
run paced --rate "$rate" --count "$paced_count" --users 1000
run burst --rate 0 --count "$burst_count" --users 1000 --concurrency 64

bare_rate="$(field "$work/bare.json" achievedRate)"
row() {  # name label
    local f="$work/$1.json"
    printf '| %s | %s | %s | %s | %s | %s / %s ms | %s ms | %s ms | %s ms | %s / %s / %s | %s | %s | %s |\n' "$2" \
        "$(field "$f" 'targetRate if targetRate > 0 else "max"')" "$(field "$f" achievedRate)" "$(field "$f" repliesPerSecond)" \
        "$(awk -v a="$(field "$f" repliesPerSecond)" -v b="$bare_rate" 'BEGIN{printf "%.2f", a/b}')" \
        "$(field "$f" 'ingressAnswer["p50"]')" "$(field "$f" 'ingressAnswer["p99"]')" \
        "$(field "$f" 'endToEnd["p50"]')" "$(field "$f" 'endToEnd["p99"]')" "$(field "$f" 'endToEnd["max"]')" \
        "$(field "$f" replied)" "$(field "$f" missing)" "$(field "$f" duplicates)" "$(cat "$work/$1.cpu")" "$(cat "$work/$1.apicpu")" "$(cat "$work/$1.gencpu")"
}
echo
echo "--- report ---"
echo "wxsim load → ingress (safe mode) → redis-server $(redis-server --version | awk '{print $3}') (append-only file on) → 2 workers (concurrency 64 each) → wxsim api (0 ms); $(nproc) cores shared by all of them and the load generator"
echo
echo "| run | target/s | sent/s | replies/s | ratio to baseline | ingress answer p50 / p99 | POST → API p50 | p99 | max | replied / missing / duplicate | service CPU µs/message | fake API CPU µs/message | generator CPU µs/message |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '| baseline: same generator → bare handler | max | %s | – | 1.00 | %s / %s ms | – | – | – | – | – | – | – |\n' "$bare_rate" \
    "$(field "$work/bare.json" 'ingressAnswer["p50"]')" "$(field "$work/bare.json" 'ingressAnswer["p99"]')"
row paced "paced, $paced_count messages"
row burst "as fast as possible, $burst_count messages"
echo
p99="$(field "$work/paced.json" 'endToEnd["p99"]')"
burst_rps="$(field "$work/burst.json" repliesPerSecond)"
verdict() { awk -v v="$1" -v g="$2" -v op="$3" 'BEGIN{ ok = (op == "le") ? (v <= g) : (v >= g); print (ok ? "met" : "not met") }'; }
echo "- Goal: p99 from POST to the API call ≤ 50 ms at ${rate} messages/s: **$(verdict "$p99" 50 le)** (${p99} ms)."
echo "- Goal: ≥ 3 000 replies/s sustained: **$(verdict "$burst_rps" 3000 ge)** (${burst_rps}/s as fast as possible; the generator's own ceiling against a bare handler is ${bare_rate} POST/s)."
echo
echo "Service CPU per message by process (µs, from /proc):"
echo
echo "| run | ingress | 2 workers | redis-server | services together | thread sleeps per message: ingress / workers / redis | read + write calls per message: ingress / workers / redis |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for name in paced burst; do
    read -r i w r < "$work/$name.split"
    read -r vi si vw sw vr sr < "$work/$name.counts"
    printf '| %s | %s | %s | %s | %s | %s / %s / %s | %s / %s / %s |\n' "$([ "$name" = paced ] && echo "paced, ${rate}/s" || echo "as fast as possible")" "$i" "$w" "$r" "$(cat "$work/$name.cpu")" \
        "$vi" "$vw" "$vr" "$si" "$sw" "$sr"
done
echo
echo "Thread sleeps are voluntary context switches (a thread waited: each hand-off between threads costs one) and read + write calls come from /proc/PID/io, summed over each process's threads: exact counts, which a shared machine does not disturb."
echo
echo "- Goals (issue 17): services ≤ 250 µs/message at full load: **$(verdict "$(cat "$work/burst.cpu")" 250 le)** ($(cat "$work/burst.cpu")); ≤ 350 µs/message at a steady ${rate}/s: **$(verdict "$(cat "$work/paced.cpu")" 350 le)** ($(cat "$work/paced.cpu"))."
echo "- Service CPU is ingress + both workers + redis-server, per message, from /proc; the fake API's and the generator's (wxsim load: signing, AES, HTTP) are apart. On $(nproc) cores, replies/s cannot exceed $(nproc) s of CPU per second ÷ the sum of the three."
echo
echo "The floor, measured in the same run: the bare pipeline (the same generator → \`ingress-bench bare-durable\`, a bare handler that stores each push in a Redis stream before it answers → one \`bare-worker\`, XREADGROUP → POST through the same \`WeChatAPIClient\` → XACK → the fake API; plaintext pushes, nothing parsed), CPU µs per message:"
echo
echo "| run | sent/s | bare handler | bare worker | redis-server | together |"
echo "|---|---:|---:|---:|---:|---:|"
for name in bare-paced bare-burst; do
    read -r h w r t < "$work/$name.split"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$([ "$name" = bare-paced ] && echo "bare pipeline, paced ${rate}/s" || echo "bare pipeline, as fast as possible")" \
        "$(field "$work/$name.json" achievedRate)" "$h" "$w" "$r" "$t"
done
