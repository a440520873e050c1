// The TFA failure counters (§9): where they live and how they are read and
// written.
//
// Where. The location follows from the configuration directory alone and
// no caller can choose another one, so that nobody escapes the lockout by
// pointing pxacl at a fresh, empty counters directory:
//   - PBS's own configuration directory (/etc/proxmox-backup, under any
//     name: a symlink or a bind mount of it counts, they are compared by
//     device and inode) keeps them where PBS does,
//     /run/proxmox-backup/tfa/challenges/<userid>, so that pxacl and PBS
//     count the same failures;
//   - any other directory (a copy, a test fixture) keeps them in
//     <config dir>/.tfa-challenges/<userid>, so that a copy never touches
//     the host's counters and every run on one copy shares its counters.
//
// Reading. An existing counters file that is empty or cannot be parsed
// counts as locked: every factor is refused until an admin runs
// `user tfa unlock`, which rewrites it. (PBS takes such a file for zero
// failures; an empty file is what an interrupted in-place write leaves, so
// taking it for zero would hand out a fresh set of tries.) A file that
// cannot be read at all is an error: nothing is verified.
//
// Writing. A counters file is replaced atomically (ReplaceFile: temp file,
// fsync, rename), never rewritten in place, so a failed or interrupted
// write leaves the previous count. A new file is created with "{}" in it
// (temp file, then link(2), which never replaces an existing file), so
// there is never an empty file made by pxacl. The file is also the lock
// (flock, as PBS does); after taking it, the holder checks that the path
// still names the file it locked (a writer may have renamed a new one over
// it) and retries otherwise.
//
// Symlinks. The directories below the anchor (the configuration directory
// or /run) are walked with openat(O_NOFOLLOW|O_DIRECTORY) and created with
// mkdirat, and a counters file is opened with O_NOFOLLOW: a symlink
// planted as the counters directory, one of its parents or a counters file
// is refused, never followed. A counters file must be a regular file.

package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/tfa"
)

// PBS's configuration directory and the directory of its TFA challenge
// data (§9).
const (
	PBSConfigDir     = "/etc/proxmox-backup"
	PBSChallengesDir = "/run/proxmox-backup/tfa/challenges"
	// ChallengesSubdir is the counters directory inside any other
	// configuration directory (a copy, a test fixture).
	ChallengesSubdir = ".tfa-challenges"
)

// challengesAnchor splits the counters directory of configDir into an
// anchor that must exist and the directories below it that pxacl creates
// and walks without following symlinks.
func challengesAnchor(configDir string) (anchor string, below []string) {
	if isPBSConfigDir(configDir) {
		return "/run", []string{"proxmox-backup", "tfa", "challenges"}
	}
	return configDir, []string{ChallengesSubdir}
}

// isPBSConfigDir reports whether dir is /etc/proxmox-backup, by name or
// by identity (a symlink to it, a bind mount of it).
func isPBSConfigDir(dir string) bool {
	if filepath.Clean(dir) == PBSConfigDir {
		return true
	}
	a, err := os.Stat(dir)
	if err != nil {
		return false
	}
	b, err := os.Stat(PBSConfigDir)
	return err == nil && os.SameFile(a, b)
}

// CountersDir is the directory of the TFA failure counters of the
// configuration directory configDir: PBSChallengesDir for PBS's own
// /etc/proxmox-backup, else configDir/.tfa-challenges. It is not
// configurable.
func CountersDir(configDir string) string {
	anchor, below := challengesAnchor(configDir)
	return filepath.Join(append([]string{anchor}, below...)...)
}

// errNoCountersDir: the counters directory does not exist (no counters).
var errNoCountersDir = errors.New("no counters directory")

// openCountersDir opens the counters directory of s, walking from its
// anchor without following a symlink, creating what is missing (mode
// 0700) when create is set; errNoCountersDir when it is missing and
// create is not set.
func (s *Store) openCountersDir(create bool) (int, error) {
	anchor, below := challengesAnchor(s.Dir)
	fd, err := unix.Open(anchor, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("TFA counters: %s: %w", anchor, err)
	}
	path := anchor
	for _, name := range below {
		path = filepath.Join(path, name)
		if create {
			if err := unix.Mkdirat(fd, name, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
				unix.Close(fd)
				return -1, fmt.Errorf("failed to create challenge data dir %s: %w", path, err)
			}
		}
		next, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		switch {
		case errors.Is(err, unix.ENOENT) && !create:
			return -1, errNoCountersDir
		case errors.Is(err, unix.ELOOP), errors.Is(err, unix.ENOTDIR):
			return -1, fmt.Errorf("TFA counters: %s is not a directory (a symbolic link or another file): refused, not followed", path)
		case err != nil:
			return -1, fmt.Errorf("TFA counters: %s: %w", path, err)
		}
		fd = next
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("TFA counters: %s: %w", path, err)
	}
	if st.Mode&0o002 != 0 {
		unix.Close(fd)
		return -1, fmt.Errorf("TFA counters: %s is writable by every user: refused", path)
	}
	return fd, nil
}

