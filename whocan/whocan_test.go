package whocan

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pxacl/pxacl/configgen"
)

func load(t testing.TB, dir string) *Config {
	t.Helper()
	c, err := Load(context.Background(), dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestExample(t *testing.T) {
	ctx := context.Background()
	c := load(t, filepath.Join("..", "examples", "pbs"))
	r, err := c.WhoCan(ctx, "Datastore.Prune", "/datastore/store1", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"admin@pbs", "john@pbs", "pve-backup-user@pbs", "root@pam"}
	if got := r.AuthIDs(); !slices.Equal(got, want) {
		t.Fatalf("holders %v, want %v", got, want)
	}
	for _, h := range r.Holders {
		if h.AuthID == "john@pbs" {
			if len(h.Grants) != 1 || h.Grants[0].Path != "/datastore/store1" || h.Grants[0].Roles[0].Line != "acl.cfg:4" || !h.Propagate {
				t.Errorf("john@pbs: %+v", h)
			}
		}
		if h.AuthID == "root@pam" && !h.Superuser {
			t.Errorf("root@pam not marked superuser")
		}
	}
	// tokens: the intersection with the owner
	r, err = c.WhoCan(ctx, "Datastore.Backup", "//datastore/store1/ns1/", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(r.AuthIDs(), "john@pbs!client1") || r.Path != "/datastore/store1/ns1" {
		t.Fatalf("%+v", r)
	}
	for _, h := range r.Holders {
		if h.AuthID == "john@pbs!client1" && (h.Owner != "john@pbs" || len(h.Owners) != 1 || h.Grants[0].Path != "/datastore/store1/ns1") {
			t.Errorf("token holder %+v", h)
		}
	}
	// only admin, audit (entries on /) and root@pam can hold anything on /remote
	r, err = c.WhoCan(ctx, "Remote.Audit", "/remote/x", 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Candidates != 3 || r.Identities != 11 || !slices.Equal(r.AuthIDs(), []string{"admin@pbs", "root@pam"}) {
		t.Errorf("/remote/x: %d candidates of %d, holders %v", r.Candidates, r.Identities, r.AuthIDs())
	}
	// NoAccess replaces john's DatastoreAdmin below /datastore/store1/secret
	r, err = c.WhoCan(ctx, "Datastore.Read", "/datastore/store1/secret/x", 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(r.AuthIDs(), "john@pbs") {
		t.Errorf("john@pbs holds Datastore.Read under NoAccess: %v", r.AuthIDs())
	}
}

// TestAgainstBruteForce compares WhoCan with evaluating every identity, on
// generated configurations, for node paths, their descendants and defaults.
func TestAgainstBruteForce(t *testing.T) {
	ctx := context.Background()
	privs := []string{"Datastore.Backup", "Datastore.Prune", "Datastore.Read", "Permissions.Modify"}
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			gen := configgen.Generate(configgen.Spec{Entries: 80, Seed: seed})
			dir := t.TempDir()
			if err := gen.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			c := load(t, dir)
			paths := []string{"/", "/access", "/datastore", "/remote", "/system", "/datastore/nostore", "//datastore//", "/datastore/store1/ns1/deeper"}
			paths = append(paths, gen.Paths...)
			pruned := 0
			for _, p := range paths {
				for _, priv := range privs {
					r, err := c.WhoCan(ctx, priv, p, 0)
					if err != nil {
						t.Fatal(err)
					}
					want, err := c.BruteForce(ctx, priv, p, 0)
					if err != nil {
						t.Fatal(err)
					}
					if got := r.AuthIDs(); !slices.Equal(got, want) {
						t.Fatalf("who-can %s %s: %v, brute force %v", priv, p, got, want)
					}
					if r.Candidates < r.Identities {
						pruned++
					}
				}
			}
			if pruned == 0 {
				t.Errorf("no query evaluated fewer candidates than identities")
			}
		})
	}
}
