#!/usr/bin/env bash
# make test-redis-tls: the relay against a TLS-only Redis through a stunnel client on loopback — the path
# deploy/README.md documents ("TLS to Redis") for compose (deploy/compose.redis-tls.yml) and Kubernetes
# (components/redis-tls), here without containers:
#   1. a CA and a server certificate for localhost/127.0.0.1 (openssl)
#   2. redis-server with only a TLS port and a password (Debian's redis-server 7 is built with TLS)
#   3. proof that it speaks TLS only: a plaintext PING is not answered, `redis-cli --tls` is
#   4. stunnel in client mode: plaintext on a loopback port, TLS with chain and host name checks to Redis;
#      a second stunnel expecting another host name must fail (the certificate is really checked)
#   5. `wxsim api`, the ingress (safe mode) and a worker with REDIS_URL pointing at stunnel; both /readyz
#      turn 200, and `wxsim send --wait` gets every reply back
# Uses the debug binaries (`swift build` first if they are missing); everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh stunnel4 openssl
for product in ingress worker wxsim; do
    [ -x "$(swift build --show-bin-path)/$product" ] || swift build --product "$product"
done
bin="$(swift build --show-bin-path)"

scratch="$(mktemp -d /tmp/relay-redis-tls.XXXXXX)"
pids=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$status" -ne 0 ]; then
        for log in "$scratch"/*.log; do
            [ -f "$log" ] || continue
            echo "redis-tls: --- last lines of $(basename "$log") ---" >&2
            tail -n 15 "$log" >&2 || true
        done
    fi
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$scratch"
    if [ "$status" -eq 0 ]; then echo "redis-tls: passed in $((SECONDS - started)) s"; else echo "redis-tls: FAILED (exit $status)" >&2; fi
    exit "$status"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_for, and the demo account (appid, token, secret, aes_key), from what the smoke tests share.
source deploy/smoke-lib.sh
password=tls-test-password
tls_port="$(free_port)"
tunnel_port="$(free_port)"
wrong_host_port="$(free_port)"
api_port="$(free_port)"
ingress_port="$(free_port)"
worker_port="$(free_port)"

echo "redis-tls: certificates"
cd "$scratch"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=relay test CA" -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout redis.key -out redis.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > san.ext
openssl x509 -req -in redis.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext -out redis.crt 2>/dev/null
chmod 600 redis.key
cd - >/dev/null

echo "redis-tls: redis-server, TLS only, on 127.0.0.1:$tls_port"
redis-server --port 0 --tls-port "$tls_port" --bind 127.0.0.1 --tls-cert-file "$scratch/redis.crt" \
    --tls-key-file "$scratch/redis.key" --tls-ca-cert-file "$scratch/ca.crt" --tls-auth-clients no \
    --requirepass "$password" --save "" --appendonly no --dir "$scratch" > "$scratch/redis.log" 2>&1 & pids+=($!)
tls_cli=(redis-cli --tls --cacert "$scratch/ca.crt" -h 127.0.0.1 -p "$tls_port" --no-auth-warning -a "$password")
wait_for 10 "${tls_cli[@]}" ping
[ "$("${tls_cli[@]}" ping)" = PONG ]
if timeout 3 redis-cli -h 127.0.0.1 -p "$tls_port" --no-auth-warning -a "$password" ping 2>/dev/null | grep -q PONG; then
    echo "redis-tls: the TLS port answered a plaintext PING" >&2
    exit 1
fi
echo "redis-tls: plaintext refused, TLS answered"

# stunnel_client ACCEPT_PORT SERVER_NAME NAME: the sidecar's own script (deploy/stunnel/stunnel-client.sh),
# with this run's CA and the host name it must find in the server's certificate.
stunnel_client() {
    STUNNEL_ACCEPT="127.0.0.1:$1" REDIS_TLS_HOST=127.0.0.1 REDIS_TLS_PORT="$tls_port" REDIS_TLS_SERVER_NAME="$2" \
        REDIS_TLS_CA_FILE="$scratch/ca.crt" sh deploy/stunnel/stunnel-client.sh > "$scratch/$3.log" 2>&1 & pids+=($!)
}
stunnel_client "$tunnel_port" localhost stunnel
stunnel_client "$wrong_host_port" redis.example.com stunnel-wrong-host
plain_cli=(redis-cli -h 127.0.0.1 --no-auth-warning -a "$password")
wait_for 10 "${plain_cli[@]}" -p "$tunnel_port" ping
echo "redis-tls: stunnel on 127.0.0.1:$tunnel_port answers: $("${plain_cli[@]}" -p "$tunnel_port" ping)"
if timeout 5 "${plain_cli[@]}" -p "$wrong_host_port" ping 2>/dev/null | grep -q PONG; then
    echo "redis-tls: a stunnel expecting another host name got through: the certificate is not checked" >&2
    exit 1
fi
echo "redis-tls: a certificate for another host name is refused"

echo "redis-tls: wxsim api, ingress and worker through stunnel"
export WECHAT_APPID="$appid" WECHAT_APPSECRET="$secret" WECHAT_TOKEN="$token" WECHAT_AES_KEY="$aes_key" LOG_LEVEL=info
redis_url="redis://:$password@127.0.0.1:$tunnel_port/0"
"$bin/wxsim" api --host 127.0.0.1 --port "$api_port" --quiet > "$scratch/wxsim.log" 2>&1 & pids+=($!)
REDIS_URL="$redis_url" INGRESS_HOST=127.0.0.1 INGRESS_PORT="$ingress_port" INGRESS_SPOOL_DIR="$scratch/spool" \
    "$bin/ingress" > "$scratch/ingress.log" 2>&1 & pids+=($!)
REDIS_URL="$redis_url" WECHAT_API_BASE="http://127.0.0.1:$api_port" WORKER_METRICS_HOST=127.0.0.1 \
    WORKER_METRICS_PORT="$worker_port" "$bin/worker" > "$scratch/worker.log" 2>&1 & pids+=($!)
wait_for 30 "$bin/wxsim" probe "http://127.0.0.1:$ingress_port/readyz"
wait_for 30 "$bin/wxsim" probe "http://127.0.0.1:$worker_port/readyz"
for n in 1 2 3; do
    reply="$("$bin/wxsim" send --to "http://127.0.0.1:$ingress_port/wechat" --api "http://127.0.0.1:$api_port" \
        --from "tls-user-$n" --wait 20 "hello $n over TLS")"
    echo "redis-tls: $reply"
    case "$reply" in *"hello $n over TLS"*) ;; *) echo "redis-tls: reply $n does not echo the message" >&2; exit 1 ;; esac
done
length="$("${tls_cli[@]}" XLEN "wx:{$WECHAT_APPID}:in")"
echo "redis-tls: the stream on the TLS-only server holds $length entries (trimmed as they finish)"
"${tls_cli[@]}" XINFO GROUPS "wx:{$WECHAT_APPID}:in" | paste - - | head -3 | sed 's/^/redis-tls:   /'
