#!/usr/bin/env bash
# make bench-worker: replies/s of release `worker` processes draining pre-loaded users' queues (1 000
# users) into the fake WeChat API (in the bench process), at 0 ms API latency with 1 and 2 worker
# processes and at 100 ms with 1, 2 and 4 (the speed-up over one process and the Little's-law bound).
# Then CPU per reply of one worker against the bare loop (bare-worker: XREADGROUP → POST → XACK, same
# libraries), with thread sleeps and read/write calls per reply (issue 17).
# Everything shares this machine's cores (redis-server, the fake API, the workers): read it as such.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/redis.sh

swift build -c release ${SWIFT_BUILD_FLAGS:-} --product worker
swift build -c release ${SWIFT_BUILD_FLAGS:-} --product worker-bench
swift build -c release ${SWIFT_BUILD_FLAGS:-} --product bare-worker
bin="$(swift build -c release ${SWIFT_BUILD_FLAGS:-} --show-bin-path)"
data_dir="$(mktemp -d /tmp/relay-bench-worker.XXXXXX)"
trap 'stop_private_redis; rm -rf "$data_dir"' EXIT INT TERM
start_private_redis "$data_dir" "" --save "" --appendonly no
url="redis://127.0.0.1:${REDIS_PORT}/0"

echo "--- report ---"
echo "worker: $(nproc) cores shared by redis-server $(redis-server --version | awk '{print $3}'), the fake API and the workers"
echo
"$bin/worker-bench" "$bin" "$url"
echo
echo "CPU per reply against the bare loop (\`worker-bench cost\`: one process each, the same pre-loaded messages, redis-server's CPU over the same span):"
echo
"$bin/worker-bench" cost "$bin" "$url"
