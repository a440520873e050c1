// Compiling a PVE user.cfg: roles, users, tokens, groups, pools and their
// ACL entries, with the catalog of a PVE version.

package compiler

import (
	"slices"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pve"
)

// compilePVEDir loads dir/user.cfg and compiles it with the catalog of
// PVE version ("", "9" or "8").
func compilePVEDir(dir, version string) (*Document, error) {
	cat, err := catalog.For(config.PVE, version)
	if err != nil {
		return nil, err
	}
	cfg, err := pve.Load(dir, cat)
	if err != nil {
		return nil, err
	}
	return CompilePVE(cfg, cat)
}

// CompilePVE compiles a PVE user.cfg (docs/semantics.md pve §1-§3). Custom roles
// join the built-in ones; users, tokens (with privsep) and user/token ACL
// entries take the PBS layout; group entries go to group_acl, group
// membership to user_groups and pool membership to pool_of.
func CompilePVE(cfg *pve.Config, cat *catalog.Catalog) (*Document, error) {
	d := &Document{
		Meta: Meta{
			Flavor: config.PVE, CatalogVersion: cat.Version, Superuser: pve.Superuser,
			ACLFile: pve.UserCfg, UserFile: pve.UserCfg,
		},
		Privileges: make(map[string]int, len(cat.Privileges)),
		Roles:      map[string][]string{},
		PrivSets:   map[string]map[string]bool{},
		Users:      map[string]Account{},
		Tokens:     map[string]Account{},
		ACL:        map[string]map[string]*Entry{},
		GroupACL:   map[string]map[string]*Entry{},
		NodeIndex:  map[string]Node{},
		Levels:     Levels{},
		Sources:    map[string]string{pve.UserCfg: cfg.Digest},
		UserGroups: map[string]map[string]bool{},
		PoolOf:     map[string][]string{},
	}
	for i, p := range cat.Privileges {
		d.Privileges[p] = i
	}
	for _, r := range cat.Roles {
		d.Roles[r.Name] = r.Privileges
	}
	for id, r := range cfg.Roles {
		privs := sortedKeys(r.Privs)
		cat.SortPrivileges(privs)
		d.Roles[id] = privs
	}
	for _, w := range cfg.Warnings {
		d.Warnings = append(d.Warnings, w.String())
	}
	for id, u := range cfg.Users {
		d.Users[id] = Account{Enable: u.Enable, Expire: u.Expire, Line: u.Line}
		for _, t := range u.Tokens {
			privsep := t.Privsep
			d.Tokens[t.ID] = Account{Enable: true, Expire: t.Expire, Line: t.Line, Owner: id, Privsep: &privsep}
		}
	}
	for g, grp := range cfg.Groups {
		for m := range grp.Members {
			if d.UserGroups[m] == nil {
				d.UserGroups[m] = map[string]bool{}
			}
			d.UserGroups[m][g] = true
		}
	}
	for _, id := range sortedKeys(cfg.Pools) {
		p := cfg.Pools[id]
		for vm := range p.VMs {
			d.PoolOf["/vms/"+vm] = append(d.PoolOf["/vms/"+vm], id)
		}
		for s := range p.Storages {
			d.PoolOf["/storage/"+s] = append(d.PoolOf["/storage/"+s], id)
		}
	}
	for _, pools := range d.PoolOf {
		slices.Sort(pools)
	}
	sets := newSetInterner(d.PrivSets, cat)
	rolePrivs := func(role string) []string { return d.Roles[role] }
	cfg.WalkEntries(func(path string, depth int, n *pve.ACLNode) {
		if leftOutDotted(d, path) {
			return
		}
		d.Nodes = append(d.Nodes, path)
		d.NodeIndex[path] = Node{}
		d.Levels = setLevel(d.Levels, depth)
		// sorted, so that privilege-set keys are numbered deterministically
		subjects := map[string]*Entry{}
		for _, m := range []map[string]map[string]pve.RoleEntry{n.Users, n.Tokens} {
			for _, id := range sortedKeys(m) {
				subjects[id] = pveEntry(m[id], sets, rolePrivs)
			}
		}
		groups := map[string]*Entry{}
		for _, g := range sortedKeys(n.Groups) {
			groups[g] = pveEntry(n.Groups[g], sets, rolePrivs)
		}
		if len(subjects) > 0 {
			d.ACL[path] = subjects
			d.entries += len(subjects)
		}
		if len(groups) > 0 {
			d.GroupACL[path] = groups
			d.entries += len(groups)
		}
	})
	addLookupSets(d)
	// two independent indexes over the same read-only entries: on two
	// cores, one hides the other (docs/benchmarks.md)
	pools := make(chan struct{})
	go func() {
		defer close(pools)
		markPools(d)
	}()
	markSteady(d)
	<-pools
	return d, nil
}

// pveEntry compiles one subject's roles at one node: the leaf set (all
// roles, each privilege flagged with whether a granting role propagates)
// and the inherit set (propagating roles only), unreduced by NoAccess,
// which is flagged instead.
func pveEntry(roles map[string]pve.RoleEntry, sets *setInterner, rolePrivs func(string) []string) *Entry {
	e := &Entry{Lines: make(map[string]int, len(roles))}
	for role, re := range roles {
		e.Lines[role] = re.Line
	}
	// the same role map always gives the same sets, and the same Roles
	// map, shared (nothing writes it after this): expand it once
	sig := signatureOf(roles, func(re pve.RoleEntry) bool { return re.Propagate })
	e.sig = sig
	if k, ok := sets.pveByRoles[sig]; ok {
		e.Roles, e.Leaf, e.Inherit, e.NoAccess, e.NoAccessInherit = k.roles, k.leaf, k.inherit, k.noaccess, k.noaccessInherit
		return e
	}
	e.Roles = make(map[string]bool, len(roles))
	for role, re := range roles {
		e.Roles[role] = re.Propagate
	}
	defer func() {
		sets.pveByRoles[sig] = pveSets{e.Roles, e.Leaf, e.Inherit, e.NoAccess, e.NoAccessInherit}
	}()
	leaf, inherit := map[string]bool{}, map[string]bool{}
	propagates := false
	for _, role := range sortedKeys(roles) {
		re := roles[role]
		propagates = propagates || re.Propagate
		for _, p := range rolePrivs(role) {
			leaf[p] = leaf[p] || re.Propagate
			if re.Propagate {
				inherit[p] = true
			}
		}
		if role == "NoAccess" {
			e.NoAccess = true
			e.NoAccessInherit = re.Propagate
		}
	}
	e.Leaf = sets.key(leaf)
	if propagates {
		e.Inherit = sets.key(inherit)
	}
	return e
}

// pveSets is what pveEntry derives from one role map.
type pveSets struct {
	roles                     map[string]bool
	leaf, inherit             string
	noaccess, noaccessInherit bool
}
