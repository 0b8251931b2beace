#!/usr/bin/env bash
# The image's HEALTHCHECK: one image runs ingress, worker, web or `wxsim api`, so this looks at the command the
# container was started with (PID 1) and probes that service's health endpoint with `wxsim probe` (the
# slim runtime image has no curl). RELAY_HEALTH_URL overrides the choice.
set -euo pipefail

command_line="$(tr '\0' ' ' < /proc/1/cmdline)"
if [ -n "${RELAY_HEALTH_URL:-}" ]; then
    url="$RELAY_HEALTH_URL"
else
    case "$command_line" in
        *worker*) url="http://127.0.0.1:${WORKER_METRICS_PORT:-9464}/healthz" ;;
        *wxsim*) url="http://127.0.0.1:${WXSIM_PORT:-9080}/wxsim/replies" ;;
        # `web` as a word ("web", "/usr/local/bin/web", "/sbin/docker-init -- web" under `init: true`).
        web|web\ *|*[/\ ]web|*[/\ ]web\ *) url="http://127.0.0.1:${WEB_PORT:-8081}/healthz" ;;
        *) url="http://127.0.0.1:${INGRESS_PORT:-8080}/healthz" ;;
    esac
fi
exec wxsim probe "$url"
