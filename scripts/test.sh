#!/usr/bin/env bash
# make test: a private redis-server on a free loopback port, the debug build with tests, the test run.
# The server is stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
source scripts/redis.sh

data_dir="$(mktemp -d /tmp/relay-test-redis.XXXXXX)"
cleanup() { stop_private_redis; rm -rf "$data_dir"; }
trap cleanup EXIT INT TERM

start_private_redis "$data_dir" "" --save "" --appendonly no
export REDIS_TEST_URL="redis://127.0.0.1:${REDIS_PORT}/0"
echo "test: redis-server $(redis-server --version | awk '{print $3}') on $REDIS_TEST_URL"

swift build --build-tests
export RELAY_BIN_DIR="$(swift build --show-bin-path)"
# Suites that hold a server to a protocol deadline (a kubelet's 1 s probe timeout) run on their own after
# the others, so the deadline is not measured against 400 tests sharing the cores; a filtered run
# (`make test ARGS`) runs what it names, as it is.
deadline_suites='ReadinessProbeTests'
if [ "$#" -eq 0 ]; then
    swift test --skip-build --parallel --skip "$deadline_suites"
    swift test --skip-build --filter "$deadline_suites"
else
    swift test --skip-build --parallel "$@"
fi

# The web demo page in a real browser (headless Chromium through Playwright), after the Swift tests; a
# filtered run (`make test ARGS`, `--filter X`) leaves it out.
if [ "$#" -eq 0 ]; then
    RELAY_BIN_DIR="$RELAY_BIN_DIR" bash scripts/test-browser.sh
fi
