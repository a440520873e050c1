// Tests of who-can, against evaluating every identity.

package whocan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/configgen"
)

func load(t testing.TB, dir string) *Index {
	t.Helper()
	c, err := NewIndex(context.Background(), dir, compiler.Options{})
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

// TestPVEAgainstBruteForce compares WhoCan with evaluating every identity on
// generated PVE configurations (groups, pools, privilege-separated and
// plain tokens), on pool members and non-members, pool paths, storages,
// deeper and unnormalised paths.
func TestPVEAgainstBruteForce(t *testing.T) {
	ctx := context.Background()
	privs := []string{"VM.Audit", "VM.PowerMgmt", "Datastore.AllocateSpace", "Permissions.Modify"}
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			gen := configgen.GeneratePVE(configgen.PVESpec{Entries: 300, GroupMembers: 10, Pools: 20, VMs: 100, Seed: seed})
			dir := t.TempDir()
			if err := gen.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			c := load(t, dir)
			if c.Doc.Meta.Flavor != "pve" {
				t.Fatalf("flavor %q", c.Doc.Meta.Flavor)
			}
			paths := []string{
				"/", "/vms", "/pool", "/storage", "/nodes", "/access", "/nodes/pve1",
				"/vms/100", "/vms/150", "/vms/199", "/vms/100/", "//vms//105", "/vms/200", "/vms/999",
				"/vms/100/deeper", "/pool/p0", "/pool/p19", "/pool/p0/sub", "/pool/nopool",
				"/storage/store0", "/storage/store7", "/storage/store49", "/storage/nostore", "/storage/store3/x",
			}
			seen := map[string]bool{}
			for _, p := range gen.Paths {
				if !seen[p] && len(seen) < 30 {
					seen[p] = true
					paths = append(paths, p)
				}
			}
			ids := len(c.Identities())
			pruned, holders := 0, 0
			for _, p := range paths {
				cands := c.Candidates(p)
				if !slices.Contains(cands, "root@pam") {
					t.Fatalf("%s: root@pam is not a candidate", p)
				}
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
					if r.Candidates != len(cands) || r.Identities != ids {
						t.Fatalf("%s: %d candidates of %d, Candidates gives %d of %d", p, r.Candidates, r.Identities, len(cands), ids)
					}
					if r.Candidates < r.Identities {
						pruned++
					}
					holders += len(want)
				}
			}
			if holders <= len(paths)*len(privs) {
				t.Errorf("only root@pam ever holds anything: the comparison proves little")
			}
			if pruned < len(paths)*len(privs)/2 {
				t.Errorf("only %d of %d queries evaluated fewer candidates than identities", pruned, len(paths)*len(privs))
			}
			// few entries: a non-member VM without entries, a storage
			for _, p := range []string{"/vms/999", "/nodes/pve1", "/storage/nostore"} {
				if n := len(c.Candidates(p)); n*4 > ids {
					t.Errorf("%s: %d candidates of %d identities", p, n, ids)
				}
			}
		})
	}
}

// TestPVECandidates: the candidate rules on a hand-written user.cfg: group
// members through a pool ACL, nested pools, tokens with and without
// privilege separation.
func TestPVECandidates(t *testing.T) {
	dir := t.TempDir()
	cfg := `user:root@pam:1:0:::::::
user:a@pve:1:0::::::
token:a@pve!sep:0:1::
token:a@pve!plain:0:0::
user:b@pve:1:0::::::
token:b@pve!sep:0:1::
user:c@pve:1:0::::::
token:c@pve!plain:0:0::
user:d@pve:1:0::::::
token:root@pam!sep:0:1::

group:ga:a@pve::
group:gd:d@pve::

pool:top::::
pool:top/sub::100::

acl:1:/pool/top:@ga:PVEVMUser:
acl:1:/vms/100:b@pve!sep:PVEVMUser:
acl:1:/vms/100:c@pve:PVEAuditor:
acl:1:/nodes:@gd:PVEAuditor:
acl:1:/vms/101:root@pam!sep:PVEAuditor:
`
	if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	c := load(t, dir)
	for path, want := range map[string][]string{
		// a through @ga on /pool/top (the parent of its pool); b's token
		// has an entry but b none; c and its plain token
		"/vms/100": {"a@pve", "a@pve!plain", "c@pve", "c@pve!plain", "root@pam"},
		"/vms/101": {"root@pam", "root@pam!sep"},
		"/nodes/x": {"d@pve", "root@pam"},
		"/vms":     {"root@pam"},
	} {
		if got := c.Candidates(path); !slices.Equal(got, want) {
			t.Errorf("%s: candidates %v, want %v", path, got, want)
		}
	}
	r, err := c.WhoCan(context.Background(), "VM.PowerMgmt", "/vms/100", 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a@pve", "a@pve!plain", "root@pam"}; !slices.Equal(r.AuthIDs(), want) {
		t.Errorf("VM.PowerMgmt on /vms/100: %v, want %v", r.AuthIDs(), want)
	}
}
