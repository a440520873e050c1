package configgen

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
)

// PVESpec describes a Proxmox VE user.cfg to generate.
type PVESpec struct {
	Entries      int // acl: entries (one ugid and one role per line)
	GroupMembers int // members of each group (the last group may be smaller)
	Pools        int
	VMs          int
	Seed         int64
}

// PVEConfig is a generated PVE configuration.
type PVEConfig struct {
	UserCfg []byte
	Users   []string
	Tokens  []string
	Paths   []string // every path that carries an entry, plus sample VM and storage paths
}

var pveRoles = []string{"PVEVMUser", "PVEVMAdmin", "PVEAuditor", "PVEDatastoreUser", "PVEPoolUser", "NoAccess"}

// GeneratePVE builds a PVE user.cfg: one user per 5 entries (each with a
// privilege-separated token), groups of GroupMembers users, Pools pools
// over VMs VMs, and Entries acl lines on /, /vms/<id>, /pool/<p> and
// /storage/<s> for users, tokens and groups.
func GeneratePVE(s PVESpec) *PVEConfig {
	r := rand.New(rand.NewSource(s.Seed))
	nUsers := max(s.Entries/5, 4)
	c := &PVEConfig{}
	var b strings.Builder
	b.WriteString("user:root@pam:1:0:::::::\n")
	for i := range nUsers {
		u := fmt.Sprintf("user%d@pve", i)
		c.Users = append(c.Users, u)
		fmt.Fprintf(&b, "user:%s:1:0::::::\n", u)
		c.Tokens = append(c.Tokens, u+"!tok")
		fmt.Fprintf(&b, "token:%s!tok:0:%d::\n", u, i%2)
	}
	b.WriteString("\n")
	members := max(s.GroupMembers, 1)
	nGroups := (nUsers + members - 1) / members
	for g := range nGroups {
		var m []string
		for i := g * members; i < min((g+1)*members, nUsers); i++ {
			m = append(m, c.Users[i])
		}
		fmt.Fprintf(&b, "group:g%d:%s::\n", g, strings.Join(m, ","))
	}
	b.WriteString("\n")
	pools := max(s.Pools, 1)
	vmsPerPool := max(s.VMs/pools, 1)
	for p := range pools {
		var vms []string
		for v := p * vmsPerPool; v < min((p+1)*vmsPerPool, s.VMs); v++ {
			vms = append(vms, fmt.Sprint(100+v))
		}
		fmt.Fprintf(&b, "pool:p%d::%s:%s:\n", p, strings.Join(vms, ","), fmt.Sprintf("store%d", p%50))
	}
	b.WriteString("\n")
	seen := map[string]bool{}
	for i := range s.Entries {
		var ugid string
		switch i % 5 {
		case 0, 1:
			ugid = c.Users[i/5%nUsers]
		case 2:
			ugid = c.Tokens[i/5%nUsers]
		default:
			ugid = fmt.Sprintf("@g%d", r.Intn(nGroups))
		}
		var path string
		switch {
		case i%1000 == 0:
			path = "/"
		case i%3 == 0:
			path = fmt.Sprintf("/pool/p%d", r.Intn(pools))
		case i%7 == 0:
			path = fmt.Sprintf("/storage/store%d", r.Intn(50))
		default:
			path = fmt.Sprintf("/vms/%d", 100+r.Intn(max(s.VMs, 1)))
		}
		prop := 1
		if r.Intn(5) == 0 {
			prop = 0
		}
		role := pveRoles[r.Intn(len(pveRoles)-1)]
		if r.Intn(40) == 0 {
			role = "NoAccess"
		}
		fmt.Fprintf(&b, "acl:%d:%s:%s:%s:\n", prop, path, ugid, role)
		if !seen[path] {
			seen[path] = true
			c.Paths = append(c.Paths, path)
		}
	}
	for range 200 {
		c.Paths = append(c.Paths, fmt.Sprintf("/vms/%d", 100+r.Intn(max(s.VMs, 1))))
	}
	c.UserCfg = []byte(b.String())
	return c
}

// WriteDir writes user.cfg into dir.
func (c *PVEConfig) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "user.cfg"), c.UserCfg, 0o640)
}
