// Locking: PVE's cfs lock, a directory under priv/lock created with
// mkdir(2) (docs/semantics.md pve §7).

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	pbsstore "github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/config/pve"
)

// Lock ids (cfs_lock_file names the lock "file-" plus the file name with
// '.' and '/' replaced by '_'), and PVE's lock timings.
const (
	UserLockID  = "file-user_cfg"
	TokenLockID = "file-priv_token_cfg"
	// LockTimeout is cfs_lock_file's default acquire timeout.
	LockTimeout = 10 * time.Second
	// LockStale is pmxcfs's CFS_LOCK_TIMEOUT: a lock older than this is
	// expired and may be taken over.
	LockStale = 120 * time.Second
)

// lockDir is where the cfs locks live.
const lockDir = "priv/lock"

// lockProtects names the file each lock serialises the writers of.
var lockProtects = map[string]string{UserLockID: pve.UserCfg, TokenLockID: TokenCfg}

// lock takes PVE's cfs lock id: mkdir priv/lock/<id>, retried until the
// timeout; a lock directory older than the stale age is removed first,
// as pmxcfs expires it. Once held, temp files a killed writer left for
// the protected file are removed. unlock removes the lock directory.
// Errors carry PVE's prefix "cfs-lock '<id>' error: ".
func (s *Store) lock(id string) (unlock func(), err error) {
	timeout, stale := s.Timeout, s.Stale
	if timeout == 0 {
		timeout = LockTimeout
	}
	if stale == 0 {
		stale = LockStale
	}
	dir := s.path(lockDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cfs-lock '%s' error: %w", id, err)
	}
	path := filepath.Join(dir, id)
	deadline := time.Now().Add(timeout)
	wait := time.Millisecond
	for {
		err := unix.Mkdir(path, 0o700)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EEXIST) {
			return nil, fmt.Errorf("cfs-lock '%s' error: %s: %w", id, path, err)
		}
		if expireStale(dir, path, stale) {
			continue
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("cfs-lock '%s' error: got lock request timeout", id)
		}
		time.Sleep(min(wait, time.Until(deadline)))
		wait = min(wait*2, 50*time.Millisecond)
	}
	if file, ok := lockProtects[id]; ok {
		pbsstore.RemoveStaleTemps(s.path(file))
	}
	return func() { _ = unix.Rmdir(path) }, nil
}

// expireStale removes the lock directory at path when it is older than
// stale, as pmxcfs expires a lock (its owner died or hung). The check and
// the removal run under an flock on the lock directory's parent, so two
// waiters never both remove a lock, and one of them never removes the
// fresh lock the other just took. A symlink or file at path is never
// removed. It reports whether it removed the lock.
func expireStale(dir, path string, stale time.Duration) bool {
	d, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer d.Close()
	if err := unix.Flock(int(d.Fd()), unix.LOCK_EX); err != nil {
		return false
	}
	defer unix.Flock(int(d.Fd()), unix.LOCK_UN) //nolint:errcheck
	st, err := os.Lstat(path)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist) // gone meanwhile: retry now
	}
	if !st.IsDir() || time.Since(st.ModTime()) <= stale {
		return false
	}
	return unix.Rmdir(path) == nil
}
