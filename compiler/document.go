// The data document (data.pxacl): its types and their JSON methods that
// are not the fast writer of json.go.

package compiler

import (
	"bytes"
	"encoding/json"

	"github.com/pxacl/pxacl/config"
)

// Superuser is the auth id that holds every privilege everywhere (§3.4).
const Superuser = "root@pam"

// Entry is what one subject (user or token) holds at one ACL node.
//
// Leaf names the privilege set that applies when the node is the target of
// a lookup (all roles, each privilege flagged with its propagate bit); it is
// empty when the subject has no role here. Inherit names the set that
// applies to paths below the node (propagating roles only); empty when
// nothing propagates. NoAccess in force yields the empty set "0", which still
// counts as "a non-empty role map" for replacement (§3.2).
type Entry struct {
	Roles   map[string]bool `json:"roles"`             // role -> propagate
	Lines   map[string]int  `json:"lines"`             // role -> acl.cfg line
	Leaf    string          `json:"leaf,omitempty"`    // privsets key
	Inherit string          `json:"inherit,omitempty"` // privsets key
	// PVE: NoAccess is among the roles (NoAccess) or among the propagating
	// ones (NoAccessInherit); the sets are then left unreduced, since the
	// Rego rules apply NoAccess to the union of a level (docs/semantics.md pve §3.1).
	NoAccess        bool `json:"noaccess,omitempty"`
	NoAccessInherit bool `json:"noaccess_inherit,omitempty"`

	sig string // signature(Roles), recorded by the compiler
}

// Account is the activity state of a user or token (§4.2).
type Account struct {
	Enable bool   `json:"enable"`
	Expire int64  `json:"expire"`          // epoch seconds, 0 = never
	Line   int    `json:"line"`            // user.cfg line of the section
	Owner  string `json:"owner,omitempty"` // tokens: the owning user id
	// PVE tokens: privilege separation (docs/semantics.md pve §3.2)
	Privsep *bool `json:"privsep,omitempty"`
	// Steady is set on an account that is always active: enabled with no
	// expiry, and for a token its owner too; on PVE only for a
	// privilege-separated token (steady.go). It names the user whose ACL a decision for the
	// account reads: the user itself, or a token's owner. In JSON it is
	// "steady" (PBS) or "pve_steady" (PVE), and enable and expire are then
	// left out.
	Steady string `json:"-"`
	// SoleGroup is set on a steady PVE user in at most one group: that
	// group, or "" for none (JSON "pve_group"; steady.go). Nil otherwise.
	SoleGroup *string `json:"-"`
}

// UnmarshalJSON reads an account; enable defaults to true, as in user.cfg,
// and is left out for a steady account.
func (a *Account) UnmarshalJSON(raw []byte) error {
	type plain Account
	x := struct {
		plain
		Steady    string  `json:"steady"`
		PVESteady string  `json:"pve_steady"`
		PVEGroup  *string `json:"pve_group"`
	}{plain: plain{Enable: true}}
	if err := json.Unmarshal(raw, &x); err != nil {
		return err
	}
	*a = Account(x.plain)
	a.Steady = x.Steady + x.PVESteady
	a.SoleGroup = x.PVEGroup
	return nil
}

// Node is the index entry of an ACL node that carries entries (users,
// tokens or groups). Its key, the node's path, is all it says: nodes
// without entries are left out, and a node's ancestors are found by the
// depths in Document.Levels, so that nothing in the document repeats a
// path prefix per level (a path of 100,000 components would otherwise
// weigh 10 GB).
type Node struct{}

// TFAUser is what the bundle holds of a user's second factors (§9): no
// secret, no URI, no hash. Factors maps each factor type the user has in
// tfa.json (totp, webauthn, u2f, yubico, recovery) to what is usable of
// it: enabled entries, or for recovery the unused keys.
type TFAUser struct {
	Factors        map[string]int `json:"factors"`
	TOTPLocked     bool           `json:"totp_locked"`
	TFALockedUntil int64          `json:"tfa_locked_until"` // epoch seconds; 0 = not locked
}

