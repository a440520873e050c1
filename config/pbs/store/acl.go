// ACL operations: reading, listing and updating acl.cfg, and the checks
// of ACL paths.

package store

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/internal/safetext"
)

// MaxNamespaceDepth is MAX_NAMESPACE_DEPTH of pbs-api-types (§7).
const MaxNamespaceDepth = 7

// readACL reads and parses acl.cfg (missing = empty).
func (s *Store) readACL() (*pbs.ACLTree, error) {
	if err := s.checkDir(); err != nil {
		return nil, err
	}
	p := s.path(pbs.ACLCfg)
	data, err := ReadFile(p)
	if err != nil {
		return nil, err
	}
	return pbs.ParseACLCfg(p, data, pbs.IsBuiltinRole)
}

// lockACL takes the acl.cfg lock and reads acl.cfg; the caller must call
// unlock.
func (s *Store) lockACL() (*pbs.ACLTree, func(), error) {
	unlock, err := s.lock(ACLLock)
	if err != nil {
		return nil, nil, err
	}
	tree, err := s.readACL()
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return tree, unlock, nil
}

// writeACL replaces acl.cfg (mode 0640).
func (s *Store) writeACL(tree *pbs.ACLTree) error {
	return ReplaceFile(s.path(pbs.ACLCfg), tree.Write(), ConfigMode)
}

// ACLItem is one entry of `acl list` (PBS AclListItem).
type ACLItem struct {
	Path      string `json:"path"`
	Ugid      string `json:"ugid"`      // auth id, or group name without '@'
	UgidType  string `json:"ugid_type"` // "user" or "group"
	Propagate bool   `json:"propagate"`
	Roleid    string `json:"roleid"`
}

// ACLList is `acl list` output: the entries and the digest of acl.cfg.
type ACLList struct {
	Data   []ACLItem `json:"data"`
	Digest string    `json:"digest"`
}

// ListACL returns every entry of acl.cfg in tree pre-order (children
// byte-wise sorted, as PBS walks the tree), users and tokens sorted before
// groups, roles sorted.
func (s *Store) ListACL() (*ACLList, error) {
	tree, err := s.readACL()
	if err != nil {
		return nil, err
	}
	out := &ACLList{Data: []ACLItem{}, Digest: tree.Digest}
	tree.Walk(func(path string, n *pbs.ACLNode) {
		add := func(m map[string]map[string]pbs.RoleEntry, typ string) {
			for _, ug := range slices.Sorted(maps.Keys(m)) {
				for _, role := range slices.Sorted(maps.Keys(m[ug])) {
					out.Data = append(out.Data, ACLItem{Path: path, Ugid: ug, UgidType: typ, Propagate: m[ug][role].Propagate, Roleid: role})
				}
			}
		}
		add(n.Users, "user")
		add(n.Groups, "group")
	})
	return out, nil
}

// ValidateACLPathSchema applies ACL_PATH_SCHEMA (§7) to an API path
// parameter: aclpath.Schema, the one home of the ACL path grammar.
func ValidateACLPathSchema(path string) error { return aclpath.Schema(path) }

// CheckACLPath is PBS's check_acl_path (§7): it counts the non-empty
// components and accepts only the known path shapes.
func CheckACLPath(path string) error {
	var c []string
	for _, p := range strings.Split(path, "/") {
		if p != "" {
			c = append(c, p)
		}
	}
	n := len(c)
	ok := false
	switch {
	case n == 0:
		ok = true
	case c[0] == "access":
		if n == 1 {
			ok = true
		} else {
			switch c[1] {
			case "acl", "users", "domains":
				ok = n == 2
			case "openid":
				ok = n <= 3
			}
		}
	case c[0] == "datastore":
		ok = n <= 2+MaxNamespaceDepth
	case c[0] == "remote":
		ok = n <= 3+MaxNamespaceDepth
	case c[0] == "system":
		if n == 1 {
			ok = true
		} else {
			switch c[1] {
			case "certificates", "disks", "log", "notifications", "status", "tasks", "time":
				ok = n == 2
			case "services", "s3-endpoint", "encryption-keys":
				ok = n <= 3
			case "network":
				if n == 2 {
					ok = true
				} else {
					switch c[2] {
					case "dns":
						ok = n == 3
					case "interfaces":
						ok = n <= 4
					}
				}
			}
		}
	case c[0] == "tape":
		if n == 1 {
			ok = true
		} else {
			switch c[1] {
			case "device", "pool", "job":
				ok = n <= 3
			}
		}
	}
	if !ok {
		return fmt.Errorf("invalid acl path %s.", safetext.Quote(path)) // PBS wording (staticcheck.conf)
	}
	return nil
}

// ACLUpdate is the input of `acl update` (PBS update_acl).
type ACLUpdate struct {
	Path      string
	Role      string
	AuthID    string // user or token; "@name" is a group
	Group     string // --group (rejected, as PBS does)
	Propagate bool
	Delete    bool
	Digest    string
}

// UpdateACL applies update_acl (§4.3): parameters are checked first, then
// under .acl.lck acl.cfg is re-read, the digest compared, groups rejected,
// the user or token must exist (not for --delete), the path must pass
// check_acl_path (not for --delete), the role is inserted or deleted and
// acl.cfg is written back in PBS's format (mode 0640). Nothing is written
// when an error is returned.
func (s *Store) UpdateACL(u ACLUpdate) error {
	if err := ValidateACLPathSchema(u.Path); err != nil {
		return err
	}
	if !pbs.IsBuiltinRole(u.Role) {
		return fmt.Errorf("parameter 'role' - unknown role %s", safetext.Quote(u.Role))
	}
	if err := ValidateDigest(u.Digest); err != nil {
		return err
	}
	isGroup := u.Group != "" || strings.HasPrefix(u.AuthID, "@")
	var id authid.Authid
	if !isGroup {
		if u.AuthID == "" {
			return fmt.Errorf("missing 'userid' or 'group' parameter.") // PBS wording (staticcheck.conf)
		}
		var err error
		if id, err = authid.ParseAny(u.AuthID); err != nil {
			return fmt.Errorf("parameter 'auth-id' - %v", err)
		}
	}
	unlock, err := s.lock(ACLLock)
	if err != nil {
		return err
	}
	defer unlock()
	tree, err := s.readACL()
	if err != nil {
		return err
	}
	if err := CheckDigest(u.Digest, tree.Digest); err != nil {
		return err
	}
	if isGroup {
		return fmt.Errorf("parameter 'group' - groups are currently not supported.")
	}
	if !u.Delete {
		users, err := s.readUsers()
		if err != nil {
			return err
		}
		if id.IsToken() && users.Token(id.String()) == nil {
			return config.NoSuchToken(id.String())
		}
		if !id.IsToken() && users.User(id.String()) == nil {
			return config.NoSuchUser(id.String())
		}
		if err := CheckACLPath(u.Path); err != nil {
			return err
		}
		tree.InsertUserRole(u.Path, id.String(), u.Role, u.Propagate, 0)
	} else {
		tree.DeleteUserRole(u.Path, id.String(), u.Role)
	}
	return ReplaceFile(s.path(pbs.ACLCfg), tree.Write(), ConfigMode)
}
