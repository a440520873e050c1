package evaluator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkBuildDeep measures parse + compile + bundle write of deep
// acl.cfg paths (issue 11 item 10): one line of 100,000 components, 1,000
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
				bun, err := BuildDir(dir)
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
