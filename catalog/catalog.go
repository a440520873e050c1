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
	Flavor     string   `json:"flavor"`
	Version    string   `json:"version"`
	Source     string   `json:"source"`
	Privileges []string `json:"privileges"` // in the product's canonical order
	Roles      []Role   `json:"roles"`

	privIndex map[string]int
	roleIndex map[string]int
}

// Load returns the catalog of a flavor ("pbs").
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
