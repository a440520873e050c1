// Package native answers data.pxacl.allow and data.pxacl.permissions in Go,
// directly over a compiled document, in about a microsecond.
//
// The Rego policies (package policies) are the specification: OPA sidecars
// and `opa eval` run them, and so does the embedded evaluator for explain,
// check_expr and any bundle whose policies are not pxacl's own. This package
// is a rule-by-rule translation of policies/pxacl.rego (PBS) and
// policies/pve.rego (PVE) for the two hot queries; each function names the
// Rego rule it mirrors. Tests hold the two to the same answers: every
// scenario under tests/scenarios, the Rego unit fixtures, and randomised
// configurations and queries (differential_test.go).
//
// Like the Rego, a decision looks up at most one entry per path level (plus,
// on PVE, one per group of the user and per pool of the target); nothing
// iterates over the configuration.
package native

import (
	"regexp"
	"strings"
	"time"

	"github.com/pxacl/pxacl/compiler"
)

// Engine decides over one compiled document. It never modifies the
// document and is safe for concurrent use.
type Engine struct {
	d   *compiler.Document
	pve bool
	all map[string]bool // every privilege, propagating (all_privileges)
	now func() int64
}

// New returns an engine over d. The document must not change afterwards.
func New(d *compiler.Document) *Engine {
	all := make(map[string]bool, len(d.Privileges))
	for p := range d.Privileges {
		all[p] = true
	}
	return &Engine{d: d, pve: d.Meta.Flavor == "pve", all: all, now: func() int64 { return time.Now().Unix() }}
}

// Query is the input of a decision (the Rego input object).
type Query struct {
	AuthID     string
	Path       string
	Privileges []string
	Partial    bool  // any of Privileges instead of all
	Now        int64 // epoch seconds for enable/expire; 0 = the clock
}

// Allowed is data.pxacl.allow: the auth id is active (§4.2) and holds the
// requested privileges on the path.
func (e *Engine) Allowed(q Query) bool {
	if len(q.Privileges) == 0 || !e.active(q.AuthID, q.Now) {
		return false
	}
	if e.pve {
		return held(e.Permissions(q.AuthID, q.Path), q)
	}
	// PBS: allow's user branch needs a user section, the token branch a
	// token section (an id is never found in both).
	if t, ok := e.d.Tokens[q.AuthID]; ok {
		target := e.target(q.Path)
		return tokenHeld(e.ownPrivileges(q.AuthID, target), e.subjectPrivileges(t.Owner, target), q)
	}
	return held(e.subjectPrivileges(q.AuthID, e.target(q.Path)), q)
}

// held is the Rego held(privs): every requested privilege is in privs, or
// with Partial any one of them.
func held(privs map[string]bool, q Query) bool {
	if q.Partial {
		for _, p := range q.Privileges {
			if _, ok := privs[p]; ok {
				return true
			}
		}
		return false
	}
	for _, p := range q.Privileges {
		if _, ok := privs[p]; !ok {
			return false
		}
	}
	return true
}

// tokenHeld is the Rego token_held: every requested privilege (or with
// Partial some one) is held both by the token's own ACL and by its owner's.
func tokenHeld(own, owner map[string]bool, q Query) bool {
	if !q.Partial {
		return held(own, q) && held(owner, q)
	}
	for _, p := range q.Privileges {
		_, a := own[p]
		_, b := owner[p]
		if a && b {
			return true
		}
	}
	return false
}

// Permissions is data.pxacl.permissions: {privilege: propagate} of authID
// on path; empty when none. The returned map must not be modified.
func (e *Engine) Permissions(authID, path string) map[string]bool {
	if e.pve {
		return e.pvePermissions(authID, path)
	}
	target := e.target(path)
	if !e.isToken(authID) {
		return e.subjectPrivileges(authID, target) // user_privileges
	}
	own := e.ownPrivileges(authID, target) // token_privileges
	if len(own) == 0 {
		return own
	}
	return intersect(own, e.subjectPrivileges(e.owner(authID), target))
}

