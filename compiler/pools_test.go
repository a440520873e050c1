package compiler

import (
	"maps"
	"reflect"
	"slices"
	"testing"
)

// TestPools: the pool indexes of the PVE fast rules (policies/fast_pve.rego).
// A pool member's decision adds its pool's roles, and NoAccess among them
// or among the member's own roles takes everything (docs/semantics.md pve
// §3.2 step 3), so pool_path leaves out the members the fast rules cannot
// decide, and pool_noaccess_groups names the groups whose NoAccess reaches
// a pool path below the top level.
func TestPools(t *testing.T) {
	head := []string{
		"user:u@pve:1:0::::::",
		"group:g:u@pve::",
		"group:h:u@pve::",
		"pool:a::100::",
		"pool:a/b::101::",
		"pool:a/b/c::102:local:",
		"pool:d::103:local:",
		"pool:e::104:nfs:",
		"",
	}
	all := map[string]string{
		"/vms/100": "/pool/a", "/vms/101": "/pool/a/b", "/vms/102": "/pool/a/b/c",
		"/vms/103": "/pool/d", "/vms/104": "/pool/e", "/storage/nfs": "/pool/e",
	} // /storage/local is in two pools: never
	without := func(m ...string) map[string]string {
		out := maps.Clone(all)
		for _, k := range m {
			delete(out, k)
		}
		return out
	}
	for _, c := range []struct {
		name   string
		acl    []string
		path   map[string]string
		groups map[string][]string
	}{
		{"no NoAccess", []string{"acl:1:/pool/a:@g:PVEVMUser:"}, all, nil},
		{"NoAccess of anyone on a member leaves it out", []string{"acl:0:/vms/104:u@pve:PVEAuditor,NoAccess:", "acl:1:/storage/nfs:@h:NoAccess:"},
			without("/vms/104", "/storage/nfs"), nil},
		{"a group's NoAccess on a pool", []string{"acl:0:/pool/d:@g:NoAccess:"}, all, map[string][]string{"/pool/d": {"g"}}},
		{"a propagating one on a parent pool reaches the nested ones", []string{"acl:1:/pool/a:@g:NoAccess:", "acl:1:/pool/a/b:@h:NoAccess:"}, all,
			map[string][]string{"/pool/a": {"g"}, "/pool/a/b": {"g", "h"}, "/pool/a/b/c": {"g", "h"}}},
		// pve §3.2 step 1: a propagate=0 entry on /pool/a is not inherited by a/b
		{"a non-propagating one stops at its pool", []string{"acl:0:/pool/a:@g:NoAccess:"}, all, map[string][]string{"/pool/a": {"g"}}},
		// the top two levels and users' own entries are the steady index's part
		{"NoAccess at the top or of a user", []string{"acl:1:/:@g:NoAccess:", "acl:1:/pool:@h:NoAccess:", "acl:1:/pool/d:u@pve:NoAccess:"}, all, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := compilePVE(t, append(slices.Clone(head), c.acl...))
			roundTrip(t, d)
			if !maps.Equal(d.PoolPath, c.path) {
				t.Errorf("pool_path = %v, want %v", d.PoolPath, c.path)
			}
			got := map[string][]string{}
			for pp, gs := range d.PoolNoAccessGroups {
				got[pp] = slices.Sorted(maps.Keys(gs))
			}
			if len(got) != 0 || len(c.groups) != 0 {
				if !reflect.DeepEqual(got, c.groups) {
					t.Errorf("pool_noaccess_groups = %v, want %v", got, c.groups)
				}
			}
		})
	}
}
