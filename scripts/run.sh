#!/usr/bin/env bash
# make run: the whole product on this machine, stopped together on Ctrl-C.
#   Redis (append-only file on, data in .run/redis), the ingress on 127.0.0.1:8080, two workers, and
#   `web` (OAuth and JS-SDK signatures) on 127.0.0.1:8081 with its demo page at /demo.
#   Without WeChat credentials in the environment it is the full local demo: `wxsim api` (a fake
#   api.weixin.qq.com on 127.0.0.1:9080) takes the workers' replies and prints them, with the demo
#   account in safe mode; `make chat` (or `wxsim chat`) in a second terminal talks to it.
#   With WECHAT_APPID, WECHAT_APPSECRET and WECHAT_TOKEN set (WECHAT_AES_KEY for safe mode) it uses
#   WeChat's real API instead.
# Several accounts (README "Several accounts"): the demo's ingress and workers also read the accounts file
#   examples/accounts.yaml (WECHAT_ACCOUNTS: the demo accounts shop and blog, their AppSecrets in
#   SHOP_APPSECRET and BLOG_APPSECRET) and serve them on /wechat/{appid} beside the demo account on /wechat.
#   RUN_ACCOUNTS=FILE serves another file, RUN_ACCOUNTS= (empty) none. Outside the demo, a WECHAT_ACCOUNTS
#   in the environment is served as it is, with or without the single account's WECHAT_* variables.
# RELAY_BIN_DIR picks prebuilt binaries (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/redis.sh

bin="${RELAY_BIN_DIR:-$(swift build -c release ${SWIFT_BUILD_FLAGS:-} --show-bin-path)}"
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

# Waits until URL answers 2xx (wxsim probe), or fails after about 20 s.
wait_for() {
    local url="$1" tries
    for tries in $(seq 1 100); do
        "$bin/wxsim" probe "$url" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "run: $url did not come up" >&2
    return 1
}

if [ -z "${WECHAT_APPID:-}" ] && [ -z "${WECHAT_APPSECRET:-}" ] && [ -z "${WECHAT_ACCOUNTS:-}" ]; then
    demo=1
    export WECHAT_TOKEN="demo-token"
    export WECHAT_APPID="wxdemo0000000000"
    export WECHAT_APPSECRET="demo-secret"
    export WECHAT_AES_KEY="DemoDemoDemoDemoDemoDemoDemoDemoDemoDemo12E"
    api_port="${RUN_API_PORT:-9080}"
    export WECHAT_API_BASE="http://127.0.0.1:${api_port}"
    # The accounts file is given to the ingress and the workers only (with the demo AppSecrets it names).
    accounts="${RUN_ACCOUNTS-examples/accounts.yaml}"
    if [ -n "$accounts" ]; then
        [ -f "$accounts" ] || { echo "run: RUN_ACCOUNTS=$accounts: no such file" >&2; exit 2; }
        accounts="$(cd "$(dirname "$accounts")" && pwd)/$(basename "$accounts")"
    fi
    accounts_env=(WECHAT_ACCOUNTS="$accounts" SHOP_APPSECRET="shop-secret" BLOG_APPSECRET="blog-secret")
    [ -n "$accounts" ] || accounts_env=()
else
    demo=0
    accounts="${WECHAT_ACCOUNTS:-}"
    accounts_env=()
    # The single account's variables come together; an accounts file alone needs none of them.
    if [ -z "$accounts" ] || [ -n "${WECHAT_APPID:-}" ] || [ -n "${WECHAT_APPSECRET:-}" ]; then
        for name in WECHAT_APPID WECHAT_APPSECRET WECHAT_TOKEN; do
            if [ -z "${!name:-}" ]; then
                echo "run: $name is not set; set WECHAT_APPID, WECHAT_APPSECRET and WECHAT_TOKEN together (or none of them for the demo)" >&2
                exit 2
            fi
        done
    fi
fi

start_private_redis "$PWD/.run/redis" "${RUN_REDIS_PORT:-6379}" --appendonly yes --appendfsync everysec
echo "run: redis-server on 127.0.0.1:${REDIS_PORT} (append-only file in .run/redis)"
export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
export INGRESS_HOST="${INGRESS_HOST:-127.0.0.1}"
export INGRESS_PORT="${INGRESS_PORT:-8080}"
export INGRESS_SPOOL_DIR="${INGRESS_SPOOL_DIR:-$PWD/.run/spool}"

if [ "$demo" = 1 ]; then
    "$bin/wxsim" api --port "$api_port" & pids+=($!)
    wait_for "${WECHAT_API_BASE}/wxsim/replies"
fi
# Account operations (README "Operating the account"): the demo's rules answer the example menu's clicks.
if [ "$demo" = 1 ]; then export WORKER_RULES="${WORKER_RULES:-$PWD/examples/rules.yaml}"; fi

env "${accounts_env[@]}" "$bin/ingress" & pids+=($!)
env "${accounts_env[@]}" WORKER_METRICS_PORT="${RUN_WORKER_METRICS_PORT:-9464}" "$bin/worker" & pids+=($!)
env "${accounts_env[@]}" WORKER_METRICS_PORT="$(( ${RUN_WORKER_METRICS_PORT:-9464} + 1 ))" "$bin/worker" & pids+=($!)

