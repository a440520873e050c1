#!/usr/bin/env bash
# Stock OPA on pxacl's bundle against the floor of the same size (a bundle
# whose allow is one direct lookup, internal/tools/floorbundle): `opa bench`
# query-eval p50 of data.pxacl.allow for a token on an ACL node and one
# level below it, each run right after a floor run, ROUNDS times; prints
# each pair's ratio. docs/benchmarks.md, "Stock OPA: data layout for
# sidecars". Usage: make build opa && scripts/bench-floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OPA=${OPA:-bin/opa}
PXACL=${PXACL:-bin/pxacl}
ROUNDS=${ROUNDS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the token and node of the generated configuration (configgen, seed 1)
# where the token and its owner both hold Datastore.Backup
declare -A token=([100]='user18@pbs!tok' [100000]='user4128@pbs!tok')
declare -A node=([100]=/datastore/store3 [100000]=/datastore/store580)

p50() {
	"$OPA" bench -b "$1" -i "$2" "$3" --format json 2> /dev/null |
		sed -n 's/.*"histogram_timer_rego_query_eval_ns_median": \([0-9.]*\).*/\1/p'
}

echo '{"auth_id":"u17@pbs!t1","path":"/datastore/s3/ns1/ns2","privilege":"Datastore.Backup"}' > "$tmp/floor.json"
for n in ${SIZES:-100 100000}; do
	go run ./internal/tools/gencfg -entries "$n" -o "$tmp/cfg$n"
	"$PXACL" --config-dir "$tmp/cfg$n" bundle build -o "$tmp/b$n.tar.gz" > /dev/null
	go run ./internal/tools/floorbundle -entries "$n" -o "$tmp/floor$n"
	for q in node below; do
		path=${node[$n]}
		[ "$q" = node ] || path=$path/vm
		printf '{"auth_id":"%s","path":"%s","privileges":["Datastore.Backup"]}' "${token[$n]}" "$path" > "$tmp/$q.json"
		for r in $(seq "$ROUNDS"); do
			f=$(p50 "$tmp/floor$n" "$tmp/floor.json" data.floor.allow)
			p=$(p50 "$tmp/b$n.tar.gz" "$tmp/$q.json" data.pxacl.allow)
			awk -v n="$n" -v q="$q" -v f="$f" -v p="$p" 'BEGIN{printf "%7d entries, token %-5s floor %6.1f us, pxacl %6.1f us, ratio %.2f\n", n, q, f/1000, p/1000, p/f}'
		done
	done
done
