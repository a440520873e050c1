// Compiling a PBS configuration: accounts from user.cfg, ACL entries from
// acl.cfg, expanded on every core.

package compiler

import (
	"fmt"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/internal/parallel"
)

// CompilePBS compiles a PBS configuration.
func CompilePBS(cfg *pbs.Config, cat *catalog.Catalog) (*Document, error) {
	d := &Document{
		Meta: Meta{
			Flavor: config.PBS, CatalogVersion: cat.Version, Superuser: Superuser,
			ACLFile: pbs.ACLCfg, UserFile: pbs.UserCfg,
		},
		Privileges: make(map[string]int, len(cat.Privileges)),
		Roles:      make(map[string][]string, len(cat.Roles)),
		PrivSets:   map[string]map[string]bool{},
		Users:      map[string]Account{},
		Tokens:     map[string]Account{},
		ACL:        map[string]map[string]*Entry{},
		GroupACL:   map[string]map[string]*Entry{},
		NodeIndex:  map[string]Node{},
		Levels:     Levels{},
		Sources:    map[string]string{},
	}
	for i, p := range cat.Privileges {
		d.Privileges[p] = i
	}
	for _, r := range cat.Roles {
		d.Roles[r.Name] = r.Privileges
	}
	if cfg.Users != nil {
		for _, u := range cfg.Users.Users {
			d.Users[u.Userid] = account(u.Enable, u.Expire, u.Line)
		}
		for _, t := range cfg.Users.Tokens {
			a := account(t.Enable, t.Expire, t.Line)
			if id, err := authid.Parse(t.Tokenid); err == nil {
				a.Owner = id.User()
			}
			d.Tokens[t.Tokenid] = a
		}
		d.Sources[pbs.UserCfg] = cfg.Users.Digest
	}
	markSteady(d)
	sets := newSetInterner(d.PrivSets, cat)
	if cfg.ACL != nil {
		d.Sources[pbs.ACLCfg] = cfg.ACL.Digest
		var jobs []*nodeJob
		cfg.ACL.WalkEntries(func(path string, depth int, n *pbs.ACLNode) {
			if leftOutDotted(d, path) {
				return
			}
			d.Nodes = append(d.Nodes, path)
			d.NodeIndex[path] = Node{}
			d.Levels = setLevel(d.Levels, depth)
			jobs = append(jobs, &nodeJob{path: path, node: n})
		})
		// Expanding the roles of a million entries is the bulk of the work:
		// it runs on every core. Privilege-set keys are assigned in walk
		// order (register), so the document does not depend on the core
		// count; then every core gives the entries their keys.
		parallel.For(len(jobs), 256, func(i int) {
			j := jobs[i]
			j.users, j.err = compileNode(j.node.Users, cat)
			if j.err == nil {
				j.groups, j.err = compileNode(j.node.Groups, cat)
			}
		})
		for _, j := range jobs {
			if j.err != nil {
				return nil, fmt.Errorf("%s: %w", j.path, j.err)
			}
			sets.register(j.users)
			sets.register(j.groups)
		}
		parallel.For(len(jobs), 256, func(i int) {
			j := jobs[i]
			j.userMap, j.groupMap = sets.entries(j.users), sets.entries(j.groups)
		})
		d.ACL = make(map[string]map[string]*Entry, len(jobs))
		for _, j := range jobs {
			if len(j.userMap) > 0 {
				d.ACL[j.path] = j.userMap
				d.entries += len(j.userMap)
			}
			if len(j.groupMap) > 0 {
				d.GroupACL[j.path] = j.groupMap
				d.entries += len(j.groupMap)
			}
		}
	}
	if cfg.Domains != nil {
		d.Sources[pbs.DomainsCfg] = cfg.Domains.Digest
	}
	addLookupSets(d)
	return d, nil
}

func account(enable *bool, expire *int64, line int) Account {
	a := Account{Enable: true, Line: line}
	if enable != nil {
		a.Enable = *enable
	}
	if expire != nil {
		a.Expire = *expire
	}
	return a
}

// nodeJob is one ACL node to compile.
type nodeJob struct {
	path              string
	node              *pbs.ACLNode
	users, groups     []ugidRoles       // compiled entries, sorted by ugid
	userMap, groupMap map[string]*Entry // the same with their set keys, by ugid
	err               error
}

// ugidRoles is one subject's compiled entry at a node and the signature of
// its role map.
type ugidRoles struct {
	ugid  string
	entry *Entry
	sig   string
}

// compileNode turns the role maps of one node into entries (without their
// privilege-set keys), sorted by ugid.
func compileNode(ugids map[string]map[string]pbs.RoleEntry, cat *catalog.Catalog) ([]ugidRoles, error) {
	out := make([]ugidRoles, 0, len(ugids))
	for _, ugid := range sortedKeys(ugids) {
		roles := ugids[ugid]
		if len(roles) == 0 {
			continue // an emptied role map behaves like no entry (§3.1)
		}
		e := &Entry{Roles: make(map[string]bool, len(roles)), Lines: make(map[string]int, len(roles))}
		for role, re := range roles {
			if !cat.IsRole(role) {
				return nil, fmt.Errorf("acl.cfg:%d: unknown role '%s'", re.Line, role)
			}
			e.Roles[role] = re.Propagate
			e.Lines[role] = re.Line
		}
		e.sig = signature(e.Roles)
		out = append(out, ugidRoles{ugid: ugid, entry: e, sig: e.sig})
	}
	return out, nil
}
