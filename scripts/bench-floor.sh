#!/usr/bin/env bash
# Stock OPA on pxacl's bundle against the floor of the same size (a bundle
# whose allow is one direct lookup, internal/tools/floorbundle): `opa bench`
# query-eval p50 of data.pxacl.allow, each run right after a floor run,
# ROUNDS times; prints each pair's ratio. PBS: a token on an ACL node and
# one level below it. PVE: a privilege-separated token on a node in no
# pool and one level below it, the token on a pool member whose owner holds
# the privilege through its group's entry on the pool, and that user.
# docs/benchmarks.md, "Stock OPA: data layout for sidecars".
# Usage: make build opa && scripts/bench-floor.sh   (FLAVORS="pbs pve")
set -euo pipefail
cd "$(dirname "$0")/.."
OPA=${OPA:-bin/opa}
PXACL=${PXACL:-bin/pxacl}
ROUNDS=${ROUNDS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the token and node of the generated PBS configuration (configgen, seed 1)
# where the token and its owner both hold Datastore.Backup
declare -A token=([100]='user18@pbs!tok' [100000]='user4128@pbs!tok')
declare -A node=([100]=/datastore/store3 [100000]=/datastore/store580)

# appended to the generated PVE configuration: an account of its own, so
# that no random entry of the generator (NoAccess included) touches it
pve_bench_lines='user:bench@pve:1:0::::::
token:bench@pve!tok:0:1::
group:benchg:bench@pve::
pool:benchpool::999999::
acl:1:/sdn/zones/z1:bench@pve,bench@pve!tok:PVESDNUser:
acl:1:/vms/999999:bench@pve!tok:PVEVMUser:
acl:1:/pool/benchpool:@benchg:PVEVMUser:'
declare -A pve=(
	[node]='{"auth_id":"bench@pve!tok","path":"/sdn/zones/z1","privileges":["SDN.Audit"]}'
	[below]='{"auth_id":"bench@pve!tok","path":"/sdn/zones/z1/v1","privileges":["SDN.Audit"]}'
	[pool-token]='{"auth_id":"bench@pve!tok","path":"/vms/999999","privileges":["VM.Audit"]}'
	[pool-user]='{"auth_id":"bench@pve","path":"/vms/999999","privileges":["VM.Audit"]}'
)

p50() {
	"$OPA" bench -b "$1" -i "$2" "$3" --format json 2> /dev/null |
		sed -n 's/.*"histogram_timer_rego_query_eval_ns_median": \([0-9.]*\).*/\1/p'
}

# pair FLAVOR N QUERY BUNDLE INPUT: ROUNDS pairs of floor and pxacl runs
pair() {
	for r in $(seq "$ROUNDS"); do
		f=$(p50 "$tmp/floor$2" "$tmp/floor.json" data.floor.allow)
		p=$(p50 "$4" "$5" data.pxacl.allow)
		awk -v fl="$1" -v n="$2" -v q="$3" -v f="$f" -v p="$p" 'BEGIN{printf "%s %7d entries, %-10s floor %6.1f us, pxacl %6.1f us, ratio %.2f\n", fl, n, q, f/1000, p/1000, p/f}'
	done
}

echo '{"auth_id":"u17@pbs!t1","path":"/datastore/s3/ns1/ns2","privilege":"Datastore.Backup"}' > "$tmp/floor.json"
for n in ${SIZES:-100 100000}; do
	go run ./internal/tools/floorbundle -entries "$n" -o "$tmp/floor$n"
	for fl in ${FLAVORS:-pbs pve}; do
		if [ "$fl" = pbs ]; then
			go run ./internal/tools/gencfg -entries "$n" -o "$tmp/cfg$n"
			"$PXACL" --config-dir "$tmp/cfg$n" bundle build -o "$tmp/b$n.tar.gz" > /dev/null
			for q in node below; do
				path=${node[$n]}
				[ "$q" = node ] || path=$path/vm
				printf '{"auth_id":"%s","path":"%s","privileges":["Datastore.Backup"]}' "${token[$n]}" "$path" > "$tmp/$q.json"
				pair PBS "$n" "$q" "$tmp/b$n.tar.gz" "$tmp/$q.json"
			done
		else
			go run ./internal/tools/gencfg -pve -entries "$n" -o "$tmp/pve$n"
			printf '\n%s\n' "$pve_bench_lines" >> "$tmp/pve$n/user.cfg"
			"$PXACL" --config-dir "$tmp/pve$n" bundle build -o "$tmp/pve$n.tar.gz" > /dev/null
			for q in node below pool-token pool-user; do
				echo "${pve[$q]}" > "$tmp/pve-$q.json"
				pair PVE "$n" "$q" "$tmp/pve$n.tar.gz" "$tmp/pve-$q.json"
			done
		fi
	done
done
