// Benchmarks of decisions (allow, permissions) on generated PBS and PVE
// configurations, natively and with OPA.

package evaluator

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/pxacl/pxacl/configgen"
)

// Benchmark sizes (acl.cfg entries). PXACL_BENCH_SIZES overrides them,
// e.g. PXACL_BENCH_SIZES=100,10000.
func benchSizes() []int {
	sizes := []int{100, 10_000, 100_000, 1_000_000}
	if s := os.Getenv("PXACL_BENCH_SIZES"); s != "" {
		sizes = nil
		for _, f := range splitComma(s) {
			n, err := strconv.Atoi(f)
			if err == nil {
				sizes = append(sizes, n)
			}
		}
	}
	return sizes
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

type benchEnv struct {
	ev      *Evaluator
	queries []Query
	heapMB  float64
}

var benchEnvs = map[int]*benchEnv{}

// load compiles and loads the configuration in dir, returning the
// evaluator and the heap it added, in MB.
func load(b *testing.B, dir string, opts ...Option) (*Evaluator, float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ev, err := FromConfigDir(context.Background(), dir, opts...)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	return ev, float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
}

// writeConfig generates the PBS benchmark configuration of n entries into
// a directory of b's.
func writeConfig(b *testing.B, n int) (*configgen.Config, string) {
	cfg := configgen.Generate(configgen.Spec{Entries: n, Seed: 1})
	dir := filepath.Join(b.TempDir(), "etc")
	if err := cfg.WriteDir(dir); err != nil {
		b.Fatal(err)
	}
	return cfg, dir
}

// env generates, compiles and loads a configuration of n entries once.
func env(b *testing.B, n int) *benchEnv {
	if e, ok := benchEnvs[n]; ok {
		return e
	}
	cfg, dir := writeConfig(b, n)
	ev, heapMB := load(b, dir)
	r := rand.New(rand.NewSource(2))
	var qs []Query
	for range 4096 {
		var id string
		if r.Intn(2) == 0 {
			id = cfg.Users[r.Intn(len(cfg.Users))]
		} else {
			id = cfg.Tokens[r.Intn(len(cfg.Tokens))]
		}
		path := cfg.Paths[r.Intn(len(cfg.Paths))]
		if r.Intn(3) == 0 {
			path += "/vm/100" // deeper than the tree: inherits
		}
		qs = append(qs, Query{AuthID: id, Path: path, Privileges: []string{"Datastore.Backup"}, Now: 1800000000})
	}
	e := &benchEnv{ev: ev, queries: qs, heapMB: heapMB}
	benchEnvs[n] = e
	return e
}

// BenchmarkAllow measures one data.pxacl.allow decision through the
// embedded evaluator, reporting p50/p99 latency and the evaluator's heap.
func BenchmarkAllow(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) { measureAllow(b, env(b, n)) })
	}
}

// BenchmarkAllowRego is BenchmarkAllow with OPA evaluating the Rego
// (--engine rego), on the same configurations and queries.
func BenchmarkAllowRego(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			e := env(b, n)
			rego := *e
			_, dir := writeConfig(b, n)
			rego.ev, rego.heapMB = load(b, dir, WithEngine(Rego))
			measureAllow(b, &rego)
		})
	}
}

// BenchmarkAllowHot is BenchmarkAllow with a working set of 16 queries
// that stays in the CPU caches: the work of a decision, without the cache
// and TLB misses of random queries over a large configuration. Equal
// figures at every size show that the configuration's size itself costs
// nothing; what BenchmarkAllow adds at 1M entries is memory latency.
func BenchmarkAllowHot(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			e := env(b, n)
			hot := *e
			hot.queries = e.queries[:16]
			measureAllow(b, &hot)
		})
	}
}

// measureAllow times b.N allow decisions over e's queries and reports the
// p50/p99 latency and the evaluator's heap.
func measureAllow(b *testing.B, e *benchEnv) {
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	runtime.GC() // not the garbage of loading the configuration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := e.ev.Allowed(ctx, e.queries[i%len(e.queries)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1000, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1000, "p99-µs")
	b.ReportMetric(e.heapMB, "heap-MB")
}

// BenchmarkAllowParallel measures decisions per second on all cores.
func BenchmarkAllowParallel(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			e := env(b, n)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				i := rand.Intn(len(e.queries))
				for pb.Next() {
					if _, err := e.ev.Allowed(ctx, e.queries[i%len(e.queries)]); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "decisions/s")
		})
	}
}

// BenchmarkPermissions measures data.pxacl.permissions.
func BenchmarkPermissions(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			e := env(b, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := e.queries[i%len(e.queries)]
				if _, err := e.ev.Permissions(ctx, q.AuthID, q.Path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var pveEnvs = map[int]*benchEnv{}

// pveEnv generates a PVE user.cfg with n acl entries, groups of 1,000
// members, 10k pools and 100k VMs, and loads it once.
func pveEnv(b *testing.B, n int) *benchEnv {
	if e, ok := pveEnvs[n]; ok {
		return e
	}
	cfg := configgen.GeneratePVE(configgen.PVESpec{Entries: n, GroupMembers: 1000, Pools: 10_000, VMs: 100_000, Seed: 1})
	dir := filepath.Join(b.TempDir(), "pve")
	if err := cfg.WriteDir(dir); err != nil {
		b.Fatal(err)
	}
	ev, heapMB := load(b, dir)
	r := rand.New(rand.NewSource(2))
	var qs []Query
	for range 4096 {
		id := cfg.Users[r.Intn(len(cfg.Users))]
		if r.Intn(2) == 0 {
			id = cfg.Tokens[r.Intn(len(cfg.Tokens))]
		}
		qs = append(qs, Query{AuthID: id, Path: cfg.Paths[r.Intn(len(cfg.Paths))], Privileges: []string{"VM.Audit"}, Now: 1800000000})
	}
	e := &benchEnv{ev: ev, queries: qs, heapMB: heapMB}
	pveEnvs[n] = e
	return e
}

// BenchmarkAllowPVE is BenchmarkAllow on Proxmox VE configurations.
func BenchmarkAllowPVE(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) { measureAllow(b, pveEnv(b, n)) })
	}
}
