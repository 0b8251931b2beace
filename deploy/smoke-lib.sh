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

# queue_state REDIS_CONTAINER [OPENID]: where the messages are, for a failure to explain itself: the
# backlog, the users waiting (ready), held (owner) and failing, that user's own queue, the last dead
# letter, whether a token is cached.
queue_state() {
    local redis="$1" user="${2:-}" keys="wx:{$appid}"
    cli() { podman exec "$redis" redis-cli "$@"; }
    echo "smoke: --- queue state ---"
    {
        echo "backlog: $(cli GET "$keys:backlog"); users with messages: $(cli SCARD "$keys:active")"
        echo "ready (user, not before):"; cli ZRANGE "$keys:ready" 0 9 WITHSCORES | paste - -
        echo "held (user, lease):"; cli HGETALL "$keys:owner" | paste - - | head -n 10
        echo "failing (user, since):"; cli HGETALL "$keys:failing" | paste - - | head -n 10
        if [ -n "$user" ]; then
            echo "$user's queue: $(cli LLEN "$keys:q:$user") messages; the head:"
            cli LINDEX "$keys:q:$user" 0 | cut -c1-300
        fi
        echo "dead letters: $(cli XLEN "$keys:dead"); the last:"
        cli XREVRANGE "$keys:dead" + - COUNT 1 | paste - - | grep -E 'reason|errcode|detail' || true
        echo "access_token cached: $(cli EXISTS "$keys:token")"
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
