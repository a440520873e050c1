// Package pve reads and writes Proxmox VE's /etc/pve/user.cfg exactly as
// PVE's parse_user_config and write_user_config do (docs/semantics.md pve §1).
// Malformed or unknown lines are warnings with file:line, never fatal.
package pve

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pxacl/pxacl/internal/cfgfile"
	"github.com/pxacl/pxacl/internal/safetext"
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

	validIDs map[string]bool // parse-time cache of VerifyUsername on acl ugids
}

// Catalog answers what the parser needs to know about privileges and
// built-in roles.
type Catalog interface {
	IsPrivilege(string) bool
	IsRole(string) bool // built-in roles
}

// perlSpace is Perl's \s on the bytes PVE reads: Go's \s lacks \v.
const perlSpace = "\t\n\v\f\r "

var (
	realmRe   = `[A-Za-z][A-Za-z0-9\.\-_]+`
	userRe    = regexp.MustCompile(`^([^` + perlSpace + `:/]+)@(` + realmRe + `)$`)
	tokenRe   = regexp.MustCompile(`^(([^` + perlSpace + `:/]+)@(` + realmRe + `))!(` + realmRe + `)$`)
	groupRe   = regexp.MustCompile(`^[A-Za-z0-9\.\-_]+$`)
	roleRe    = groupRe
	poolRe    = regexp.MustCompile(`^[A-Za-z0-9\.\-_]+(?:/[A-Za-z0-9\.\-_]+){0,2}$`)
	vmidRe    = regexp.MustCompile(`^\d+$`)
	storeRe   = regexp.MustCompile(`(?i)^[a-z][a-z0-9\-\_\.]*[a-z0-9]$`)
	pathRe    = regexp.MustCompile(`^[[:alnum:]\.\-\_\/]+$`)
	slashesRe = regexp.MustCompile(`/+`)
)

// VerifyUsername reports whether s is a valid PVE userid (§1.2).
func VerifyUsername(s string) bool {
	return len(s) >= 3 && len(s) <= 64 && userRe.MatchString(s)
}

// SplitTokenID returns the user and sub-id of a valid token id.
func SplitTokenID(s string) (user, sub string, ok bool) {
	m := tokenRe.FindStringSubmatch(s)
	if m == nil || !VerifyUsername(m[1]) {
		return "", "", false
	}
	return m[1], m[4], true
}

// NormalizePath is PVE's normalize_path; ok is false for an invalid path.
func NormalizePath(p string) (string, bool) {
	p = slashesRe.ReplaceAllString(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		p = "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !pathRe.MatchString(p) {
		return "", false
	}
	return p, true
}

var (
	listSeparators = strings.NewReplacer(",", " ", ";", " ")
	listSpace      = regexp.MustCompile(`[` + perlSpace + `]+`)
)

// splitList is PVE::Tools::split_list.
func splitList(s string) []string {
	if strings.Contains(s, "\x00") {
		return strings.Split(s, "\x00")
	}
	s = listSeparators.Replace(s)
	s = strings.TrimLeft(s, perlSpace)
	if s == "" {
		return nil
	}
	if !strings.ContainsAny(s, perlSpace) {
		return []string{s} // one item: the common case
	}
	return listSpace.Split(s, -1)
}

// decodeIf decodes a text field PVE stores only when it is truthy.
func decodeIf(s string) string {
	if !truthy(s) {
		return ""
	}
	return DecodeText(s)
}

func ifTruthy(s string) string {
	if !truthy(s) {
		return ""
	}
	return s
}

func isTokenID(s string) bool {
	_, _, ok := SplitTokenID(s)
	return ok
}

// truthy is Perl truthiness of a field.
func truthy(s string) bool { return s != "" && s != "0" }

// perlTrim trims Perl's \s.
func perlTrim(s string) string { return strings.Trim(s, perlSpace) }

