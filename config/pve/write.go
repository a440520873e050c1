package pve

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// encodeIf is the writer's `$v ? encode_text($v) : ""`: a text field whose
// value is Perl-false ("" or "0") is written empty.
func encodeIf(s string) string {
	if !truthy(s) {
		return ""
	}
	return EncodeText(s)
}

// Write renders the configuration as PVE's write_user_config does (§1.4).
func (c *Config) Write() []byte {
	var b strings.Builder
	b01 := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	for _, id := range sortedKeys(c.Users) {
		u := c.Users[id]
		fmt.Fprintf(&b, "user:%s:%d:%d:%s:%s:%s:%s:%s:\n", u.ID, b01(u.Enable), u.Expire,
			encodeIf(u.Firstname), encodeIf(u.Lastname), ifTruthy(u.Email), encodeIf(u.Comment), ifTruthy(u.Keys))
		for _, sub := range sortedKeys(u.Tokens) {
			t := u.Tokens[sub]
			fmt.Fprintf(&b, "token:%s:%d:%d:%s:\n", t.ID, t.Expire, b01(t.Privsep), encodeIf(t.Comment))
		}
	}
	b.WriteString("\n")
	for _, id := range sortedKeys(c.Groups) {
		g := c.Groups[id]
		fmt.Fprintf(&b, "group:%s:%s:%s:\n", g.ID, strings.Join(sortedKeys(g.Members), ","), encodeIf(g.Comment))
	}
	b.WriteString("\n")
	for _, id := range sortedKeys(c.Pools) {
		p := c.Pools[id]
		fmt.Fprintf(&b, "pool:%s:%s:%s:%s:\n", p.ID, encodeIf(p.Comment),
			strings.Join(sortedKeys(p.VMs), ","), strings.Join(sortedKeys(p.Storages), ","))
	}
	b.WriteString("\n")
	for _, id := range sortedKeys(c.Roles) {
		r := c.Roles[id]
		fmt.Fprintf(&b, "role:%s:%s:\n", r.ID, strings.Join(sortedKeys(r.Privs), ","))
	}
	b.WriteString("\n")
	c.Walk(func(path string, n *ACLNode) {
		// (propagate, role list) -> members
		groups := [2]map[string][]string{{}, {}}
		add := func(member string, roles map[string]RoleEntry) {
			var lists [2][]string
			for role, e := range roles {
				lists[b01(e.Propagate)] = append(lists[b01(e.Propagate)], role)
			}
			for p := range 2 {
				if len(lists[p]) > 0 {
					slices.Sort(lists[p])
					k := strings.Join(lists[p], ",")
					groups[p][k] = append(groups[p][k], member)
				}
			}
		}
		for g, roles := range n.Groups {
			add("@"+g, roles)
		}
		for u, roles := range n.Users {
			if u != Superuser {
				add(u, roles)
			}
		}
		for t, roles := range n.Tokens {
			add(t, roles)
		}
		for p := range 2 {
			for _, roles := range sortedKeys(groups[p]) {
				members := groups[p][roles]
				slices.Sort(members)
				fmt.Fprintf(&b, "acl:%d:%s:%s:%s:\n", p, path, strings.Join(members, ","), roles)
			}
		}
	})
	return []byte(b.String())
}
