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

// pveLine is a PVE user.cfg line ("user:john@pve:1:0:..."): the type is
// followed by ':' and the id with no space, where PBS's section config has
// "user: john@pbs".
var pveLine = regexp.MustCompile(`^(user|group|token|role|pool|acl):\S`)

// configFiles are the files that make a directory a Proxmox configuration
// directory: a directory holding none of them is refused, so a typo in
// --config-dir is never taken for an empty configuration.
var configFiles = []string{"user.cfg", "acl.cfg", "domains.cfg"}

// CheckDir fails, with one wording for every command, when dir does not
// exist, is not a directory, or holds none of user.cfg, acl.cfg and
// domains.cfg.
func CheckDir(dir string) error {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config dir %s: no such directory", dir)
	}
	if err != nil {
		return fmt.Errorf("config dir %s: %w", dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("config dir %s: not a directory", dir)
	}
	for _, name := range configFiles {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return nil
		}
	}
	return fmt.Errorf("config dir %s: holds none of user.cfg, acl.cfg, domains.cfg (not a Proxmox configuration directory)", dir)
}

// DetectFlavor checks dir (CheckDir) and returns PBS or PVE for the
// configuration in it. An explicit flavor is checked (ParseFlavor) and
// returned; "" detects.
func DetectFlavor(dir string, flavor Flavor) (Flavor, error) {
	if _, err := ParseFlavor(string(flavor)); err != nil {
		return "", err
	}
	if err := CheckDir(dir); err != nil {
		return "", err
	}
	if flavor != "" {
		return flavor, nil
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
