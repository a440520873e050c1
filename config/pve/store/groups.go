// Groups: pveum group add, modify, delete and list (API2/Group.pm).

package store

import (
	"maps"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/pveid"
)

func checkGroupID(id string) error {
	if !pveid.ValidGroup(id) {
		return errf("value %s does not look like a valid group ID", q(id))
	}
	return nil
}

// AddGroup is create_group.
func (s *Store) AddGroup(id string, comment *string, digest string) error {
	if err := checkGroupID(id); err != nil {
		return err
	}
	return s.change("create group failed", digest, func(c *pve.Config, _ func() error) error {
		if c.Groups[id] != nil {
			return errf("group %s already exists", q(id))
		}
		g := &pve.Group{ID: id, Members: map[string]bool{}}
		setText(&g.Comment, comment)
		c.Groups[id] = g
		return nil
	})
}

// ModifyGroup is update_group: only the comment changes.
func (s *Store) ModifyGroup(id string, comment *string, digest string) error {
	if err := checkGroupID(id); err != nil {
		return err
	}
	return s.change("update group failed", digest, func(c *pve.Config, _ func() error) error {
		g := c.Groups[id]
		if g == nil {
			return errf("group %s does not exist", q(id))
		}
		setText(&g.Comment, comment)
		return nil
	})
}

// DeleteGroup is delete_group: the group goes, and with it its ACL
// entries (delete_group_acl). Its members keep their accounts.
func (s *Store) DeleteGroup(id, digest string) error {
	if err := checkGroupID(id); err != nil {
		return err
	}
	return s.change("delete group failed", digest, func(c *pve.Config, _ func() error) error {
		if c.Groups[id] == nil {
			return errf("group %s does not exist", q(id))
		}
		delete(c.Groups, id)
		c.Walk(func(_ string, n *pve.ACLNode) { delete(n.Groups, id) })
		return nil
	})
}

// GroupItem is one group of ListGroups.
type GroupItem struct {
	Groupid string `json:"groupid"`
	Comment string `json:"comment,omitempty"`
	Users   string `json:"users"`
}

// GroupList is ListGroups's answer with the digest of user.cfg.
type GroupList struct {
	Data   []GroupItem `json:"data"`
	Digest string      `json:"digest"`
}

// ListGroups lists the groups sorted by id, members sorted.
func ListGroups(c *pve.Config) *GroupList {
	out := &GroupList{Data: []GroupItem{}, Digest: c.Digest}
	for _, id := range slices.Sorted(maps.Keys(c.Groups)) {
		g := c.Groups[id]
		out.Data = append(out.Data, GroupItem{Groupid: id, Comment: g.Comment, Users: strings.Join(slices.Sorted(maps.Keys(g.Members)), ",")})
	}
	return out
}
