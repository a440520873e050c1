// Tests of removing stale temp files.

package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

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
