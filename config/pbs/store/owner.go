// File owners: the owner and group PBS gives the files pxacl creates,
// and keeping the owner and mode of a file that is replaced.

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// account is an owner and group by name.
type account struct{ user, group string }

// pbsOwner is the owner PBS gives the files pxacl may create (§8, file
// table), by file name. tfa.json is owned by the writing process and is
// not listed; neither is anything else pxacl writes.
var pbsOwner = map[string]account{
	"user.cfg":      {"root", "backup"},
	"acl.cfg":       {"root", "backup"},
	"domains.cfg":   {"root", "backup"},
	TokenShadow:     {"backup", "backup"},
	ShadowJSON:      {"root", "root"},
	LDAPPasswords:   {"root", "root"},
	ACLLock:         {"backup", "backup"},
	UserLock:        {"backup", "backup"},
	DomainsLock:     {"backup", "backup"},
	TokenShadowLock: {"backup", "backup"},
	ShadowLock:      {"backup", "backup"},
	TFALock:         {"backup", "backup"},
}

// lookupIDs returns the uid of user and the gid of group by name (the
// passwd and group databases); ok is false when either does not exist.
// Tests replace it.
var lookupIDs = func(userName, groupName string) (uid, gid int, ok bool) {
	u, err := user.Lookup(userName)
	if err != nil {
		return 0, 0, false
	}
	g, err := user.LookupGroup(groupName)
	if err != nil {
		return 0, 0, false
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(g.Gid)
	return uid, gid, err1 == nil && err2 == nil
}

// setOwnerNew gives f, a new file that will be named name, PBS's owner
// for that name when the accounts exist and the process may give it (as
// root), else leaves the process's; then mode.
func setOwnerNew(f *os.File, name string, mode os.FileMode) error {
	if a, ok := pbsOwner[filepath.Base(name)]; ok {
		if uid, gid, ok := lookupIDs(a.user, a.group); ok {
			if err := f.Chown(uid, gid); err != nil && !errors.Is(err, syscall.EPERM) {
				return err
			}
		}
	}
	return f.Chmod(mode)
}

// keepOwner gives f, the temp file that will replace old, old's uid, gid
// and mode (permission, setuid, setgid and sticky bits). When the owner
// cannot be kept (a non-root process replacing a file it does not own)
// the replacement fails: it would otherwise change hands silently.
func keepOwner(f *os.File, old fs.FileInfo) error {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return errors.New("cannot read the owner of the file to replace")
	}
	if err := f.Chown(int(st.Uid), int(st.Gid)); err != nil {
		return fmt.Errorf("cannot keep owner %d:%d: %w", st.Uid, st.Gid, err)
	}
	return f.Chmod(old.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky))
}
