// Package permdiff compares the effective permissions of two
// configurations: for every identity of either side and every ACL node path
// of either side (plus the default paths), the privileges gained and lost,
// with the acl.cfg lines responsible and the escalations flagged.
//
// Effective means what `allow` grants: the privileges of `permissions` when
// the account (and a token's owner) is active, none otherwise. Propagate
// flag changes alone are not reported.
//
// On PBS an identity whose own ACL entries, whose owner's entries (tokens)
// and whose activity are the same on both sides has the same permissions
// everywhere, so it is not evaluated. On PVE (groups, pools) every identity
// is evaluated.
package permdiff

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/internal/cfgfile"
	"github.com/pxacl/pxacl/whocan"
)

// DefaultPaths are always compared, besides the ACL node paths: PBS's
// `user permissions` defaults, on either flavor.
var DefaultPaths = aclpath.DefaultPermissionPaths(config.PBS)

// EscalationPrivileges are flagged when gained (anything gained on "/" is
// flagged too).
var EscalationPrivileges = []string{"Permissions.Modify", "Datastore.Prune", "Sys.Modify"}

// Side is one loaded configuration.
type Side struct {
	*whocan.Index
	Dir      string
	aclLines []string // the ACL file's lines, for quoting
}

// Load compiles the configuration in dir (compiler.Compile with opts).
func Load(ctx context.Context, dir string, opts compiler.Options) (*Side, error) {
	c, err := whocan.NewIndex(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	s := &Side{Index: c, Dir: dir}
	if b, err := cfgfile.Read(filepath.Join(dir, c.Doc.Meta.ACLFile)); err == nil {
		s.aclLines = strings.Split(string(b), "\n")
	}
	return s, nil
}

// Change is the difference for one identity on one path.
type Change struct {
	AuthID      string   `json:"auth_id"`
	Path        string   `json:"path"`
	Gained      []string `json:"gained"`
	Lost        []string `json:"lost"`
	Escalations []string `json:"escalations"`
	GainedBy    []string `json:"gained_by"` // lines of NEW that give the gained privileges
	LostBy      []string `json:"lost_by"`   // lines of OLD that gave the lost privileges
	Notes       []string `json:"notes,omitempty"`
}

// Summary counts the changes.
type Summary struct {
	Changes     int `json:"changes"`
	Gained      int `json:"gained"`
	Lost        int `json:"lost"`
	Escalations int `json:"escalations"`
	Identities  int `json:"identities"`           // in the union
	Evaluated   int `json:"identities_evaluated"` // not skipped as unchanged
	Paths       int `json:"paths"`
}

// Result is the diff.
type Result struct {
	Changes []Change `json:"changes"`
	Summary Summary  `json:"summary"`
}

// Has reports whether the result has changes of kind: "gain",
// "escalation" or "any".
func (r *Result) Has(kind string) bool {
	switch kind {
	case "gain":
		return r.Summary.Gained > 0
	case "escalation":
		return r.Summary.Escalations > 0
	case "any":
		return r.Summary.Changes > 0
	}
	return false
}

// Paths is the union of the ACL node paths of both sides and DefaultPaths.
func Paths(old, new *whocan.Index) []string {
	set := map[string]bool{}
	for _, p := range DefaultPaths {
		set[p] = true
	}
	for _, c := range []*whocan.Index{old, new} {
		for _, p := range c.Doc.Nodes {
			set[p] = true
		}
		for _, g := range compiler.NodeGroups(c.Doc.Nodes) {
			for _, p := range g.Paths() {
				set[p] = true // the nodes without entries
			}
		}
		for p := range c.Doc.ACL {
			set[p] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// Identities is the union of both sides' identities.
func Identities(old, new *whocan.Index) []string {
	ids := append(old.Identities(), new.Identities()...)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Active reports whether id is an active user, or an active token of an
// active owner, at now (the rule of data.pxacl.allow).
func Active(doc *compiler.Document, id string, now int64) bool {
	ok := func(a compiler.Account) bool { return config.Active(a.Enable, a.Expire, now) }
	if u, found := doc.Users[id]; found {
		return ok(u)
	}
	t, found := doc.Tokens[id]
	if !found {
		return false
	}
	u, found := doc.Users[t.Owner]
	return found && ok(t) && ok(u)
}

// subjectEntries indexes each subject's ACL entries as a comparable string
// (path, roles and propagate flags; lines ignored).
func subjectEntries(doc *compiler.Document) map[string]string {
	per := map[string][]string{}
	for p, m := range doc.ACL {
		for s, e := range m {
			var roles []string
			for r, prop := range e.Roles {
				roles = append(roles, fmt.Sprintf("%s=%v", r, prop))
			}
			slices.Sort(roles)
			per[s] = append(per[s], p+" "+strings.Join(roles, ","))
		}
	}
	out := make(map[string]string, len(per))
	for s, l := range per {
		slices.Sort(l)
		out[s] = strings.Join(l, "\n")
	}
	return out
}

// Diff compares old and new. now is the epoch time for enable/expire (0 =
// the clock).
func Diff(ctx context.Context, old, new *Side, now int64) (*Result, error) {
	if now == 0 {
		now = time.Now().Unix()
	}
	ids := Identities(old.Index, new.Index)
	paths := Paths(old.Index, new.Index)
	res := &Result{Changes: []Change{}}
	res.Summary.Identities, res.Summary.Paths = len(ids), len(paths)
	prune := old.Doc.Meta.Flavor == config.PBS && new.Doc.Meta.Flavor == config.PBS
	var oldE, newE map[string]string
	if prune {
		oldE, newE = subjectEntries(old.Doc), subjectEntries(new.Doc)
	}
	for _, id := range ids {
		oa, na := Active(old.Doc, id, now), Active(new.Doc, id, now)
		if prune && oa == na && oldE[id] == newE[id] {
			owner := ""
			if t, ok := old.Doc.Tokens[id]; ok {
				owner = t.Owner
			}
			if t, ok := new.Doc.Tokens[id]; ok && owner == "" {
				owner = t.Owner
			}
			if owner == "" || oldE[owner] == newE[owner] {
				continue
			}
		}
		res.Summary.Evaluated++
		for _, p := range paths {
			op, err := effective(ctx, old, id, p, oa)
			if err != nil {
				return nil, err
			}
			np, err := effective(ctx, new, id, p, na)
			if err != nil {
				return nil, err
			}
			ch := Change{AuthID: id, Path: p, Gained: minus(np, op), Lost: minus(op, np), Escalations: []string{}}
			if len(ch.Gained) == 0 && len(ch.Lost) == 0 {
				continue
			}
			if oa != na {
				if na {
					ch.Notes = append(ch.Notes, "account active in NEW, not in OLD")
				} else {
					ch.Notes = append(ch.Notes, "account active in OLD, not in NEW")
				}
			}
			for _, g := range ch.Gained {
				if p == "/" || slices.Contains(EscalationPrivileges, g) {
					ch.Escalations = append(ch.Escalations, g)
				}
			}
			ch.GainedBy = new.lines(id, p, ch.Gained)
			ch.LostBy = old.lines(id, p, ch.Lost)
			res.Summary.Changes++
			res.Summary.Gained += len(ch.Gained)
			res.Summary.Lost += len(ch.Lost)
			res.Summary.Escalations += len(ch.Escalations)
			res.Changes = append(res.Changes, ch)
		}
	}
	return res, nil
}

// effective is the set of privileges id holds on path (none if inactive).
func effective(ctx context.Context, s *Side, id, path string, active bool) (map[string]bool, error) {
	if !active {
		return nil, nil
	}
	return s.Ev.Permissions(ctx, id, path)
}

// minus is the sorted keys of a not in b.
func minus(a, b map[string]bool) []string {
	out := []string{}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// lines are the ACL lines that give privs to id on path on this side,
// quoted: "acl.cfg:4: acl:1:/datastore/store1:john@pbs:DatastoreAdmin".
// root@pam's privileges come from being the superuser.
func (s *Side) lines(id, path string, privs []string) []string {
	out := []string{}
	su := s.Doc.Meta.Superuser
	for _, p := range privs {
		if id == su {
			out = append(out, su+" is the superuser")
		} else if tok, ok := s.Doc.Tokens[id]; ok && tok.Owner == su {
			out = append(out, su+" is the superuser")
		}
		own, owner := s.Grants(id, p, path)
		for _, g := range append(own, owner...) {
			for _, role := range g.Roles {
				out = append(out, s.quote(role.Line))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// quote appends the text of line ref ("acl.cfg:4") when it is known.
func (s *Side) quote(ref string) string {
	i := strings.LastIndexByte(ref, ':')
	if i < 0 {
		return ref
	}
	n, err := strconv.Atoi(ref[i+1:])
	if err != nil || n < 1 || n > len(s.aclLines) {
		return ref
	}
	return ref + ": " + strings.TrimSpace(s.aclLines[n-1])
}
