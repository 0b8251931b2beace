#!/usr/bin/env bash
# make smoke: the containers for real, on this machine, with podman and runc (slow: not in CI).
#  1. the release binary wechat-relay (--static-swift-stdlib, scratch path .build-static)
#  2. a Debian bookworm base image made here with debootstrap, since no registry image can be pulled;
#     its root file system is cached in .cache/deploy/ (git-ignored), the image in podman's store
#  3. the runtime image from deploy/Dockerfile's `prebuilt` target: the same runtime stage as the
#     default target, but the binary comes from a temporary build context (the `builder` stage needs
#     the official Swift image, which cannot be pulled here)
#  4. a Redis image: the base plus Debian's redis-server (compose and Kubernetes use the official image)
#  5. one podman network; containers: redis, `wxsim api`, the ingress (safe mode) and 2 workers (both
#     with a read-only root and no capabilities, as in deploy/kubernetes); each HEALTHCHECK must pass
#  6. readiness of the whole path before the first message: each worker's /readyz (Redis reached), the
#     each worker's route to the fake API and the sender's to the ingress
#     (name resolution on a new podman network and first connections are not measured as replies)
#  7. `wxsim send --wait` from a container on that network: every reply must reach the fake API; a
#     missing reply prints the push's answer, the queue's state and the services' lines about it
# Everything it starts (containers, network, temporary folders) is removed on exit, failed or not; the
# images stay as a cache (SMOKE_KEEP_IMAGES=0 removes the runtime image too).
set -euo pipefail
cd "$(dirname "$0")/.."

source deploy/smoke-lib.sh
prefix="wrsmoke-$$"
network="$prefix"
cache=.cache/deploy
messages="${SMOKE_MESSAGES:-10}"

containers=()
scratch="$(mktemp -d)"
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$status" -ne 0 ]; then
        for name in "${containers[@]}"; do
            echo "smoke: --- last lines of $name ---" >&2
            podman logs --tail 15 "$name" >&2 2>&1 || true
        done
    fi
    for name in "${containers[@]}"; do podman rm -f -t 2 "$name" >/dev/null 2>&1 || true; done
    podman network rm -f "$network" >/dev/null 2>&1 || true
    [ "${SMOKE_KEEP_IMAGES:-1}" = 1 ] || [ -n "${SMOKE_IMAGE:-}" ] || podman rmi -f "$image" >/dev/null 2>&1 || true
    rm -rf "$scratch"
    if [ "$status" -eq 0 ]; then echo "smoke: passed in $((SECONDS - started)) s"; else echo "smoke: FAILED (exit $status) after $((SECONDS - started)) s" >&2; fi
    exit "$status"
}
trap cleanup EXIT INT TERM

# start NAME ALIAS IMAGE [ARGS...]: a detached container on the network, reachable as ALIAS.
start() {
    local name="$prefix-$1" alias="$2"; shift 2
    containers+=("$name")
    # No HEALTHCHECK timer (podman asks systemd for one, absent here, and says so on every run: those
    # lines are dropped); the health step runs each check once.
    "${podman[@]}" run -d --name "$name" --network "$network" --network-alias "$alias" "${limits[@]}" \
        --health-interval disable "$@" 2> "$scratch/run.err" >/dev/null || { cat "$scratch/run.err" >&2; return 1; }
    grep -v 'systemd connection' "$scratch/run.err" >&2 || true
}

echo "smoke: tools"
bash scripts/deps.sh podman runc debootstrap netavark aardvark-dns binutils iptables

if [ -z "${SMOKE_IMAGE:-}" ]; then
    step "release binary wechat-relay (--static-swift-stdlib, .build-static)"
    build=(swift build -c release --static-swift-stdlib --scratch-path .build-static)
    "${build[@]}" --product wechat-relay
    bin="$("${build[@]}" --show-bin-path)"
fi

