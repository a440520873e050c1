// Package compiler turns a parsed Proxmox configuration into the data
// document of a pxacl bundle (data.pxacl). It only validates, normalises and
// indexes: role names are expanded to privilege sets, ACL entries are keyed
// by normalised path and then by subject. The Proxmox semantics themselves
// (inheritance, replacement, NoAccess, the token clamp) live in the Rego
// policies (package policies).
package compiler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/internal/parallel"
	"github.com/pxacl/pxacl/tfa"
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
	// Rego rules apply NoAccess to the union of a level (pve-semantics §3.1).
	NoAccess        bool `json:"noaccess,omitempty"`
	NoAccessInherit bool `json:"noaccess_inherit,omitempty"`
}

// Account is the activity state of a user or token (§4.2).
type Account struct {
	Enable bool   `json:"enable"`
	Expire int64  `json:"expire"`          // epoch seconds, 0 = never
	Line   int    `json:"line"`            // user.cfg line of the section
	Owner  string `json:"owner,omitempty"` // tokens: the owning user id
	// PVE tokens: privilege separation (pve-semantics §3.2)
	Privsep *bool `json:"privsep,omitempty"`
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
	Flavor         string `json:"flavor"`
	CatalogVersion string `json:"catalog_version"`
	Superuser      string `json:"superuser"`
	ACLFile        string `json:"acl_file"`
	UserFile       string `json:"user_file"`
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
	NodeIndex  map[string]Node              `json:"nodes"`     // the same paths
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
	// PBS only: the second-factor state of the users of tfa.json that is
	// not secret; nil when tfa.json was not read (CompilePBS alone, or an
	// unreadable file), empty when nobody has a second factor.
	TFA map[string]TFAUser `json:"tfa,omitempty"`
	// TFAError is why tfa.json could not be used (TFA is then nil), for
	// the commands that must refuse it (lint); nil otherwise.
	TFAError error    `json:"-"`
	Warnings []string `json:"-"`

	entries int // subject entries in ACL and GroupACL, to size the JSON
}

