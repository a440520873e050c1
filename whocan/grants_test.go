// Tests of grants, against explain and hand-written cases.

package whocan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/configgen"
	"github.com/pxacl/pxacl/evaluator"
)

// explainGrants is the reference for a holder's grants: the entries the
// Rego explain marks "decides" or, on PVE, adds from a pool (§3.2), cut
// down to the roles that apply there and contain priv. A PVE token without
// privilege separation has no grants of its own (its ACL is ignored).
func explainGrants(t *testing.T, c *Index, q evaluator.Query) (own, owner []Grant) {
	t.Helper()
	x, err := c.Ev.Explain(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	cut := func(r *evaluator.SubjectReport) []Grant {
		var out []Grant
		if r == nil {
			return nil
		}
		for _, e := range r.Entries {
			final := Normalize(q.Path)
			if pool, ok := strings.CutPrefix(e.Via, "pool "); ok {
				pool, _, _ = strings.Cut(pool, ", ")
				final = "/pool/" + pool
			} else if e.Status != "decides" {
				continue
			}
			if strings.HasPrefix(e.Via, "pool ") && !strings.HasPrefix(e.Status, "pool roles added") {
				continue
			}
			g := Grant{Path: e.Path, Via: e.Via}
			for _, role := range e.Roles {
				if (e.Path == final || role.Propagate) && slices.Contains(c.Doc.Roles[role.Role], q.Privileges[0]) {
					g.Roles = append(g.Roles, role)
				}
			}
			if g.Roles != nil && !sameEntry(out, g) {
				out = append(out, g)
			}
		}
		return out
	}
	if !x.Superuser && !(x.Privsep != nil && !*x.Privsep) {
		own = cut(&x.ACL)
	}
	if x.Token && (x.OwnerACL == nil || !x.OwnerACL.Superuser) {
		owner = cut(x.OwnerACL)
	}
	return own, owner
}

// TestGrantsMatchExplain: the grants who-can reads from the document are
// the ones the Rego explain gives, for every holder on generated PBS and
// PVE configurations (groups, pools, nested pools, both kinds of token).
func TestGrantsMatchExplain(t *testing.T) {
	ctx := context.Background()
	type cfg struct {
		name  string
		gen   interface{ WriteDir(string) error }
		privs []string
		paths []string
	}
	var cfgs []cfg
	for _, seed := range []int64{1, 2} {
		g := configgen.Generate(configgen.Spec{Entries: 80, Seed: seed})
		cfgs = append(cfgs, cfg{fmt.Sprint("pbs", seed), g,
			[]string{"Datastore.Backup", "Datastore.Prune", "Datastore.Read", "Permissions.Modify"},
			append([]string{"/", "/datastore", "/remote", "//datastore//", "/datastore/store1/ns1/deeper"}, g.Paths...)})
		p := configgen.GeneratePVE(configgen.PVESpec{Entries: 300, GroupMembers: 10, Pools: 20, VMs: 100, Seed: seed})
		cfgs = append(cfgs, cfg{fmt.Sprint("pve", seed), p,
			[]string{"VM.Audit", "VM.PowerMgmt", "Datastore.AllocateSpace", "Permissions.Modify"},
			append([]string{"/", "/vms/100", "/vms/150", "//vms//105", "/vms/999", "/pool/p0", "/pool/p0/sub",
				"/storage/store0", "/storage/store7", "/storage/store3/x"}, p.Paths[:min(30, len(p.Paths))]...)})
	}
	for _, tc := range cfgs {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tc.gen.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			c := load(t, dir)
			holders, viaPool, viaGroup := 0, 0, 0
			for _, p := range tc.paths {
				for _, priv := range tc.privs {
					r, err := c.WhoCan(ctx, priv, p, 0)
					if err != nil {
						t.Fatal(err)
					}
					for _, h := range r.Holders {
						holders++
						own, owner := explainGrants(t, c, evaluator.Query{AuthID: h.AuthID, Path: p, Privileges: []string{priv}})
						if got := h.Grants; !reflect.DeepEqual(got, own) && (len(got)+len(own) > 0) {
							t.Fatalf("%s %s %s: grants\n%+v\nexplain gives\n%+v", h.AuthID, priv, p, h.Grants, own)
						}
						if got := h.Owners; !reflect.DeepEqual(got, owner) && (len(got)+len(owner) > 0) {
							t.Fatalf("%s %s %s: owner grants\n%+v\nexplain gives\n%+v", h.AuthID, priv, p, h.Owners, owner)
						}
						if !h.Superuser && !h.OwnerSU && len(h.Grants)+len(h.Owners) == 0 {
							t.Fatalf("%s %s %s: a holder with no grant", h.AuthID, priv, p)
						}
						for _, g := range append(h.Grants, h.Owners...) {
							if strings.HasPrefix(g.Via, "pool ") {
								viaPool++
							}
							if strings.Contains(g.Via, "group @") {
								viaGroup++
							}
						}
					}
				}
			}
			if holders < 50 || (strings.HasPrefix(tc.name, "pve") && (viaPool == 0 || viaGroup == 0)) {
				t.Errorf("a weak sample: %d holders, %d pool grants, %d group grants", holders, viaPool, viaGroup)
			}
		})
	}
}

