// Benchmarks of building a bundle from a configuration directory: at
// scale (BenchmarkBuild) and with deep acl.cfg paths (BenchmarkBuildDeep).

package bundle

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/configgen"
	"github.com/pxacl/pxacl/internal/batchgc"
)

// benchSizes are the entry counts of BenchmarkBuild, overridden by
// PXACL_BENCH_SIZES (comma-separated), as in evaluator's benchmarks.
func benchSizes() []int {
	sizes := []int{100, 10_000, 100_000, 1_000_000}
	if s := os.Getenv("PXACL_BENCH_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err == nil {
				sizes = append(sizes, n)
			}
		}
	}
	return sizes
}

// BenchmarkBuild measures parse + compile + bundle write of a config dir,
// reporting the bundle size, with the GC setting of `pxacl bundle build`.
func BenchmarkBuild(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	batchgc.Tune()
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			cfg := configgen.Generate(configgen.Spec{Entries: n, Seed: 1})
			dir := filepath.Join(b.TempDir(), "etc")
			if err := cfg.WriteDir(dir); err != nil {
				b.Fatal(err)
			}
			var size int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bun, err := BuildDir(dir, compiler.Options{})
				if err != nil {
					b.Fatal(err)
				}
				raw, err := bun.Bytes()
				if err != nil {
					b.Fatal(err)
				}
				size = len(raw)
			}
			b.ReportMetric(float64(size)/(1<<20), "bundle-MB")
		})
	}
}

// BenchmarkBuildDeep measures parse + compile + bundle write of deep
// acl.cfg paths: one line of 100,000 components, 1,000
// lines of 1,000, and a chain of 2,000 nodes with entries at every level.
// It reports the bundle size and data.json per byte of acl.cfg; both
// must stay flat as the paths get deeper.
func BenchmarkBuildDeep(b *testing.B) {
	var many, chain strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&many, "acl:1:/l%d%s:john@pbs:Admin\n", i, strings.Repeat("/a", 999))
	}
	for i := 1; i <= 2000; i++ {
		fmt.Fprintf(&chain, "acl:%d:%s:john@pbs:%s\n", i%2, strings.Repeat("/a", i), []string{"Audit", "DatastoreBackup", "NoAccess"}[i%3])
	}
	for _, c := range []struct{ name, acl string }{
		{"line=100000", "acl:1:" + strings.Repeat("/a", 100_000) + ":john@pbs:Admin\n"},
		{"lines=1000x1000", many.String()},
		{"chain=2000", chain.String()},
	} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "acl.cfg"), []byte(c.acl), 0o600); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte("user: john@pbs\n"), 0o600); err != nil {
				b.Fatal(err)
			}
			var size, data int
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bun, err := BuildDir(dir, compiler.Options{})
				if err != nil {
					b.Fatal(err)
				}
				raw, err := bun.Bytes()
				if err != nil {
					b.Fatal(err)
				}
				size, data = len(raw), 0
				for _, f := range bun.Files {
					if strings.HasSuffix(f.Path, "/data.json") {
						data = len(f.Data)
					}
				}
			}
			b.ReportMetric(float64(size)/(1<<10), "bundle-KB")
			b.ReportMetric(float64(data)/float64(len(c.acl)), "data/acl-bytes")
		})
	}
}
