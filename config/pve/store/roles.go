// Roles: pveum role add, modify, delete and list (API2/Role.pm).

package store

import (
	"maps"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/pveid"
)

func checkRoleID(id string) error {
	if !pveid.ValidRole(id) {
		return errf("value %s does not look like a valid role ID", q(id))
	}
	return nil
}

// addPrivs is add_role_privs: every privilege must be valid for the
// store's PVE version.
func (s *Store) addPrivs(r *pve.Role, privs string) error {
	for _, p := range pve.SplitList(privs) {
		if !s.cat.IsPrivilege(p) {
			return errf("invalid privilege %s", q(p))
		}
		r.Privs[p] = true
	}
	return nil
}

// checkPrivs checks the privileges before the lock, so bad input never
// takes it.
func (s *Store) checkPrivs(privs *string) error {
	if privs == nil {
		return nil
	}
	return s.addPrivs(&pve.Role{Privs: map[string]bool{}}, *privs)
}

// AddRole is create_role: ids starting with "PVE" (any case) are PVE's.
func (s *Store) AddRole(id string, privs *string, digest string) error {
	if err := checkRoleID(id); err != nil {
		return err
	}
	if strings.HasPrefix(strings.ToUpper(id), "PVE") {
		return errf("parameter 'roleid' - cannot use role ID starting with the (case-insensitive) 'PVE' namespace")
	}
	if err := s.checkPrivs(privs); err != nil {
		return err
	}
	return s.change("create role failed", digest, func(c *pve.Config, _ func() error) error {
		if s.cat.IsRole(id) || c.Roles[id] != nil {
			return errf("role %s already exists", q(id))
		}
		r := &pve.Role{ID: id, Privs: map[string]bool{}}
		c.Roles[id] = r
		if privs != nil {
			return s.addPrivs(r, *privs)
		}
		return nil
	})
}

// ModifyRole is update_role: built-in roles cannot be changed; the
// privileges are replaced, or added to with appendPrivs.
func (s *Store) ModifyRole(id string, privs *string, appendPrivs bool, digest string) error {
	if err := checkRoleID(id); err != nil {
		return err
	}
	if s.cat.IsRole(id) {
		return errf("auto-generated role %s cannot be modified", q(id))
	}
	if appendPrivs && privs == nil {
		return errf("parameter 'append' - missing property 'privs', which is required by 'append'")
	}
	if err := s.checkPrivs(privs); err != nil {
		return err
	}
	return s.change("update role failed", digest, func(c *pve.Config, _ func() error) error {
		r := c.Roles[id]
		if r == nil {
			return errf("role %s does not exist", q(id))
		}
		if !appendPrivs {
			r.Privs = map[string]bool{}
		}
		if privs != nil {
			return s.addPrivs(r, *privs)
		}
		return nil
	})
}

// DeleteRole is delete_role: built-in roles cannot be deleted. As in PVE
// ("fixme: delete role from acl?"), ACL entries naming the role are not
// removed: they are written on and dropped by PVE's parser on the next
// read, so they grant nothing.
func (s *Store) DeleteRole(id, digest string) error {
	if err := checkRoleID(id); err != nil {
		return err
	}
	if s.cat.IsRole(id) {
		return errf("auto-generated role %s cannot be deleted", q(id))
	}
	return s.change("delete role failed", digest, func(c *pve.Config, _ func() error) error {
		if c.Roles[id] == nil {
			return errf("role %s does not exist", q(id))
		}
		delete(c.Roles, id)
		return nil
	})
}

// RoleItem is one role of ListRoles.
type RoleItem struct {
	Roleid  string `json:"roleid"`
	Privs   string `json:"privs"`
	Special int    `json:"special"`
}

// RoleList is ListRoles's answer with the digest of user.cfg.
type RoleList struct {
	Data   []RoleItem `json:"data"`
	Digest string     `json:"digest"`
}

// ListRoles lists built-in and custom roles sorted by id, as PVE's
// GET /access/roles (special = built-in).
func (s *Store) ListRoles(c *pve.Config) *RoleList {
	out := &RoleList{Data: []RoleItem{}, Digest: c.Digest}
	for _, r := range s.cat.Roles {
		out.Data = append(out.Data, RoleItem{Roleid: r.Name, Privs: strings.Join(sortedPrivs(s.cat.RolePrivileges(r.Name)), ","), Special: 1})
	}
	for _, id := range slices.Sorted(maps.Keys(c.Roles)) {
		out.Data = append(out.Data, RoleItem{Roleid: id, Privs: strings.Join(slices.Sorted(maps.Keys(c.Roles[id].Privs)), ",")})
	}
	slices.SortFunc(out.Data, func(a, b RoleItem) int { return strings.Compare(a.Roleid, b.Roleid) })
	return out
}

func sortedPrivs(p []string) []string {
	p = slices.Clone(p)
	slices.Sort(p)
	return p
}
