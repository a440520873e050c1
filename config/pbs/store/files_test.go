package store

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func statIDs(t *testing.T, p string) (uid, gid uint32, mode os.FileMode) {
	t.Helper()
	st, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	sys := st.Sys().(*syscall.Stat_t)
	return sys.Uid, sys.Gid, st.Mode()
}

// TestReplaceFileOwner: a replaced file keeps uid, gid and mode; a new one
// gets PBS's owner by file name when the accounts exist (else the
// process's) and the mode asked for. The tests run as root, so a foreign
// owner (4243:4242) can be set and must survive.
func TestReplaceFileOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give files a foreign owner")
	}
	const rootUID, backupUID, backupGID = 0, 4243, 4242
	stub := func(u, g string) (int, int, bool) {
		ids := map[string]int{"root": rootUID, "backup": backupUID}
		gids := map[string]int{"root": 0, "backup": backupGID}
		return ids[u], gids[g], true
	}
	missing := func(u, g string) (int, int, bool) { return 0, 0, false }
	me, my := uint32(os.Geteuid()), uint32(os.Getegid())
	for _, tc := range []struct {
		name     string
		file     string
		existing bool // created first as 4243:4242 0604
		lookup   func(string, string) (int, int, bool)
		mode     os.FileMode
		uid, gid uint32
		wantMode os.FileMode
	}{
		{"replaced keeps owner and mode", "user.cfg", true, stub, ConfigMode, 4243, 4242, 0o604},
		{"replaced secret keeps owner and mode", "token.shadow", true, stub, TokenShadowMode, 4243, 4242, 0o604},
		{"replaced without backup account", "acl.cfg", true, missing, ConfigMode, 4243, 4242, 0o604},
		{"new user.cfg root:backup", "user.cfg", false, stub, ConfigMode, rootUID, backupGID, 0o640},
		{"new acl.cfg root:backup", "acl.cfg", false, stub, ConfigMode, rootUID, backupGID, 0o640},
		{"new token.shadow backup:backup", "token.shadow", false, stub, TokenShadowMode, backupUID, backupGID, 0o640},
		{"new shadow.json root:root", "shadow.json", false, stub, ShadowMode, rootUID, 0, 0o600},
		{"new tfa.json: the process's", "tfa.json", false, stub, TFAMode, me, my, 0o600},
		{"new user.cfg without backup: the process's", "user.cfg", false, missing, ConfigMode, me, my, 0o640},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := lookupIDs
			lookupIDs = tc.lookup
			defer func() { lookupIDs = saved }()
			p := filepath.Join(t.TempDir(), tc.file)
			if tc.existing {
				if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chown(p, 4243, 4242); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(p, 0o604); err != nil {
					t.Fatal(err)
				}
			}
			if err := ReplaceFile(p, []byte("new"), tc.mode); err != nil {
				t.Fatal(err)
			}
			uid, gid, mode := statIDs(t, p)
			if uid != tc.uid || gid != tc.gid || mode != tc.wantMode {
				t.Errorf("got %d:%d %v, want %d:%d %v", uid, gid, mode, tc.uid, tc.gid, tc.wantMode)
			}
		})
	}
}

// TestReplaceFileRealBackupAccount: with the host's own passwd and group
// databases, a new acl.cfg is root:backup when the backup account exists,
// else the process's; the ids are looked up, never assumed.
func TestReplaceFileRealBackupAccount(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	wantGID := uint32(os.Getegid())
	if g, err := user.LookupGroup("backup"); err == nil {
		if _, err := user.Lookup("backup"); err == nil {
			n, _ := strconv.Atoi(g.Gid)
			wantGID = uint32(n)
		}
	}
	p := filepath.Join(t.TempDir(), "acl.cfg")
	if err := ReplaceFile(p, []byte("x"), ConfigMode); err != nil {
		t.Fatal(err)
	}
	if _, gid, mode := statIDs(t, p); gid != wantGID || mode != 0o640 {
		t.Errorf("new acl.cfg: gid %d mode %v, want %d 0640", gid, mode, wantGID)
	}
}

