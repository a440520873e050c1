// The pool indexes of the PVE fast rules (policies/fast_pve.rego).

package compiler

import (
	"strings"

	"github.com/pxacl/pxacl/aclpath"
)

// markPools fills PoolPath and PoolNoAccessGroups, the two facts the PVE
// fast rules need to decide for a pool member without walking its pools.
//
// A pool member's decision adds the roles of its pool, and NoAccess among
// them, or among the member's own roles, takes everything away (pve §3.2
// step 3). PoolPath maps a member to "/pool/<p>" when the member is in
// exactly one pool, its pool path has no "." or ".." component, and no
// entry of anyone on the member has NoAccess; members left out go to the
// general rules. PoolNoAccessGroups maps such a pool path to the groups
// whose NoAccess reaches it from below the top level: an entry on the pool
// path itself, or a propagating one on a parent pool of a nested pool.
// NoAccess at the root and at the top level (/pool, /vms), and an
// account's own NoAccess on pool paths, are the steady index's part
// (markSteady). Both are pure data, linear in the members and the group
// entries on pool paths.
func markPools(d *Document) {
	d.PoolPath = make(map[string]string, len(d.PoolOf))
	d.PoolNoAccessGroups = map[string]map[string]bool{}
	paths := map[string]string{} // pool name -> its path ("" if dotted), one string per pool
	for member, pools := range d.PoolOf {
		if len(pools) != 1 || anyEntry(d.ACL[member], d.GroupACL[member], hasNoAccess) {
			continue
		}
		pp, ok := paths[pools[0]]
		if !ok {
			pp = "/pool/" + pools[0]
			if aclpath.Dotted(pp) {
				pp = ""
			}
			paths[pools[0]] = pp
		}
		if pp == "" {
			continue
		}
		d.PoolPath[member] = pp
		if _, done := d.PoolNoAccessGroups[pp]; done {
			continue
		}
		groups := map[string]bool{}
		addSubjects(groups, d.GroupACL[pp], hasNoAccess)
		// the parent pools /pool/a and /pool/a/b of /pool/a/b/c
		for i := len("/pool/"); i < len(pp); i++ {
			if pp[i] == '/' {
				addSubjects(groups, d.GroupACL[pp[:i]], inheritsNoAccess)
			}
		}
		d.PoolNoAccessGroups[pp] = groups
	}
	// only the pool paths with such groups are kept
	for pp, groups := range d.PoolNoAccessGroups {
		if len(groups) == 0 {
			delete(d.PoolNoAccessGroups, pp)
		}
	}
}

func hasNoAccess(e *Entry) bool      { return e.NoAccess }
func inheritsNoAccess(e *Entry) bool { return e.NoAccessInherit }

// anyEntry reports whether an entry of one of the maps satisfies f.
func anyEntry(users, groups map[string]*Entry, f func(*Entry) bool) bool {
	for _, m := range []map[string]*Entry{users, groups} {
		for _, e := range m {
			if f(e) {
				return true
			}
		}
	}
	return false
}

// addSubjects adds to set the subjects (ids or groups) of m whose entry
// satisfies f.
func addSubjects(set map[string]bool, m map[string]*Entry, f func(*Entry) bool) {
	for g, e := range m {
		if f(e) {
			set[g] = true
		}
	}
}

// isPoolPath reports whether path is /pool/<something>.
func isPoolPath(path string) bool { return strings.HasPrefix(path, "/pool/") }
