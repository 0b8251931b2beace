#!/usr/bin/env bash
# Runs the libFuzzer targets for the WeChat protocol core (XML parser, decrypt), each for a bounded time.
#   bash Fuzz/fuzz.sh [seconds-per-target, default 60] [extra libFuzzer flags...]
# Builds Fuzz/Package.swift (debug, -sanitize=fuzzer,address; Linux toolchain with libFuzzer) into
# Fuzz/.build-fuzz, seeds each corpus from the test fixtures, and leaves crash inputs in
# Fuzz/.build-fuzz/artifacts/<target>/. Exits non-zero if a target finds a crash.
set -euo pipefail
seconds="${1:-60}"
shift || true
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
scratch="$here/.build-fuzz"

# The symlinks that put the code under test into this package (recreated if a copy lost them).
[ -e Sources/Shared ] || ln -sfn ../../Sources/Shared/Protocol Sources/Shared
[ -e Sources/CLibXML2 ] || ln -sfn ../../Sources/CLibXML2 Sources/CLibXML2
for target in FuzzXML FuzzDecrypt; do
    [ -e "Sources/$target/WeChatFixtures.swift" ] \
        || ln -sfn ../../../Tests/SharedTests/Fixtures/WeChatFixtures.swift "Sources/$target/WeChatFixtures.swift"
done

swift build -c debug --scratch-path "$scratch"
bin="$(swift build -c debug --scratch-path "$scratch" --show-bin-path)"

# Leaks: the fuzzing runs without leak detection (a full leak scan after every input is slow) and the
# whole corpus is replayed once with it afterwards. (Foundation's XMLParser, used before the libxml2
# reader, leaked 72 bytes per libxml2 error; lsan.supp still names that leak.)
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

status=0
for target in FuzzXML FuzzDecrypt; do
    corpus="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    FUZZ_SEED_DIR="$corpus" "$bin/$target"
    echo "== $target: ${seconds}s"
    if ! "$bin/$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
        -artifact_prefix="$artifacts/" "$@" "$corpus" >"$scratch/$target.log" 2>&1; then
        status=1
        echo "!! $target found a problem; see $scratch/$target.log and $artifacts/"
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" "$scratch/$target.log" || true
    mkdir -p "$artifacts"
    echo "== $target: leak check over the corpus ($(ls "$corpus" | wc -l) inputs)"
    if ! "$bin/$target" -runs=0 -detect_leaks=1 -artifact_prefix="$artifacts/" "$corpus" >"$scratch/$target.leaks.log" 2>&1; then
        status=1
        echo "!! $target leak check failed; see $scratch/$target.leaks.log"
    fi
done
exit "$status"
