#!/usr/bin/env bash
# make run: Redis (append-only file on, data in .run/redis), then the ingress and a worker, all stopped on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/redis.sh

bin="$(swift build -c release ${SWIFT_BUILD_FLAGS:-} --show-bin-path)"
mkdir -p .run
pids=()
stop_all() {
    trap - EXIT INT TERM
    echo
    echo "run: stopping"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    stop_private_redis
}
trap stop_all EXIT INT TERM

start_private_redis "$PWD/.run/redis" "${RUN_REDIS_PORT:-6379}" --appendonly yes --appendfsync everysec
echo "run: redis-server on 127.0.0.1:${REDIS_PORT} (append-only file in .run/redis)"

export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
# Demo credentials unless real ones are set.
export WECHAT_TOKEN="${WECHAT_TOKEN:-demo-token}"
export WECHAT_APPID="${WECHAT_APPID:-wxdemo0000000000}"
export WECHAT_APPSECRET="${WECHAT_APPSECRET:-demo-secret}"
export INGRESS_HOST="${INGRESS_HOST:-127.0.0.1}"
export INGRESS_PORT="${INGRESS_PORT:-8080}"
export INGRESS_SPOOL_DIR="${INGRESS_SPOOL_DIR:-$PWD/.run/spool}"

"$bin/ingress" & pids+=($!)
"$bin/worker" & pids+=($!)
echo "run: ingress on http://${INGRESS_HOST}:${INGRESS_PORT} (try: curl http://${INGRESS_HOST}:${INGRESS_PORT}/readyz); Ctrl-C stops everything"
wait -n "${pids[@]}" || true
echo "run: a service exited; stopping the rest"
