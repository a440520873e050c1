// Package native answers data.pxacl.allow and data.pxacl.permissions in Go,
// directly over a compiled document, in about a microsecond.
//
// The Rego policies (package policies) are the specification: OPA sidecars
// and `opa eval` run them, and so does the embedded evaluator for explain,
// check_expr and any bundle whose policies are not pxacl's own. This package
// is a rule-by-rule translation of policies/pxacl.rego (PBS) and
// policies/pve.rego (PVE) for the two hot queries; each function names the
// Rego rule it mirrors. Tests hold the two to the same answers: every
// scenario under tests/scenarios is decided both ways and by the real opa
// binary, and randomised configurations and queries are compared here
// (differential_test.go, fuzz_test.go).
//
// Like the Rego, a decision looks up at most one entry per path level (plus,
// on PVE, one per group of the user and per pool of the target); nothing
// iterates over the configuration.
package native

import (
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/pveid"
)

// Engine decides over one compiled document. It is safe for concurrent
// use.
//
// New re-indexes the document by subject: a decision makes one lookup in a
// table the size of the configuration (the auth id) and then only touches
// the subject's own entries, its owner's and (PVE) its groups', so its cost
// barely moves with the configuration's size. The Rego looks the same
// entries up as data.pxacl.acl[path][subject].
type Engine struct {
	pve       bool
	superuser string
	all       map[string]bool     // every privilege, propagating (all_privileges)
	subjects  map[string]*subject // every user, token and ACL subject
	poolPaths map[string][]string // PVE: "/pool/<p>" of the pools of a /vms or /storage path
	levels    compiler.Levels     // data.pxacl.levels: depths with entries
	now       func() int64
}

// subject is one auth id: its user or token section (if configured) and
// its ACL entries by normalised path.
type subject struct {
	user, token *compiler.Account
	owner       *subject            // tokens: the owning user's subject
	entries     map[string]*entry   // path -> this subject's entry
	groups      []map[string]*entry // PVE users: each group's entries by path
	poolEntries bool                // PVE: s or a group of s has an entry on a /pool/<p>
}

// entry is a compiler.Entry with its privilege sets resolved; a nil set
// means the entry has none of that kind (no leaf or inherit key).
type entry struct {
	leaf, inherit             map[string]bool
	noaccess, noaccessInherit bool
}

// New returns an engine over d. The document must not change afterwards.
func New(d *compiler.Document) *Engine {
	e := &Engine{
		pve:       d.Meta.Flavor == config.PVE,
		superuser: d.Meta.Superuser,
		all:       make(map[string]bool, len(d.Privileges)),
		subjects:  make(map[string]*subject, len(d.Users)+len(d.Tokens)),
		poolPaths: make(map[string][]string, len(d.PoolOf)),
		levels:    d.Levels,
		now:       func() int64 { return time.Now().Unix() },
	}
	for p := range d.Privileges {
		e.all[p] = true
	}
	set := func(key string) map[string]bool {
		m, ok := d.PrivSets[key]
		if !ok {
			return nil
		}
		if m == nil {
			m = map[string]bool{} // the empty set (NoAccess) is still a set
		}
		return m
	}
	resolve := func(x *compiler.Entry) *entry {
		return &entry{leaf: set(x.Leaf), inherit: set(x.Inherit), noaccess: x.NoAccess, noaccessInherit: x.NoAccessInherit}
	}
	for id, a := range d.Users {
		e.subject(id).user = &a
	}
	for id, a := range d.Tokens {
		s := e.subject(id)
		s.token = &a
		s.owner = e.subject(a.Owner)
	}
	for path, subs := range d.ACL {
		for id, x := range subs {
			s := e.subject(id)
			if s.entries == nil {
				s.entries = map[string]*entry{}
			}
			s.entries[path] = resolve(x)
		}
	}
	if e.pve {
		e.indexPVE(d, resolve)
	}
	return e
}

// indexPVE adds what PVE decisions need: the /pool/<p> paths of each pool
// member, and each user's groups with their entries.
func (e *Engine) indexPVE(d *compiler.Document, resolve func(*compiler.Entry) *entry) {
	for path, pools := range d.PoolOf {
		pp := make([]string, len(pools))
		for i, p := range pools {
			pp[i] = "/pool/" + p
		}
		e.poolPaths[path] = pp
	}
	groups := map[string]map[string]*entry{}
	for path, subs := range d.GroupACL {
		for g, x := range subs {
			if groups[g] == nil {
				groups[g] = map[string]*entry{}
			}
			groups[g][path] = resolve(x)
		}
	}
	groupOnPools := map[string]bool{}
	for g, m := range groups {
		groupOnPools[g] = onPools(m)
	}
	for u, gs := range d.UserGroups {
		s := e.subject(u)
		for g := range gs {
			if m := groups[g]; m != nil {
				s.groups = append(s.groups, m)
				s.poolEntries = s.poolEntries || groupOnPools[g]
			}
		}
	}
	for _, s := range e.subjects {
		s.poolEntries = s.poolEntries || onPools(s.entries)
	}
}

