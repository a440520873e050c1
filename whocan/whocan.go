// Package whocan answers "who holds privilege P on path X": every user and
// token of the configuration (root@pam included) that is allowed P on X,
// with the ACL entries that give it.
//
// It does not evaluate every identity. On PBS an identity can hold a
// privilege on a path only through an ACL entry of its own at the path or
// one of its ancestors (plus, for a token, one of its owner's), or by being
// root@pam; so the candidates are the subjects with entries in data.pxacl.acl
// at the normalised path and its ancestors (a token only if its owner is a
// candidate too, or root@pam), plus root@pam. Each candidate is then checked
// with the evaluator (allow, not partial), and each holder's grants are read
// from the compiled document (grants.go).
//
// On PVE (docs/semantics.md pve §3) groups and pools grant too. The paths that
// can decide are the normalised path and its ancestors and, when the path
// is a pool member (pool_of, /vms/<id> or /storage/<id>), /pool/<p> of each
// of its pools and that path's ancestors (nested pools inherit through
// them). The candidates are root@pam, the users with entries of their own
// there, the members of groups with entries there, the tokens without
// privilege separation whose owner is a candidate (they use the owner's
// privileges) and the privilege-separated tokens with entries of their own
// there whose owner is a candidate (they hold the intersection).
package whocan

import (
	"context"
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/evaluator/native"
)

// Index is a compiled configuration indexed for who-can questions: the
// document (whose ACL, keyed by path, gives the candidates), its evaluator
// (which checks them) and, on PVE, the members of each group.
type Index struct {
	Doc *compiler.Document
	Ev  *evaluator.Evaluator

	membersOnce sync.Once
	members     map[string][]string // PVE: group -> member users
}

// NewIndex compiles the configuration in dir (compiler.Compile with opts)
// once, for both the document and the evaluator.
func NewIndex(ctx context.Context, dir string, opts compiler.Options) (*Index, error) {
	doc, err := compiler.Compile(dir, opts)
	if err != nil {
		return nil, err
	}
	return FromDocument(ctx, doc)
}

// FromDocument indexes a compiled document and loads its evaluator.
func FromDocument(ctx context.Context, doc *compiler.Document) (*Index, error) {
	ev, err := evaluator.FromDocument(ctx, doc)
	if err != nil {
		return nil, err
	}
	return &Index{Doc: doc, Ev: ev}, nil
}

// Identities are every user and token of user.cfg plus root@pam, sorted.
func (c *Index) Identities() []string {
	ids := make([]string, 0, len(c.Doc.Users)+len(c.Doc.Tokens)+1)
	ids = slices.AppendSeq(ids, maps.Keys(c.Doc.Users))
	ids = slices.AppendSeq(ids, maps.Keys(c.Doc.Tokens))
	if _, ok := c.Doc.Users[compiler.Superuser]; !ok {
		ids = append(ids, compiler.Superuser)
	}
	slices.Sort(ids)
	return ids
}

// Normalize returns the normalised ACL path: components split on "/",
// empty ones dropped ("//datastore///store1/" is "/datastore/store1"), as
// the Rego target computes it.
func Normalize(path string) string { return native.Normalise(path) }

// PathAndAncestors returns the normalised path and all its ancestors, root
// first ("/a/b" gives "/", "/a", "/a/b").
func PathAndAncestors(path string) []string {
	n := Normalize(path)
	out := []string{"/"}
	for i := 1; i < len(n); i++ {
		if n[i] == '/' {
			out = append(out, n[:i])
		}
	}
	if n != "/" {
		out = append(out, n)
	}
	return out
}

// entryLevels is PathAndAncestors without the ancestors at depths where
// no node has entries (compiler.Document.Levels): those have nothing to
// look up, and skipping them keeps a path of 100,000 components from
// costing 100,000 lookups of long keys.
func (c *Index) entryLevels(path string) []string {
	n := Normalize(path)
	levels := c.Doc.Levels
	var out []string
	if n != "/" && len(levels) > 0 && levels[0] {
		out = append(out, "/")
	}
	for i, d := 1, 0; i < len(n); i++ {
		if n[i] != '/' {
			continue
		}
		if d++; d >= len(levels) {
			break
		}
		if levels[d] {
			out = append(out, n[:i])
		}
	}
	return append(out, n)
}

