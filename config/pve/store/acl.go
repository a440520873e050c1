// ACLs: pveum acl modify, delete and list (API2/ACL.pm update_acl and
// read_acl, docs/semantics.md pve §4.1).

package store

import (
	"maps"
	"slices"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/pveid"
)

// ACLChange is one acl modify or delete: every role for every user,
// group and token listed (lists as split_list reads them).
type ACLChange struct {
	Path                  string
	Users, Groups, Tokens string
	Roles                 string
	Propagate             bool // PVE's default is true
	Delete                bool
	Digest                string
}

// checkACLChange is update_acl's parameter checks, before the lock: ids
// well-formed, a subject and a role given, the path normalised and, when
// adding, one PVE accepts (check_path).
func (s *Store) checkACLChange(a *ACLChange) (string, error) {
	users, groups, tokens := pve.SplitList(a.Users), pve.SplitList(a.Groups), pve.SplitList(a.Tokens)
	if len(users)+len(groups)+len(tokens) == 0 {
		return "", errf("either 'users', 'groups' or 'tokens' is required.")
	}
	if len(pve.SplitList(a.Roles)) == 0 {
		return "", errf("parameter 'roles' - property is missing and it is not optional")
	}
	for _, r := range pve.SplitList(a.Roles) {
		if err := checkRoleID(r); err != nil {
			return "", err
		}
	}
	for _, u := range users {
		if err := checkUserid(u); err != nil {
			return "", err
		}
	}
	for _, g := range groups {
		if err := checkGroupID(g); err != nil {
			return "", err
		}
	}
	for _, t := range tokens {
		if !pveid.IsTokenID(t) {
			return "", errf("value %s does not look like a valid token ID", q(t))
		}
	}
	path, ok := aclpath.PVENormalize(a.Path)
	if !ok || a.Path == "" {
		return "", errf("invalid ACL path %s", safetext.Quote(a.Path))
	}
	if !a.Delete {
		if err := aclpath.PVECheck(path, s.Version); err != nil {
			return "", errf("invalid ACL path %s", safetext.Quote(a.Path))
		}
	}
	return path, nil
}

// ChangeACL is update_acl as root runs it (pxacl changes files, it does
// not act for a caller, so the delegation rule of §4.1 does not apply):
// each role must exist, each group, user and token too; adding sets the
// propagate flag, deleting removes the role from the subject.
func (s *Store) ChangeACL(a ACLChange) error {
	path, err := s.checkACLChange(&a)
	if err != nil {
		return err
	}
	return s.change("ACL update failed", a.Digest, func(c *pve.Config, _ func() error) error {
		node := c.Node(path)
		for _, role := range pve.SplitList(a.Roles) {
			if !s.cat.IsRole(role) && c.Roles[role] == nil {
				return errf("role %s does not exist", q(role))
			}
			for _, g := range pve.SplitList(a.Groups) {
				if c.Groups[g] == nil {
					return errf("group %s does not exist", q(g))
				}
				setEntry(node.Groups, g, role, a)
			}
			for _, u := range pve.SplitList(a.Users) {
				if c.Users[u] == nil {
					return noSuchUser(u)
				}
				setEntry(node.Users, u, role, a)
			}
			for _, t := range pve.SplitList(a.Tokens) {
				if !c.HasToken(t) {
					return noSuchToken(t)
				}
				setEntry(node.Tokens, t, role, a)
			}
		}
		return nil
	})
}

func setEntry(m map[string]map[string]pve.RoleEntry, id, role string, a ACLChange) {
	if a.Delete {
		delete(m[id], role)
		if len(m[id]) == 0 {
			delete(m, id)
		}
		return
	}
	if m[id] == nil {
		m[id] = map[string]pve.RoleEntry{}
	}
	m[id][role] = pve.RoleEntry{Propagate: a.Propagate}
}

// ACLItem is one entry of ListACL, as PVE's GET /access/acl shows it.
type ACLItem struct {
	Path      string `json:"path"`
	Type      string `json:"type"` // user, group or token
	Ugid      string `json:"ugid"`
	Roleid    string `json:"roleid"`
	Propagate int    `json:"propagate"`
}

// ACLList is ListACL's answer with the digest of user.cfg.
type ACLList struct {
	Data   []ACLItem `json:"data"`
	Digest string    `json:"digest"`
}

// ListACL lists every entry in the order PVE writes them: path, then
// groups, users and tokens by id, roles sorted.
func ListACL(c *pve.Config) *ACLList {
	out := &ACLList{Data: []ACLItem{}, Digest: c.Digest}
	c.Walk(func(path string, n *pve.ACLNode) {
		add := func(typ string, m map[string]map[string]pve.RoleEntry) {
			for _, id := range slices.Sorted(maps.Keys(m)) {
				for _, role := range slices.Sorted(maps.Keys(m[id])) {
					out.Data = append(out.Data, ACLItem{Path: path, Type: typ, Ugid: id, Roleid: role, Propagate: b01(m[id][role].Propagate)})
				}
			}
		}
		add("group", n.Groups)
		add("user", n.Users)
		add("token", n.Tokens)
	})
	return out
}