step "base image $base_image (debootstrap, cached)"
if ! podman image exists "$base_image"; then
    mkdir -p "$cache"
    if [ ! -f "$cache/bookworm-rootfs.tar" ]; then
        rootfs="$scratch/rootfs"
        debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
        # Slim like debian:bookworm-slim: no documentation, manuals or translations, and no package
        # files or apt caches left in a layer, now or after later installs.
        printf 'path-exclude /usr/share/%s/*\n' doc man info locale > "$rootfs/etc/dpkg/dpkg.cfg.d/slim"
        printf '%s\n' 'APT::Keep-Downloaded-Packages "false";' 'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' \
            > "$rootfs/etc/apt/apt.conf.d/slim"
        rm -rf "$rootfs"/usr/share/{doc,man,info,locale}/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
            "$rootfs"/var/cache/apt/archives/*.deb
        tar -C "$rootfs" -cf "$cache/bookworm-rootfs.tar.partial" .
        mv "$cache/bookworm-rootfs.tar.partial" "$cache/bookworm-rootfs.tar"
        rm -rf "$rootfs"
    fi
    podman import --change 'CMD ["bash"]' "$cache/bookworm-rootfs.tar" "$base_image" >/dev/null
fi

if [ -z "${SMOKE_IMAGE:-}" ]; then
    step "runtime image $image (deploy/Dockerfile --target prebuilt)"
    context="$scratch/context"
    mkdir -p "$context/bin" "$context/deploy"
    strip -o "$context/bin/wechat-relay" "$bin/wechat-relay"
    cp deploy/healthcheck.sh "$context/deploy/"
    # --format docker keeps HEALTHCHECK (the OCI image format has no such field).
    "${podman[@]}" build --quiet --format docker "${limits[@]}" -f deploy/Dockerfile --target prebuilt \
        --build-arg RUNTIME_IMAGE="$base_image" -t "$image" "$context" >/dev/null
fi
size="$(podman image inspect --format '{{.Size}}' "$image")"
echo "smoke: $image is $((size / 1000000)) MB"

step "redis image $redis_image (cached)"
if ! podman image exists "$redis_image"; then
    mkdir -p "$scratch/redis"
    printf 'FROM %s\nRUN apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*\n' \
        "$base_image" > "$scratch/redis/Containerfile"
    "${podman[@]}" build --quiet "${limits[@]}" -t "$redis_image" "$scratch/redis" >/dev/null
fi

step "containers on network $network: redis, wxsim api, ingress, 2 workers"
podman network create "$network" >/dev/null
start redis redis "$redis_image" redis-server --appendonly yes --appendfsync everysec --protected-mode no --dir /tmp
wait_for 30 podman exec "$prefix-redis" redis-cli ping
start wxsim wxsim -e WECHAT_APPID="$appid" -e WECHAT_APPSECRET="$secret" "$image" wxsim api --host 0.0.0.0 --port 9080
# Locked down as deploy/kubernetes runs them: read-only root, no capabilities, no privilege escalation,
# the spool on a scratch file system (an emptyDir there). The ingress runs the image's default command.
locked=(--read-only --cap-drop ALL --security-opt no-new-privileges)
start ingress ingress "${locked[@]}" --tmpfs /var/lib/wechat-relay/spool:rw,mode=1777 \
    -e REDIS_URL=redis://redis:6379/0 -e WECHAT_APPID="$appid" -e WECHAT_TOKEN="$token" -e WECHAT_AES_KEY="$aes_key" "$image"
# The first worker runs through the `worker` symlink, the second as `wechat-relay worker`: both names work.
worker_commands=("" worker "wechat-relay worker")
for n in 1 2; do
    # LOG_LEVEL=debug: a retried API call (a timeout, a refused connection) is logged at debug only.
    # shellcheck disable=SC2086  # the command is one or two words
    start "worker-$n" "worker-$n" "${locked[@]}" -e REDIS_URL=redis://redis:6379/0 -e WECHAT_APPID="$appid" \
        -e WECHAT_APPSECRET="$secret" -e WECHAT_API_BASE=http://wxsim:9080 -e LOG_LEVEL=debug "$image" ${worker_commands[$n]}
done

step "health: each container's HEALTHCHECK, the ingress's /readyz"
for name in wxsim ingress worker-1 worker-2; do
    wait_for 30 podman healthcheck run "$prefix-$name"
    echo "smoke: $name healthy"
done
wait_for 30 podman exec "$prefix-ingress" wxsim probe http://127.0.0.1:8080/readyz

# A healthy container is only a live process: before the first message, the whole path must be up.
# Each worker reached Redis (/readyz, its own probe), and the names the
# first message needs resolve and connect on this new network: worker → wxsim (the first token fetch,
# where a slow first lookup once cost a silent retry) and wxsim → ingress (the push).
step "readiness of the path: workers' /readyz, worker → wxsim, wxsim → ingress"
for n in 1 2; do
    wait_for 30 podman exec "$prefix-worker-$n" wxsim probe http://127.0.0.1:9464/readyz
    wait_for 30 podman exec "$prefix-worker-$n" wxsim probe http://wxsim:9080/wxsim/replies
done
wait_for 30 podman exec "$prefix-wxsim" wxsim probe http://ingress:8080/readyz

step "send $messages messages in safe mode with wxsim send --wait"
# WeChat's side: the wxsim container pushes to the ingress over the network and waits for the reply.
send() {
    podman exec "$prefix-wxsim" wxsim send --to http://ingress:8080/wechat --token "$token" --appid "$appid" \
        --aes-key "$aes_key" --from "$1" --api http://wxsim:9080 --wait 20 "$2"
}
# explain USER OUTPUT: why a reply is missing: the push's answer, the queue, the services' lines.
explain() {
    echo "smoke: no reply for $1; the push's answer and what wxsim saw:" >&2
    printf '%s\n' "$2" | sed 's/^/smoke:   /' >&2
    queue_state "$prefix-redis" >&2
    for name in ingress worker-1 worker-2 wxsim; do service_lines "$name" podman logs "$prefix-$name" >&2; done
}
for n in $(seq 1 "$messages"); do
    sent_at=$(date +%s%N)
    if ! reply="$(send "smoke-user-$n" "hello $n from the smoke test" 2>&1)"; then
        explain "smoke-user-$n" "$reply"
        exit 1
    fi
    echo "smoke: reply $n after $((($(date +%s%N) - sent_at) / 1000000)) ms (send --wait): $reply"
    case "$reply" in
        *"hello $n from the smoke test"*) ;;
        *) echo "smoke: reply $n does not echo the message" >&2; explain "smoke-user-$n" "$reply"; exit 1 ;;
    esac
done

step "both workers served messages"
served=0
for n in 1 2; do
    replied="$(replied_by "$prefix-worker-$n")"
    echo "smoke: worker $n replied to $replied messages"
    [ "${replied:-0}" -gt 0 ] && served=$((served + 1))
done
[ "$served" -eq 2 ] || { echo "smoke: expected both workers to serve messages" >&2; queue_state "$prefix-redis" >&2; exit 1; }
queue_state "$prefix-redis"
step "cleanup"
