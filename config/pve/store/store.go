// Package store changes a Proxmox VE configuration directory (/etc/pve)
// the way pveum and PVE's API do (docs/semantics.md pve §1, §4.1, §7):
// every change takes PVE's cfs lock on the directory, re-reads user.cfg,
// checks the optional digest, changes the configuration, writes it in
// PVE's format and replaces the file atomically, keeping its owner and
// mode; then it releases the lock. A refused change writes nothing.
//
// Files: store.go (the Store and its files), lock.go (PVE's mkdir lock),
// write.go (the locked read-change-write cycle and atomic replaces),
// digest.go (--digest), errors.go (PVE's messages), tokencfg.go
// (priv/token.cfg), and one file per kind of entry: users.go, tokens.go,
// groups.go, roles.go, pools.go, acl.go.
package store

import (
	"path/filepath"
	"time"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pve"
)

// File names inside the configuration directory and their modes (pmxcfs
// shows user.cfg as 0640 and everything under priv/ as 0600).
const (
	TokenCfg     = "priv/token.cfg"
	UserCfgMode  = 0o640
	TokenCfgMode = 0o600
)

// Store is a PVE configuration directory.
type Store struct {
	Dir string
	// Version is the PVE major version ("8", "9" or "" for the current
	// one): the privilege catalog and the ACL paths it accepts.
	Version string
	// Timeout is the lock acquire timeout (0: LockTimeout); Stale the age
	// after which a lock is expired (0: LockStale).
	Timeout, Stale time.Duration
	cat            *catalog.Catalog
}

// New returns a Store on dir for PVE version ("" = current).
func New(dir, version string) (*Store, error) {
	cat, err := catalog.For(config.PVE, version)
	if err != nil {
		return nil, err
	}
	return &Store{Dir: dir, Version: version, cat: cat}, nil
}

// Catalog is the privilege catalog of the store's PVE version.
func (s *Store) Catalog() *catalog.Catalog { return s.cat }

func (s *Store) path(name string) string { return filepath.Join(s.Dir, filepath.FromSlash(name)) }

// Load reads user.cfg without a lock, as PVE's read-only API calls do.
func (s *Store) Load() (*pve.Config, error) { return pve.Load(s.Dir, s.cat) }
