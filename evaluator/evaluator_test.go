// Tests of the Evaluator: concurrent use, bundle file against config
// dir, foreign policies, native against Rego.

package evaluator

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/configgen"
)

// An Evaluator is safe for concurrent use: answers from many goroutines
// equal the sequential ones (run with -race to check for data races too).
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	cfg := configgen.Generate(configgen.Spec{Entries: 2000, Seed: 3})
	dir := filepath.Join(t.TempDir(), "etc")
	if err := cfg.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	ev, err := FromConfigDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var qs []Query
	for i, p := range cfg.Paths {
		if i >= 100 {
			break
		}
		qs = append(qs, Query{AuthID: cfg.Users[i%len(cfg.Users)], Path: p, Privileges: []string{"Datastore.Audit"}, Now: 1800000000})
		qs = append(qs, Query{AuthID: cfg.Tokens[i%len(cfg.Tokens)], Path: p + "/deeper", Privileges: []string{"Datastore.Backup"}, Now: 1800000000})
	}
	want := make([]string, len(qs))
	for i, q := range qs {
		want[i] = answer(t, ev, q)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range qs {
				j := (i + g*17) % len(qs)
				if got := answer(t, ev, qs[j]); got != want[j] {
					errs <- fmt.Errorf("query %+v: concurrent %s, sequential %s", qs[j], got, want[j])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func answer(t *testing.T, ev *Evaluator, q Query) string {
	ctx := context.Background()
	ok, err := ev.Allowed(ctx, q)
	if err != nil {
		t.Error(err)
	}
	perms, err := ev.Permissions(ctx, q.AuthID, q.Path)
	if err != nil {
		t.Error(err)
	}
	return fmt.Sprint(ok, perms)
}

// A bundle file and the in-memory compile of the same directory answer the
// same.
func TestBundleFileMatchesConfigDir(t *testing.T) {
	ctx := context.Background()
	dir := "../examples/pbs"
	b, err := bundle.BuildDir(dir, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "pxacl.tar.gz")
	if err := b.WriteFile(file); err != nil {
		t.Fatal(err)
	}
	fromFile, err := FromBundleFile(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	fromDir, err := FromConfigDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !fromFile.Native() || !fromDir.Native() {
		t.Fatalf("native engine: bundle file %v, config dir %v; want both", fromFile.Native(), fromDir.Native())
	}
	if fromFile.Revision() != fromDir.Revision() || fromFile.Revision() != b.Manifest.Revision {
		t.Fatalf("revisions differ: file %s, dir %s, built %s", fromFile.Revision(), fromDir.Revision(), b.Manifest.Revision)
	}
	for _, id := range []string{"john@pbs", "john@pbs!client1", "pve-backup-user@pbs!pve-node-01", "root@pam", "audit@pbs"} {
		for _, p := range append(fromDir.Nodes(), "/", "/system/status") {
			q := Query{AuthID: id, Path: p, Privileges: []string{"Datastore.Backup"}}
			if a, b := answer(t, fromFile, q), answer(t, fromDir, q); a != b {
				t.Errorf("%s %s: bundle file %s, config dir %s", id, p, a, b)
			}
		}
	}
}

// A bundle whose policies are not exactly pxacl's own is decided by OPA on
// its own Rego, never by the native engine: here an edited allow grants
// everything, and the evaluator must say so.
func TestForeignPoliciesUseRego(t *testing.T) {
	ctx := context.Background()
	b, err := bundle.BuildDir("../examples/pbs", compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	ob, err := bundle.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := New(ctx, ob)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Native() {
		t.Fatal("pxacl's own bundle is not decided natively")
	}
	q := Query{AuthID: "audit@pbs", Path: "/datastore/store1", Privileges: []string{"Datastore.Prune"}}
	if ok, _ := ev.Allowed(ctx, q); ok {
		t.Fatal("audit@pbs may prune in the example; the test premise is wrong")
	}
	for i, m := range ob.Modules {
		if strings.HasSuffix(m.Path, "/pxacl.rego") {
			src := append(slices.Clone(m.Raw), []byte("\nallow if input.auth_id == \"audit@pbs\"\n")...)
			parsed, err := ast.ParseModuleWithOpts(m.Path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
			if err != nil {
				t.Fatal(err)
			}
			ob.Modules[i].Raw, ob.Modules[i].Parsed = src, parsed
		}
	}
	edited, err := New(ctx, ob)
	if err != nil {
		t.Fatal(err)
	}
	if edited.Native() {
		t.Fatal("a bundle with edited policies is decided natively")
	}
	if ok, err := edited.Allowed(ctx, q); err != nil || !ok {
		t.Fatalf("edited policy: allowed=%v (%v), want true", ok, err)
	}
}

func TestParseEngine(t *testing.T) {
	for in, want := range map[string]Engine{"": Auto, "auto": Auto, "rego": Rego} {
		if got, err := ParseEngine(in); err != nil || got != want {
			t.Errorf("ParseEngine(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseEngine("fast"); err == nil {
		t.Error(`ParseEngine("fast"): no error`)
	}
}

// Check gives the same verdict natively as from the Rego explanation, for
// every node of the examples, users and tokens, active or not.
func TestCheckMatchesExplain(t *testing.T) {
	ctx := context.Background()
	for dir, privs := range map[string][]string{
		"../examples/pbs": {"Datastore.Backup", "Datastore.Read", "Sys.Audit"},
		"../examples/pve": {"VM.Audit", "VM.PowerMgmt", "Datastore.AllocateSpace"},
	} {
		nat, err := FromConfigDir(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		reg, err := FromConfigDir(ctx, dir, WithEngine(Rego))
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{"root@pam", "john@pbs", "john@pbs!client1", "john@pbs!old-laptop", "ghost@pbs",
			"alice@pve", "temp@pve", "deploy@pve!ci", "druva@pam!backup", "druva@pam!full", "nobody@pve!x",
			"john@pbs!nope", "deploy@pve!nope", "nobody@pve"}
		n, unknown := 0, 0
		for _, id := range ids {
			for _, path := range append(nat.Nodes(), "//vms//100/", "/storage/local", "/datastore/store1/ns1/deeper") {
				for i := range privs {
					q := Query{AuthID: id, Path: path, Privileges: privs[i:], Partial: i == 1}
					a, err1 := nat.Check(ctx, q)
					b, err2 := reg.Check(ctx, q)
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					if !reflect.DeepEqual(a, b) {
						t.Fatalf("%s %+v: native %+v, rego %+v", dir, q, a, b)
					}
					if a.Allowed {
						n++
					}
					if !a.Known {
						unknown++
					}
				}
			}
		}
		if n == 0 || unknown == 0 {
			t.Fatalf("%s: nothing allowed (%d) or no unknown id (%d), the comparison is vacuous", dir, n, unknown)
		}
	}
}

// An unknown auth id is reported as unknown, not as inactive: Known is
// false only for ids without a user or token section (root@pam always has
// one), natively and in the Rego explanation, on both flavors.
func TestCheckKnown(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		dir, id      string
		known, token bool
	}{
		{"../examples/pbs", "root@pam", true, false},
		{"../examples/pbs", "john@pbs", true, false},
		{"../examples/pbs", "former@pbs", true, false}, // disabled, but known
		{"../examples/pbs", "john@pbs!old-laptop", true, true},
		{"../examples/pbs", "nobody@pbs", false, false},
		{"../examples/pbs", "john@pbs!nope", false, true},
		{"../examples/pbs", "ghost@pbs!t", false, true},
		{"../examples/pve", "root@pam", true, false},
		{"../examples/pve", "temp@pve", true, false},
		{"../examples/pve", "druva@pam!full", true, true},
		{"../examples/pve", "nobody@pve", false, false},
		{"../examples/pve", "alice@pve!nope", false, true},
	}
	for _, engine := range []Engine{Auto, Rego} {
		evs := map[string]*Evaluator{}
		for _, c := range cases {
			ev := evs[c.dir]
			if ev == nil {
				var err error
				if ev, err = FromConfigDir(ctx, c.dir, WithEngine(engine)); err != nil {
					t.Fatal(err)
				}
				evs[c.dir] = ev
			}
			v, err := ev.Check(ctx, Query{AuthID: c.id, Path: "/", Privileges: []string{"Sys.Audit"}})
			if err != nil {
				t.Fatal(err)
			}
			if v.Known != c.known || v.Token != c.token || (!c.known && (v.Allowed || v.Active)) {
				t.Errorf("engine %d, %s: %+v; want known %v, token %v", engine, c.id, v, c.known, c.token)
			}
			x, err := ev.Explain(ctx, Query{AuthID: c.id, Path: "/", Privileges: []string{"Sys.Audit"}})
			if err != nil {
				t.Fatal(err)
			}
			if x.Known != c.known {
				t.Errorf("%s: explain known %v, want %v", c.id, x.Known, c.known)
			}
		}
	}
}

// Explain without a privilege lists exactly the effective privileges
// (those of Permissions, decided natively), each with at least one source
// naming a role and its line, or the superuser, on both flavors.
func TestExplainListingMatchesPermissions(t *testing.T) {
	ctx := context.Background()
	for dir, ids := range map[string][]string{
		"../examples/pbs": {"root@pam", "john@pbs", "john@pbs!client1", "pve-backup-user@pbs!pve-node-01", "audit@pbs", "nobody@pbs"},
		"../examples/pve": {"root@pam", "alice@pve", "deploy@pve", "deploy@pve!ci", "druva@pam!backup", "druva@pam!full", "temp@pve"},
	} {
		ev, err := FromConfigDir(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if !ev.Native() {
			t.Fatal("not native: the comparison would be Rego against itself")
		}
		held := 0
		for _, id := range ids {
			for _, path := range append(ev.Nodes(), ev.PoolMembers()...) {
				x, err := ev.Explain(ctx, Query{AuthID: id, Path: path})
				if err != nil {
					t.Fatal(err)
				}
				perms, err := ev.Permissions(ctx, id, path)
				if err != nil {
					t.Fatal(err)
				}
				if !x.Listing || x.Allowed {
					t.Fatalf("%s %s on %s: listing %v, allowed %v", dir, id, path, x.Listing, x.Allowed)
				}
				got := map[string]bool{}
				for _, g := range x.Grants {
					got[g.Privilege] = g.Propagate
					if len(g.Sources) == 0 {
						t.Errorf("%s %s on %s: %s has no source", dir, id, path, g.Privilege)
					}
					for _, s := range g.Sources {
						if !s.Superuser && (s.Line == "" || s.Role == "" || s.Path == "" || s.Via == "") {
							t.Errorf("%s %s on %s: %s: incomplete source %+v", dir, id, path, g.Privilege, s)
						}
					}
				}
				if !reflect.DeepEqual(got, perms) && (len(got) > 0 || len(perms) > 0) {
					t.Errorf("%s %s on %s: grants %v, permissions %v", dir, id, path, got, perms)
				}
				held += len(got)
			}
		}
		if held == 0 {
			t.Fatalf("%s: no grants at all, the comparison is vacuous", dir)
		}
	}
}
