// ACL nodes: their pre-order and the groups of intermediate nodes that
// decide alike.

package compiler

import (
	"cmp"
	"slices"
	"strings"
)

// NodeGroup is a set of ACL tree nodes without entries: the intermediate
// nodes below one node with entries (or, for Above "", below nothing: the
// root and the nodes above the shallowest nodes with entries) and above
// its nearest descendants with entries. Every node of a group has the same
// nodes with entries on its path, so a PBS decision (docs/semantics.md §3.3)
// is the same on each of them: decide on Sample, and list Paths only when
// the answer must be shown per node. A deep acl.cfg path has as many
// intermediate nodes as components, so listing them costs the square of
// its length; a group costs only its entry nodes.
type NodeGroup struct {
	Above  string // the nearest node with entries above the group; "" for none
	Sample string // one node of the group

	below []string // the nodes with entries directly below the group
}

// Paths returns every node of the group, sorted byte-wise.
func (g NodeGroup) Paths() []string {
	set := map[string]bool{}
	if g.Above == "" {
		set["/"] = true
	}
	start := len(g.Above)
	if g.Above == "/" || g.Above == "" {
		start = 0
	}
	for _, n := range g.below {
		for i := start + 1; i < len(n); i++ {
			if n[i] == '/' {
				set[n[:i]] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// NodeGroups groups the intermediate nodes of the ACL tree whose nodes
// with entries are nodes (in any order): every node of the tree that is
// not in nodes is in exactly one group. It costs the total length of
// nodes.
func NodeGroups(nodes []string) []NodeGroup {
	pre := slices.Clone(nodes)
	slices.SortFunc(pre, PreOrder)
	var groups []NodeGroup
	index := map[string]int{} // Above -> its group in groups
	add := func(above, sample, below string) {
		i, ok := index[above]
		if !ok {
			i = len(groups)
			index[above] = i
			groups = append(groups, NodeGroup{Above: above, Sample: sample})
		}
		if below != "" {
			groups[i].below = append(groups[i].below, below)
		}
	}
	if len(pre) == 0 || pre[0] != "/" {
		add("", "/", "") // the root has no entries
	}
	var stack []string // the nodes with entries above the current one
	for _, n := range pre {
		for len(stack) > 0 && !isAncestor(stack[len(stack)-1], n) {
			stack = stack[:len(stack)-1]
		}
		above := ""
		if len(stack) > 0 {
			above = stack[len(stack)-1]
		}
		stack = append(stack, n)
		if n == "/" {
			continue
		}
		start := len(above)
		if above == "/" || above == "" {
			start = 0
		}
		if j := strings.IndexByte(n[start+1:], '/'); j >= 0 {
			add(above, n[:start+1+j], n) // a node between above and n
		} else if above == "" {
			add("", "/", n) // only the root is between
		}
	}
	return groups
}

// isAncestor reports whether node path a is a strict ancestor of b.
func isAncestor(a, b string) bool {
	if a == "/" {
		return b != "/"
	}
	return len(b) > len(a) && b[len(a)] == '/' && b[:len(a)] == a
}

// PreOrder compares two node paths in the order of the tree walk (§2.2):
// a node before its descendants, siblings byte-wise by name, so '/' sorts
// before every other byte.
func PreOrder(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return cmp.Compare(pathByte(a[i]), pathByte(b[i]))
		}
	}
	return cmp.Compare(len(a), len(b))
}

func pathByte(c byte) int {
	if c == '/' {
		return -1
	}
	return int(c)
}
