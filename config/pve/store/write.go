// The locked cycle of every change (docs/semantics.md pve §7): lock,
// re-read, check the digest, change, write PVE's format, atomic replace,
// unlock.

package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	pbsstore "github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/internal/cfgfile"
)

// change runs fn on user.cfg as re-read under the user.cfg lock and
// writes the result. fn's error, and any other, is prefixed with what
// (PVE's "create user failed: ..."); nothing is written then. digest, when
// set, must be the digest of the file as re-read (CheckDigest). A file
// whose bytes do not change is not rewritten. fn may call write to
// store an intermediate state (delete user does).
func (s *Store) change(what, digest string, fn func(c *pve.Config, write func() error) error) error {
	if err := ValidateDigest(digest); err != nil {
		return err
	}
	unlock, err := s.lock(UserLockID)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer unlock()
	raw, err := cfgfile.ReadOptional(s.path(pve.UserCfg))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := CheckDigest(digest, raw); err != nil {
		return err
	}
	c := pve.Parse(raw, pve.UserCfg, s.cat)
	current := raw
	write := func() error {
		out := c.Write()
		if bytes.Equal(out, current) {
			return nil
		}
		if err := s.replace(pve.UserCfg, out, UserCfgMode); err != nil {
			return err
		}
		current = out
		return nil
	}
	if err := fn(c, write); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := write(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// replace atomically replaces the file name with data (pbsstore.ReplaceFile:
// no symlink followed unless it is the admin's own, owner and mode kept).
// A file that does not exist yet is first created empty with mode and the
// process's owner, which for user.cfg and token.cfg is the same as no file.
func (s *Store) replace(name string, data []byte, mode os.FileMode) error {
	path := s.path(name)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		f, err := pbsstore.OpenNoFollow(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, mode)
		if err != nil {
			return err
		}
		err = f.Chmod(mode)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return err
		}
	}
	return pbsstore.ReplaceFile(path, data, mode)
}