// challengeFile is a user's open, flocked challenge-data file.
type challengeFile struct {
	f        *os.File
	dir      string // the counters directory, for messages and ReplaceFile
	path     string
	counters *tfa.Counters
	// broken says why the file's counters are unknown (empty or
	// unparsable content): the user counts as locked until unlock.
	broken string
}

// maxCountersSize bounds what is read of a counters file (PBS's hold a few
// pending challenges: a few KiB).
const maxCountersSize = 1 << 20

// openChallenge opens and flocks the user's counters file (see the top of
// this file); create makes the directory and a "{}" file when missing,
// else a missing file or directory is nil.
func (s *Store) openChallenge(userid string, create bool) (*challengeFile, error) {
	dirfd, err := s.openCountersDir(create)
	if errors.Is(err, errNoCountersDir) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer unix.Close(dirfd)
	dir := CountersDir(s.Dir)
	path := filepath.Join(dir, userid)
	timeout := s.Timeout
	if timeout == 0 {
		timeout = LockTimeout
	}
	for range 100 {
		fd, err := unix.Openat(dirfd, userid, unix.O_RDWR|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		switch {
		case errors.Is(err, unix.ENOENT):
			if !create {
				return nil, nil
			}
			if err := createCounters(dirfd, dir, userid); err != nil {
				return nil, err
			}
			continue
		case errors.Is(err, unix.ELOOP):
			return nil, fmt.Errorf("TFA counters of %s: %s is a symbolic link: refused, not followed", safetext.Quote(userid), path)
		case err != nil:
			return nil, fmt.Errorf("failed to open challenge file %s: %w", path, err)
		}
		f := os.NewFile(uintptr(fd), path)
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			f.Close()
			return nil, fmt.Errorf("TFA counters of %s: %s: %w", safetext.Quote(userid), path, err)
		}
		if st.Mode&unix.S_IFMT != unix.S_IFREG {
			f.Close()
			return nil, fmt.Errorf("TFA counters of %s: %s is not a regular file: refused", safetext.Quote(userid), path)
		}
		if err := flockWait(f, path, timeout); err != nil {
			f.Close()
			return nil, err
		}
		// a writer may have renamed a new file over the one we locked
		var now unix.Stat_t
		if err := unix.Fstatat(dirfd, userid, &now, unix.AT_SYMLINK_NOFOLLOW); err != nil || now.Ino != st.Ino || now.Dev != st.Dev {
			f.Close()
			continue
		}
		data, err := io.ReadAll(io.LimitReader(f, maxCountersSize+1))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("failed to read challenge data for user %s: %w", safetext.Quote(userid), err)
		}
		c := &challengeFile{f: f, dir: dir, path: path}
		switch {
		case len(data) > maxCountersSize:
			c.broken = fmt.Sprintf("larger than %d bytes", maxCountersSize)
		case len(data) == 0:
			c.broken = "empty"
		default:
			if c.counters, err = tfa.ParseCounters(data); err != nil {
				c.broken = "not valid challenge data" // what is wrong is not shown: it is the file's content
			}
		}
		if c.broken != "" {
			c.counters = &tfa.Counters{}
		}
		return c, nil
	}
	return nil, fmt.Errorf("TFA counters of %s: %s keeps being replaced: giving up", safetext.Quote(userid), path)
}

// createCounters creates dir/userid holding "{}" unless it exists: a temp
// file is written, fsynced and linked to the name (link never replaces),
// then removed.
func createCounters(dirfd int, dir, userid string) error {
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		return err
	}
	tmp := ".new.tmp_" + hex.EncodeToString(r[:])
	fd, err := unix.Openat(dirfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, TFAMode)
	if err != nil {
		return fmt.Errorf("failed to create challenge file in %s: %w", dir, err)
	}
	f := os.NewFile(uintptr(fd), filepath.Join(dir, tmp))
	defer unix.Unlinkat(dirfd, tmp, 0)
	_, err = f.Write([]byte("{}"))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = unix.Linkat(dirfd, tmp, dirfd, userid, 0)
	}
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("failed to create challenge file %s: %w", filepath.Join(dir, userid), err)
	}
	return nil
}

// replaceCounters replaces a counters file; a variable so that tests can
// make it fail.
var replaceCounters = ReplaceFile

// save replaces the file atomically with the counters (see the top of
// this file); on error the previous file, and count, stay.
func (c *challengeFile) save() error {
	if err := replaceCounters(c.path, c.counters.Marshal(), TFAMode); err != nil {
		return fmt.Errorf("failed to update challenge file %s: %w", c.path, err)
	}
	c.broken = ""
	return nil
}

func (c *challengeFile) close() { c.f.Close() } // closing releases the flock

// removeChallenge deletes a user's challenge data (remove_user), never
// through a symlink.
func (s *Store) removeChallenge(userid string) error {
	dirfd, err := s.openCountersDir(false)
	if errors.Is(err, errNoCountersDir) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(dirfd)
	if err := unix.Unlinkat(dirfd, userid, 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("failed to remove challenge file %s: %w", filepath.Join(CountersDir(s.Dir), userid), err)
	}
	return nil
}
