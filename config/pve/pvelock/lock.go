// Package pvelock takes PVE's cluster file locks the way pmxcfs clients do
// (docs/pve-semantics.md §7): cfs_lock_file("user.cfg") is the directory
// priv/lock/file-user_cfg, created with mkdir(2) (atomic, cluster-wide on
// pmxcfs), removed with rmdir(2) on unlock. A lock older than 120 s is
// stale: pmxcfs expires it; on a plain directory pxacl removes it itself.
// The acquire timeout is 10 s, as cfs_lock_file's default.
//
// What this does and does not guarantee: against a real /etc/pve it
// serialises with pveum, the API and other pxacl runs on every node, since
// pmxcfs makes the mkdir cluster-wide. On a copy of the files it
// serialises pxacl runs with each other only. The lock is not refreshed,
// so a holder must finish within 120 s (PVE runs the locked code under a
// 60 s alarm).
package pvelock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Defaults of cfs_lock_file and pmxcfs.
const (
	Timeout = 10 * time.Second  // acquire timeout
	Stale   = 120 * time.Second // CFS_LOCK_TIMEOUT
)

// Name is the lock id of a cluster file: "file-" and the file name with
// '.' and '/' replaced by '_' (domains.cfg -> file-domains_cfg).
func Name(file string) string {
	return "file-" + strings.NewReplacer(".", "_", "/", "_").Replace(file)
}

// Dir is the lock directory of file inside the PVE directory pveDir.
func Dir(pveDir, file string) string {
	return filepath.Join(pveDir, "priv", "lock", Name(file))
}

// Lock takes the cfs lock of file (e.g. "domains.cfg") in pveDir, waiting
// up to timeout (0 = Timeout). unlock removes the lock directory.
func Lock(pveDir, file string, timeout time.Duration) (unlock func(), err error) {
	if timeout <= 0 {
		timeout = Timeout
	}
	name := Name(file)
	parent := filepath.Join(pveDir, "priv", "lock")
	if err := ensureDir(filepath.Join(pveDir, "priv")); err != nil {
		return nil, lockErr(name, err)
	}
	if err := ensureDir(parent); err != nil {
		return nil, lockErr(name, err)
	}
	dir := filepath.Join(parent, name)
	deadline := time.Now().Add(timeout)
	for {
		err := os.Mkdir(dir, 0o700)
		if err == nil {
			return func() { _ = os.Remove(dir) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, lockErr(name, err)
		}
		st, serr := os.Lstat(dir)
		switch {
		case serr == nil && !st.IsDir():
			return nil, lockErr(name, fmt.Errorf("%s is not a directory", dir))
		case serr == nil && time.Since(st.ModTime()) > Stale:
			_ = os.Remove(dir) // stale: pmxcfs would expire it
			continue
		}
		if !time.Now().Before(deadline) {
			return nil, lockErr(name, errors.New("got lock request timeout"))
		}
		time.Sleep(min(100*time.Millisecond, time.Until(deadline)+time.Millisecond))
	}
}

// ensureDir creates dir (0700) when missing and refuses a symlink or a
// non-directory there.
func ensureDir(dir string) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		st, err = os.Lstat(dir)
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory (symlinks are not followed)", dir)
	}
	return nil
}

func lockErr(name string, err error) error {
	return fmt.Errorf("cfs-lock '%s' error: %w", name, err)
}