// Meta describes the compiled document.
type Meta struct {
	Flavor         config.Flavor `json:"flavor"`
	CatalogVersion string        `json:"catalog_version"`
	Superuser      string        `json:"superuser"`
	ACLFile        string        `json:"acl_file"`
	UserFile       string        `json:"user_file"`
	// TFA is "unavailable: <reason>" when tfa.json exists but could not
	// be used (unreadable or malformed): the document then holds no
	// second-factor state. The reason names tfa.json and what is wrong,
	// never any of its content. Empty otherwise.
	TFA string `json:"tfa,omitempty"`
}

// Document is data.pxacl.
type Document struct {
	Meta       Meta                         `json:"meta"`
	Privileges map[string]int               `json:"privileges"` // name -> canonical order
	Roles      map[string][]string          `json:"roles"`
	PrivSets   map[string]map[string]bool   `json:"privsets"`
	Users      map[string]Account           `json:"users"`
	Tokens     map[string]Account           `json:"tokens"`
	ACL        map[string]map[string]*Entry `json:"acl"`       // path -> authid -> entry
	GroupACL   map[string]map[string]*Entry `json:"group_acl"` // path -> group -> entry (PBS: grants nothing, §3.5)
	Nodes      []string                     `json:"-"`         // the acl.cfg nodes with entries, pre-order
	NodeIndex  map[string]Node              `json:"-"`         // the same paths (the keys of ACL and GroupACL)
	// Levels[d] tells whether some node at depth d (d path components, 0
	// for the root) carries entries: a lookup visits only the prefixes of
	// its path at those depths. Its length is the depth of the deepest
	// node with entries plus one, at most the length of acl.cfg.
	Levels  Levels            `json:"levels"`
	Sources map[string]string `json:"sources"` // file -> sha256 of its bytes
	// PVE only: the groups of each user (from the group member lists) and
	// the pools of each /vms/<id> and /storage/<id> path.
	UserGroups map[string]map[string]bool `json:"user_groups,omitempty"`
	PoolOf     map[string][]string        `json:"pool_of,omitempty"`
	// PVE only, for the fast rules (pools.go): the pool path of each pool
	// member that the fast rules may decide, and the groups that a NoAccess
	// entry below the top level reaches on each such pool path.
	PoolPath           map[string]string          `json:"pool_path,omitempty"`
	PoolNoAccessGroups map[string]map[string]bool `json:"pool_noaccess_groups,omitempty"`
	// PBS only: the second-factor state of the users of tfa.json that is
	// not secret; nil when tfa.json was not read (CompilePBS alone, or an
	// unreadable file), empty when nobody has a second factor.
	TFA map[string]TFAUser `json:"tfa,omitempty"`
	// TFAError is why tfa.json could not be used (TFA is then nil), for
	// the commands that must refuse it (lint); nil otherwise.
	TFAError error    `json:"-"`
	Warnings []string `json:"-"`
	// Lib is always the empty object data.pxacl.lib, where the rules of
	// package pxacl.lib sit: with data there, OPA's check of rule paths
	// against the data, run on every bundle activation, stops at it for
	// those rules instead of reading the whole of data.pxacl, which costs
	// a copy of the document per rule when a delta bundle is activated
	// (policies/public.rego, docs/benchmarks.md "Delta bundles").
	Lib struct{} `json:"lib"`

	entries int // subject entries in ACL and GroupACL, to size the JSON
}

// Levels is Document.Levels. In JSON it is an array of 1 (entries at
// that depth) and 0, two bytes a level: no more than the "/x" of a path
// component.
type Levels []bool

// MarshalJSON writes the levels as 0 and 1.
func (l Levels) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	writeLevels(&b, l)
	return b.Bytes(), nil
}

// UnmarshalJSON reads the levels from 0 and 1.
func (l *Levels) UnmarshalJSON(raw []byte) error {
	var ns []int
	if err := json.Unmarshal(raw, &ns); err != nil {
		return err
	}
	*l = make(Levels, len(ns))
	for i, n := range ns {
		(*l)[i] = n != 0
	}
	return nil
}

// setLevel marks depth in levels (Document.Levels), growing it as needed.
func setLevel(levels Levels, depth int) Levels {
	for len(levels) <= depth {
		levels = append(levels, false)
	}
	levels[depth] = true
	return levels
}
