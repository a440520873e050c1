// Tests of deep acl.cfg paths: bundle size and answers.

package native_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/evaluator"
)

// Deep acl.cfg paths: PBS accepts a path of any number
// of components, so pxacl compiles it into a bundle no larger than a
// constant times acl.cfg and decides on it natively and in Rego alike.
// The configurations are generated here, not committed.

// deepCase is a generated configuration and the paths to ask about.
type deepCase struct {
	name  string
	acl   string
	paths []string
}

func deepCases() []deepCase {
	line := strings.Repeat("/a", 100_000) // 200 KB
	var many strings.Builder              // 1,000 lines of 1,000 components
	for i := range 1000 {
		fmt.Fprintf(&many, "acl:1:/l%d%s:john@pbs:Admin\n", i, strings.Repeat("/a", 999))
	}
	var chain strings.Builder // entries at every level of a 2,000 deep chain
	for i := 1; i <= 2000; i++ {
		fmt.Fprintf(&chain, "acl:%d:%s:john@pbs,john@pbs!t:%s\n", i%2, strings.Repeat("/a", i),
			[]string{"Audit", "DatastoreBackup", "NoAccess", "DatastoreAdmin"}[i%4])
	}
	chain.WriteString("acl:1:/:jane@pbs:Audit\n")
	return []deepCase{
		{"one line of 100,000 components",
			"acl:1:" + line + ":john@pbs:Admin\nacl:1:/a:jane@pbs:Audit\nacl:0:/a/a/a:john@pbs!t:Audit\n",
			[]string{line, line + "/x", line[:len(line)/2], "/", "/a", "/a/a/a"}},
		{"1,000 lines of 1,000 components", many.String(),
			[]string{"/l0" + strings.Repeat("/a", 999), "/l999" + strings.Repeat("/a", 999) + "/x", "/l5" + strings.Repeat("/a", 500), "/", "/l7"}},
		{"a chain of 2,000 nodes with entries", chain.String(),
			[]string{strings.Repeat("/a", 2000), strings.Repeat("/a", 2001), strings.Repeat("/a", 1999), strings.Repeat("/a", 1001), strings.Repeat("/a", 3), "/"}},
	}
}

// TestDeepPaths: native and Rego answers agree on deep configurations,
// and the compiled document grows no faster than acl.cfg.
func TestDeepPaths(t *testing.T) {
	ctx := context.Background()
	users := "user: john@pbs\n\nuser: jane@pbs\n\ntoken: john@pbs!t\n"
	ids := []string{"john@pbs", "john@pbs!t", "jane@pbs", "root@pam", "ghost@pbs"}
	privs := [][]string{{"Sys.Audit"}, {"Datastore.Backup"}, {"Datastore.Audit", "Datastore.Modify"}}
	for _, tc := range deepCases() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "acl.cfg"), []byte(tc.acl), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte(users), 0o600); err != nil {
				t.Fatal(err)
			}
			doc, err := compiler.Compile(dir, compiler.Options{})
			if err != nil {
				t.Fatal(err)
			}
			raw, err := doc.JSON()
			if err != nil {
				t.Fatal(err)
			}
			// the constant part (privileges, roles, sets) is a few KB
			if limit := 3*len(tc.acl) + 64<<10; len(raw) > limit {
				t.Errorf("data.json is %d bytes for an acl.cfg of %d, want at most %d", len(raw), len(tc.acl), limit)
			}
			nat, err := evaluator.FromDocument(ctx, doc)
			if err != nil {
				t.Fatal(err)
			}
			reg, err := evaluator.FromDocument(ctx, doc, evaluator.WithEngine(evaluator.Rego))
			if err != nil {
				t.Fatal(err)
			}
			nonEmpty := 0
			for _, id := range ids {
				for _, path := range tc.paths {
					pn, err1 := nat.Permissions(ctx, id, path)
					pr, err2 := reg.Permissions(ctx, id, path)
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					if !maps.Equal(pn, pr) {
						t.Fatalf("permissions(%s, %s): native %v, rego %v", id, short(path), pn, pr)
					}
					if len(pn) > 0 && id != "root@pam" {
						nonEmpty++
					}
					ps := privs
					if len(path) > 10_000 {
						ps = ps[:1] // a Rego decision on 50,000 components takes 0.1 s
					}
					for _, p := range ps {
						q := evaluator.Query{AuthID: id, Path: path, Privileges: p, Now: 1_800_000_000}
						an, err1 := nat.Allowed(ctx, q)
						ar, err2 := reg.Allowed(ctx, q)
						if err1 != nil || err2 != nil {
							t.Fatal(err1, err2)
						}
						if an != ar {
							t.Fatalf("allow(%s, %s, %v): native %v, rego %v", id, short(path), p, an, ar)
						}
					}
				}
			}
			if nonEmpty == 0 {
				t.Fatal("degenerate: nobody but root@pam holds anything")
			}
		})
	}
}

// TestDeepPathAnswers: what PBS answers on the 100,000-component line
// (docs/semantics.md §3.3): the entry decides at its node and below, nothing
// above it; an ancestor's propagating entry reaches all the way down.
func TestDeepPathAnswers(t *testing.T) {
	ctx := context.Background()
	line := strings.Repeat("/a", 100_000)
	dir := t.TempDir()
	acl := "acl:1:" + line + ":john@pbs:Admin\nacl:1:/a:jane@pbs:Audit\n"
	if err := os.WriteFile(filepath.Join(dir, "acl.cfg"), []byte(acl), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte("user: john@pbs\n\nuser: jane@pbs\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, engine := range []evaluator.Engine{evaluator.Auto, evaluator.Rego} {
		ev, err := evaluator.FromConfigDir(ctx, dir, evaluator.WithEngine(engine))
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			id, path string
			want     bool
		}{
			{"john@pbs", line, true},
			{"john@pbs", line + "/below", true},
			{"john@pbs", line[:len(line)-2], false},
			{"john@pbs", "/a", false},
			{"jane@pbs", line, true},
			{"jane@pbs", "/", false},
		}
		for _, tc := range tests {
			got, err := ev.Allowed(ctx, evaluator.Query{AuthID: tc.id, Path: tc.path, Privileges: []string{"Sys.Audit"}})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("engine %d: allow(%s, %s, Sys.Audit) = %v, want %v", engine, tc.id, short(tc.path), got, tc.want)
			}
		}
		if n := len(ev.Nodes()); n != 2 {
			t.Errorf("engine %d: %d nodes with entries, want 2", engine, n)
		}
	}
}

// short shows a long path by its length.
func short(p string) string {
	if len(p) <= 40 {
		return p
	}
	return fmt.Sprintf("%s... (%d bytes)", p[:20], len(p))
}