# web: the pages side (OAuth, JS-SDK). In the demo the fake also plays WeChat's authorize page and jweixin.js.
export WEB_HOST="${WEB_HOST:-127.0.0.1}"
export WEB_PORT="${WEB_PORT:-8081}"
export WEB_PUBLIC_URL="${WEB_PUBLIC_URL:-http://${WEB_HOST}:${WEB_PORT}}"
if [ "$demo" = 1 ]; then
    export WECHAT_OPEN_BASE="$WECHAT_API_BASE"
    export WEB_JSSDK_SCRIPT="${WECHAT_API_BASE}/wxsim/jweixin.js"
    export WEB_DEMO_PAGE="${WEB_DEMO_PAGE:-true}"
fi
if [ -z "${WEB_SESSION_SECRET:-}" ]; then
    # A new secret per run: sessions end with the run. Set WEB_SESSION_SECRET to keep them.
    WEB_SESSION_SECRET="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
    export WEB_SESSION_SECRET
fi
"$bin/web" & pids+=($!)
web_url="http://${WEB_HOST}:${WEB_PORT}"

ingress_url="http://${INGRESS_HOST}:${INGRESS_PORT}"
wait_for "$ingress_url/readyz"
wait_for "$web_url/readyz"

# Account operations: the example menu applied to the fake API, as `worker menu apply` does for a real account.
if [ "$demo" = 1 ]; then
    "$bin/worker" menu apply examples/menu.yaml >/dev/null
    echo "run: applied examples/menu.yaml to the fake API (worker menu get shows it); in the chat, /click V1001_TODAY or /scan shop_12"
fi

wxsim="${bin#"$PWD"/}/wxsim"
# Non-default ports must be passed to wxsim.
where=""
[ "$ingress_url" = "http://127.0.0.1:8080" ] || where+=" --to $ingress_url/wechat"
[ "$demo" = 0 ] || [ "$api_port" = 9080 ] || where+=" --api $WECHAT_API_BASE"
echo
if [ "$demo" = 1 ]; then
    echo "run: ready (demo account, fake WeChat API on ${WECHAT_API_BASE}). In a second terminal, chat with it:"
    if [ -z "$where" ]; then echo "         make chat             (or: $wxsim chat)"; else echo "         $wxsim chat$where"; fi
    echo "     or send one message and wait for the reply:"
    echo "         $wxsim send$where --wait 5 \"hello\""
    echo "     The web demo page (sign-in through the fake WeChat, then the JS-SDK): open ${web_url}/demo"
    echo "     or sign in from the terminal: $wxsim oauth ${web_url}"
elif [ -n "${WECHAT_APPID:-}" ]; then
    echo "run: ready for AppID ${WECHAT_APPID}: point the WeChat console's URL at ${ingress_url}/wechat (through TLS on 443, see README)."
    echo "     web (OAuth, JS-SDK) on ${web_url}: see README \"Web pages\" for the console's domains."
else
    echo "run: ready for the accounts of ${accounts}: point each account's URL in the WeChat console at its line below (through TLS on 443, see README)."
fi
if [ -n "$accounts" ]; then
    echo "     Several accounts (${accounts#"$PWD"/}), each on its own URL:"
    if [ -n "${WECHAT_APPID:-}" ]; then
        line="         $(printf '%-6s %s' "${WECHAT_APPID}" "$ingress_url/wechat")"
        [ "$demo" = 0 ] || line="         $(printf '%-6s %s' demo "$ingress_url/wechat")"
        if [ "$demo" = 1 ] && [ -z "$where" ]; then line+="                    make chat"; fi
        if [ "$demo" = 1 ] && [ -n "$where" ]; then line+="                    $wxsim chat$where"; fi
        echo "$line"
    fi
    # One "name appid" pair per entry of the file (appid and name as the file writes them).
    while read -r name appid; do
        line="         $(printf '%-6s %s' "$name" "$ingress_url/wechat/$appid")"
        if [ "$demo" = 1 ] && [ -z "$where" ]; then line+="   make chat ACCOUNT=$name"; fi
        if [ "$demo" = 1 ] && [ -n "$where" ]; then line+="   $wxsim chat$where --account $name"; fi
        echo "$line"
    done < <(awk '
        function flush() { if (appid != "") print (name != "" ? name : appid), appid; appid = ""; name = "" }
        /^[[:space:]]*-?[[:space:]]*appid:/ { flush(); sub(/^[^:]*:[[:space:]]*/, ""); sub(/[[:space:]]*#.*/, ""); gsub(/"/, ""); appid = $0; next }
        /^[[:space:]]*name:/ { sub(/^[^:]*:[[:space:]]*/, ""); sub(/[[:space:]]*#.*/, ""); gsub(/"/, ""); name = $0 }
        END { flush() }' "$accounts")
fi
echo "     Ctrl-C stops everything."
wait -n "${pids[@]}" || true
echo "run: a service exited; stopping the rest"