// TestGrantsHandWritten: grants list only the roles that apply where the
// entry sits and contain the privilege. PBS: a non-propagating role above
// the path gives nothing (docs/semantics.md §3.2). PVE: a pool's roles reach
// its members (pve §3.2) through a group, and a role at / that lacks the
// privilege is not a grant.
func TestGrantsHandWritten(t *testing.T) {
	ctx := context.Background()
	pbs := t.TempDir()
	writeFiles(t, pbs, map[string]string{
		"user.cfg": "user: john@pbs\n",
		"acl.cfg": "acl:1:/datastore:john@pbs:DatastoreBackup\n" +
			"acl:0:/datastore:john@pbs:DatastoreAdmin\n" +
			"acl:1:/datastore:john@pbs:DatastoreReader\n",
	})
	pve := t.TempDir()
	writeFiles(t, pve, map[string]string{"user.cfg": "user:alice@pve:1:0::::::\n" +
		"group:auditors:alice@pve::\ngroup:operators:alice@pve::\n" +
		"pool:prod::100::\n" +
		"acl:1:/:@auditors:PVEAuditor:\nacl:1:/pool/prod:@operators:PVEVMUser:\n"})
	for _, tc := range []struct {
		dir, priv, path, who string
		want                 []Grant
	}{
		{pbs, "Datastore.Backup", "/datastore/store1", "john@pbs", []Grant{{Path: "/datastore", Roles: []evaluator.RoleReport{
			{Role: "DatastoreBackup", Propagate: true, Line: "acl.cfg:1"}}}}},
		{pbs, "Datastore.Backup", "/datastore", "john@pbs", []Grant{{Path: "/datastore", Roles: []evaluator.RoleReport{
			{Role: "DatastoreAdmin", Propagate: false, Line: "acl.cfg:2"}, {Role: "DatastoreBackup", Propagate: true, Line: "acl.cfg:1"}}}}},
		{pve, "VM.PowerMgmt", "/vms/100", "alice@pve", []Grant{{Path: "/pool/prod", Via: "pool prod, group @operators", Roles: []evaluator.RoleReport{
			{Role: "PVEVMUser", Propagate: true, Line: "user.cfg:6"}}}}},
		{pve, "VM.Audit", "/vms/100", "alice@pve", []Grant{
			{Path: "/", Via: "group @auditors", Roles: []evaluator.RoleReport{{Role: "PVEAuditor", Propagate: true, Line: "user.cfg:5"}}},
			{Path: "/pool/prod", Via: "pool prod, group @operators", Roles: []evaluator.RoleReport{{Role: "PVEVMUser", Propagate: true, Line: "user.cfg:6"}}}}},
	} {
		r, err := load(t, tc.dir).WhoCan(ctx, tc.priv, tc.path, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []Grant
		for _, h := range r.Holders {
			if h.AuthID == tc.who {
				got = h.Grants
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %s %s: grants\n%+v\nwant\n%+v", tc.who, tc.priv, tc.path, got, tc.want)
		}
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
