#!/usr/bin/env bash
# The web demo page in a real browser: a private redis-server, `wxsim api` (fake WeChat, authorize page
# and jweixin.js), `web` with the demo page, and headless Chromium driven by Playwright
# (Tests/Browser/demo_page.py). Installs Debian's chromium and Playwright (PyPI) when missing; only when
# neither can be installed does it skip, saying so. The screenshot goes to .test-output/browser/.
#   RELAY_BIN_DIR: the built executables (default: the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/redis.sh

bin="${RELAY_BIN_DIR:-$(swift build --show-bin-path)}"
out=".test-output/browser"
mkdir -p "$out"

chromium_path="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium_path" ]; then
    echo "browser: installing Debian's chromium"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null; }; then
        echo "browser: SKIPPED: no browser could be installed (apt-get install chromium failed); the demo page was not tested in a browser" >&2
        exit 0
    fi
    chromium_path="$(command -v chromium)"
fi
if ! python3 -c "import playwright, jwt" 2>/dev/null; then
    echo "browser: installing Playwright and PyJWT from PyPI"
    if ! python3 -m pip install -q playwright pyjwt >/dev/null 2>&1; then
        echo "browser: SKIPPED: Playwright could not be installed from PyPI; the demo page was not tested in a browser" >&2
        exit 0
    fi
fi

data_dir="$(mktemp -d /tmp/relay-browser.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    stop_private_redis
    rm -rf "$data_dir"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() {
    local url="$1" tries
    for tries in $(seq 1 150); do
        "$bin/wxsim" probe "$url" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "browser: $url did not come up" >&2
    return 1
}

start_private_redis "$data_dir" "" --save "" --appendonly no
secret="browser-test-secret-0123456789abcdef"
api_port="$(free_port)"
web_port="$(free_port)"
api="http://127.0.0.1:${api_port}"
web="http://127.0.0.1:${web_port}"
"$bin/wxsim" api --port "$api_port" --quiet >"$out/wxsim-api.log" 2>&1 & pids+=($!)
wait_for "$api/wxsim/replies"
REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0" WECHAT_APPID=wxdemo0000000000 WECHAT_APPSECRET=demo-secret \
    WECHAT_API_BASE="$api" WECHAT_OPEN_BASE="$api" WEB_HOST=127.0.0.1 WEB_PORT="$web_port" WEB_PUBLIC_URL="$web" \
    WEB_SESSION_SECRET="$secret" WEB_DEMO_PAGE=true WEB_JSSDK_SCRIPT="$api/wxsim/jweixin.js" \
    "$bin/web" >"$out/web.log" 2>&1 & pids+=($!)
wait_for "$web/healthz"

if python3 Tests/Browser/demo_page.py "$web" "$chromium_path" "$out/demo-page.png" "$secret" wxdemo0000000000; then
    echo "browser: passed (screenshot: $out/demo-page.png)"
else
    echo "browser: the demo page failed; web's log:" >&2
    tail -n 30 "$out/web.log" >&2
    exit 1
fi
