// Package store changes a PBS configuration directory the way PBS does
// (docs/semantics.md §8): every writer takes PBS's lock file with flock(2),
// re-reads the file, checks the optional digest, and replaces the file
// atomically (temp file, fsync, rename), keeping its owner and mode. No
// file pxacl creates or truncates is opened through a symlink. On top of
// that it implements the user, token and ACL operations of
// proxmox-backup-manager.
//
// Files: store.go holds the Store and the modes of the files it writes;
// lock.go the lock files; atomic.go no-follow opens and atomic replaces;
// digest.go the digests of --digest; acl.go, users.go, tokens.go,
// secrets.go and tfa.go the operations on each file; values.go the
// checks of property values.
package store

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// File modes of the files written here (§8, §9).
const (
	ConfigMode      = 0o640 // acl.cfg, user.cfg
	TokenShadowMode = 0o640
	ShadowMode      = 0o600
	TFAMode         = 0o600 // tfa.json and the challenge-data files
)

// Store is a PBS configuration directory.
type Store struct {
	Dir     string
	Timeout time.Duration // lock timeout; 0 means LockTimeout
	// Now is the clock of TFA operations; nil means time.Now.
	Now func() time.Time
}

// New returns a Store on dir with PBS's 10 s lock timeout.
func New(dir string) *Store { return &Store{Dir: dir, Timeout: LockTimeout} }

func (s *Store) path(name string) string { return filepath.Join(s.Dir, name) }

func (s *Store) lock(name string) (func(), error) {
	t := s.Timeout
	if t == 0 {
		t = LockTimeout
	}
	return Lock(s.Dir, name, t)
}

// checkDir fails when the configuration directory is missing, so a typo
// in --config-dir is not taken for an empty configuration.
func (s *Store) checkDir() error {
	st, err := os.Stat(s.Dir)
	if err != nil {
		return fmt.Errorf("pbs config directory %q: %w", s.Dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("pbs config directory %q: not a directory", s.Dir)
	}
	return nil
}

// sortBy sorts items by key (byte-wise).
func sortBy[T any](items []T, key func(T) string) {
	slices.SortFunc(items, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
}
