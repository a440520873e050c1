package pbs

import (
	"maps"
	"slices"
	"strings"
)

// Walk visits every node in pre-order, children in byte-wise sorted order
// (§2.2). The root's path is "/", a child's path is parent+"/"+name
// ("/a/b").
func (t *ACLTree) Walk(fn func(path string, n *ACLNode)) {
	if t.Root != nil {
		walk(t.Root, "", fn)
	}
}

func walk(n *ACLNode, path string, fn func(string, *ACLNode)) {
	p := path
	if p == "" {
		p = "/"
	}
	fn(p, n)
	for _, name := range slices.Sorted(maps.Keys(n.Children)) {
		walk(n.Children[name], path+"/"+name, fn)
	}
}

// Write renders the tree like write_config (§2.2): pre-order; per node the
// roles of each propagate flag are grouped by identical ugid sets, written
// as "acl:<prop>:<path>:<sorted uglist>:<sorted roles>" with all acl:0
// lines before the acl:1 lines, each sorted byte-wise by uglist. A set
// with NoAccess is written as NoAccess alone; the non-token root@pam is
// skipped; groups are written "@name".
func (t *ACLTree) Write() []byte {
	var b strings.Builder
	t.Walk(func(path string, n *ACLNode) {
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
