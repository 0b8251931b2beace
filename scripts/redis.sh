#!/usr/bin/env bash
# Starts a private redis-server on loopback and prints its port; sourced by test.sh and run.sh.
#   start_private_redis DIR [PORT] [extra redis-server options...]   -> sets REDIS_PORT and REDIS_PID
#   stop_private_redis                                               -> stops it, whatever state it is in

start_private_redis() {
    local dir="$1" port="${2:-}"
    shift 2 || shift $#
    mkdir -p "$dir"
    local attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        local candidate="$port"
        [ -n "$candidate" ] || candidate=$(( 20000 + RANDOM % 30000 ))
        # Its own session: Ctrl-C reaches the services first, and the caller stops Redis last.
        setsid redis-server --port "$candidate" --bind 127.0.0.1 --dir "$dir" --logfile "$dir/redis.log" \
            --daemonize no "$@" &
        REDIS_PID=$!
        local tries
        for tries in $(seq 1 50); do
            if redis-cli -p "$candidate" ping 2>/dev/null | grep -q PONG; then
                REDIS_PORT="$candidate"
                return 0
            fi
            kill -0 "$REDIS_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
        [ -z "$port" ] || break   # a fixed port that fails will not do better on a retry
    done
    echo "redis: could not start redis-server (see $dir/redis.log)" >&2
    return 1
}

stop_private_redis() {
    if [ -n "${REDIS_PID:-}" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
    fi
}
