package whocan

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/pxacl/pxacl/configgen"
)

// BenchmarkWhoCan answers who-can on a datastore namespace of a generated
// configuration with 100k users and 100k tokens (500k acl.cfg entries;
// PXACL_WHOCAN_ENTRIES overrides the size). It reports the candidates
// evaluated per query against the identities of the configuration.
func BenchmarkWhoCan(b *testing.B) {
	n := 500_000
	if s := os.Getenv("PXACL_WHOCAN_ENTRIES"); s != "" {
		if v, err := strconv.Atoi(s); err == nil {
			n = v
		}
	}
	gen := configgen.Generate(configgen.Spec{Entries: n, Seed: 1})
	dir := b.TempDir()
	if err := gen.WriteDir(dir); err != nil {
		b.Fatal(err)
	}
	c, err := Load(context.Background(), dir, "", "")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	paths := []string{"/datastore/store7/ns1", "/datastore/store42", "/remote"}
	var cands, ids, holders int
	b.ResetTimer()
	i := 0
	for b.Loop() {
		r, err := c.WhoCan(ctx, "Datastore.Backup", paths[i%len(paths)], 0)
		if err != nil {
			b.Fatal(err)
		}
		cands += r.Candidates
		ids = r.Identities
		holders += len(r.Holders)
		i++
	}
	b.ReportMetric(float64(cands)/float64(i), "candidates/op")
	b.ReportMetric(float64(ids), "identities")
	b.ReportMetric(float64(holders)/float64(i), "holders/op")
}

// BenchmarkWhoCanPVE answers who-can on PVE paths of a generated user.cfg
// (PXACL_WHOCAN_PVE_ENTRIES acl entries, default 50,000: 10,000 users and
// 10,000 tokens, groups of 10, 500 pools over 5,000 VMs): a pool member VM,
// a VM outside every pool and a storage. It reports the candidates
// evaluated per query against the identities.
func BenchmarkWhoCanPVE(b *testing.B) {
	n := 50_000
	if s := os.Getenv("PXACL_WHOCAN_PVE_ENTRIES"); s != "" {
		if v, err := strconv.Atoi(s); err == nil {
			n = v
		}
	}
	gen := configgen.GeneratePVE(configgen.PVESpec{Entries: n, GroupMembers: 10, Pools: 500, VMs: 5000, Seed: 1})
	dir := b.TempDir()
	if err := gen.WriteDir(dir); err != nil {
		b.Fatal(err)
	}
	c, err := Load(context.Background(), dir, "", "")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	paths := []string{"/vms/150", "/vms/9999", "/storage/store7"}
	var cands, ids, holders int
	b.ResetTimer()
	i := 0
	for b.Loop() {
		r, err := c.WhoCan(ctx, "VM.PowerMgmt", paths[i%len(paths)], 0)
		if err != nil {
			b.Fatal(err)
		}
		cands += r.Candidates
		ids = r.Identities
		holders += len(r.Holders)
		i++
	}
	b.ReportMetric(float64(cands)/float64(i), "candidates/op")
	b.ReportMetric(float64(ids), "identities")
	b.ReportMetric(float64(holders)/float64(i), "holders/op")
}