// onPools reports whether any of the entries sits on a /pool/<p> path.
func onPools(entries map[string]*entry) bool {
	for path := range entries {
		if strings.HasPrefix(path, "/pool/") {
			return true
		}
	}
	return false
}

// subject returns the subject of id, creating it.
func (e *Engine) subject(id string) *subject {
	s := e.subjects[id]
	if s == nil {
		s = &subject{}
		e.subjects[id] = s
	}
	return s
}

// Query is the input of a decision (the Rego input object), and the clock
// it is evaluated at.
type Query struct {
	AuthID     string
	Path       string
	Privileges []string
	Partial    bool // any of Privileges instead of all
	// Now is input.now (epoch seconds; 0 = none). Like the Rego's now it
	// only moves the clock forward: the later of Clock and Now counts.
	Now int64
	// Clock is the time to evaluate at (epoch seconds; 0 = the real
	// clock): the Rego's `with time.now_ns as ...`, for the CLI's --now and
	// tests. Any date.
	Clock int64
}

// Allowed is data.pxacl.allow: the auth id is active (§4.2) and holds the
// requested privileges on the path. A dotted path denies (pxacl.rego
// target, dotted_path).
func (e *Engine) Allowed(q Query) bool {
	s := e.subjects[q.AuthID]
	if len(q.Privileges) == 0 || aclpath.Dotted(q.Path) || !e.active(s, e.When(q.Clock, q.Now)) {
		return false
	}
	if e.pve {
		sc := getScratch()
		defer scratchPool.Put(sc)
		return held(e.pvePermissions(sc, q.AuthID, q.Path), q)
	}
	// PBS: allow's user branch needs a user section, the token branch a
	// token section (an id is never both).
	target := normalise(q.Path)
	if s.token != nil {
		return tokenHeld(e.ownPrivileges(s, target), e.subjectPrivileges(s.token.Owner, s.owner, target), q)
	}
	return held(e.subjectPrivileges(q.AuthID, s, target), q)
}

// Active is the Rego active: the auth id's user section exists and is
// enabled and not expired at now (0 = the clock; see When); for a token
// also the token's and its owner's (§4.2).
func (e *Engine) Active(authID string, now int64) bool {
	return e.active(e.subjects[authID], now)
}

// Known is the Rego known (explain.rego): the auth id has a user or a
// token section. root@pam always has one (the compiler adds it).
func (e *Engine) Known(authID string) bool {
	s := e.subjects[authID]
	return s != nil && (s.user != nil || s.token != nil)
}

// IsToken is the Rego is_token: a configured token, or an id with a '!'
// after its last '@'.
func (e *Engine) IsToken(authID string) bool { return isToken(authID, e.subjects[authID]) }

