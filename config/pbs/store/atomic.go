// Files: opening without following symlinks, reading, and replacing a
// file atomically (temp file, fsync, rename) keeping its owner and mode.

package store

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pxacl/pxacl/internal/cfgfile"
)

// OpenNoFollow opens path for a file pxacl creates, truncates or changes
// (a lock file, a temp file, a counter file): the last path component is
// never followed when it is a symlink (O_NOFOLLOW), the open never blocks
// on a FIFO (O_NONBLOCK; it has no effect on a regular file), and
// anything but a regular file is refused, as is a file opened for writing
// that has other hard links. flag is os.O_RDWR and the like; O_CREATE|O_EXCL
// makes a new file or fails; O_TRUNC truncates only after those checks
// passed. A symlink gives "<path>: is a symbolic link; pxacl does not
// follow symlinks for files it creates or changes", and
// errors.Is(err, ErrSymlink) holds.
func OpenNoFollow(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag&^os.O_TRUNC|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, perm)
	if err != nil {
		if errors.Is(err, unix.ELOOP) || (flag&os.O_EXCL != 0 && errors.Is(err, fs.ErrExist) && isSymlink(path)) {
			return nil, fmt.Errorf("%s: %w", path, ErrSymlink)
		}
		return nil, err
	}
	if err := checkOpened(f, path, flag); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkOpened is OpenNoFollow's checks on the open file, then O_TRUNC.
func checkOpened(f *os.File, path string, flag int) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := cfgfile.CheckRegular(path, st); err != nil {
		return err
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Nlink > 1 && flag&(os.O_WRONLY|os.O_RDWR) != 0 {
		return fmt.Errorf("%s: has %d hard links; pxacl does not write to a file that has others", path, sys.Nlink)
	}
	if flag&os.O_TRUNC != 0 {
		return f.Truncate(0)
	}
	return nil
}

// ErrSymlink is the error of OpenNoFollow for a symlink.
var ErrSymlink = errors.New("is a symbolic link; pxacl does not follow symlinks for files it creates or changes")

func isSymlink(path string) bool {
	st, err := os.Lstat(path)
	return err == nil && st.Mode()&fs.ModeSymlink != 0
}

// Test hooks: testHookBeforeRename runs between fsync and rename;
// testHookRename, when it returns an error, makes the rename fail with it
// (fault injection).
var (
	testHookBeforeRename func(tmp string)
	testHookRename       func(tmp, target string) error
)

// ReplaceFile atomically replaces path with data (proxmox_sys replace_file,
// §8). A reader sees either the old or the new file, never a partial one.
//
//   - When path is a symlink (an admin's choice), the file it resolves to
//     is replaced and the link stays a link; a symlink to nothing, or one
//     owned by neither the process's user nor the directory's owner, is an
//     error. Anything but a regular file is refused.
//   - A temp file "<name without extension>.tmp_XXXXXX" is created beside
//     that file (O_CREAT|O_EXCL|O_NOFOLLOW), given its owner and mode,
//     written, fsynced and renamed over it; on any error the temp file is
//     removed and the old file stays.
//   - Owner and mode: a replaced file keeps the uid, gid and mode it has; a
//     new file gets PBS's owner (pbsOwner: root:backup for user.cfg,
//     acl.cfg and domains.cfg, backup:backup for token.shadow, root:root
//     for shadow.json) when those accounts exist, else the process's, and
//     mode.
func ReplaceFile(path string, data []byte, mode os.FileMode) (err error) {
	target, old, err := resolveTarget(path)
	if err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	tmp, f, err := createTemp(target)
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
	if old != nil {
		err = keepOwner(f, old)
	} else {
		err = setOwnerNew(f, path, mode)
	}
	if err != nil {
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
	if testHookRename != nil {
		if err = testHookRename(tmp, target); err != nil {
			return err
		}
	}
	if err = os.Rename(tmp, target); err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(target)); derr == nil { // make the rename durable
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// resolveTarget returns the file ReplaceFile replaces for path: path
// itself, or the file a symlink at path resolves to; and its stat, nil
// when it does not exist yet. Only a regular file can be replaced.
func resolveTarget(path string) (string, fs.FileInfo, error) {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	target := path
	if st.Mode()&fs.ModeSymlink != 0 {
		if err := checkLinkOwner(path, st); err != nil {
			return "", nil, err
		}
		if target, err = filepath.EvalSymlinks(path); err != nil {
			return "", nil, fmt.Errorf("symlink to a missing or unreachable file: %w", err)
		}
		if st, err = os.Lstat(target); err != nil {
			return "", nil, err
		}
	}
	if err := cfgfile.CheckRegular(target, st); err != nil {
		return "", nil, err
	}
	return target, st, nil
}

// checkLinkOwner allows writing through the symlink at path only when the
// link belongs to the process's user or to the owner of its directory
// (the rule of Linux's fs.protected_symlinks): a link someone else could
// plant in a shared directory never redirects a write.
func checkLinkOwner(path string, link fs.FileInfo) error {
	lst, ok := link.Sys().(*syscall.Stat_t)
	if !ok {
		return errors.New("cannot read the owner of the symlink")
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return err
	}
	dst, ok := dir.Sys().(*syscall.Stat_t)
	if !ok {
		return errors.New("cannot read the owner of the directory")
	}
	if int(lst.Uid) != os.Geteuid() && lst.Uid != dst.Uid {
		return fmt.Errorf("symlink owned by uid %d, neither pxacl's user nor the directory's owner: not followed", lst.Uid)
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

// tempChars are the characters of the XXXXXX part of a temp file name.
const tempChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func createTemp(path string) (string, *os.File, error) {
	prefix := TempPattern(path)
	for range 100 {
		var r [6]byte
		if _, err := rand.Read(r[:]); err != nil {
			return "", nil, err
		}
		for i := range r {
			r[i] = tempChars[int(r[i])%len(tempChars)]
		}
		name := prefix + string(r[:])
		f, err := OpenNoFollow(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
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
