// The always-active index of the fast rules (policies/fast.rego).

package compiler

import "github.com/pxacl/pxacl/config"

// markSteady sets Account.Steady on the accounts for which a decision
// needs no activity check: a user that is enabled and never expires, and a
// token that never expires (PBS: and is enabled) with such an owner; on PVE
// only a privilege-separated token (one without separation holds its
// owner's privileges, pve §3.2). It is an index of the accounts' state,
// which does not depend on the time; the fast rules decide for such an
// account with one lookup instead of reading both sections
// (docs/benchmarks.md, "Stock OPA: data layout for sidecars").
func markSteady(d *Document) {
	for id, u := range d.Users {
		if u.Enable && u.Expire == 0 {
			u.Steady = id
			d.Users[id] = u
		}
	}
	for id, t := range d.Tokens {
		if !t.Enable || t.Expire != 0 || d.Users[t.Owner].Steady == "" {
			continue
		}
		if d.Meta.Flavor == config.PVE && (t.Privsep == nil || !*t.Privsep) {
			continue
		}
		t.Steady = t.Owner
		d.Tokens[id] = t
	}
}
