#!/usr/bin/env bash
# Measures the real opa CLI on generated pxacl bundles: whole-process time
# and peak memory of `opa eval -b` (one decision, includes loading the
# bundle) and `opa bench` (query evaluation on a loaded bundle).
# Usage: scripts/bench-opa.sh [SIZES...]   (default: 100 10000 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
OPA=${OPA:-bin/opa}
PXACL=${PXACL:-bin/pxacl}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 10000 100000 1000000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo '{"auth_id":"user3@pbs!tok","path":"/datastore/store1/ns1","privileges":["Datastore.Backup"],"now":1800000000}' > "$work/input.json"
printf '%-10s %-12s %-16s %-18s %-14s\n' entries bundle-MB "eval-b wall s" "eval-b max RSS MB" "bench p50 µs"
for n in "${sizes[@]}"; do
	go run ./internal/tools/gencfg -entries "$n" -o "$work/etc$n"
	"$PXACL" --config-dir "$work/etc$n" bundle build -o "$work/b$n.tar.gz" > /dev/null
	size=$(awk -v b="$(stat -c %s "$work/b$n.tar.gz")" 'BEGIN{printf "%.3f", b/1048576}')
	/usr/bin/time -f '%e %M' -o "$work/time" "$OPA" eval -b "$work/b$n.tar.gz" -i "$work/input.json" 'data.pxacl.allow' > /dev/null
	read -r wall rss < "$work/time"
	p50=$("$OPA" bench -b "$work/b$n.tar.gz" -i "$work/input.json" 'data.pxacl.allow' --format json 2>/dev/null |
		grep -o '"histogram_timer_rego_query_eval_ns_median": *[0-9.e+]*' | cut -d: -f2 | tr -d ' ')
	printf '%-10s %-12s %-16s %-18s %-14s\n' "$n" "$size" "$wall" "$((rss / 1024))" "$(awk -v x="$p50" 'BEGIN{printf "%.1f", x/1000}')"
done
