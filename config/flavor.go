package config

import "fmt"

// Flavor is the Proxmox product a configuration belongs to.
type Flavor string

// Flavors.
const (
	PBS Flavor = "pbs" // Proxmox Backup Server
	PVE Flavor = "pve" // Proxmox VE
)

// String returns the flavor's name ("pbs", "pve").
func (f Flavor) String() string { return string(f) }

// ParseFlavor parses a flavor name as given to --flavor: "pbs", "pve", or
// "" (not given, to be detected). Names are case-sensitive.
func ParseFlavor(s string) (Flavor, error) {
	switch f := Flavor(s); f {
	case PBS, PVE, "":
		return f, nil
	}
	return "", fmt.Errorf("unknown flavor %q (want pbs or pve)", s)
}
