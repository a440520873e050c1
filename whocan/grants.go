// Grants: the ACL entries (own, group, pool, owner's) that give a holder
// a privilege on a path, read from the compiled document.

package whocan

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
)

// The ACL entries that give a holder the privilege, read straight from the
// compiled document. They are the entries that explain marks "decides"
// (and, on PVE, the pool entries it marks as added to the member), cut
// down to the roles that apply there and contain the privilege. Tests hold
// them to the Rego explain (grants_test.go).

// grants returns the entries of subject s's own ACL (PVE: its groups' too,
// and its pools') that give priv on path; target is path normalised.
func (c *Index) grants(s, priv, target, path string) []Grant {
	if c.Doc.Meta.Flavor == config.PVE {
		return c.pveGrants(s, priv, target, path)
	}
	return c.pbsGrants(s, priv, target)
}

// pbsGrants: the entry at the target if s has one, else the deepest
// ancestor entry with propagating roles (docs/semantics.md §3.2, §3.3).
func (c *Index) pbsGrants(s, priv, target string) []Grant {
	if e := c.Doc.ACL[target][s]; e != nil {
		return c.grant(target, "", e, true, priv)
	}
	for _, k := range c.deepestFirst(target)[1:] {
		if e := c.Doc.ACL[k][s]; e != nil && e.Inherit != "" {
			return c.grant(k, "", e, false, priv)
		}
	}
	return nil
}

// deepestFirst is entryLevels from the path up to the root.
func (c *Index) deepestFirst(path string) []string {
	levels := c.entryLevels(path)
	slices.Reverse(levels)
	return levels
}

// pveGrants: the entries of the deciding level (docs/semantics.md pve §3.1) on the
// path and, for each pool of a pool member, on /pool/<p> (§3.2).
func (c *Index) pveGrants(s, priv, target, path string) []Grant {
	out := c.pveDecider(s, priv, target)
	for _, pool := range c.Doc.PoolOf[path] {
		for _, g := range c.pveDecider(s, priv, "/pool/"+pool) {
			if sameEntry(out, g) {
				continue // an entry above /pool that already reaches the path
			}
			if v, ok := strings.CutPrefix(g.Via, "group "); ok {
				g.Via = "pool " + pool + ", group " + v // as explain says it
			} else {
				g.Via = "pool " + pool
			}
			out = append(out, g)
		}
	}
	return out
}

// sameEntry: gs already lists g's entry with the same roles.
func sameEntry(gs []Grant, g Grant) bool {
	return slices.ContainsFunc(gs, func(x Grant) bool {
		return x.Path == g.Path && slices.Equal(x.Roles, g.Roles)
	})
}

// pveDecider is pve_roles: the deepest level of path with an applicable
// entry of s itself, else of its groups, gives the grants.
func (c *Index) pveDecider(s, priv, path string) []Grant {
	for _, k := range c.deepestFirst(path) {
		final := k == path
		if e := c.Doc.ACL[k][s]; e != nil && applies(e, final) {
			via := "user"
			if strings.Contains(s, "!") {
				via = "token"
			}
			return c.grant(k, via, e, final, priv)
		}
		var out []Grant
		for _, g := range sortedKeys(c.Doc.UserGroups[s]) {
			if e := c.Doc.GroupACL[k][g]; e != nil && applies(e, final) {
				out = append(out, c.grant(k, "group @"+g, e, final, priv)...)
			}
		}
		if len(out) > 0 || c.groupApplies(s, k, final) {
			return out
		}
	}
	return nil
}

// groupApplies: some group of s has an applicable entry at k (one that
// decides the level even if none of its roles holds the privilege).
func (c *Index) groupApplies(s, k string, final bool) bool {
	for g := range c.Doc.UserGroups[s] {
		if e := c.Doc.GroupACL[k][g]; e != nil && applies(e, final) {
			return true
		}
	}
	return false
}

// applies is pve_view's found: at the target every role applies, above it
// only propagating ones.
func applies(e *compiler.Entry, final bool) bool {
	if final {
		return e.Leaf != ""
	}
	return e.Inherit != ""
}

// grant is entry e at path k as a Grant, with only the roles that apply
// there (all at the target, propagating ones above it) and contain priv;
// nil when no role does.
func (c *Index) grant(k, via string, e *compiler.Entry, final bool, priv string) []Grant {
	var roles []evaluator.RoleReport
	for _, r := range sortedKeys(e.Roles) {
		prop := e.Roles[r]
		if (final || prop) && slices.Contains(c.Doc.Roles[r], priv) {
			roles = append(roles, evaluator.RoleReport{
				Role: r, Propagate: prop, Line: fmt.Sprintf("%s:%d", c.Doc.Meta.ACLFile, e.Lines[r]),
			})
		}
	}
	if roles == nil {
		return nil
	}
	return []Grant{{Path: k, Via: via, Roles: roles}}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
