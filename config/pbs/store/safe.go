// Package store changes a PBS configuration directory the way PBS does
// (pbs-semantics.md §8): every writer takes PBS's lock file with flock(2),
// re-reads the file, checks the optional digest, and replaces the file
// atomically (temp file, fsync, rename). On top of that it implements the
// user, token and ACL operations of proxmox-backup-manager.
package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pxacl/pxacl/internal/cfgfile"
)

// Lock files (§8) and the default lock timeout.
const (
	ACLLock         = ".acl.lck"
	UserLock        = ".user.lck"
	TokenShadowLock = "token.shadow.lock"
	ShadowLock      = "shadow.json.lock"
	TFALock         = "tfa.json.lock"
	LockTimeout     = 10 * time.Second
)

// Lock takes an exclusive flock(2) on dir/name, creating the file with mode
// 0660 if needed, waiting up to timeout. The lock dies with the process;
// unlock releases it earlier.
func Lock(dir, name string, timeout time.Duration) (unlock func(), err error) {
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o660)
	if err != nil {
		return nil, fmt.Errorf("Unable to acquire lock %s - %v", path, err) // PBS wording (staticcheck.conf)
	}
	if st, err := f.Stat(); err == nil && st.Mode().Perm() != 0o660 && st.Size() == 0 {
		_ = f.Chmod(0o660) // undo the umask on a lock file we (probably) created
	}
	if err := flockWait(f, path, timeout); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}, nil
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

// testHookBeforeRename runs between fsync and rename (tests only).
var testHookBeforeRename func(tmp string)

// ReplaceFile atomically replaces path with data (proxmox_sys replace_file,
// §8): a temp file "<name without extension>.tmp_XXXXXX" in the same
// directory is created, given mode, written, fsynced and renamed over
// path; on any error the temp file is removed. A reader sees either the
// old or the new file, never a partial one.
func ReplaceFile(path string, data []byte, mode os.FileMode) (err error) {
	tmp, f, err := createTemp(path)
	if err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("replace %s: %w", path, err)
		}
	}()
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if testHookBeforeRename != nil {
		testHookBeforeRename(tmp)
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil { // make the rename durable
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// TempPattern is the name prefix of ReplaceFile's temp files for path:
// the extension is replaced by "tmp_" (acl.cfg -> acl.tmp_XXXXXX).
func TempPattern(path string) string {
	base := filepath.Base(path)
	if ext := filepath.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return filepath.Join(filepath.Dir(path), base+".tmp_")
}

func createTemp(path string) (string, *os.File, error) {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	prefix := TempPattern(path)
	for range 100 {
		var r [6]byte
		if _, err := rand.Read(r[:]); err != nil {
			return "", nil, err
		}
		for i := range r {
			r[i] = chars[int(r[i])%len(chars)]
		}
		name := prefix + string(r[:])
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|unix.O_CLOEXEC, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return name, f, err
	}
	return "", nil, errors.New("cannot create a unique temp file")
}

// ReadFile returns the file's bytes; a missing file is empty (§2.1). Only
// a regular file of at most cfgfile.MaxSize bytes is read (cfgfile.Read).
func ReadFile(path string) ([]byte, error) {
	return cfgfile.ReadOptional(path)
}

// Digest is the hex SHA-256 of raw file bytes (§8).
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

var digestRE = regexp.MustCompile(`^[a-f0-9]{64}$`)

// ErrModified is PBS's detect_modified_configuration_file error.
var ErrModified = errors.New("detected modified configuration - file changed by other user? Try again.") // PBS wording (staticcheck.conf)

// ValidateDigest checks a --digest value against PROXMOX_CONFIG_DIGEST_SCHEMA;
// "" (no digest) is valid.
func ValidateDigest(d string) error {
	if d != "" && !digestRE.MatchString(d) {
		return fmt.Errorf("parameter 'digest' - value does not match the regex pattern ^[a-f0-9]{64}$")
	}
	return nil
}

// CheckDigest returns ErrModified when want is set and differs from the
// digest of the file as re-read under the lock.
func CheckDigest(want, current string) error {
	if err := ValidateDigest(want); err != nil {
		return err
	}
	if want != "" && want != current {
		return ErrModified
	}
	return nil
}

func fileMode(m uint32) os.FileMode { return os.FileMode(m) }
