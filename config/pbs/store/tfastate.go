package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/pxacl/pxacl/tfa"
)

// PBS's configuration directory and the directory of its TFA challenge
// data (§9).
const (
	PBSConfigDir     = "/etc/proxmox-backup"
	PBSChallengesDir = "/run/proxmox-backup/tfa/challenges"
	// ChallengesSubdir is the state directory inside any other
	// configuration directory (a copy, a test fixture).
	ChallengesSubdir = ".tfa-challenges"
)

// DefaultStateDir is where the TFA failure counters live: PBS's own
// /run/proxmox-backup/tfa/challenges for /etc/proxmox-backup, so that pxacl
// and PBS count the same failures on a PBS host; else
// <configDir>/.tfa-challenges, so that a copy of the configuration never
// touches the host's counters.
func DefaultStateDir(configDir string) string {
	if filepath.Clean(configDir) == PBSConfigDir {
		return PBSChallengesDir
	}
	return filepath.Join(configDir, ChallengesSubdir)
}

func (s *Store) stateDir() string {
	if s.StateDir != "" {
		return s.StateDir
	}
	return DefaultStateDir(s.Dir)
}

// challengeFile is a user's open, flocked challenge-data file.
type challengeFile struct {
	f        *os.File
	path     string
	counters *tfa.Counters
	warning  string // the file could not be parsed; counters start at zero
}

// openChallenge opens and flocks <state dir>/<userid> as PBS's UserAccess
// does: created with mode 0600 (the directory 0700) when create is set,
// else nil when it does not exist. PBS locks the file itself and
// rewrites it in place (not by rename), so pxacl does the same: both can
// share /run/proxmox-backup/tfa/challenges. Unparsable content is treated
// as zero counters, as PBS does, with a warning.
func (s *Store) openChallenge(userid string, create bool) (*challengeFile, error) {
	path := filepath.Join(s.stateDir(), userid)
	flags := os.O_RDWR | unix.O_CLOEXEC
	if create {
		if err := os.MkdirAll(s.stateDir(), 0o700); err != nil {
			return nil, fmt.Errorf("failed to create challenge data dir %q: %w", s.stateDir(), err)
		}
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, TFAMode)
	if !create && errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to open challenge file %q: %w", path, err)
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = LockTimeout
	}
	if err := flockWait(f, path, timeout); err != nil {
		f.Close()
		return nil, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("failed to read challenge data for user %s: %w", userid, err)
	}
	c := &challengeFile{f: f, path: path}
	c.counters, err = tfa.ParseCounters(data)
	if err != nil {
		c.warning = fmt.Sprintf("failed to parse challenge data for user %s (%s): %v; the failure counters start from zero, as in PBS", userid, path, err)
	}
	return c, nil
}

// save rewrites the file in place (rewind, truncate, write), as PBS does.
func (c *challengeFile) save() error {
	data := c.counters.Marshal()
	if _, err := c.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := c.f.Truncate(0); err != nil {
		return err
	}
	if _, err := c.f.Write(data); err != nil {
		return fmt.Errorf("failed to update challenge file %q: %w", c.path, err)
	}
	return nil
}

func (c *challengeFile) close() { c.f.Close() } // closing releases the flock

// removeChallenge deletes a user's challenge data (remove_user).
func (s *Store) removeChallenge(userid string) error {
	err := os.Remove(filepath.Join(s.stateDir(), userid))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
