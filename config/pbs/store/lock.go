// Locking: PBS's lock files, taken with flock(2) and a timeout.

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// Lock files (§8) and the default lock timeout.
const (
	ACLLock         = ".acl.lck"
	UserLock        = ".user.lck"
	DomainsLock     = ".domains.lck"
	TokenShadowLock = "token.shadow.lock"
	ShadowLock      = "shadow.json.lock"
	TFALock         = "tfa.json.lock"
	LockTimeout     = 10 * time.Second
)

// LockMode is the mode of a lock file pxacl creates (§8).
const LockMode = 0o660

// Lock takes an exclusive flock(2) on dir/name, waiting up to timeout. A
// new lock file gets PBS's owner and mode (backup:backup 0660, §8); a
// symlink or any other non-regular file at dir/name is refused, never
// followed. Once the lock is held, temp files a killed writer left for
// the files this lock protects are removed (removeStaleTemps). The lock
// dies with the process; unlock releases it earlier.
func Lock(dir, name string, timeout time.Duration) (unlock func(), err error) {
	path := filepath.Join(dir, name)
	f, err := openLock(path)
	if errors.Is(err, ErrSymlink) {
		return nil, fmt.Errorf("Unable to acquire lock %s - %w", path, ErrSymlink) // PBS wording (staticcheck.conf)
	}
	if err != nil {
		return nil, fmt.Errorf("Unable to acquire lock %s - %w", path, err) // PBS wording (staticcheck.conf)
	}
	if err := flockWait(f, path, timeout); err != nil {
		f.Close()
		return nil, err
	}
	for _, file := range lockProtects[name] {
		removeStaleTemps(filepath.Join(dir, file))
	}
	return func() {
		_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}, nil
}

// openLock opens the lock file at path, creating it with PBS's owner and
// mode when it does not exist.
func openLock(path string) (*os.File, error) {
	f, err := OpenNoFollow(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, LockMode)
	if errors.Is(err, fs.ErrExist) {
		return OpenNoFollow(path, os.O_RDWR, 0)
	}
	if err != nil {
		return nil, err
	}
	if err := setOwnerNew(f, path, LockMode); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return f, nil
}

// flockWait takes an exclusive flock(2) on f, polling up to timeout.
func flockWait(f *os.File, path string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	wait := time.Millisecond
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("Unable to acquire lock %s - %v", path, err) // PBS wording (staticcheck.conf)
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("Unable to acquire lock %s - got timeout", path) // PBS wording (staticcheck.conf)
		}
		time.Sleep(min(wait, time.Until(deadline)))
		wait = min(wait*2, 20*time.Millisecond)
	}
}
