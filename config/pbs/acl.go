package pbs

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/pxacl/pxacl/authid"
)

// NoAccess is the role that is exclusive per ugid and node (§3.1).
const NoAccess = "NoAccess"

// ParseACLCfg parses acl.cfg exactly like AclTree::load (§2.1): each line
// is trimmed, empty lines are skipped, a line must be
// "acl:<0|1>:<path>:<uglist>:<rolelist>"; for each ug × each role (in
// order) the role must satisfy isRole and the entry is inserted with the
// semantics of §3.1. "@name" items are groups, other items are parsed with
// authid.Parse (no schema length limit). Empty data gives an empty tree; a
// missing file is the caller's business. A nil isRole means
// IsBuiltinRole. Errors are *ParseError.
func ParseACLCfg(file string, data []byte, isRole func(string) bool) (*ACLTree, error) {
	if isRole == nil {
		isRole = IsBuiltinRole
	}
	t := NewACLTree()
	sum := sha256.Sum256(data)
	t.Digest = hex.EncodeToString(sum[:])
	var perr *ParseError
	ids := map[string]string{} // ug text -> canonical auth id, parsed once
	splitLines(data, func(n int, raw []byte) bool {
		perr = t.parseLine(file, n, raw, isRole, ids)
		return perr == nil
	})
	if perr != nil {
		return nil, perr
	}
	return t, nil
}

// parseLine handles one acl.cfg line (parse_acl_line, §2.1).
func (t *ACLTree) parseLine(file string, n int, raw []byte, isRole func(string) bool, ids map[string]string) *ParseError {
	if !utf8.Valid(raw) {
		return errorf(file, n, string(raw), "invalid UTF-8: %q", raw)
	}
	line := strings.TrimSpace(string(raw))
	if line == "" {
		return nil
	}
	items := strings.Split(line, ":")
	if len(items) != 5 {
		return errorf(file, n, line, "wrong number of items (expected 5 ':'-separated fields): '%s'", line)
	}
	if items[0] != "acl" {
		return errorf(file, n, items[0], "line does not start with 'acl' (got '%s'): '%s'", items[0], line)
	}
	var propagate bool
	switch items[1] {
	case "0":
	case "1":
		propagate = true
	default:
		return errorf(file, n, items[1], "expected '0' or '1' for propagate flag, got '%s'", items[1])
	}
	node := t.getOrInsert(items[2])
	ugs := strings.Split(items[3], ",")
	roles := strings.Split(items[4], ",")
	for i := range roles {
		roles[i] = strings.TrimSpace(roles[i])
	}
	for _, ug := range ugs {
		ug = strings.TrimSpace(ug)
		for _, role := range roles {
			if !isRole(role) {
				return errorf(file, n, role, "unknown role '%s'", role)
			}
			if group, ok := strings.CutPrefix(ug, "@"); ok {
				node.Groups = insertRole(node.Groups, group, role, propagate, n)
				continue
			}
			id, ok := ids[ug]
			if !ok {
				a, err := authid.Parse(ug)
				if err != nil {
					return errorf(file, n, ug, "invalid user or token id '%s': %v", ug, err)
				}
				id = a.String()
				ids[ug] = id
			}
			node.Users = insertRole(node.Users, id, role, propagate, n)
		}
	}
	return nil
}

// NewACLTree returns an empty tree (what an empty or missing acl.cfg
// gives).
func NewACLTree() *ACLTree {
	sum := sha256.Sum256(nil)
	return &ACLTree{Root: &ACLNode{}, Digest: hex.EncodeToString(sum[:])}
}

// insertRole implements insert_user_role / insert_group_role (§3.1):
// NoAccess replaces every role of that ugid at the node; any other role
// removes NoAccess and is inserted or overwritten.
func insertRole(m map[string]map[string]RoleEntry, ugid, role string, propagate bool, line int) map[string]map[string]RoleEntry {
	if m == nil {
		m = map[string]map[string]RoleEntry{}
	}
	roles := m[ugid]
	if role == NoAccess {
		roles = map[string]RoleEntry{}
	} else {
		if roles == nil {
			roles = map[string]RoleEntry{}
		}
		delete(roles, NoAccess)
	}
	roles[role] = RoleEntry{Propagate: propagate, Line: line}
	m[ugid] = roles
	return m
}

// splitPath splits an ACL path on '/' and drops empty components (§2.1,
// §3.1), so "//a///b/", "a/b" and "/a/b" are the same node.
func splitPath(path string) []string {
	parts := strings.Split(path, "/")
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (t *ACLTree) getOrInsert(path string) *ACLNode {
	if t.Root == nil {
		t.Root = &ACLNode{}
	}
	n := t.Root
	for _, c := range splitPath(path) {
		child := n.Children[c]
		if child == nil {
			if n.Children == nil {
				n.Children = map[string]*ACLNode{}
			}
			child = &ACLNode{}
			n.Children[c] = child
		}
		n = child
	}
	return n
}

// Node returns the node at path ("/" or "" is the root), or nil if it does
// not exist.
func (t *ACLTree) Node(path string) *ACLNode {
	n := t.Root
	for _, c := range splitPath(path) {
		if n == nil {
			return nil
		}
		n = n.Children[c]
	}
	return n
}

// InsertUserRole sets role for ugid at path with the insert semantics of
// §3.1, creating the node if needed. ugid is an auth id string or "@group".
func (t *ACLTree) InsertUserRole(path, ugid, role string, propagate bool, line int) {
	n := t.getOrInsert(path)
	if group, ok := strings.CutPrefix(ugid, "@"); ok {
		n.Groups = insertRole(n.Groups, group, role, propagate, line)
	} else {
		n.Users = insertRole(n.Users, ugid, role, propagate, line)
	}
}

// DeleteUserRole removes one role of ugid ("@group" for groups) at path;
// it is a no-op when the node, ugid or role is missing (§3.1).
func (t *ACLTree) DeleteUserRole(path, ugid, role string) {
	n := t.Node(path)
	if n == nil {
		return
	}
	m, key := n.Users, ugid
	if group, ok := strings.CutPrefix(ugid, "@"); ok {
		m, key = n.Groups, group
	}
	if roles := m[key]; roles != nil {
		delete(roles, role)
		if len(roles) == 0 {
			delete(m, key) // an empty map behaves like no entry
		}
	}
}

// DeleteAuthid removes ugid ("@group" for groups) from every node (§3.1
// delete_authid).
func (t *ACLTree) DeleteAuthid(ugid string) {
	group, isGroup := strings.CutPrefix(ugid, "@")
	t.Walk(func(_ string, n *ACLNode) {
		if isGroup {
			delete(n.Groups, group)
		} else {
			delete(n.Users, ugid)
		}
	})
}

// DeleteNode removes the subtree at path; the root cannot be deleted and
// a missing path is a no-op (§3.1 delete_node).
func (t *ACLTree) DeleteNode(path string) bool {
	comps := splitPath(path)
	if len(comps) == 0 {
		return false
	}
	parent := t.Node(strings.Join(comps[:len(comps)-1], "/"))
	if parent == nil || parent.Children[comps[len(comps)-1]] == nil {
		return false
	}
	delete(parent.Children, comps[len(comps)-1])
	return true
}
