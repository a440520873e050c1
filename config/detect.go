// Package config finds out which Proxmox product a configuration directory
// belongs to; the per-product readers live in its sub-packages.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/pxacl/pxacl/internal/cfgfile"
)

// Flavors.
const (
	PBS = "pbs"
	PVE = "pve"
)

// pveLine is a PVE user.cfg line ("user:john@pve:1:0:..."): the type is
// followed by ':' and the id with no space, where PBS's section config has
// "user: john@pbs".
var pveLine = regexp.MustCompile(`^(user|group|token|role|pool|acl):\S`)

// DetectFlavor returns "pbs" or "pve" for the configuration in dir. An
// explicit flavor ("pbs", "pve") is checked and returned; "" detects.
func DetectFlavor(dir, flavor string) (string, error) {
	switch flavor {
	case PBS, PVE:
		return flavor, nil
	case "":
	default:
		return "", fmt.Errorf("unknown flavor %q (want pbs or pve)", flavor)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("config dir: %w", err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("config dir %s: not a directory", dir)
	}
	data, err := cfgfile.Read(filepath.Join(dir, "user.cfg"))
	if errors.Is(err, fs.ErrNotExist) {
		return PBS, nil // no user.cfg: PBS injects root@pam (§5.1)
	}
	if err != nil {
		return "", fmt.Errorf("config dir: %w", err)
	}
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue // PVE warns about '#' lines, PBS rejects them: undecided
		}
		if pveLine.Match(line) {
			return PVE, nil
		}
		return PBS, nil
	}
	return PBS, nil
}
