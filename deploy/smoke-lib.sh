#!/usr/bin/env bash
# What deploy/smoke.sh and deploy/compose-smoke.sh share (sourced): podman's flags on this machine, the
# image names, the demo account, step timing and waiting.
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file

runtime="${PODMAN_RUNTIME:-/usr/sbin/runc}"
podman=(podman --runtime "$runtime")
limits=(--ulimit nofile=20000:20000 --ulimit nproc=1024:1024)
base_image=localhost/wechat-relay-base:bookworm
redis_image=localhost/wechat-relay-redis:bookworm
# SMOKE_IMAGE: an image built elsewhere (e.g. from deploy/Dockerfile's default target) to test instead.
image="${SMOKE_IMAGE:-localhost/wechat-relay:smoke}"
# The demo account (Sources/WeChatFake/DemoAccount.swift); its AES key puts the ingress in safe mode.
appid=wxdemo0000000000
token=demo-token
secret=demo-secret
aes_key=DemoDemoDemoDemoDemoDemoDemoDemoDemoDemo12E

started=$SECONDS
step_started=$SECONDS
# step TEXT: closes the previous step with its time and opens the next.
step() {
    echo "smoke: [$((SECONDS - step_started)) s] done"
    step_started=$SECONDS
    echo "smoke: $*"
}

# wait_for SECONDS COMMAND...: retries COMMAND every half second until it succeeds.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "smoke: timed out waiting for: $*" >&2; return 1; }
        sleep 0.5
    done
}

# replied_by WORKER_CONTAINER: the messages that worker replied to, from its /metrics.
replied_by() {
    podman exec "$1" wxsim probe --print http://127.0.0.1:9464/metrics \
        | sed -n 's/^wechat_worker_messages_total{.*outcome="replied"} //p' | head -n 1
}

# queue_state REDIS_CONTAINER: where the messages are, for a failure to explain itself: the backlog,
# users waiting, held (with their lease tokens) and retrying, the last dead letter, the token.
queue_state() {
    echo "smoke: --- queue state ---"
    {
        echo "backlog: $(podman exec "$1" redis-cli GET "wx:{$appid}:backlog")"
        echo "users ready or retrying (score = due, Unix ms):"; podman exec "$1" redis-cli ZRANGE "wx:{$appid}:ready" 0 -1 WITHSCORES | paste - -
        echo "users held (openid, lease token):"; podman exec "$1" redis-cli HGETALL "wx:{$appid}:owner" | paste - -
        echo "dead letters: $(podman exec "$1" redis-cli XLEN "wx:{$appid}:dead"); the last:"
        podman exec "$1" redis-cli XREVRANGE "wx:{$appid}:dead" + - COUNT 1 | paste - - | grep -E 'reason|errcode|detail' || true
        echo "access_token cached: $(podman exec "$1" redis-cli EXISTS "wx:{$appid}:token")"
    } 2>&1 | sed 's/^/smoke:   /'
}

# service_lines NAME LOG_COMMAND...: the lines of a service's log about failures and retries, then its
# last lines (the workers run with LOG_LEVEL=debug in the smoke, so retried API calls show).
service_lines() {
    local name="$1"; shift
    echo "smoke: --- $name: warnings, errors, retries ---"
    "$@" 2>&1 | grep -iE 'warn|error|retry|dead|spool|timed out|refused' | tail -n 15 | sed 's/^/smoke:   /' || true
    echo "smoke: --- $name: last lines ---"
    "$@" 2>&1 | tail -n 8 | sed 's/^/smoke:   /' || true
}