// intersect is the token clamp (§4.1): privileges in both, propagate flags
// ANDed.
func intersect(own, owner map[string]bool) map[string]bool {
	out := make(map[string]bool, len(own))
	for p, prop := range own {
		if oprop, ok := owner[p]; ok {
			out[p] = prop && oprop
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Identity and activity (pxacl.rego: token, is_token, owner, active)
// ---------------------------------------------------------------------------

// isToken: a configured token, or an id with a '!' after its last '@'.
func (e *Engine) isToken(id string) bool {
	if _, ok := e.d.Tokens[id]; ok {
		return true
	}
	at := strings.LastIndexByte(id, '@')
	return at >= 0 && strings.LastIndexByte(id, '!') > at
}

// owner is the user a token belongs to, or the id itself.
func (e *Engine) owner(id string) string {
	if t, ok := e.d.Tokens[id]; ok {
		return t.Owner
	}
	if e.isToken(id) {
		return id[:strings.LastIndexByte(id, '!')]
	}
	return id
}

// active: the user section exists and is active; for a token the token
// section and its owner's.
func (e *Engine) active(id string, now int64) bool {
	if now == 0 {
		now = e.now()
	}
	if u, ok := e.d.Users[id]; ok {
		return accountActive(u, now)
	}
	t, ok := e.d.Tokens[id]
	if !ok || !accountActive(t, now) {
		return false
	}
	u, ok := e.d.Users[t.Owner]
	return ok && accountActive(u, now)
}

// accountActive: enable is not false and expire is 0 (never) or ahead.
func accountActive(a compiler.Account, now int64) bool {
	return a.Enable && (a.Expire == 0 || a.Expire > now)
}

// ---------------------------------------------------------------------------
// Paths (pxacl.rego: target, ancestors)
// ---------------------------------------------------------------------------

// target is the normalised path: empty components dropped, "/" if none.
func (e *Engine) target(path string) string {
	if _, ok := e.d.NodeIndex[path]; ok {
		return path
	}
	if isNormal(path) {
		return path
	}
	var b strings.Builder
	for c := range strings.SplitSeq(path, "/") {
		if c != "" {
			b.WriteByte('/')
			b.WriteString(c)
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// isNormal is the Rego regex `^(/[^/]+)+$` without the regex engine: a
// path that normalising leaves unchanged.
func isNormal(p string) bool {
	if len(p) < 2 || p[0] != '/' || p[len(p)-1] == '/' {
		return false
	}
	return !strings.Contains(p, "//")
}

// prefixes calls f on the strict prefixes of a normalised path that are
// path components, root first ("/a/b/c": "/", "/a", "/a/b"), and then on
// the path itself if withSelf. It stops when f returns false.
func prefixes(path string, withSelf bool, f func(string) bool) {
	if path == "/" {
		if withSelf {
			f("/")
		}
		return
	}
	if !f("/") {
		return
	}
	for i := 1; i < len(path); i++ {
		if path[i] == '/' && !f(path[:i]) {
			return
		}
	}
	if withSelf {
		f(path)
	}
}

// ---------------------------------------------------------------------------
// The PBS tree walk (pxacl.rego: own_privileges, subject_privileges)
// ---------------------------------------------------------------------------

// subjectPrivileges: everything for the superuser, else own ACL entries.
func (e *Engine) subjectPrivileges(s, target string) map[string]bool {
	if s == e.d.Meta.Superuser {
		return e.all
	}
	return e.ownPrivileges(s, target)
}

// ownPrivileges: the leaf set at the target if s has roles there, else the
// inherit set of the deepest ancestor that has one (§3.2, §3.3).
func (e *Engine) ownPrivileges(s, target string) map[string]bool {
	if x := e.d.ACL[target][s]; x != nil && x.Leaf != "" {
		return e.d.PrivSets[x.Leaf]
	}
	set := ""
	visit := func(k string) bool {
		if x := e.d.ACL[k][s]; x != nil && x.Inherit != "" {
			set = x.Inherit
		}
		return true
	}
	if n, ok := e.d.NodeIndex[target]; ok {
		for _, k := range n.Up {
			visit(k)
		}
	} else {
		prefixes(target, false, visit)
	}
	if set == "" {
		return map[string]bool{}
	}
	return e.d.PrivSets[set]
}

// ---------------------------------------------------------------------------
// PVE (pve.rego, pve-semantics §3)
// ---------------------------------------------------------------------------

// pvePermissions is pve.rego's effective.
func (e *Engine) pvePermissions(id, path string) map[string]bool {
	if path == "" { // permissions(authid, '') is {} (§3.1)
		return map[string]bool{}
	}
	target := e.target(path)
	if id == e.d.Meta.Superuser {
		return e.all
	}
	if !e.isToken(id) {
		if !validPVEUserid(id) {
			return map[string]bool{}
		}
		return e.pveCompiled(id, target, path)
	}
	t, ok := e.d.Tokens[id]
	if !ok || t.Privsep == nil {
		return map[string]bool{}
	}
	owner := e.pveUserPermissions(t.Owner, target, path)
	if !*t.Privsep {
		return owner
	}
	return intersect(e.pveCompiled(id, target, path), owner)
}

var pveUserid = regexp.MustCompile(`^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+$`)

// validPVEUserid is pve_valid_userid (verify_username, §1.2); the length
// counts characters, as Rego's count does.
func validPVEUserid(u string) bool {
	n := len([]rune(u))
	return n >= 3 && n <= 64 && pveUserid.MatchString(u)
}

func (e *Engine) pveUserPermissions(u, target, path string) map[string]bool {
	if u == e.d.Meta.Superuser {
		return e.all
	}
	return e.pveCompiled(u, target, path)
}

// level is what one path level gives a subject (pve_level, pve_roles).
type level struct {
	privs    map[string]bool
	noaccess bool
	found    bool
}

// pveCompiled is pve_compiled: the ACL roles of s on the target with the
// roles of the target's pools added (never propagating); NoAccess on the
// ACL roles wins, else NoAccess among the pool roles (pve_combine).
func (e *Engine) pveCompiled(s, target, path string) map[string]bool {
	regular := e.pveRoles(s, target)
	if regular.noaccess {
		return map[string]bool{}
	}
	pools := e.d.PoolOf[path] // the raw input path, as pve_pool looks it up
	if len(pools) == 0 {
		if regular.privs == nil {
			return map[string]bool{}
		}
		return regular.privs
	}
	poolPrivs := map[string]bool{}
	for _, pool := range pools {
		r := e.pveRoles(s, "/pool/"+pool)
		if r.noaccess {
			return map[string]bool{}
		}
		for p := range r.privs {
			poolPrivs[p] = false
		}
	}
	for p, prop := range regular.privs {
		poolPrivs[p] = prop
	}
	return poolPrivs
}

// pveRoles is pve_roles: the deepest level with an applicable entry for s
// on path decides and replaces everything above.
func (e *Engine) pveRoles(s, path string) level {
	var decided level
	visit := func(k string, final bool) {
		if l := e.pveLevel(s, k, final); l.found {
			decided = l
		}
	}
	if n, ok := e.d.NodeIndex[path]; ok {
		for _, k := range n.Up {
			visit(k, false)
		}
		visit(path, true)
		return decided
	}
	prefixes(path, true, func(k string) bool {
		visit(k, k == path)
		return true
	})
	return decided
}

// pveLevel is pve_level: the entry of s itself (token or user) if it
// applies (final, or propagating), else the union of the applicable entries
// of s's groups.
func (e *Engine) pveLevel(s, k string, final bool) level {
	if x := e.d.ACL[k][s]; x != nil {
		if l := e.pveView(x, final); l.found {
			return l
		}
	}
	groups := e.d.UserGroups[s]
	if len(groups) == 0 {
		return level{}
	}
	at := e.d.GroupACL[k]
	if len(at) == 0 {
		return level{}
	}
	var out level
	for g := range groups {
		x := at[g]
		if x == nil {
			continue
		}
		v := e.pveView(x, final)
		if !v.found {
			continue
		}
		if !out.found {
			out = level{privs: map[string]bool{}, found: true}
		}
		for p, prop := range v.privs {
			out.privs[p] = out.privs[p] || prop
		}
		out.noaccess = out.noaccess || v.noaccess
	}
	return out
}

// pveView is pve_view: the privileges an entry gives at the target (all
// roles) or below it (propagating roles only), and whether NoAccess is
// among those roles. found is false when the entry has no such set.
func (e *Engine) pveView(x *compiler.Entry, final bool) level {
	if final {
		if x.Leaf == "" {
			return level{}
		}
		set, ok := e.d.PrivSets[x.Leaf]
		return level{privs: set, noaccess: x.NoAccess, found: ok}
	}
	if x.Inherit == "" {
		return level{}
	}
	set, ok := e.d.PrivSets[x.Inherit]
	return level{privs: set, noaccess: x.NoAccessInherit, found: ok}
}