// When is the Rego now: the clock (clock, or the real clock when 0), or
// input.now when that is later. input.now only moves the clock forward, so
// "now": 0 revives no expired account.
func (e *Engine) When(clock, inputNow int64) int64 {
	if clock == 0 {
		clock = e.now()
	}
	return max(clock, inputNow)
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
// on path; empty when none, and for a dotted path. The map is the
// caller's.
func (e *Engine) Permissions(authID, path string) map[string]bool {
	if aclpath.Dotted(path) {
		return map[string]bool{}
	}
	sc := getScratch()
	defer scratchPool.Put(sc)
	if e.pve {
		return maps.Clone(e.pvePermissions(sc, authID, path))
	}
	return maps.Clone(e.pbsPermissions(sc, authID, path))
}

// pbsPermissions is pxacl.rego's effective.
func (e *Engine) pbsPermissions(sc *scratch, authID, path string) map[string]bool {
	target := normalise(path)
	s := e.subjects[authID]
	if !isToken(authID, s) {
		return e.subjectPrivileges(authID, s, target) // user_privileges
	}
	own := e.ownPrivileges(s, target) // token_privileges
	if len(own) == 0 {
		return own
	}
	owner := ownerOf(authID, s)
	return intersect(sc, own, e.subjectPrivileges(owner, e.subjects[owner], target))
}

// scratch lends out maps for the intermediate results of one decision, so
// that a decision allocates nothing once the pool is warm.
type scratch struct {
	maps []map[string]bool
	used int
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch {
	sc := scratchPool.Get().(*scratch)
	sc.used = 0
	return sc
}

// get returns an empty map, valid until the scratch is put back.
func (sc *scratch) get() map[string]bool {
	if sc.used == len(sc.maps) {
		sc.maps = append(sc.maps, make(map[string]bool, 32))
	}
	m := sc.maps[sc.used]
	clear(m)
	sc.used++
	return m
}

// intersect is the token clamp (§4.1): privileges in both, propagate flags
// ANDed.
func intersect(sc *scratch, own, owner map[string]bool) map[string]bool {
	out := sc.get()
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
func isToken(id string, s *subject) bool {
	if s != nil && s.token != nil {
		return true
	}
	at := strings.LastIndexByte(id, '@')
	return at >= 0 && strings.LastIndexByte(id, '!') > at
}

// ownerOf is the user a token belongs to, or the id itself.
func ownerOf(id string, s *subject) string {
	if s != nil && s.token != nil {
		return s.token.Owner
	}
	if isToken(id, s) {
		return id[:strings.LastIndexByte(id, '!')]
	}
	return id
}

// active: the user section exists and is active; for a token the token
// section and its owner's.
func (e *Engine) active(s *subject, now int64) bool {
	if s == nil {
		return false
	}
	if now == 0 {
		now = e.now()
	}
	if s.user != nil {
		return accountActive(*s.user, now)
	}
	return s.token != nil && accountActive(*s.token, now) &&
		s.owner.user != nil && accountActive(*s.owner.user, now)
}

// accountActive is config.Active of an account.
func accountActive(a compiler.Account, now int64) bool {
	return config.Active(a.Enable, a.Expire, now)
}

// ---------------------------------------------------------------------------
// Paths (pxacl.rego: target, ancestors)
// ---------------------------------------------------------------------------

// Normalise is the Rego normalised_path: the path with empty components
// dropped, "/" if none. (The Rego target is that, unless the path is
// dotted: see aclpath.Dotted.)
func Normalise(path string) string { return normalise(path) }

func normalise(path string) string {
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

// prefixes is entry_ancestors: it calls f on the strict prefixes of a
// normalised path at the depths where the ACL has nodes with entries
// (levels, data.pxacl.levels), root first ("/a/b/c" with entries at every
// depth: "/", "/a", "/a/b"), and then on the path itself if withSelf. It
// stops when f returns false. Prefixes at other depths cannot have
// entries; skipping them keeps a path of 100,000 components from costing
// 100,000 lookups of long keys.
func (e *Engine) prefixes(path string, withSelf bool, f func(string) bool) {
	if path != "/" && e.level(0) && !f("/") {
		return
	}
	for i, d := 1, 0; i < len(path); i++ {
		if path[i] != '/' {
			continue
		}
		d++
		if d >= len(e.levels) {
			break // no entries this deep
		}
		if e.levels[d] && !f(path[:i]) {
			return
		}
	}
	if withSelf {
		f(path)
	}
}

// level reports whether nodes of depth d may carry entries.
func (e *Engine) level(d int) bool { return d < len(e.levels) && e.levels[d] }

// ---------------------------------------------------------------------------
// The PBS tree walk (pxacl.rego: own_privileges, subject_privileges)
// ---------------------------------------------------------------------------

// subjectPrivileges: everything for the superuser, else own ACL entries.
func (e *Engine) subjectPrivileges(id string, s *subject, target string) map[string]bool {
	if id == e.superuser {
		return e.all
	}
	return e.ownPrivileges(s, target)
}

var none = map[string]bool{}

// ownPrivileges: the leaf set at the target if s has roles there, else the
// inherit set of the deepest ancestor that has one (§3.2, §3.3).
func (e *Engine) ownPrivileges(s *subject, target string) map[string]bool {
	if s == nil || len(s.entries) == 0 {
		return none
	}
	if x := s.entries[target]; x != nil && x.leaf != nil {
		return x.leaf
	}
	set := none
	e.prefixes(target, false, func(k string) bool {
		if x := s.entries[k]; x != nil && x.inherit != nil {
			set = x.inherit
		}
		return true
	})
	return set
}

// ---------------------------------------------------------------------------
// PVE (pve.rego, docs/semantics.md pve §3)
// ---------------------------------------------------------------------------

// pvePermissions is pve.rego's effective.
func (e *Engine) pvePermissions(sc *scratch, id, path string) map[string]bool {
	if path == "" { // permissions(authid, '') is {} (§3.1)
		return none
	}
	target := normalise(path)
	if id == e.superuser {
		return e.all
	}
	s := e.subjects[id]
	if !isToken(id, s) {
		// pve.rego's pve_valid_userid counts characters and uses RE2's \s;
		// PVE (and pveid) count bytes and use Perl's. The answers cannot
		// differ: an id only one of them accepts has no entries, since
		// every user and ACL subject of the document passed pveid.
		if !pveid.ValidUserid(id) {
			return none
		}
		return e.pveCompiled(sc, s, target, path)
	}
	if s == nil || s.token == nil || s.token.Privsep == nil {
		return none
	}
	owner := e.pveUserPermissions(sc, s.token.Owner, s.owner, target, path)
	if !*s.token.Privsep {
		return owner
	}
	return intersect(sc, e.pveCompiled(sc, s, target, path), owner)
}

func (e *Engine) pveUserPermissions(sc *scratch, id string, s *subject, target, path string) map[string]bool {
	if id == e.superuser {
		return e.all
	}
	return e.pveCompiled(sc, s, target, path)
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
func (e *Engine) pveCompiled(sc *scratch, s *subject, target, path string) map[string]bool {
	if s == nil {
		return none
	}
	regular := e.pveRoles(sc, s, target)
	if regular.noaccess {
		return none
	}
	pools := e.poolPaths[path] // the raw input path, as pve_pool looks it up
	if len(pools) == 0 {
		if regular.privs == nil {
			return none
		}
		return regular.privs
	}
	// roles(s, /pool/P) for each pool P: the level at /pool/P if s or
	// its groups have an entry that applies there, else the deepest of
	// "/" and "/pool" (the same for every pool, found once); a nested
	// pool walks its parents
	base := e.pveAbove(sc, s, "/pool")
	poolPrivs := sc.get()
	add := func(r level) bool {
		if r.noaccess {
			return false
		}
		for p := range r.privs {
			poolPrivs[p] = false
		}
		return true
	}
	if !s.poolEntries {
		if len(pools) > 0 && !add(base) {
			return none
		}
	} else {
		for _, pool := range pools {
			var r level
			if strings.IndexByte(pool[len("/pool/"):], '/') >= 0 {
				r = e.pveRoles(sc, s, pool) // a nested pool: walk its parents too
			} else if r = pveLevel(sc, s, pool, true); !r.found {
				r = base
			}
			if !add(r) {
				return none
			}
		}
	}
	for p, prop := range regular.privs {
		poolPrivs[p] = prop
	}
	return poolPrivs
}

// pveRoles is pve_roles: the deepest level with an applicable entry for s
// on path decides and replaces everything above.
func (e *Engine) pveRoles(sc *scratch, s *subject, path string) level {
	var decided level
	if len(s.entries) == 0 && len(s.groups) == 0 {
		return decided
	}
	e.prefixes(path, true, func(k string) bool {
		if l := pveLevel(sc, s, k, k == path); l.found {
			decided = l
		}
		return true
	})
	return decided
}

// pveAbove is pve_roles for a path strictly below path: the deepest level
// among path and its prefixes at which an entry propagates.
func (e *Engine) pveAbove(sc *scratch, s *subject, path string) level {
	var decided level
	e.prefixes(path, true, func(k string) bool {
		if l := pveLevel(sc, s, k, false); l.found {
			decided = l
		}
		return true
	})
	return decided
}

// pveLevel is pve_level: the entry of s itself (token or user) if it
// applies (final, or propagating), else the union of the applicable entries
// of s's groups.
func pveLevel(sc *scratch, s *subject, k string, final bool) level {
	if x := s.entries[k]; x != nil {
		if l := x.view(final); l.found {
			return l
		}
	}
	var out level
	merged := false // out.privs is a scratch map, not an entry's set
	for _, g := range s.groups {
		x := g[k]
		if x == nil {
			continue
		}
		v := x.view(final)
		if !v.found {
			continue
		}
		if !out.found {
			out = v // one group: its set as it is
			continue
		}
		if !merged {
			m := sc.get()
			for p, prop := range out.privs {
				m[p] = prop
			}
			out.privs, merged = m, true
		}
		for p, prop := range v.privs {
			out.privs[p] = out.privs[p] || prop
		}
		out.noaccess = out.noaccess || v.noaccess
	}
	return out
}

// view is pve_view: the privileges an entry gives at the target (all
// roles) or below it (propagating roles only), and whether NoAccess is
// among those roles. found is false when the entry has no such set.
func (x *entry) view(final bool) level {
	if final {
		return level{privs: x.leaf, noaccess: x.noaccess, found: x.leaf != nil}
	}
	return level{privs: x.inherit, noaccess: x.noaccessInherit, found: x.inherit != nil}
}
