#!/bin/sh
# The Redis TLS sidecar: a stunnel client that takes plaintext Redis on STUNNEL_ACCEPT and forwards it
# over TLS to REDIS_TLS_HOST:REDIS_TLS_PORT, checking the server's certificate chain (the system CAs, or
# REDIS_TLS_CA_FILE for a private CA) and its host name (REDIS_TLS_SERVER_NAME, default REDIS_TLS_HOST).
# The services then use REDIS_URL=redis://[:password@]<sidecar>:6379/0 (hiredis 0.14 has no TLS).
# The configuration goes to stunnel on standard input: nothing is written, so a read-only root works.
set -eu
: "${REDIS_TLS_HOST:?set REDIS_TLS_HOST: the TLS Redis server, e.g. my-redis.example.com}"
port="${REDIS_TLS_PORT:-6380}"
accept="${STUNNEL_ACCEPT:-127.0.0.1:6379}"
ca_file="${REDIS_TLS_CA_FILE:-/etc/ssl/certs/ca-certificates.crt}"
server_name="${REDIS_TLS_SERVER_NAME:-$REDIS_TLS_HOST}"
exec stunnel -fd 0 <<CONF
foreground = yes
pid =
syslog = no
[redis]
client = yes
accept = $accept
connect = $REDIS_TLS_HOST:$port
sni = $server_name
verifyChain = yes
CAfile = $ca_file
checkHost = $server_name
CONF
