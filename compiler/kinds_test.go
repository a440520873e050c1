package compiler

import (
	"testing"
)

// TestInheritSetsAllTrue: every privilege of an inherit set propagates
// (§3.3), so the fast rules of policies/fast_pbs.rego test inherits[key][p] by
// its value alone; and a kind with NoAccess (PVE) has no leaf or inherit
// alias, so they never read an unreduced set as final.
func TestInheritSetsAllTrue(t *testing.T) {
	for _, dir := range []string{"../examples/pbs", "../examples/pve", "testdata/basic"} {
		d, err := Compile(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := d.kinds()
		for k, set := range kinds.inheritSets(d.PrivSets) {
			for p, prop := range set {
				if !prop {
					t.Errorf("%s: inherits[%s][%s] is false", dir, k, p)
				}
			}
			if kinds.kinds[k].NoAccessInherit {
				t.Errorf("%s: inherits[%s] of a kind with a propagating NoAccess", dir, k)
			}
		}
		leaf := kinds.withLeafSets(d.PrivSets)
		for k, kind := range kinds.kinds {
			if _, ok := leaf[k]; ok == kind.NoAccess {
				t.Errorf("%s: privsets[%s] present %v, NoAccess %v", dir, k, ok, kind.NoAccess)
			}
		}
	}
}
