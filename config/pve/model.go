// Package pve reads and writes Proxmox VE's /etc/pve/user.cfg exactly as
// PVE's parse_user_config and write_user_config do (docs/semantics.md pve §1).
// Malformed or unknown lines are warnings with file:line, never fatal.
//
// One concern a file: model.go (the types of a parsed user.cfg), parse.go
// (reading it), fields.go (Perl's line and list splitting and truthiness),
// text.go (encode_text and decode_text), walk.go (visiting the ACL tree),
// write.go (writing it back). Identifiers follow package pveid, ACL paths
// package aclpath.
package pve

import (
	"fmt"
	"strings"

	"github.com/pxacl/pxacl/pveid"
)

// UserCfg is the file name inside the configuration directory.
const UserCfg = "user.cfg"

// Superuser is PVE's hard-wired superuser (§3.3).
const Superuser = "root@pam"

// User is a user: line.
type User struct {
	ID        string
	Enable    bool
	Expire    int64
	Firstname string
	Lastname  string
	Email     string
	Comment   string
	Keys      string
	Line      int
	Tokens    map[string]*Token // sub-id -> token
}

// Token is a token: line.
type Token struct {
	ID      string // full id user@realm!sub
	Sub     string
	Expire  int64
	Privsep bool
	Comment string
	Line    int
}

// Group is a group: line. Members holds every valid userid listed, also
// users that are not defined (§1.1: PVE keeps them).
type Group struct {
	ID      string
	Members map[string]bool
	Comment string
	Line    int
}

// Pool is a pool: line (or a parent created for a nested pool).
type Pool struct {
	ID       string
	Comment  string
	VMs      map[string]bool
	Storages map[string]bool
	Line     int
}

// Role is a custom role: line.
type Role struct {
	ID    string
	Privs map[string]bool
	Line  int
}

// RoleEntry is one role of one subject at one ACL node.
type RoleEntry struct {
	Propagate bool
	Line      int
}

// ACLNode is a node of the ACL tree.
type ACLNode struct {
	Children map[string]*ACLNode
	Users    map[string]map[string]RoleEntry // userid -> role -> entry
	Groups   map[string]map[string]RoleEntry // group -> role -> entry
	Tokens   map[string]map[string]RoleEntry // tokenid -> role -> entry
}

// Warning is a tolerated problem, as PVE warns about it.
type Warning struct {
	File string
	Line int
	Msg  string
}

func (w Warning) String() string { return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Msg) }

// Config is a parsed user.cfg.
type Config struct {
	Users    map[string]*User
	Groups   map[string]*Group
	Pools    map[string]*Pool
	Roles    map[string]*Role // custom roles only
	VMPool   map[string]string
	ACL      *ACLNode
	Warnings []Warning
	Digest   string

	validIDs map[string]bool // parse-time cache of pveid.ValidUserid on acl ugids
}

// Catalog answers what the parser needs to know about privileges and
// built-in roles.
type Catalog interface {
	IsPrivilege(string) bool
	IsRole(string) bool // built-in roles
}

func newNode() *ACLNode {
	return &ACLNode{Children: map[string]*ACLNode{}, Users: map[string]map[string]RoleEntry{},
		Groups: map[string]map[string]RoleEntry{}, Tokens: map[string]map[string]RoleEntry{}}
}

// Node returns the ACL node of a normalised path, creating it.
func (c *Config) Node(path string) *ACLNode {
	n := c.ACL
	for _, seg := range strings.Split(path, "/") {
		if seg == "" {
			continue
		}
		ch := n.Children[seg]
		if ch == nil {
			ch = newNode()
			n.Children[seg] = ch
		}
		n = ch
	}
	return n
}

// HasToken reports whether the token id is defined.
func (c *Config) HasToken(id string) bool {
	user, sub, ok := pveid.SplitTokenID(id)
	if !ok {
		return false
	}
	u := c.Users[user]
	return u != nil && u.Tokens[sub] != nil
}

func set(m map[string]map[string]RoleEntry, id, role string, e RoleEntry) {
	if m[id] == nil {
		m[id] = map[string]RoleEntry{}
	}
	m[id][role] = e
}
