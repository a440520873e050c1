// Tests of privilege sets: NoAccess, propagate flags, interning.

package compiler

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/catalog"
)

// TestNoAccessEmptySet: every NoAccess entry's Leaf is the key of the empty
// privilege set, and Inherit is present iff the entry propagates (§3.2, §3.3).
func TestNoAccessEmptySet(t *testing.T) {
	tests := []struct {
		name      string
		acl       string
		propagate bool
	}{
		{"propagate 1", "acl:1:/datastore/s1:john@pbs:NoAccess\n", true},
		{"propagate 0", "acl:0:/datastore/s1:john@pbs:NoAccess\n", false},
		{"overrides earlier roles", "acl:1:/datastore/s1:john@pbs:Admin\nacl:0:/datastore/s1:john@pbs:NoAccess\n", false},
		{"NoAccess after NoAccess,DatastoreAudit", "acl:1:/datastore/s1:john@pbs:NoAccess,DatastoreAudit\nacl:1:/datastore/s1:john@pbs:NoAccess\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := compileStrings(t, "user: john@pbs\n", tt.acl)
			e := entry(t, d, "/datastore/s1", "john@pbs")
			if len(e.Roles) != 1 {
				t.Errorf("Roles = %v, want only NoAccess", e.Roles)
			}
			if got := set(t, d, e.Leaf); len(got) != 0 {
				t.Errorf("Leaf %s = %v, want the empty set", e.Leaf, got)
			}
			if (e.Inherit != "") != tt.propagate {
				t.Errorf("Inherit = %q, want present = %v", e.Inherit, tt.propagate)
			}
			if tt.propagate {
				if e.Inherit != e.Leaf {
					t.Errorf("Inherit %q != Leaf %q (both are the empty set)", e.Inherit, e.Leaf)
				}
			}
		})
	}
}

// TestPropagateZeroNoInherit: a node whose entries are all propagate=0
// yields nothing to deeper paths (§3.3), so the entry has no Inherit.
func TestPropagateZeroNoInherit(t *testing.T) {
	for _, role := range []string{"Admin", "Audit", "DatastoreBackup", "TapeReader", "RemoteDatastoreAdmin"} {
		t.Run(role, func(t *testing.T) {
			d := compileStrings(t, "user: john@pbs\n", "acl:0:/a:john@pbs:"+role+"\n")
			e := entry(t, d, "/a", "john@pbs")
			if e.Inherit != "" {
				t.Errorf("Inherit = %q, want none", e.Inherit)
			}
			leaf := set(t, d, e.Leaf)
			want := catalog.MustLoad("pbs").RolePrivileges(role)
			if len(leaf) != len(want) {
				t.Errorf("leaf = %v, want the %d privileges of %s", leaf, len(want), role)
			}
			for _, p := range want {
				if v, ok := leaf[p]; !ok || v {
					t.Errorf("leaf[%s] = %v, %v; want present and false", p, v, ok)
				}
			}
		})
	}
}

// TestLeafFlags: the leaf flag of a privilege is the OR of the propagate
// flags of the roles that grant it at that node (§3.4 "propagated = OR of
// ROLE_NAMES[role] over roles whose flag is true").
func TestLeafFlags(t *testing.T) {
	tests := []struct {
		name    string
		acl     string
		leaf    map[string]bool
		inherit map[string]bool // nil: no inherit
	}{
		{
			"propagating role first",
			"acl:1:/a:u@pbs:DatastoreBackup\nacl:0:/a:u@pbs:DatastorePowerUser\n",
			map[string]bool{"Datastore.Backup": true, "Datastore.Prune": false},
			map[string]bool{"Datastore.Backup": true},
		},
		{
			"non-propagating role first",
			"acl:0:/a:u@pbs:DatastorePowerUser\nacl:1:/a:u@pbs:DatastoreBackup\n",
			map[string]bool{"Datastore.Backup": true, "Datastore.Prune": false},
			map[string]bool{"Datastore.Backup": true},
		},
		{
			"Admin propagate 0 with Audit propagate 1",
			"acl:0:/a:u@pbs:Admin\nacl:1:/a:u@pbs:Audit\n",
			func() map[string]bool {
				m := map[string]bool{}
				for _, p := range catalog.MustLoad("pbs").Privileges {
					m[p] = false
				}
				m["Sys.Audit"], m["Datastore.Audit"] = true, true
				return m
			}(),
			map[string]bool{"Sys.Audit": true, "Datastore.Audit": true},
		},
		{
			// A later insert of the same role overwrites the flag (§3.1).
			"same role re-inserted with propagate 0",
			"acl:1:/a:u@pbs:DatastoreAudit\nacl:0:/a:u@pbs:DatastoreAudit\n",
			map[string]bool{"Datastore.Audit": false},
			nil,
		},
		{
			"both propagate 0",
			"acl:0:/a:u@pbs:DatastoreReader,DatastoreAudit\n",
			map[string]bool{"Datastore.Audit": false, "Datastore.Read": false, "Datastore.Verify": false},
			nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := compileStrings(t, "user: u@pbs\n", tt.acl)
			e := entry(t, d, "/a", "u@pbs")
			if got := set(t, d, e.Leaf); !maps.Equal(got, tt.leaf) {
				t.Errorf("leaf = %v, want %v", got, tt.leaf)
			}
			if tt.inherit == nil {
				if e.Inherit != "" {
					t.Errorf("Inherit = %q, want none", e.Inherit)
				}
				return
			}
			if e.Inherit == "" {
				t.Fatalf("no Inherit, want %v", tt.inherit)
			}
			if got := set(t, d, e.Inherit); !maps.Equal(got, tt.inherit) {
				t.Errorf("inherit = %v, want %v", got, tt.inherit)
			}
		})
	}
}

