// Package catalog holds the privileges and built-in roles of each Proxmox
// product as data (one embedded JSON file per flavor, docs/semantics.md §1)
// and answers questions about them: is this a role, which privileges does
// it expand to, in which order are privileges listed.
package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/internal/safetext"
)

//go:embed *.json
var files embed.FS

// Role is a named set of privileges.
type Role struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	All         bool     `json:"all,omitempty"` // every privilege (Admin)
	Privileges  []string `json:"privileges"`
}

// Catalog is the privilege and role catalog of one product version.
type Catalog struct {
	Flavor     config.Flavor `json:"flavor"`
	Version    string        `json:"version"`
	Source     string        `json:"source"`
	Privileges []string      `json:"privileges"` // in the product's canonical order
	Roles      []Role        `json:"roles"`

	privIndex map[string]int
	roleIndex map[string]int
}

// For is the one lookup of the catalog a configuration is read with: the
// current PBS catalog for PBS (pveVersion is ignored), and for PVE the
// catalog of pveVersion ("" or "9": PVE 9; "8": PVE 8). The empty flavor is
// PBS, as a configuration without a PVE user.cfg is (config.DetectFlavor).
func For(flavor config.Flavor, pveVersion string) (*Catalog, error) {
	switch flavor {
	case config.PBS, "":
		return Load("pbs")
	case config.PVE:
		switch pveVersion {
		case "", "9":
			return Load("pve")
		case "8":
			return Load("pve8")
		}
		return nil, fmt.Errorf("unknown PVE version %s (want 8 or 9)", safetext.Quote(pveVersion))
	}
	return nil, fmt.Errorf("no privilege catalog for flavor %s", safetext.Quote(string(flavor)))
}

// MustFor is For for arguments known to be valid (constants, or a flavor
// and version already checked).
func MustFor(flavor config.Flavor, pveVersion string) *Catalog {
	c, err := For(flavor, pveVersion)
	if err != nil {
		panic(err)
	}
	return c
}

// Load returns the catalog stored under name: "pbs", "pve", "pve8", or an
// older release kept for comparison ("pbs-3.2"). To read a configuration,
// use For.
func Load(flavor string) (*Catalog, error) {
	raw, err := files.ReadFile(flavor + ".json")
	if err != nil {
		return nil, fmt.Errorf("no privilege catalog for flavor %s", safetext.Quote(flavor))
	}
	var c Catalog
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("catalog %s.json: %w", flavor, err)
	}
	c.privIndex = make(map[string]int, len(c.Privileges))
	for i, p := range c.Privileges {
		c.privIndex[p] = i
	}
	c.roleIndex = make(map[string]int, len(c.Roles))
	for i, r := range c.Roles {
		for _, p := range r.Privileges {
			if _, ok := c.privIndex[p]; !ok {
				return nil, fmt.Errorf("catalog %s.json: role %s: unknown privilege %s", flavor, r.Name, safetext.Quote(p))
			}
		}
		if r.All {
			c.Roles[i].Privileges = append([]string(nil), c.Privileges...)
		}
		c.roleIndex[r.Name] = i
	}
	return &c, nil
}

// MustLoad is Load for the catalogs compiled into the binary.
func MustLoad(flavor string) *Catalog {
	c, err := Load(flavor)
	if err != nil {
		panic(err) // embedded data is checked by tests
	}
	return c
}

// IsRole reports whether name is a role (case-sensitive).
func (c *Catalog) IsRole(name string) bool {
	_, ok := c.roleIndex[name]
	return ok
}

// IsPrivilege reports whether name is a privilege.
func (c *Catalog) IsPrivilege(name string) bool {
	_, ok := c.privIndex[name]
	return ok
}

// Role returns the role named name.
func (c *Catalog) Role(name string) (Role, bool) {
	i, ok := c.roleIndex[name]
	if !ok {
		return Role{}, false
	}
	return c.Roles[i], true
}

// RolePrivileges returns the privileges of a role (nil for unknown roles).
func (c *Catalog) RolePrivileges(name string) []string {
	r, _ := c.Role(name)
	return r.Privileges
}

// SortPrivileges sorts privilege names into the catalog's canonical order
// (the order Proxmox uses in error messages); unknown names go last.
func (c *Catalog) SortPrivileges(privs []string) {
	sort.SliceStable(privs, func(i, j int) bool {
		a, okA := c.privIndex[privs[i]]
		b, okB := c.privIndex[privs[j]]
		if okA != okB {
			return okA
		}
		if !okA {
			return privs[i] < privs[j]
		}
		return a < b
	})
}