// Candidates are the identities that may hold anything on path, sorted: on
// PBS the configured users and tokens with an ACL entry at the path or an
// ancestor (tokens only if their owner is such a user, or root@pam), plus
// root@pam; on PVE see pveCandidates.
func (c *Index) Candidates(path string) []string {
	switch c.Doc.Meta.Flavor {
	case config.PBS:
	case config.PVE:
		return c.pveCandidates(path)
	default:
		return c.Identities()
	}
	withEntry := map[string]bool{}
	for _, p := range c.entryLevels(path) {
		for s := range c.Doc.ACL[p] {
			withEntry[s] = true
		}
	}
	out := []string{compiler.Superuser}
	for s := range withEntry {
		if s == compiler.Superuser {
			continue
		}
		if _, ok := c.Doc.Users[s]; ok {
			out = append(out, s)
			continue
		}
		if t, ok := c.Doc.Tokens[s]; ok && (withEntry[t.Owner] || t.Owner == compiler.Superuser) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// pvePaths are the paths whose entries can decide on path (PVE): the
// normalised path and its ancestors, and /pool/<p> with its ancestors for
// every pool p the path is a member of. The pool lookup of the policy is by
// the exact path given (§3.2); the normalised path's pools are added too,
// which can only widen the candidates.
func (c *Index) pvePaths(path string) []string {
	paths := c.entryLevels(path)
	n := Normalize(path)
	for _, key := range []string{path, n} {
		for _, pool := range c.Doc.PoolOf[key] {
			paths = append(paths, c.entryLevels("/pool/"+pool)...)
		}
		if key == n {
			break
		}
	}
	slices.Sort(paths)
	return slices.Compact(paths)
}

// groupMembers returns the members of each group (the inverse of
// user_groups), built once.
func (c *Index) groupMembers() map[string][]string {
	c.membersOnce.Do(func() {
		c.members = map[string][]string{}
		for u, gs := range c.Doc.UserGroups {
			for g, in := range gs {
				if in {
					c.members[g] = append(c.members[g], u)
				}
			}
		}
	})
	return c.members
}

// pveCandidates are the PVE identities that may hold anything on path,
// sorted: root@pam; configured users with an entry of their own, or a
// group with an entry, at one of pvePaths; tokens without privilege
// separation whose owner is a candidate; privilege-separated tokens with an
// entry of their own there whose owner is a candidate. Anyone else has no
// applicable entry on any level roles() walks for the path or its pools,
// so holds nothing (a privsep token's privileges are intersected with its
// owner's, a privsep=0 token's are its owner's).
func (c *Index) pveCandidates(path string) []string {
	users := map[string]bool{compiler.Superuser: true}
	ownEntry := map[string]bool{} // tokens with entries of their own
	members := c.groupMembers()
	for _, p := range c.pvePaths(path) {
		for s := range c.Doc.ACL[p] {
			if _, ok := c.Doc.Users[s]; ok {
				users[s] = true
			} else if _, ok := c.Doc.Tokens[s]; ok {
				ownEntry[s] = true
			}
		}
		for g := range c.Doc.GroupACL[p] {
			for _, u := range members[g] {
				if _, ok := c.Doc.Users[u]; ok {
					users[u] = true
				}
			}
		}
	}
	out := slices.Collect(maps.Keys(users))
	for id, t := range c.Doc.Tokens {
		if !users[t.Owner] {
			continue
		}
		if t.Privsep == nil || !*t.Privsep || ownEntry[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Grant is an ACL entry that decides a subject's privileges on the path.
type Grant struct {
	Path  string                 `json:"path"`
	Via   string                 `json:"via,omitempty"`
	Roles []evaluator.RoleReport `json:"roles"`
}

// Holder is an identity that holds the privilege, and how.
type Holder struct {
	AuthID    string  `json:"auth_id"`
	Token     bool    `json:"token"`
	Owner     string  `json:"owner,omitempty"`
	Superuser bool    `json:"superuser,omitempty"`
	Propagate bool    `json:"propagate"` // the privilege propagates below the path
	Grants    []Grant `json:"grants"`    // the entries of its own ACL that give the privilege
	OwnerSU   bool    `json:"owner_superuser,omitempty"`
	Owners    []Grant `json:"owner_grants,omitempty"` // a token's owner's deciding entries
	Privsep   *bool   `json:"privsep,omitempty"`      // PVE tokens: privilege separation
}

// Result is the answer of WhoCan.
type Result struct {
	Privilege  string   `json:"privilege"`
	Path       string   `json:"path"`
	Holders    []Holder `json:"holders"`
	Candidates int      `json:"candidates_evaluated"`
	Identities int      `json:"identities"`
}

// WhoCan returns every identity holding priv on path, evaluating only the
// candidates. now is the epoch time for enable/expire (0 = the clock).
func (c *Index) WhoCan(ctx context.Context, priv, path string, now int64) (*Result, error) {
	res := &Result{Privilege: priv, Path: Normalize(path), Holders: []Holder{}}
	res.Identities = len(c.Doc.Users) + len(c.Doc.Tokens)
	if _, ok := c.Doc.Users[compiler.Superuser]; !ok {
		res.Identities++
	}
	cands := c.Candidates(path)
	res.Candidates = len(cands)
	// The evaluator is safe for concurrent use: check the candidates on
	// every core, keeping their order.
	holders := make([]*Holder, len(cands))
	errs := make([]error, len(cands))
	workers := min(runtime.GOMAXPROCS(0), len(cands))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(cands); i += workers {
				q := evaluator.Query{AuthID: cands[i], Path: path, Privileges: []string{priv}, Clock: now}
				ok, err := c.Ev.Allowed(ctx, q)
				if err == nil && ok {
					holders[i], err = c.holder(ctx, q)
				}
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	for i, h := range holders {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if h != nil {
			res.Holders = append(res.Holders, *h)
		}
	}
	return res, nil
}

// holder describes a candidate that holds the privilege: the grants of its
// own ACL and, for a token, its owner's.
func (c *Index) holder(ctx context.Context, q evaluator.Query) (*Holder, error) {
	perms, err := c.Ev.Permissions(ctx, q.AuthID, q.Path)
	if err != nil {
		return nil, err
	}
	priv, su := q.Privileges[0], c.Doc.Meta.Superuser
	h := &Holder{AuthID: q.AuthID, Superuser: q.AuthID == su, Propagate: perms[priv]}
	h.Grants, h.Owners = c.Grants(q.AuthID, priv, q.Path)
	if h.Grants == nil {
		h.Grants = []Grant{}
	}
	if tok, ok := c.Doc.Tokens[q.AuthID]; ok {
		h.Token, h.Owner, h.OwnerSU, h.Privsep = true, tok.Owner, tok.Owner == su, tok.Privsep
	}
	return h, nil
}

// Grants returns the ACL entries that give priv on path to id: those of
// its own ACL (none for root@pam, nor for a PVE token without privilege
// separation, whose own ACL is ignored) and, for a configured token, those
// of its owner (none when the owner is root@pam). Only the roles that
// apply where an entry sits and contain priv are listed.
func (c *Index) Grants(id, priv, path string) (own, owner []Grant) {
	su, target := c.Doc.Meta.Superuser, Normalize(path)
	tok, isToken := c.Doc.Tokens[id]
	if id != su && !(isToken && tok.Privsep != nil && !*tok.Privsep) {
		own = c.grants(id, priv, target, path)
	}
	if isToken && tok.Owner != su {
		owner = c.grants(tok.Owner, priv, target, path)
	}
	return own, owner
}

// BruteForce evaluates every identity: the reference for tests and the
// benchmark.
func (c *Index) BruteForce(ctx context.Context, priv, path string, now int64) ([]string, error) {
	var out []string
	for _, id := range c.Identities() {
		ok, err := c.Ev.Allowed(ctx, evaluator.Query{AuthID: id, Path: path, Privileges: []string{priv}, Clock: now})
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, id)
		}
	}
	return out, nil
}

// AuthIDs are the holders' ids.
func (r *Result) AuthIDs() []string {
	out := make([]string, len(r.Holders))
	for i, h := range r.Holders {
		out[i] = h.AuthID
	}
	return out
}