// TestPrivSetsInterned: entries with the same role map share privilege-set
// keys, and every distinct set is stored once.
func TestPrivSetsInterned(t *testing.T) {
	acl := strings.Join([]string{
		"acl:1:/a:u1@pbs,u2@pbs:DatastoreAdmin",
		"acl:1:/b/c:u3@pbs:DatastoreAdmin",
		"acl:1:/d:u1@pbs:DatastoreAdmin,DatastoreReader", // different role map, same privileges
		"acl:0:/e:u1@pbs:DatastoreAdmin",                 // same role, other flag
		"acl:1:/f:u1@pbs:NoAccess",
		"acl:0:/g:u1@pbs:NoAccess",
		"acl:1:/h:@grp:DatastoreAdmin", // groups share the interner
	}, "\n")
	d := compileStrings(t, "user: u1@pbs\n\nuser: u2@pbs\n\nuser: u3@pbs\n", acl)
	a1, a2, bc := entry(t, d, "/a", "u1@pbs"), entry(t, d, "/a", "u2@pbs"), entry(t, d, "/b/c", "u3@pbs")
	for _, e := range []*Entry{a2, bc, entry(t, d, "/d", "u1@pbs"), d.GroupACL["/h"]["grp"]} {
		if e == nil {
			t.Fatal("missing entry")
		}
		if e.Leaf != a1.Leaf || e.Inherit != a1.Inherit {
			t.Errorf("keys (%s, %s) differ from (%s, %s)", e.Leaf, e.Inherit, a1.Leaf, a1.Inherit)
		}
	}
	if a1.Leaf != a1.Inherit {
		t.Errorf("all-propagating entry: leaf %q and inherit %q name equal sets but differ", a1.Leaf, a1.Inherit)
	}
	e := entry(t, d, "/e", "u1@pbs")
	if e.Leaf == a1.Leaf {
		t.Errorf("propagate 0 leaf shares key %q with the propagate 1 leaf", e.Leaf)
	}
	f, g := entry(t, d, "/f", "u1@pbs"), entry(t, d, "/g", "u1@pbs")
	if f.Leaf != g.Leaf || f.Inherit != g.Leaf || g.Inherit != "" {
		t.Errorf("NoAccess keys: f=(%s,%s) g=(%s,%s)", f.Leaf, f.Inherit, g.Leaf, g.Inherit)
	}
	// Distinct sets only: {DatastoreAdmin all true}, {DatastoreAdmin all
	// false}, {} = 3, and the superuser's AllSet.
	if len(d.PrivSets) != 4 || len(d.PrivSets[AllSet]) != len(d.Privileges) {
		t.Errorf("got %d privilege sets, want 3 and %q: %v", len(d.PrivSets), AllSet, d.PrivSets)
	}
	seen := map[string]string{}
	for k, s := range d.PrivSets {
		if k == AllSet {
			continue
		}
		b, _ := json.Marshal(s)
		if other, dup := seen[string(b)]; dup {
			t.Errorf("sets %s and %s are equal: %s", k, other, b)
		}
		seen[string(b)] = k
	}
}
