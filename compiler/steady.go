// The always-active index of the fast rules (policies/fast_pbs.rego,
// policies/fast_pve.rego).

package compiler

import (
	"strings"

	"github.com/pxacl/pxacl/config"
)

// markSteady sets Account.Steady on the accounts for which a decision
// needs no activity check: a user that is enabled and never expires, and a
// token that never expires (PBS: and is enabled) with such an owner; on PVE
// only a privilege-separated token (one without separation holds its
// owner's privileges, pve §3.2). It is an index of the accounts' state,
// which does not depend on the time; the fast rules decide for such an
// account with one lookup instead of reading both sections
// (docs/benchmarks.md, "Stock OPA: data layout for sidecars").
//
// On PVE an account is marked only when, besides, NoAccess cannot reach a
// pool member's decision through the account's own entries or through its
// groups at the top: no propagating NoAccess entry of its own (or, for a
// user, of one of its groups) on the root or a top-level path such as /vms
// or /pool, and no entry of its own with NoAccess on a /pool/<p> path. The
// pool indexes (markPools) cover the rest: the members' own entries and the
// groups' entries on pools. A marked PVE user in at most one group also
// gets SoleGroup, which the fast rules use to look that group's entries up.
func markSteady(d *Document) {
	free := noAccessFree(d)
	sole := map[string]*string{} // one pointer per group: a million users share a few
	for id, u := range d.Users {
		if u.Enable && u.Expire == 0 && free(id, d.UserGroups[id]) {
			u.Steady = id
			if d.Meta.Flavor == config.PVE && len(d.UserGroups[id]) <= 1 {
				g := ""
				for only := range d.UserGroups[id] {
					g = only
				}
				if sole[g] == nil {
					sole[g] = &g
				}
				u.SoleGroup = sole[g]
			}
			d.Users[id] = u
		}
	}
	for id, t := range d.Tokens {
		if !t.Enable || t.Expire != 0 || d.Users[t.Owner].Steady == "" || !free(id, nil) {
			continue
		}
		if d.Meta.Flavor == config.PVE && (t.Privsep == nil || !*t.Privsep) {
			continue
		}
		t.Steady = t.Owner
		d.Tokens[id] = t
	}
}

// noAccessFree returns the NoAccess condition of markSteady: whether an
// account with the given groups is free of the NoAccess entries that only
// the steady index rules out. Always true for PBS, which has no NoAccess
// role.
func noAccessFree(d *Document) func(id string, groups map[string]bool) bool {
	if d.Meta.Flavor != config.PVE {
		return func(string, map[string]bool) bool { return true }
	}
	top := map[string]bool{}  // users, tokens and groups: propagating NoAccess at depth 0 or 1
	pool := map[string]bool{} // users and tokens: NoAccess on a /pool/<p> path
	for _, path := range d.Nodes {
		switch {
		case path == "/" || strings.Count(path, "/") == 1:
			addSubjects(top, d.ACL[path], inheritsNoAccess)
			addSubjects(top, d.GroupACL[path], inheritsNoAccess)
		case isPoolPath(path):
			addSubjects(pool, d.ACL[path], hasNoAccess)
		}
	}
	return func(id string, groups map[string]bool) bool {
		if top[id] || pool[id] {
			return false
		}
		for g := range groups {
			if top[g] {
				return false
			}
		}
		return true
	}
}
