#!/usr/bin/env bash
# A decision through a real OPA sidecar, against the floor: `opa run
# --server` on each bundle in turn, and wrk (a separate process, one thread,
# one keep-alive connection) POSTing the same input to /v1/data/... for
# DURATION; prints wrk's p50 of each and their ratio, ROUNDS times
# alternating. Needs wrk (Debian: apt-get install wrk).
# Usage: scripts/bench-sidecar.sh BUNDLE INPUT.json FLOOR_BUNDLE FLOOR_INPUT.json
#   (input files hold the bare input object; the floor's query is
#   data.floor.allow, pxacl's data.pxacl.allow)
set -euo pipefail
[ $# -eq 4 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
command -v wrk > /dev/null || { echo "bench-sidecar: wrk not found (apt-get install wrk)" >&2; exit 2; }
OPA=${OPA:-opa}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
addr=127.0.0.1:${PORT:-8298}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -z "${pid:-}" ] || kill "$pid" 2> /dev/null || true' EXIT

# p50 BUNDLE INPUT PATH: wrk's median latency in microseconds
p50() {
	"$OPA" run --server --addr "$addr" --log-level error "$1" > /dev/null 2>&1 &
	pid=$!
	for _ in $(seq 600); do curl -sf "http://$addr/health?bundles" > /dev/null && break; sleep 0.1; done
	printf '{"input":%s}' "$(cat "$2")" > "$tmp/body.json"
	cat > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$tmp/body.json"); wrk.body = f:read("*a"); f:close()
LUA
	curl -sf -X POST --data-binary @"$tmp/body.json" "http://$addr/v1/data/$3" | grep -q '"result":true' ||
		{ echo "bench-sidecar: $1 does not allow the input" >&2; exit 1; }
	wrk -t1 -c1 -d"$DURATION" --latency -s "$tmp/post.lua" "http://$addr/v1/data/$3" |
		awk '$1=="50%"{v=$2; if (v ~ /ms$/) {sub("ms","",v); v*=1000} else if (v ~ /us$/) sub("us","",v); else if (v ~ /s$/) {sub("s","",v); v*=1000000}; print v}'
	kill "$pid"; wait "$pid" 2> /dev/null || true; pid=
}

for r in $(seq "$ROUNDS"); do
	floor=$(p50 "$3" "$4" floor/allow)
	px=$(p50 "$1" "$2" pxacl/allow)
	awk -v r="$r" -v f="$floor" -v p="$px" 'BEGIN{printf "round %d: floor p50 %.1f us, pxacl p50 %.1f us, ratio %.2f\n", r, f, p, p/f}'
done
