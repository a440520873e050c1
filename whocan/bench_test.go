// Benchmarks of who-can on large PBS and PVE configurations.

package whocan

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/configgen"
)

// BenchmarkWhoCan answers who-can on a datastore namespace of a generated
// configuration with 100k users and 100k tokens (500k acl.cfg entries;
// PXACL_WHOCAN_ENTRIES overrides the size). It reports the candidates
// evaluated per query against the identities of the configuration.
func BenchmarkWhoCan(b *testing.B) {
	n := envInt("PXACL_WHOCAN_ENTRIES", 500_000)
	benchWhoCan(b, configgen.Generate(configgen.Spec{Entries: n, Seed: 1}),
		"Datastore.Backup", []string{"/datastore/store7/ns1", "/datastore/store42", "/remote"})
}

// BenchmarkWhoCanPVE answers who-can on PVE paths of a generated user.cfg
// (PXACL_WHOCAN_PVE_ENTRIES acl entries, default 50,000: 10,000 users and
// 10,000 tokens, groups of 10, 500 pools over 5,000 VMs): a pool member VM,
// a VM outside every pool and a storage. It reports the candidates
// evaluated per query against the identities.
func BenchmarkWhoCanPVE(b *testing.B) {
	n := envInt("PXACL_WHOCAN_PVE_ENTRIES", 50_000)
	benchWhoCan(b, configgen.GeneratePVE(configgen.PVESpec{Entries: n, GroupMembers: 10, Pools: 500, VMs: 5000, Seed: 1}),
		"VM.PowerMgmt", []string{"/vms/150", "/vms/9999", "/storage/store7"})
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// benchWhoCan writes cfg, loads it and asks who holds priv on each path,
// one sub-benchmark per path, reporting candidates, identities and holders
// per query.
func benchWhoCan(b *testing.B, cfg interface{ WriteDir(string) error }, priv string, paths []string) {
	dir := b.TempDir()
	if err := cfg.WriteDir(dir); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	c, err := NewIndex(ctx, dir, compiler.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range paths {
		b.Run(strings.ReplaceAll(strings.TrimPrefix(path, "/"), "/", "_"), func(b *testing.B) {
			var r *Result
			for b.Loop() {
				if r, err = c.WhoCan(ctx, priv, path, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(r.Candidates), "candidates/op")
			b.ReportMetric(float64(r.Identities), "identities")
			b.ReportMetric(float64(len(r.Holders)), "holders/op")
		})
	}
}