// TestSymlinkedLockAndTemp: a symlink planted as a lock file is refused,
// its target neither created, truncated nor chmodded; a temp file name is
// never followed either.
func TestSymlinkedLockAndTemp(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	victim := filepath.Join(other, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, target string }{
		{"existing target", victim},
		{"missing target", filepath.Join(other, "created")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lock := filepath.Join(dir, UserLock)
			os.Remove(lock)
			if err := os.Symlink(tc.target, lock); err != nil {
				t.Fatal(err)
			}
			_, err := Lock(dir, UserLock, time.Second)
			if !errors.Is(err, ErrSymlink) {
				t.Fatalf("Lock through a symlink: %v, want ErrSymlink", err)
			}
			want := "Unable to acquire lock " + lock + " - is a symbolic link; pxacl does not follow symlinks for files it creates or changes"
			if err.Error() != want {
				t.Errorf("error %q\nwant  %q", err, want)
			}
			if _, err := os.Stat(filepath.Join(other, "created")); err == nil {
				t.Error("the symlink's missing target was created")
			}
			data, _ := os.ReadFile(victim)
			_, _, mode := statIDs(t, victim)
			if string(data) != "precious" || mode != 0o600 {
				t.Errorf("victim changed: %q %v", data, mode)
			}
			// the store refuses the operation with nothing changed
			s := New(dir)
			if err := s.CreateUser("john@pbs", UserFields{}, nil); !errors.Is(err, ErrSymlink) {
				t.Errorf("CreateUser: %v, want ErrSymlink", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "user.cfg")); err == nil {
				t.Error("user.cfg written")
			}
		})
	}
	// a non-regular lock file is refused too
	if err := syscall.Mkfifo(filepath.Join(dir, ACLLock), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir, ACLLock, time.Second); err == nil {
		t.Error("Lock on a FIFO succeeded")
	}
	// OpenNoFollow with O_EXCL on a planted symlink says why
	link := filepath.Join(dir, "acl.tmp_AAAAAA")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenNoFollow(link, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); !errors.Is(err, ErrSymlink) {
		t.Errorf("OpenNoFollow(O_EXCL) on a symlink: %v", err)
	}
	if _, err := OpenNoFollow(link, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600); !errors.Is(err, ErrSymlink) {
		t.Errorf("OpenNoFollow(O_TRUNC) on a symlink: %v", err)
	}
	if data, _ := os.ReadFile(victim); string(data) != "precious" {
		t.Errorf("victim changed: %q", data)
	}
}

// TestReplaceThroughSymlink: a config file that is a symlink is replaced
// through its target: the link stays a link, the target gets the new
// content (keeping its owner and mode), the temp file is made beside the
// target. A symlink to nothing or to a non-regular file is an error.
func TestReplaceThroughSymlink(t *testing.T) {
	dir, real := t.TempDir(), t.TempDir()
	target := filepath.Join(real, "user-prod.cfg")
	if err := os.WriteFile(target, []byte("old"), 0o604); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "user.cfg")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	var tmpSeen string
	testHookBeforeRename = func(tmp string) { tmpSeen = tmp }
	defer func() { testHookBeforeRename = nil }()
	if err := ReplaceFile(link, []byte("new"), ConfigMode); err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(tmpSeen) != real {
		t.Errorf("temp file %s not beside the target", tmpSeen)
	}
	if got, err := os.Readlink(link); err != nil || got != target {
		t.Errorf("link = %q, %v; want it to still point to %s", got, err, target)
	}
	if data, _ := os.ReadFile(target); string(data) != "new" {
		t.Errorf("target = %q", data)
	}
	if _, _, mode := statIDs(t, target); mode != 0o604 {
		t.Errorf("target mode %v, want 0604 kept", mode)
	}
	// the store reads and writes through the link
	s := New(dir)
	if err := os.WriteFile(target, []byte("user: root@pam\n\tcomment Superuser\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser("john@pbs", UserFields{}, nil); err != nil {
		t.Fatal(err)
	}
	if l, err := s.ListUsers(); err != nil || len(l.Data) != 2 {
		t.Errorf("ListUsers through the link: %v, %v", l, err)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Error("user.cfg is no longer a symlink")
	}

	for name, to := range map[string]string{"dangling": filepath.Join(real, "nothing"), "device": "/dev/null", "foreign": target} {
		p := filepath.Join(dir, name+".cfg")
		if err := os.Symlink(to, p); err != nil {
			t.Fatal(err)
		}
		if name == "foreign" { // planted by another user: not followed
			if os.Geteuid() != 0 {
				continue
			}
			if err := os.Lchown(p, 4243, 4242); err != nil {
				t.Fatal(err)
			}
		}
		if err := ReplaceFile(p, []byte("x"), ConfigMode); err == nil {
			t.Errorf("%s: ReplaceFile succeeded", name)
		}
		if _, err := os.Stat(filepath.Join(real, "nothing")); err == nil {
			t.Errorf("%s: the missing target was created", name)
		}
	}
	if data, _ := os.ReadFile(target); string(data) == "x" {
		t.Error("a write went through a symlink owned by another user")
	}
}

