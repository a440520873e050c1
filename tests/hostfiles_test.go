package tests

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// TestWritesOnAHost: what the manage commands do to the files of a live
// host. A replaced file keeps its owner, group and mode (PBS's proxy reads
// user.cfg and acl.cfg as group backup); a symlinked config file is
// written through to its target and stays a link; a symlink planted as a
// lock file is refused with exit 2 and its target is never created or
// changed; temp files a killed writer left are removed by the next writer.
func TestWritesOnAHost(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give files a foreign owner")
	}
	stat := func(t *testing.T, p string) (uint32, uint32, os.FileMode) {
		t.Helper()
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		sys := st.Sys().(*syscall.Stat_t)
		return sys.Uid, sys.Gid, st.Mode()
	}
	t.Run("owner kept", func(t *testing.T) {
		t.Parallel()
		dir := copyDir(t, examplesDir())
		for _, f := range []string{"user.cfg", "acl.cfg"} {
			p := filepath.Join(dir, f)
			if err := os.Chown(p, 4243, 4242); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, 0o640); err != nil {
				t.Fatal(err)
			}
		}
		mustRun(t, dir, "user", "create", "eve@pbs")
		mustRun(t, dir, "acl", "update", "/datastore/store1", "DatastoreAudit", "--auth-id", "eve@pbs")
		for _, f := range []string{"user.cfg", "acl.cfg"} {
			if uid, gid, mode := stat(t, filepath.Join(dir, f)); uid != 4243 || gid != 4242 || mode != 0o640 {
				t.Errorf("%s: %d:%d %v after a write, want 4243:4242 -rw-r-----", f, uid, gid, mode)
			}
		}
	})
	t.Run("symlinked user.cfg written through", func(t *testing.T) {
		t.Parallel()
		dir, real := copyDir(t, examplesDir()), t.TempDir()
		target := filepath.Join(real, "user.cfg")
		if err := os.Rename(filepath.Join(dir, "user.cfg"), target); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, "user.cfg")); err != nil {
			t.Fatal(err)
		}
		mustRun(t, dir, "user", "create", "eve@pbs")
		if got, err := os.Readlink(filepath.Join(dir, "user.cfg")); err != nil || got != target {
			t.Fatalf("user.cfg is no longer the link: %q, %v", got, err)
		}
		if data, _ := os.ReadFile(target); !strings.Contains(string(data), "user: eve@pbs") {
			t.Fatalf("target not written:\n%s", data)
		}
	})
	t.Run("planted lock symlink refused", func(t *testing.T) {
		t.Parallel()
		dir, other := copyDir(t, examplesDir()), t.TempDir()
		victim := filepath.Join(other, "victim")
		if err := os.Symlink(victim, filepath.Join(dir, ".user.lck")); err != nil {
			t.Fatal(err)
		}
		before := lsnapshot(t, dir)
		r := runPxacl(t, "--config-dir", dir, "user", "create", "eve@pbs")
		if r.code != 2 || !strings.Contains(r.stderr, ".user.lck - is a symbolic link") {
			t.Errorf("got %s; want exit 2 naming the symlinked lock", r)
		}
		if _, err := os.Lstat(victim); !os.IsNotExist(err) {
			t.Errorf("the lock symlink's target was created: %v", err)
		}
		if after := lsnapshot(t, dir); !reflect.DeepEqual(after, before) {
			t.Errorf("the directory changed:\n%v\n%v", before, after)
		}
	})
	t.Run("stale temp files removed", func(t *testing.T) {
		t.Parallel()
		dir := copyDir(t, examplesDir())
		stale := filepath.Join(dir, "shadow.tmp_Ab12Cd")
		keep := filepath.Join(dir, "shadow.tmp_notmine")
		for _, p := range []string{stale, keep} {
			if err := os.WriteFile(p, []byte(`{"john":"$5$hash"}`), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		mustRun(t, dir, "user", "create", "eve@pbs", "--password", "eves-password")
		if _, err := os.Lstat(stale); !os.IsNotExist(err) {
			t.Errorf("stale temp file kept: %v", err)
		}
		if _, err := os.Lstat(keep); err != nil {
			t.Errorf("a file not matching the temp pattern was removed: %v", err)
		}
	})
}