// CompilePBS compiles a PBS configuration.
func CompilePBS(cfg *pbs.Config, cat *catalog.Catalog) (*Document, error) {
	d := &Document{
		Meta: Meta{
			Flavor: "pbs", CatalogVersion: cat.Version, Superuser: Superuser,
			ACLFile: pbs.ACLCfg, UserFile: pbs.UserCfg,
		},
		Privileges: make(map[string]int, len(cat.Privileges)),
		Roles:      make(map[string][]string, len(cat.Roles)),
		PrivSets:   map[string]map[string]bool{},
		Users:      map[string]Account{},
		Tokens:     map[string]Account{},
		ACL:        map[string]map[string]*Entry{},
		GroupACL:   map[string]map[string]*Entry{},
		NodeIndex:  map[string]Node{},
		Levels:     Levels{},
		Sources:    map[string]string{},
	}
	for i, p := range cat.Privileges {
		d.Privileges[p] = i
	}
	for _, r := range cat.Roles {
		d.Roles[r.Name] = r.Privileges
	}
	if cfg.Users != nil {
		for _, u := range cfg.Users.Users {
			d.Users[u.Userid] = account(u.Enable, u.Expire, u.Line)
		}
		for _, t := range cfg.Users.Tokens {
			a := account(t.Enable, t.Expire, t.Line)
			if id, err := authid.Parse(t.Tokenid); err == nil {
				a.Owner = id.User()
			}
			d.Tokens[t.Tokenid] = a
		}
		d.Sources[pbs.UserCfg] = cfg.Users.Digest
	}
	sets := newSetInterner(d.PrivSets, cat)
	if cfg.ACL != nil {
		d.Sources[pbs.ACLCfg] = cfg.ACL.Digest
		var jobs []*nodeJob
		cfg.ACL.WalkEntries(func(path string, depth int, n *pbs.ACLNode) {
			d.Nodes = append(d.Nodes, path)
			d.NodeIndex[path] = Node{}
			d.Levels = setLevel(d.Levels, depth)
			jobs = append(jobs, &nodeJob{path: path, node: n})
		})
		// Expanding the roles of a million entries is the bulk of the work:
		// it runs on every core. Privilege-set keys are assigned in walk
		// order (register), so the document does not depend on the core
		// count; then every core gives the entries their keys.
		parallel.For(len(jobs), 256, func(i int) {
			j := jobs[i]
			j.users, j.err = compileNode(j.node.Users, cat)
			if j.err == nil {
				j.groups, j.err = compileNode(j.node.Groups, cat)
			}
		})
		for _, j := range jobs {
			if j.err != nil {
				return nil, fmt.Errorf("%s: %w", j.path, j.err)
			}
			sets.register(j.users)
			sets.register(j.groups)
		}
		parallel.For(len(jobs), 256, func(i int) {
			j := jobs[i]
			j.userMap, j.groupMap = sets.entries(j.users), sets.entries(j.groups)
		})
		d.ACL = make(map[string]map[string]*Entry, len(jobs))
		for _, j := range jobs {
			if len(j.userMap) > 0 {
				d.ACL[j.path] = j.userMap
				d.entries += len(j.userMap)
			}
			if len(j.groupMap) > 0 {
				d.GroupACL[j.path] = j.groupMap
				d.entries += len(j.groupMap)
			}
		}
	}
	if cfg.Domains != nil {
		d.Sources[pbs.DomainsCfg] = cfg.Domains.Digest
	}
	addLookupSets(d)
	return d, nil
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

func account(enable *bool, expire *int64, line int) Account {
	a := Account{Enable: true, Line: line}
	if enable != nil {
		a.Enable = *enable
	}
	if expire != nil {
		a.Expire = *expire
	}
	return a
}

// nodeJob is one ACL node to compile.
type nodeJob struct {
	path              string
	node              *pbs.ACLNode
	users, groups     []ugidRoles       // compiled entries, sorted by ugid
	userMap, groupMap map[string]*Entry // the same with their set keys, by ugid
	err               error
}

// ugidRoles is one subject's compiled entry at a node and the signature of
// its role map.
type ugidRoles struct {
	ugid  string
	entry *Entry
	sig   string
}

// compileNode turns the role maps of one node into entries (without their
// privilege-set keys), sorted by ugid.
func compileNode(ugids map[string]map[string]pbs.RoleEntry, cat *catalog.Catalog) ([]ugidRoles, error) {
	out := make([]ugidRoles, 0, len(ugids))
	for _, ugid := range sortedKeys(ugids) {
		roles := ugids[ugid]
		if len(roles) == 0 {
			continue // an emptied role map behaves like no entry (§3.1)
		}
		e := &Entry{Roles: make(map[string]bool, len(roles)), Lines: make(map[string]int, len(roles))}
		for role, re := range roles {
			if !cat.IsRole(role) {
				return nil, fmt.Errorf("acl.cfg:%d: unknown role '%s'", re.Line, role)
			}
			e.Roles[role] = re.Propagate
			e.Lines[role] = re.Line
		}
		out = append(out, ugidRoles{ugid: ugid, entry: e, sig: signature(e.Roles)})
	}
	return out, nil
}

// register assigns privilege-set keys to the role maps of entries not
// seen before; called in walk order, it numbers the sets deterministically.
func (s *setInterner) register(entries []ugidRoles) {
	for _, x := range entries {
		if _, ok := s.byRoles[x.sig]; !ok {
			s.forRoles(x.sig, x.entry.Roles)
		}
	}
}

// entries gives registered entries their set keys and returns them by
// ugid. It only reads the interner, so it may run on many goroutines.
func (s *setInterner) entries(list []ugidRoles) map[string]*Entry {
	if len(list) == 0 {
		return nil
	}
	out := make(map[string]*Entry, len(list))
	for _, x := range list {
		k := s.byRoles[x.sig]
		x.entry.Leaf, x.entry.Inherit = k[0], k[1]
		out[x.ugid] = x.entry
	}
	return out
}

// setInterner gives each distinct privilege map a short key, so that a
// million entries share a handful of sets.
type setInterner struct {
	cat        *catalog.Catalog
	sets       map[string]map[string]bool
	byKey      map[string]string
	byRoles    map[string][2]string // role-map signature -> leaf, inherit keys
	pveByRoles map[string]pveSets   // the same for PVE entries, with NoAccess flags
}

func newSetInterner(sets map[string]map[string]bool, cat *catalog.Catalog) *setInterner {
	return &setInterner{cat: cat, sets: sets, byKey: map[string]string{}, byRoles: map[string][2]string{}, pveByRoles: map[string]pveSets{}}
}

// forRoles expands a role map (role -> propagate) into the keys of its leaf
// set (every role, each privilege flagged with its propagate bit) and its
// inherit set (propagating roles only; "" when nothing propagates).
// NoAccess is exclusive per ugid and node (§3.1); in force it yields the
// empty set, which still counts as a non-empty role map (§3.2).
// sig is signature(roles).
func (s *setInterner) forRoles(sig string, roles map[string]bool) (leafKey, inheritKey string) {
	if k, ok := s.byRoles[sig]; ok {
		return k[0], k[1]
	}
	names := sortedKeys(roles)
	leaf := map[string]bool{}
	inherit := map[string]bool{}
	propagates := false
	for _, role := range names {
		prop := roles[role]
		propagates = propagates || prop
		for _, p := range s.cat.RolePrivileges(role) {
			leaf[p] = leaf[p] || prop
			if prop {
				inherit[p] = true
			}
		}
	}
	if _, ok := roles["NoAccess"]; ok {
		leaf, inherit = map[string]bool{}, map[string]bool{}
	}
	leafKey = s.key(leaf)
	if propagates {
		inheritKey = s.key(inherit)
	}
	s.byRoles[sig] = [2]string{leafKey, inheritKey}
	return leafKey, inheritKey
}

func (s *setInterner) key(m map[string]bool) string {
	sig := signature(m)
	if k, ok := s.byKey[sig]; ok {
		return k
	}
	k := "s" + strconv.Itoa(len(s.byKey))
	s.byKey[sig] = k
	s.sets[k] = m
	return k
}

// CompileDir loads the configuration in dir (flavor detected) and compiles it.
func CompileDir(dir string) (*Document, error) {
	return CompileDirFlavor(dir, "", "")
}

// CompileDirFlavor loads the configuration in dir as flavor ("" detects)
// and compiles it; pveVersion selects the PVE catalog ("" or "9": PVE 9,
// "8": PVE 8).
func CompileDirFlavor(dir, flavor, pveVersion string) (*Document, error) {
	flavor, err := config.DetectFlavor(dir, flavor)
	if err != nil {
		return nil, err
	}
	if flavor == config.PVE {
		return CompilePVEDir(dir, pveVersion)
	}
	cat, err := catalog.Load("pbs")
	if err != nil {
		return nil, err
	}
	cfg, err := pbs.Load(dir, cat.IsRole)
	if err != nil {
		return nil, err
	}
	d, err := CompilePBS(cfg, cat)
	if err != nil {
		return nil, err
	}
	// No permission depends on tfa.json (PBS reads it only at login): a
	// tfa.json pxacl cannot use leaves the second-factor state out, with a
	// warning and a note in the metadata, instead of failing the compile.
	if d.TFA, err = LoadTFA(dir, time.Now().Unix()); err != nil {
		d.TFA, d.TFAError = nil, err
		d.Meta.TFA = "unavailable: " + TFAReason(err)
		d.Warnings = append(d.Warnings, TFAUnreadable(dir, err))
	}
	return d, nil
}

// LoadTFA reads tfa.json in dir (missing: nobody has a second factor) and
// returns its non-secret state as of now (expired locks dropped, §9). A
// malformed file is an error naming it; its content is never shown.
func LoadTFA(dir string, now int64) (map[string]TFAUser, error) {
	f, err := tfa.ReadFile(filepath.Join(dir, tfa.FileName), now)
	if err != nil {
		return nil, err
	}
	return TFAState(f.Status()), nil
}

// TFAState converts tfa.Status to the document's form.
func TFAState(status map[string]tfa.Status) map[string]TFAUser {
	out := make(map[string]TFAUser, len(status))
	for id, st := range status {
		out[id] = TFAUser{Factors: maps.Clone(st.Factors), TOTPLocked: st.TOTPLocked, TFALockedUntil: st.LockedUntil}
	}
	return out
}

// TFAUnreadable is the warning for a tfa.json pxacl cannot use: one it
// may not read (it is mode 0600 root on a PBS host) or a malformed one.
// The document then has no TFA state. err's text never shows content of
// tfa.json (tfa.ParseError).
func TFAUnreadable(dir string, err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Sprintf("%v: the second-factor state is left out (run as root, or as the owner of tfa.json)", err)
	}
	return fmt.Sprintf("%v: the second-factor state is left out; permissions do not depend on it "+
		"(PBS reads tfa.json only at login), but 'pxacl user tfa' and 'pxacl lint' refuse it until it is fixed", err)
}

// TFAReason is why tfa.json could not be used, for the metadata: the file
// by its name only (so that the bundle does not depend on where the
// configuration directory is) and what is wrong, never its content.
func TFAReason(err error) string {
	var pe *tfa.ParseError
	if errors.As(err, &pe) {
		c := *pe
		c.File = tfa.FileName
		return c.Error()
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return tfa.FileName + ": " + pathErr.Err.Error()
	}
	return tfa.FileName + ": cannot be read"
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 1 { // most nodes have one subject, most entries one role
		for k := range m {
			return []string{k}
		}
	}
	return slices.Sorted(maps.Keys(m))
}

// signature is a canonical string for a name -> flag map ("A+,B," for
// {A: true, B: false}).
func signature(m map[string]bool) string {
	if len(m) == 1 {
		for n, prop := range m {
			if prop {
				return n + "+,"
			}
			return n + ","
		}
	}
	var b strings.Builder
	for _, n := range sortedKeys(m) {
		b.WriteString(n)
		if m[n] {
			b.WriteByte('+')
		}
		b.WriteByte(',')
	}
	return b.String()
}
