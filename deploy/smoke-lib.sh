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
