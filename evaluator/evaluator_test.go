package evaluator

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

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
	b, err := BuildDir(dir)
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
