#!/usr/bin/env bash
# Load test of the 304 path of `pxacl serve`: wrk (a separate process, one
# thread) keeps 1,000 connections polling with the current ETag for 10 s.
# Needs wrk (Debian: apt-get install wrk). Usage: scripts/bench-serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk > /dev/null || { echo "bench-serve: wrk not found (apt-get install wrk)" >&2; exit 2; }
PXACL=${PXACL:-bin/pxacl}
addr=127.0.0.1:${PORT:-8299}
"$PXACL" --config-dir examples/pbs serve --addr "$addr" 2> /dev/null &
pid=$!
trap 'kill $pid' EXIT
for _ in $(seq 50); do curl -sf "http://$addr/health" > /dev/null && break; sleep 0.1; done
etag=$(curl -sI "http://$addr/bundles/pxacl.tar.gz" | tr -d '\r' | awk 'tolower($1)=="etag:"{print $2}')
wrk -t1 -c1000 -d10s --latency -H "If-None-Match: $etag" "http://$addr/bundles/pxacl.tar.gz"
echo "pxacl serve RSS: $(ps -o rss= -p $pid) KB"
curl -s "http://$addr/metrics" | grep 'pxacl_http_requests_total'
