#!/usr/bin/env bash
# make smoke-compose: docker-compose.yml itself, run by Debian's docker-compose against podman's Docker
# API (no Docker engine here), with the images deploy/smoke.sh built (run that first; no registry can be
# pulled from, so REDIS_IMAGE and RELAY_IMAGE point at them and nothing is built):
#  1. `--env-file deploy/demo.env --profile demo up -d`: redis, ingress, 2 workers (deploy.replicas), web, wxsim
#  2. the ingress's and web's /readyz on their published loopback ports, each worker's /readyz and route to wxsim;
#     the README's `exec ingress wxsim send --wait` (a failure prints the queue's state and the logs)
#  3. `up -d --scale worker=4`: messages reach all four workers
# Podman runs HEALTHCHECKs from systemd timers, and there is no systemd here, so a background loop runs
# them (`podman healthcheck run`) for `depends_on: condition: service_healthy` to be met.
# `docker-compose down -v` and the end of the API service and loop happen on exit, failed or not.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/smoke-lib.sh
for needed in "$image" "$redis_image"; do
    podman image exists "$needed" || { echo "smoke: no image $needed: run deploy/smoke.sh first" >&2; exit 1; }
done
bash scripts/deps.sh docker-compose catatonit podman runc

project="wrcompose$$"
port="${SMOKE_COMPOSE_PORT:-18080}"
scratch="$(mktemp -d)"
pids=()
# No .env from the work tree: the public demo account of deploy/demo.env (the compose file has no
# credentials of its own and refuses to start without them).
compose=(docker-compose --project-name "$project" --env-file deploy/demo.env --profile demo)
web_port="${SMOKE_COMPOSE_WEB_PORT:-18081}"
export DOCKER_HOST="unix://$scratch/podman.sock" RELAY_IMAGE="$image" REDIS_IMAGE="$redis_image" INGRESS_PUBLISHED_PORT="$port" \
    WEB_PUBLISHED_PORT="$web_port" WXSIM_PUBLISHED_PORT="${SMOKE_COMPOSE_WXSIM_PORT:-19080}"

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$status" -ne 0 ]; then
        "${compose[@]}" logs --tail 10 >&2 2>&1 || true
        queue_state "$("${compose[@]}" ps -q redis 2>/dev/null)" >&2 || true
    fi
    timeout 120 "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$scratch"
    if [ "$status" -eq 0 ]; then echo "smoke: compose passed in $((SECONDS - started)) s"; else echo "smoke: compose FAILED (exit $status) after $((SECONDS - started)) s" >&2; fi
    exit "$status"
}
trap cleanup EXIT INT TERM

echo "smoke: podman's Docker API on $DOCKER_HOST (runc, the ulimits this machine needs)"
printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=1024:1024"]\n[engine]\nruntime = "%s"\n' "$runtime" \
    > "$scratch/containers.conf"
CONTAINERS_CONF="$scratch/containers.conf" podman system service --time=0 "$DOCKER_HOST" 2>/dev/null & pids+=($!)
wait_for 20 test -S "$scratch/podman.sock"
(
    while true; do
        for name in $(podman ps --filter "name=$project" --format '{{.Names}}'); do
            podman healthcheck run "$name" >/dev/null 2>&1 || true
        done
        sleep 2
    done
) & pids+=($!)

# all_healthy: every container of the project passed its HEALTHCHECK.
all_healthy() {
    ! "${compose[@]}" ps | grep -qE 'health: starting|unhealthy'
}

step "docker-compose --env-file deploy/demo.env --profile demo up -d"
timeout 180 "${compose[@]}" up -d --no-build
wait_for 60 all_healthy
"${compose[@]}" ps

step "readiness on 127.0.0.1:$port and of both workers, and the README's round trip"
wait_for 30 curl -fsS "http://127.0.0.1:$port/readyz"
# web reached Redis, on its own published loopback port.
wait_for 30 curl -fsS "http://127.0.0.1:$web_port/readyz"
# Healthy is only alive: each worker must have reached Redis, and its route to the fake API must resolve.
for n in 1 2; do
    wait_for 30 "${compose[@]}" exec -T --index "$n" worker wxsim probe http://127.0.0.1:9464/readyz
    wait_for 30 "${compose[@]}" exec -T --index "$n" worker wxsim probe http://wxsim:9080/wxsim/replies
done
send() {
    timeout 60 "${compose[@]}" exec -T ingress wxsim send --to http://ingress:8080/wechat --from "$1" \
        --api http://wxsim:9080 --wait 10 "$2"
}
send demo-user "hello"

step "--scale worker=4"
timeout 180 "${compose[@]}" up -d --no-build --scale worker=4
wait_for 60 all_healthy
workers="$("${compose[@]}" ps -q worker | wc -l)"
echo "smoke: $workers worker containers"
[ "$workers" -eq 4 ] || { echo "smoke: expected 4" >&2; exit 1; }
for n in $(seq 1 12); do send "demo-user-$n" "hello $n" > /dev/null; done
served=0
for container in $("${compose[@]}" ps -q worker); do
    replied="$(replied_by "$container")"
    [ "${replied:-0}" -gt 0 ] && served=$((served + 1))
done
echo "smoke: $served workers served messages"
# 12 users over 4 workers: each worker takes the users that become ready while it is free.
[ "$served" -ge 2 ] || { echo "smoke: expected the messages spread over the workers" >&2; exit 1; }
step "down -v"
