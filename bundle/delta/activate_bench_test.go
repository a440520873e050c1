// Benchmarks of OPA activating pxacl bundles the way a sidecar does: a
// snapshot, and a small delta on top of it (docs/benchmarks.md, "Delta
// bundles").

package delta

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/configgen"
)

// activateSizes are the entry counts of the activation benchmarks:
// PXACL_BENCH_SIZES (comma-separated), else 10,000.
func activateSizes(b *testing.B) []int {
	s := os.Getenv("PXACL_BENCH_SIZES")
	if s == "" {
		return []int{10_000}
	}
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("PXACL_BENCH_SIZES: %q is not a positive entry count", f)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// activationFixture is a generated configuration's bundle and the delta
// bundles that change one acl.cfg line of it and back.
type activationFixture struct {
	snapshot      []byte // the full bundle (tar.gz)
	forward, back []byte // delta bundles: one line changed, and back
	ops           int    // operations in forward
}

// newActivationFixture generates n entries (configgen, seed 1), builds the
// bundle, changes the role of the last acl.cfg line (in place: no other
// line is renumbered, the common `acl update`) and builds the deltas with
// this package, as `pxacl serve` and `pxacl bundle diff` do.
func newActivationFixture(b *testing.B, n int) *activationFixture {
	b.Helper()
	cfg := configgen.Generate(configgen.Spec{Entries: n, Seed: 1})
	fx := &activationFixture{}
	build := func(name string, acl []byte) *Snapshot {
		dir := filepath.Join(b.TempDir(), name)
		c := *cfg
		c.ACLCfg = acl
		if err := c.WriteDir(dir); err != nil {
			b.Fatal(err)
		}
		bun, err := bundle.BuildDir(dir, compiler.Options{})
		if err != nil {
			b.Fatal(err)
		}
		raw, err := bun.Bytes()
		if err != nil {
			b.Fatal(err)
		}
		s, err := ReadSnapshot(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		if name == "old" {
			fx.snapshot = raw
		}
		return s
	}
	lines := strings.Split(strings.TrimSuffix(string(cfg.ACLCfg), "\n"), "\n")
	last := lines[len(lines)-1]
	role := last[strings.LastIndexByte(last, ':')+1:]
	newRole := "DatastoreAudit"
	if role == newRole {
		newRole = "DatastoreReader"
	}
	lines[len(lines)-1] = strings.TrimSuffix(last, role) + newRole
	old := build("old", cfg.ACLCfg)
	changed := build("new", []byte(strings.Join(lines, "\n")+"\n"))
	fx.forward, fx.ops = deltaBundle(b, old, changed)
	fx.back, _ = deltaBundle(b, changed, old)
	return fx
}

// deltaBundle is the delta bundle from old to new and its operation count.
func deltaBundle(b *testing.B, old, new *Snapshot) ([]byte, int) {
	b.Helper()
	ops, err := Diff(old.Data, new.Data, Prefix)
	if err != nil {
		b.Fatal(err)
	}
	enc, err := EncodeOps(ops)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := Bytes(new.Manifest, enc)
	if err != nil {
		b.Fatal(err)
	}
	return raw, len(ops)
}

// readOPA reads a bundle (full or delta) with OPA's reader, as a sidecar
// does.
func readOPA(b *testing.B, raw []byte) *opabundle.Bundle {
	b.Helper()
	bun, err := opabundle.NewReader(bytes.NewReader(raw)).Read()
	if err != nil {
		b.Fatal(err)
	}
	return &bun
}

// sidecar is an OPA in-memory store and the compiler of the last
// activation, as OPA's bundle plugin keeps them (v1/plugins/bundle: a
// snapshot compiles with a new compiler; a delta reuses the manager's,
// which holds the policies already).
type sidecar struct {
	store    storage.Store
	compiler *ast.Compiler
}

func newSidecar() *sidecar {
	// the store of `opa run` (v1/runtime)
	return &sidecar{store: inmem.NewWithOpts(inmem.OptRoundTripOnWrite(false), inmem.OptReturnASTValuesOnRead(false))}
}

// activate activates bun in one write transaction and commits it, as
// the bundle plugin does.
func (s *sidecar) activate(bun *opabundle.Bundle) error {
	ctx := context.Background()
	txn, err := s.store.NewTransaction(ctx, storage.WriteParams)
	if err != nil {
		return err
	}
	c := s.compiler
	if bun.Type() != opabundle.DeltaBundleType || c == nil {
		c = ast.NewCompiler()
	}
	c = c.WithPathConflictsCheck(storage.NonEmpty(ctx, s.store, txn)).WithPathConflictsCheckRoots(*bun.Manifest.Roots)
	err = opabundle.Activate(&opabundle.ActivateOpts{
		Ctx: ctx, Store: s.store, Txn: txn, Compiler: c, Metrics: metrics.New(),
		Bundles: map[string]*opabundle.Bundle{bundle.Root: bun},
	})
	if err != nil {
		s.store.Abort(ctx, txn)
		return err
	}
	if err := s.store.Commit(ctx, txn); err != nil {
		return err
	}
	s.compiler = c
	return nil
}

// BenchmarkActivate measures OPA (bundle.Activate on an in-memory store,
// as a sidecar) activating a pxacl bundle of PXACL_BENCH_SIZES entries
// (default 10,000): "snapshot" the whole bundle into an empty store,
// "delta" a one-line change on top of it (alternately forward and back,
// each one activation). Run with -benchtime=Nx: a delta took seconds
// before pxacl.lib (docs/benchmarks.md, "Delta bundles").
func BenchmarkActivate(b *testing.B) {
	for _, n := range activateSizes(b) {
		fx := newActivationFixture(b, n)
		b.Run(fmt.Sprintf("entries=%d/snapshot", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				bun := readOPA(b, fx.snapshot) // the store keeps the data: a fresh copy each time
				s := newSidecar()
				b.StartTimer()
				if err := s.activate(bun); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(fx.snapshot))/1024, "bundle-KB")
		})
		b.Run(fmt.Sprintf("entries=%d/delta", n), func(b *testing.B) {
			s := newSidecar()
			if err := s.activate(readOPA(b, fx.snapshot)); err != nil {
				b.Fatal(err)
			}
			deltas := []*opabundle.Bundle{readOPA(b, fx.forward), readOPA(b, fx.back)}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.activate(deltas[i%2]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(len(fx.forward)), "delta-B")
			b.ReportMetric(float64(fx.ops), "ops")
		})
	}
}
