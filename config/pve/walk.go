package pve

// Walk visits the ACL tree depth-first, node first, children sorted by
// segment name; the root is "/".
func (c *Config) Walk(fn func(path string, n *ACLNode)) {
	var walk func(path string, n *ACLNode)
	walk = func(path string, n *ACLNode) {
		fn(path, n)
		for _, seg := range sortedKeys(n.Children) {
			child := "/" + seg
			if path != "/" {
				child = path + child
			}
			walk(child, n.Children[seg])
		}
	}
	walk("/", c.ACL)
}

// WalkEntries visits, in Walk's order, the ACL nodes that hold entries
// (users, tokens or groups), with each one's depth (its number of path
// components, 0 for the root). Unlike Walk it builds no path string for
// the nodes it skips and does not recurse, so it costs the size of the
// tree plus the lengths of the paths visited: linear in user.cfg, however
// deep its ACL paths.
func (c *Config) WalkEntries(fn func(path string, depth int, n *ACLNode)) {
	if c.ACL == nil {
		return
	}
	visit := func(path []byte, depth int, n *ACLNode) {
		if len(n.Users) > 0 || len(n.Tokens) > 0 || len(n.Groups) > 0 {
			p := "/"
			if len(path) > 0 {
				p = string(path)
			}
			fn(p, depth, n)
		}
	}
	type frame struct {
		segs []string // children still to visit, sorted
		node *ACLNode
		plen int // length of the node's path in buf
	}
	var buf []byte
	visit(buf, 0, c.ACL)
	stack := []frame{{segs: sortedKeys(c.ACL.Children), node: c.ACL}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.segs) == 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		seg := top.segs[0]
		top.segs = top.segs[1:]
		child := top.node.Children[seg]
		buf = append(append(buf[:top.plen], '/'), seg...)
		visit(buf, len(stack), child)
		stack = append(stack, frame{segs: sortedKeys(child.Children), node: child, plen: len(buf)})
	}
}
