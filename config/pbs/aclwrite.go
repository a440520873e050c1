package pbs

import (
	"maps"
	"slices"
	"strings"
)

// Walk visits every node in pre-order, children in byte-wise sorted order
// (§2.2). The root's path is "/", a child's path is parent+"/"+name
// ("/a/b"). Every node's path is a string of its own, so a walk costs the
// sum of all path lengths; WalkEntries visits only the nodes with entries.
func (t *ACLTree) Walk(fn func(path string, n *ACLNode)) {
	t.walk(func(path []byte, _ int, n *ACLNode) {
		fn(pathString(path), n)
	})
}

// WalkEntries is Walk restricted to the nodes that hold entries (users,
// tokens or groups), with each one's depth (its number of components,
// 0 for the root). A path string is built only for the nodes visited, so
// it costs the size of the tree plus the lengths of those paths: linear
// in acl.cfg, however deep its paths.
func (t *ACLTree) WalkEntries(fn func(path string, depth int, n *ACLNode)) {
	t.walk(func(path []byte, depth int, n *ACLNode) {
		if len(n.Users) > 0 || len(n.Groups) > 0 {
			fn(pathString(path), depth, n)
		}
	})
}

func pathString(path []byte) string {
	if len(path) == 0 {
		return "/"
	}
	return string(path)
}

// walk visits the tree in pre-order without recursion (a path may have
// hundreds of thousands of components), with the path of each node in
// one shared buffer that fn must not keep.
func (t *ACLTree) walk(fn func(path []byte, depth int, n *ACLNode)) {
	if t.Root == nil {
		return
	}
	type frame struct {
		names []string // children still to visit, sorted
		node  *ACLNode
		plen  int // length of the node's path in buf
	}
	var buf []byte
	fn(buf, 0, t.Root)
	stack := []frame{{names: sortedChildren(t.Root), node: t.Root}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.names) == 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		name := top.names[0]
		top.names = top.names[1:]
		child := top.node.Children[name]
		buf = append(append(buf[:top.plen], '/'), name...)
		fn(buf, len(stack), child)
		stack = append(stack, frame{names: sortedChildren(child), node: child, plen: len(buf)})
	}
}

func sortedChildren(n *ACLNode) []string {
	switch len(n.Children) {
	case 0:
		return nil
	case 1:
		for name := range n.Children {
			return []string{name}
		}
	}
	return slices.Sorted(maps.Keys(n.Children))
}

// Write renders the tree like write_config (§2.2): pre-order; per node the
// roles of each propagate flag are grouped by identical ugid sets, written
// as "acl:<prop>:<path>:<sorted uglist>:<sorted roles>" with all acl:0
// lines before the acl:1 lines, each sorted byte-wise by uglist. A set
// with NoAccess is written as NoAccess alone; the non-token root@pam is
// skipped; groups are written "@name".
func (t *ACLTree) Write() []byte {
	var b strings.Builder
	t.WalkEntries(func(path string, _ int, n *ACLNode) {
		var byRole [2]map[string][]string // propagate -> role -> ugids
		add := func(ugid string, roles map[string]RoleEntry) {
			for role, e := range roles {
				i := 0
				if e.Propagate {
					i = 1
				}
				if byRole[i] == nil {
					byRole[i] = map[string][]string{}
				}
				byRole[i][role] = append(byRole[i][role], ugid)
			}
		}
		for ugid, roles := range n.Users {
			if ugid == "root@pam" {
				continue // root is always Administrator
			}
			add(ugid, roles)
		}
		for g, roles := range n.Groups {
			add("@"+g, roles)
		}
		for prop, m := range byRole {
			writeNodeLines(&b, prop, path, m)
		}
	})
	return []byte(b.String())
}

// writeNodeLines inverts role -> ugids into uglist -> roles and writes one
// line per uglist, sorted by uglist (§2.2 steps 2 and 3).
func writeNodeLines(b *strings.Builder, prop int, path string, byRole map[string][]string) {
	byList := map[string][]string{}
	for role, ugids := range byRole {
		slices.Sort(ugids)
		key := strings.Join(ugids, ",")
		byList[key] = append(byList[key], role)
	}
	for _, list := range slices.Sorted(maps.Keys(byList)) {
		roles := byList[list]
		if slices.Contains(roles, NoAccess) {
			roles = []string{NoAccess}
		}
		slices.Sort(roles)
		b.WriteString("acl:")
		b.WriteByte("01"[prop])
		b.WriteByte(':')
		b.WriteString(path)
		b.WriteByte(':')
		b.WriteString(list)
		b.WriteByte(':')
		b.WriteString(strings.Join(roles, ","))
		b.WriteByte('\n')
	}
}
