package pbs

import (
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/internal/parallel"
	"github.com/pxacl/pxacl/internal/safetext"
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
	if len(data) >= parallelACLBytes {
		if err := t.parseParallel(file, data, isRole); err != nil {
			return nil, err
		}
		return t, nil
	}
	var perr *ParseError
	ids := map[string]string{} // ug text -> canonical auth id, parsed once
	splitLines(data, func(n int, raw []byte) bool {
		var rec aclLine
		if rec, perr = parseACLLine(file, n, raw, isRole, ids); perr == nil {
			t.apply(rec)
		}
		return perr == nil
	})
	if perr != nil {
		return nil, perr
	}
	return t, nil
}

// parallelACLBytes is the acl.cfg size from which lines are parsed on
// every core (and then applied to the tree in file order).
var parallelACLBytes = 1 << 20

// aclLine is one parsed acl.cfg line: the (ugid, role) pairs to insert at
// its path, in the order PBS inserts them.
type aclLine struct {
	line      int
	propagate bool
	path      string
	pairs     []aclPair
}

// aclPair is one ugid × role of a line; group ugids are without the '@'.
type aclPair struct {
	ugid, role string
	group      bool
}

// parseACLLine parses and validates one acl.cfg line (parse_acl_line,
// §2.1) without touching the tree. An empty line gives no pairs.
func parseACLLine(file string, n int, raw []byte, isRole func(string) bool, ids map[string]string) (aclLine, *ParseError) {
	rec := aclLine{line: n}
	if !utf8.Valid(raw) {
		return rec, errorf(file, n, string(raw), "invalid UTF-8: %s", safetext.Quote(string(raw)))
	}
	line := strings.TrimSpace(string(raw))
	if line == "" {
		return rec, nil
	}
	items := strings.Split(line, ":")
	if len(items) != 5 {
		return rec, errorf(file, n, line, "wrong number of items (expected 5 ':'-separated fields): %s", safetext.Quote(line))
	}
	if items[0] != "acl" {
		return rec, errorf(file, n, items[0], "line does not start with 'acl' (got %s): %s", safetext.Quote(items[0]), safetext.Quote(line))
	}
	switch items[1] {
	case "0":
	case "1":
		rec.propagate = true
	default:
		return rec, errorf(file, n, items[1], "expected '0' or '1' for propagate flag, got %s", safetext.Quote(items[1]))
	}
	rec.path = items[2]
	ugs := strings.Split(items[3], ",")
	roles := strings.Split(items[4], ",")
	for i := range roles {
		roles[i] = strings.TrimSpace(roles[i])
	}
	rec.pairs = make([]aclPair, 0, len(ugs)*len(roles))
	for _, ug := range ugs {
		ug = strings.TrimSpace(ug)
		for _, role := range roles {
			if !isRole(role) {
				return rec, errorf(file, n, role, "unknown role %s", safetext.Quote(role))
			}
			if group, ok := strings.CutPrefix(ug, "@"); ok {
				rec.pairs = append(rec.pairs, aclPair{ugid: group, role: role, group: true})
				continue
			}
			id, ok := ids[ug]
			if !ok {
				a, err := authid.Parse(ug)
				if err != nil {
					return rec, errorf(file, n, ug, "invalid user or token id %s: %v", safetext.Quote(ug), err)
				}
				id = a.String()
				ids[ug] = id
			}
			rec.pairs = append(rec.pairs, aclPair{ugid: id, role: role})
		}
	}
	return rec, nil
}

// apply inserts a parsed line's pairs with the semantics of §3.1; a
// non-empty line creates its node even without pairs.
func (t *ACLTree) apply(rec aclLine) {
	if rec.pairs == nil {
		return // an empty line
	}
	insertPairs(t.getOrInsert(rec.path), rec)
}

// insertPairs inserts a line's pairs at its node, in order.
func insertPairs(node *ACLNode, rec aclLine) {
	for _, p := range rec.pairs {
		if p.group {
			node.Groups = insertRole(node.Groups, p.ugid, p.role, rec.propagate, rec.line)
		} else {
			node.Users = insertRole(node.Users, p.ugid, p.role, rec.propagate, rec.line)
		}
	}
}

// parseParallel parses the lines of a large acl.cfg on every core, then
// applies them to the tree in file order. The first error in file order
// is the one reported, as in a sequential parse.
func (t *ACLTree) parseParallel(file string, data []byte, isRole func(string) bool) *ParseError {
	var lines [][]byte
	splitLines(data, func(_ int, raw []byte) bool {
		lines = append(lines, raw)
		return true
	})
	const chunk = 4096
	recs := make([]aclLine, len(lines))
	errs := make([]*ParseError, (len(lines)+chunk-1)/chunk) // the first of each chunk
	parallel.Chunks(len(lines), chunk, func() func(lo, hi int) {
		ids := map[string]string{} // per worker
		return func(lo, hi int) {
			for i := lo; i < hi; i++ {
				var perr *ParseError
				if recs[i], perr = parseACLLine(file, i+1, lines[i], isRole, ids); perr != nil {
					errs[lo/chunk] = perr
					return
				}
			}
		}
	})
	for _, perr := range errs {
		if perr != nil {
			return perr
		}
	}
	// Create the nodes in file order, then insert the roles on every
	// core: each node belongs to one worker, which applies that node's
	// lines in file order, so every node sees its lines in order (§3.1).
	nodes := make([]*ACLNode, len(recs))
	owner := make([]uint8, len(recs))
	byPath := map[string]*ACLNode{}
	ids := map[*ACLNode]int{}
	workers := min(runtime.GOMAXPROCS(0), 255)
	for i, rec := range recs {
		if rec.pairs == nil {
			continue // an empty line
		}
		n := byPath[rec.path]
		if n == nil {
			n = t.getOrInsert(rec.path)
			byPath[rec.path] = n
		}
		id, ok := ids[n]
		if !ok {
			id = len(ids)
			ids[n] = id
		}
		nodes[i], owner[i] = n, uint8(id%workers)
	}
	parallel.For(workers, 1, func(w int) {
		for i, rec := range recs {
			if nodes[i] != nil && int(owner[i]) == w {
				insertPairs(nodes[i], rec)
			}
		}
	})
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
	t.walk(func(_ []byte, _ int, n *ACLNode) {
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
