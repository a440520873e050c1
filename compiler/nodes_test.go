// Tests of node groups.

package compiler

import (
	"maps"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/config/pbs"
)

// TestNodeGroups: the groups and the nodes with entries are, together,
// every node of the tree, each once; a group's nodes have the same nodes
// with entries above them, the deepest being Above.
func TestNodeGroups(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
	}{
		{"empty", nil},
		{"root only", []string{"/"}},
		{"deep", []string{"/a/b/c/d"}},
		{"deep under root", []string{"/", "/a/b/c/d"}},
		{"siblings share", []string{"/x", "/x/a/b", "/x/a/c", "/x/a-b/c"}},
		{"direct children", []string{"/a", "/b", "/a/b"}},
	}
	r := rand.New(rand.NewSource(1))
	for i := range 20 {
		var ps []string
		for range 1 + r.Intn(12) {
			var b strings.Builder
			for range r.Intn(5) {
				b.WriteString("/" + []string{"a", "b", "a-b", "a.b", "c"}[r.Intn(5)])
			}
			ps = append(ps, b.String())
		}
		tests = append(tests, struct {
			name  string
			paths []string
		}{"random " + string(rune('a'+i)), ps})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := pbs.NewACLTree()
			for _, p := range tc.paths {
				tree.InsertUserRole(p, "u@pbs", "Audit", true, 1)
			}
			var all, entries []string
			tree.Walk(func(p string, n *pbs.ACLNode) {
				all = append(all, p)
				if len(n.Users) > 0 {
					entries = append(entries, p)
				}
			})
			if !slices.IsSortedFunc(all, PreOrder) {
				t.Errorf("walk order %v is not PreOrder", all)
			}
			seen := map[string]int{}
			for _, p := range entries {
				seen[p]++
			}
			for _, g := range NodeGroups(entries) {
				paths := g.Paths()
				if !slices.Contains(paths, g.Sample) {
					t.Errorf("group above %q: sample %q not among %v", g.Above, g.Sample, paths)
				}
				for _, p := range paths {
					seen[p]++
					if got := nearestAbove(entries, p); got != g.Above {
						t.Errorf("%s is in the group above %q, but its nearest node with entries is %q", p, g.Above, got)
					}
				}
			}
			for _, p := range all {
				if seen[p] != 1 {
					t.Errorf("node %s is covered %d times", p, seen[p])
				}
				delete(seen, p)
			}
			if len(seen) > 0 {
				t.Errorf("not tree nodes: %v", slices.Sorted(maps.Keys(seen)))
			}
		})
	}
}

func nearestAbove(entries []string, p string) string {
	best := ""
	for _, e := range entries {
		if isAncestor(e, p) && len(e) > len(best) {
			best = e
		}
	}
	return best
}
