// Tests of the owner and mode of written files.

package store

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
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