// splitFields is Perl split(/:/, $line) with trailing empty fields dropped,
// each field trimmed.
func splitFields(line string) []string {
	f := strings.Split(line, ":")
	for len(f) > 0 && f[len(f)-1] == "" {
		f = f[:len(f)-1]
	}
	for i := range f {
		f[i] = perlTrim(f[i])
	}
	return f
}

func field(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

// DecodeText is PVE::Tools::decode_text (uri_unescape).
func DecodeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s)+0 && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// EncodeText is PVE::Tools::encode_text: every byte outside
// [\x20-\x24\x26-\x39\x3b-\x7e] as %XX.
func EncodeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c >= 0x20 && c <= 0x24) || (c >= 0x26 && c <= 0x39) || (c >= 0x3b && c <= 0x7e) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Load reads dir/user.cfg; a missing file is an empty configuration, a
// non-regular or oversized one an error (cfgfile.Read).
func Load(dir string, cat Catalog) (*Config, error) {
	raw, err := cfgfile.ReadOptional(filepath.Join(dir, UserCfg))
	if err != nil {
		return nil, err
	}
	return Parse(raw, UserCfg, cat), nil
}

// Parse parses user.cfg content. It never fails: problems become warnings.
func Parse(raw []byte, file string, cat Catalog) *Config {
	sum := sha256.Sum256(raw)
	c := &Config{
		Users: map[string]*User{}, Groups: map[string]*Group{}, Pools: map[string]*Pool{},
		Roles: map[string]*Role{}, VMPool: map[string]string{}, ACL: newNode(), Digest: hex.EncodeToString(sum[:]),
	}
	warn := func(line int, format string, args ...any) {
		c.Warnings = append(c.Warnings, Warning{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for n, rawLine := range strings.Split(string(raw), "\n") {
		ln := n + 1
		line := perlTrim(rawLine)
		if line == "" {
			continue
		}
		f := splitFields(line)
		typ := field(f, 0)
		switch typ {
		case "user":
			c.parseUser(f, ln, warn)
		case "token":
			c.parseToken(f, ln, warn)
		case "group":
			c.parseGroup(f, ln, warn)
		case "role":
			c.parseRole(f, ln, cat, warn)
		case "pool":
			c.parsePool(f, ln, warn)
		case "acl":
			c.parseACL(f, ln, cat, warn)
		default:
			warn(ln, "user config - ignore config line: %s", safetext.Value(line))
		}
	}
	if _, ok := c.Users[Superuser]; !ok {
		c.Users[Superuser] = &User{ID: Superuser, Enable: true, Tokens: map[string]*Token{}}
	}
	return c
}

type warnFunc func(int, string, ...any)

func parseExpire(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	if !vmidRe.MatchString(s) {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

func (c *Config) parseUser(f []string, ln int, warn warnFunc) {
	id := field(f, 1)
	if !VerifyUsername(id) {
		warn(ln, "user config - ignore user %s - invalid user name", safetext.Quote(id))
		return
	}
	exp, ok := parseExpire(field(f, 3))
	if !ok {
		warn(ln, "user config - ignore user %s - (illegal characters in expire %s)", safetext.Quote(id), safetext.Quote(field(f, 3)))
		return
	}
	// a repeated user line replaces the user, its tokens included (§1.3)
	c.Users[id] = &User{
		ID: id, Enable: truthy(field(f, 2)), Expire: exp,
		Firstname: decodeIf(field(f, 4)), Lastname: decodeIf(field(f, 5)),
		Email: field(f, 6), Comment: decodeIf(field(f, 7)), Keys: ifTruthy(field(f, 8)), Line: ln,
		Tokens: map[string]*Token{},
	}
}

func (c *Config) parseToken(f []string, ln int, warn warnFunc) {
	id := field(f, 1)
	user, sub, ok := SplitTokenID(id)
	if !ok {
		warn(ln, "user config - ignore invalid tokenid %s", safetext.Quote(id))
		return
	}
	u := c.Users[user]
	if u == nil {
		warn(ln, "user config - ignore token %s - user does not exist", safetext.Quote(id))
		return
	}
	exp, ok := parseExpire(field(f, 2))
	if !ok {
		warn(ln, "user config - ignore token %s - (illegal characters in expire %s)", safetext.Quote(id), safetext.Quote(field(f, 2)))
		return
	}
	t := u.Tokens[sub]
	if t == nil {
		t = &Token{ID: id, Sub: sub}
		u.Tokens[sub] = t
	}
	t.Expire, t.Privsep, t.Line = exp, truthy(field(f, 3)), ln
	if truthy(field(f, 4)) {
		t.Comment = DecodeText(field(f, 4))
	}
}

func (c *Config) parseGroup(f []string, ln int, warn warnFunc) {
	id := field(f, 1)
	if !groupRe.MatchString(id) {
		warn(ln, "user config - ignore group %s - invalid characters in group name", safetext.Quote(id))
		return
	}
	// a repeated group line adds to the group (§1.3)
	g := c.Groups[id]
	if g == nil {
		g = &Group{ID: id, Members: map[string]bool{}}
		c.Groups[id] = g
	}
	g.Line = ln
	if truthy(field(f, 3)) {
		g.Comment = DecodeText(field(f, 3))
	}
	for _, m := range splitList(field(f, 2)) {
		if !VerifyUsername(m) {
			warn(ln, "user config - ignore invalid group member %s", safetext.Quote(m))
			continue
		}
		if c.Users[m] == nil {
			warn(ln, "user config - ignore invalid group member %s", safetext.Quote(m)) // PVE keeps it anyway
		}
		g.Members[m] = true
	}
}

func (c *Config) parseRole(f []string, ln int, cat Catalog, warn warnFunc) {
	id := field(f, 1)
	if !roleRe.MatchString(id) {
		warn(ln, "user config - ignore role %s - invalid characters in role name", safetext.Quote(id))
		return
	}
	if cat.IsRole(id) {
		// PVE would mutate its built-in role; pxacl keeps built-ins immutable (§1.3).
		warn(ln, "user config - ignore role %s - built-in roles cannot be redefined", safetext.Quote(id))
		return
	}
	r := c.Roles[id] // a repeated role line adds privileges
	if r == nil {
		r = &Role{ID: id, Privs: map[string]bool{}}
		c.Roles[id] = r
	}
	r.Line = ln
	for _, p := range splitList(field(f, 2)) {
		if !cat.IsPrivilege(p) {
			warn(ln, "user config - ignore invalid privilege %s", safetext.Quote(p))
			continue
		}
		r.Privs[p] = true
	}
}

func (c *Config) parsePool(f []string, ln int, warn warnFunc) {
	id := field(f, 1)
	if !poolRe.MatchString(id) {
		warn(ln, "user config - ignore pool %s - invalid characters in pool name", safetext.Quote(id))
		return
	}
	p := c.Pools[id]
	if p == nil {
		p = &Pool{ID: id, VMs: map[string]bool{}, Storages: map[string]bool{}}
		c.Pools[id] = p
	}
	// nested pools create their parents (§1.3)
	for i := strings.LastIndex(id, "/"); i > 0; i = strings.LastIndex(id[:i], "/") {
		parent := id[:i]
		if c.Pools[parent] == nil {
			c.Pools[parent] = &Pool{ID: parent, VMs: map[string]bool{}, Storages: map[string]bool{}, Line: ln}
		}
	}
	if truthy(field(f, 2)) {
		p.Comment = DecodeText(field(f, 2))
	}
	p.Line = ln
	for _, v := range splitList(field(f, 3)) {
		if !vmidRe.MatchString(v) {
			warn(ln, "user config - ignore invalid vmid %s in pool %s", safetext.Quote(v), safetext.Quote(id))
			continue
		}
		v = strconv.FormatUint(mustUint(v), 10)
		if other, ok := c.VMPool[v]; ok {
			warn(ln, "user config - ignore duplicate vmid %s in pool %s (already in %s)", safetext.Quote(v), safetext.Quote(id), safetext.Quote(other))
			continue
		}
		p.VMs[v] = true
		c.VMPool[v] = id
	}
	for _, s := range splitList(field(f, 4)) {
		if !storeRe.MatchString(s) {
			warn(ln, "user config - ignore invalid storage %s in pool %s", safetext.Quote(s), safetext.Quote(id))
			continue
		}
		p.Storages[s] = true
	}
}

func mustUint(s string) uint64 {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0
	}
	return v
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
	user, sub, ok := SplitTokenID(id)
	if !ok {
		return false
	}
	u := c.Users[user]
	return u != nil && u.Tokens[sub] != nil
}

func (c *Config) parseACL(f []string, ln int, cat Catalog, warn warnFunc) {
	prop := truthy(field(f, 1))
	path, ok := NormalizePath(field(f, 2))
	if !ok {
		warn(ln, "user config - ignore invalid path in acl %s", safetext.Quote(field(f, 2)))
		return
	}
	ugids := splitList(field(f, 3))
	var node *ACLNode // created on the first entry, as PVE does
	at := func() *ACLNode {
		if node == nil {
			node = c.Node(path)
		}
		return node
	}
	for _, role := range splitList(field(f, 4)) {
		if !roleRe.MatchString(role) {
			warn(ln, "user config - ignore invalid role name %s in acl", safetext.Quote(role))
			continue
		}
		if !cat.IsRole(role) && c.Roles[role] == nil {
			warn(ln, "user config - ignore invalid acl role %s", safetext.Quote(role))
			continue
		}
		for _, ug := range ugids {
			switch {
			case strings.HasPrefix(ug, "@") && groupRe.MatchString(ug[1:]):
				g := ug[1:]
				if c.Groups[g] == nil {
					warn(ln, "user config - ignore invalid acl group %s", safetext.Quote(g)) // kept anyway
				}
				set(at().Groups, g, role, RoleEntry{prop, ln})
			case c.validUserid(ug):
				if c.Users[ug] == nil {
					warn(ln, "user config - ignore invalid acl member %s", safetext.Quote(ug)) // kept anyway
				}
				set(at().Users, ug, role, RoleEntry{prop, ln})
			case c.HasToken(ug):
				set(at().Tokens, ug, role, RoleEntry{prop, ln})
			case isTokenID(ug):
				warn(ln, "user config - ignore invalid acl token %s", safetext.Quote(ug))
			default:
				warn(ln, "user config - invalid user/group %s in acl", safetext.Quote(ug))
			}
		}
	}
}

// validUserid is VerifyUsername, remembered per id: a large user.cfg names
// the same ids on many acl lines.
func (c *Config) validUserid(id string) bool {
	ok, seen := c.validIDs[id]
	if !seen {
		if c.validIDs == nil {
			c.validIDs = map[string]bool{}
		}
		ok = VerifyUsername(id)
		c.validIDs[id] = ok
	}
	return ok
}

func set(m map[string]map[string]RoleEntry, id, role string, e RoleEntry) {
	if m[id] == nil {
		m[id] = map[string]RoleEntry{}
	}
	m[id][role] = e
}

// Walk visits the ACL tree depth-first, node first, children sorted by
// segment name; the root is "/".
func (c *Config) Walk(fn func(path string, n *ACLNode)) {
	var walk func(path string, n *ACLNode)
	walk = func(path string, n *ACLNode) {
		fn(path, n)
		for _, seg := range sortedKeys(n.Children) {
			child := "/" + seg
			if path != "/" {
				child = path + child
			}
			walk(child, n.Children[seg])
		}
	}
	walk("/", c.ACL)
}
