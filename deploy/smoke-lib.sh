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

# consumers_served REDIS_CONTAINER: the consumers of the group `workers` that Redis has handed entries to
# (Redis 7.0 registers a consumer when it is first served).
consumers_served() {
    podman exec "$1" redis-cli XINFO CONSUMERS "wx:{$appid}:in" workers | grep -c '^name$' || true
}

# queue_state REDIS_CONTAINER: where the messages are, for a failure to explain itself: the consumer
# group (lag, pending), what is pending with whom, retries waiting, the last dead letter, the token.
queue_state() {
    local stream="wx:{$appid}:in"
    echo "smoke: --- queue state ---"
    {
        echo "group workers:"; podman exec "$1" redis-cli XINFO GROUPS "$stream" | paste - -
        echo "pending (count, first, last, per consumer):"; podman exec "$1" redis-cli XPENDING "$stream" workers
        echo "retries waiting: $(podman exec "$1" redis-cli ZCARD "wx:{$appid}:retry")"
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