// TestStaleTempsRemoved: the next writer to take a lock removes the temp
// files a killed writer left for the files that lock protects: regular
// files named exactly "<base>.tmp_XXXXXX", beside the file or beside its
// symlink's target. Everything else stays; symlinks are not followed.
func TestStaleTempsRemoved(t *testing.T) {
	base := t.TempDir()
	dir, real := filepath.Join(base, "conf"), filepath.Join(base, "real")
	for _, d := range []string{dir, real} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	victim := filepath.Join(real, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	// token.shadow is a symlink into real/
	if err := os.WriteFile(filepath.Join(real, "secrets.shadow"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(real, "secrets.shadow"), filepath.Join(dir, "token.shadow")); err != nil {
		t.Fatal(err)
	}
	const file, subdir, link = 0, 1, 2
	for _, tc := range []struct {
		name    string // relative to conf/
		kind    int
		removed bool // after taking ACLLock and TokenShadowLock
	}{
		{"acl.tmp_Ab12Cd", file, true},
		{"acl.tmp_zzzzzz", file, true},
		{"token.tmp_Qw12Er", file, true},
		{"../real/secrets.tmp_Zx98Yu", file, true}, // beside token.shadow's target
		{"acl.tmp_Ab12C", file, false},             // too short
		{"acl.tmp_Ab12Cde", file, false},           // too long
		{"acl.tmp_Ab-2Cd", file, false},            // not the alphabet
		{"xacl.tmp_Ab12Cd", file, false},
		{"user.tmp_Ab12Cd", file, false}, // another lock's file
		{"shadow.tmp_Ab12Cd", file, false},
		{"tfa.tmp_Ab12Cd", file, false},
		{"acl.cfg", file, false},
		{"../real/acl.tmp_Ab12Cd", file, false}, // acl.cfg is not a link there
		{"acl.tmp_Dir123", subdir, false},
		{"acl.tmp_Lnk123", link, false}, // a symlink to victim: neither it nor victim goes
	} {
		p := filepath.Join(dir, tc.name)
		var err error
		switch tc.kind {
		case file:
			err = os.WriteFile(p, []byte("hash"), 0o600)
		case subdir:
			err = os.Mkdir(p, 0o700)
		case link:
			err = os.Symlink(victim, p)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			_, err := os.Lstat(p)
			if gone := errors.Is(err, os.ErrNotExist); gone != tc.removed {
				t.Errorf("%s: removed = %v, want %v", tc.name, gone, tc.removed)
			}
		}()
	}
	for _, lock := range []string{ACLLock, TokenShadowLock} {
		unlock, err := Lock(dir, lock, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		unlock()
	}
	if data, _ := os.ReadFile(victim); string(data) != "precious" {
		t.Errorf("victim changed: %q", data)
	}
}

// TestOpenNoFollow: the open that every file pxacl creates or changes goes
// through refuses symlinks, non-regular files and, for writing, files with
// other hard links, and truncates only what passed.
func TestOpenNoFollow(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	write := func(p string) {
		if err := os.WriteFile(p, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(victim)
	write(filepath.Join(dir, "plain"))
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(victim, filepath.Join(dir, "link")))
	must(os.Symlink(filepath.Join(dir, "nothing"), filepath.Join(dir, "dangling")))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	must(os.Link(victim, filepath.Join(dir, "hardlink")))
	rw, excl, trunc := os.O_RDWR|os.O_CREATE, os.O_RDWR|os.O_CREATE|os.O_EXCL, os.O_RDWR|os.O_CREATE|os.O_TRUNC
	for _, tc := range []struct {
		name, file string
		flag       int
		wantErr    string // "" = success
		wantSize   int64  // the file's size afterwards
	}{
		{"plain", "plain", rw, "", 8},
		{"plain truncated", "plain", trunc, "", 0},
		{"new", "new", excl, "", 0},
		{"symlink", "link", rw, "is a symbolic link", -1},
		{"symlink truncate", "link", trunc, "is a symbolic link", -1},
		{"symlink excl", "link", excl, "is a symbolic link", -1},
		{"dangling symlink", "dangling", rw, "is a symbolic link", -1},
		{"dangling symlink excl", "dangling", excl, "is a symbolic link", -1},
		{"fifo", "fifo", rw, "not a regular file (fifo)", -1},
		{"hard link written", "hardlink", trunc, "has 2 hard links", -1},
		{"hard link read", "hardlink", os.O_RDONLY, "", 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.file)
			f, err := OpenNoFollow(p, tc.flag, 0o600)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				st, _ := f.Stat()
				f.Close()
				if st.Size() != tc.wantSize {
					t.Errorf("size %d, want %d", st.Size(), tc.wantSize)
				}
				return
			}
			if err == nil {
				f.Close()
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), p+": "+tc.wantErr) {
				t.Errorf("error %q, want %q", err, p+": "+tc.wantErr)
			}
			if data, _ := os.ReadFile(victim); string(data) != "precious" {
				t.Errorf("victim changed: %q", data)
			}
			if _, err := os.Lstat(filepath.Join(dir, "nothing")); err == nil {
				t.Error("a dangling symlink's target was created")
			}
		})
	}
}
