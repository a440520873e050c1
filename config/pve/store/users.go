// Users: pveum user add, modify, delete and list (API2/User.pm).

package store

import (
	"maps"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/pveid"
)

// UserFields are the user properties of add and modify; nil is "not
// given". Groups is a list as pveum takes it (split_list: commas,
// semicolons or spaces).
type UserFields struct {
	Enable                                    *bool
	Expire                                    *int64
	Firstname, Lastname, Email, Comment, Keys *string
	Groups                                    *string
}

// checkUserid is verify_username.
func checkUserid(id string) error {
	if !pveid.ValidUserid(id) {
		return errf("value %s does not look like a valid user name", q(id))
	}
	return nil
}

func checkFields(f UserFields) error {
	if f.Expire != nil && *f.Expire < 0 {
		return errf("parameter 'expire' - value must have a minimum value of 0")
	}
	if f.Groups != nil {
		for _, g := range pve.SplitList(*f.Groups) {
			if !pveid.ValidGroup(g) {
				return errf("parameter 'groups' - invalid group ID %s", q(g))
			}
		}
	}
	return nil
}

// joinGroups adds the user to each listed group; an unknown group is
// PVE's "no such group".
func joinGroups(c *pve.Config, id, groups string) error {
	for _, g := range pve.SplitList(groups) {
		grp := c.Groups[g]
		if grp == nil {
			return errf("no such group %s", q(g))
		}
		grp.Members[id] = true
	}
	return nil
}

// leaveGroups is delete_user_group: the user leaves every group.
func leaveGroups(c *pve.Config, id string) {
	for _, g := range c.Groups {
		delete(g.Members, id)
	}
}

// AddUser is create_user: the user must not exist; enable defaults to
// 1; text fields are set only when not empty, as PVE does.
func (s *Store) AddUser(id string, f UserFields, digest string) error {
	if err := checkUserid(id); err != nil {
		return err
	}
	if err := checkFields(f); err != nil {
		return err
	}
	return s.change("create user failed", digest, func(c *pve.Config, _ func() error) error {
		if c.Users[id] != nil {
			return errf("user %s already exists", q(id))
		}
		u := &pve.User{ID: id, Enable: true, Tokens: map[string]*pve.Token{}}
		if f.Enable != nil {
			u.Enable = *f.Enable
		}
		if f.Expire != nil {
			u.Expire = *f.Expire
		}
		c.Users[id] = u
		if f.Groups != nil {
			if err := joinGroups(c, id, *f.Groups); err != nil {
				return err
			}
		}
		setText(&u.Firstname, f.Firstname)
		setText(&u.Lastname, f.Lastname)
		setText(&u.Email, f.Email)
		setText(&u.Comment, f.Comment)
		setText(&u.Keys, f.Keys)
		return nil
	})
}

func setText(dst, v *string) {
	if v != nil {
		*dst = *v
	}
}

// ModifyUser is update_user: given properties replace the old ones;
// --groups replaces the user's groups, or adds to them with append.
func (s *Store) ModifyUser(id string, f UserFields, appendGroups bool, digest string) error {
	if err := checkUserid(id); err != nil {
		return err
	}
	if err := checkFields(f); err != nil {
		return err
	}
	if appendGroups && f.Groups == nil {
		return errf("parameter 'append' - missing property 'groups', which is required by 'append'")
	}
	return s.change("update user failed", digest, func(c *pve.Config, _ func() error) error {
		u := c.Users[id]
		if u == nil {
			return noSuchUser(id)
		}
		if f.Enable != nil {
			u.Enable = *f.Enable
		}
		if f.Expire != nil {
			u.Expire = *f.Expire
		}
		if f.Groups != nil {
			if !appendGroups {
				leaveGroups(c, id)
			}
			if err := joinGroups(c, id, *f.Groups); err != nil {
				return err
			}
		}
		setText(&u.Firstname, f.Firstname)
		setText(&u.Lastname, f.Lastname)
		setText(&u.Email, f.Email)
		setText(&u.Comment, f.Comment)
		setText(&u.Keys, f.Keys)
		return nil
	})
}

// DeleteUser is delete_user. Like PVE it first writes the user disabled,
// then removes the user line with its tokens, its group memberships
// (delete_user_group) and its own ACL entries (delete_user_acl). As in
// PVE, it does not touch what the user's tokens left: their ACL entries
// are written on (PVE drops them when it next reads the file, the tokens
// being gone) and their secrets stay in priv/token.cfg, unusable without
// the token line.
func (s *Store) DeleteUser(id, digest string) error {
	if err := checkUserid(id); err != nil {
		return err
	}
	return s.change("delete user failed", digest, func(c *pve.Config, write func() error) error {
		u := c.Users[id]
		if u == nil {
			return noSuchUser(id)
		}
		u.Enable = false
		if err := write(); err != nil {
			return err
		}
		delete(c.Users, id)
		leaveGroups(c, id)
		c.Walk(func(_ string, n *pve.ACLNode) { delete(n.Users, id) })
		return nil
	})
}

// UserItem is one user of ListUsers, as PVE's GET /access/users shows it.
type UserItem struct {
	Userid    string   `json:"userid"`
	Enable    int      `json:"enable"`
	Expire    int64    `json:"expire"`
	Firstname string   `json:"firstname,omitempty"`
	Lastname  string   `json:"lastname,omitempty"`
	Email     string   `json:"email,omitempty"`
	Comment   string   `json:"comment,omitempty"`
	Groups    string   `json:"groups,omitempty"`
	Tokens    []string `json:"tokens,omitempty"`
}

// UserList is ListUsers's answer with the digest of user.cfg.
type UserList struct {
	Data   []UserItem `json:"data"`
	Digest string     `json:"digest"`
}

// ListUsers lists the users sorted by id, with their groups.
func ListUsers(c *pve.Config) *UserList {
	out := &UserList{Data: []UserItem{}, Digest: c.Digest}
	groups := map[string][]string{}
	for g, grp := range c.Groups {
		for m := range grp.Members {
			groups[m] = append(groups[m], g)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(c.Users)) {
		u := c.Users[id]
		gs := groups[id]
		slices.Sort(gs)
		it := UserItem{Userid: id, Enable: b01(u.Enable), Expire: u.Expire, Firstname: u.Firstname,
			Lastname: u.Lastname, Email: u.Email, Comment: u.Comment, Groups: strings.Join(gs, ",")}
		it.Tokens = append(it.Tokens, slices.Sorted(maps.Keys(u.Tokens))...)
		out.Data = append(out.Data, it)
	}
	return out
}

func b01(b bool) int {
	if b {
		return 1
	}
	return 0
}
