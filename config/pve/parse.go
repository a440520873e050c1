package pve

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/internal/cfgfile"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/pveid"
)

var (
	vmidRe  = regexp.MustCompile(`^\d+$`)
	storeRe = regexp.MustCompile(`(?i)^[a-z][a-z0-9\-\_\.]*[a-z0-9]$`)
)

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
	if !pveid.ValidUserid(id) {
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
	user, sub, ok := pveid.SplitTokenID(id)
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
	if !pveid.ValidGroup(id) {
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
		if !pveid.ValidUserid(m) {
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
	if !pveid.ValidRole(id) {
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
	if !pveid.ValidPool(id) {
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

func (c *Config) parseACL(f []string, ln int, cat Catalog, warn warnFunc) {
	prop := truthy(field(f, 1))
	path, ok := aclpath.PVENormalize(field(f, 2))
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
		if !pveid.ValidRole(role) {
			warn(ln, "user config - ignore invalid role name %s in acl", safetext.Quote(role))
			continue
		}
		if !cat.IsRole(role) && c.Roles[role] == nil {
			warn(ln, "user config - ignore invalid acl role %s", safetext.Quote(role))
			continue
		}
		for _, ug := range ugids {
			switch {
			case strings.HasPrefix(ug, "@") && pveid.ValidGroup(ug[1:]):
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
			case pveid.IsTokenID(ug):
				warn(ln, "user config - ignore invalid acl token %s", safetext.Quote(ug))
			default:
				warn(ln, "user config - invalid user/group %s in acl", safetext.Quote(ug))
			}
		}
	}
}

// validUserid is pveid.ValidUserid, remembered per id: a large user.cfg names
// the same ids on many acl lines.
func (c *Config) validUserid(id string) bool {
	ok, seen := c.validIDs[id]
	if !seen {
		if c.validIDs == nil {
			c.validIDs = map[string]bool{}
		}
		ok = pveid.ValidUserid(id)
		c.validIDs[id] = ok
	}
	return ok
}
