// Tests of atomic replaces and of never following symlinks.

package store

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReplaceFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "acl.cfg")
	if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceFile(p, []byte("new\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(data) != "new\n" || st.Mode().Perm() != 0o644 { // a replaced file keeps its mode
		t.Fatalf("got %q mode %v", data, st.Mode().Perm())
	}
	if got := TempPattern(p); got != filepath.Join(dir, "acl.tmp_") {
		t.Errorf("TempPattern = %q", got)
	}
	if got := TempPattern(filepath.Join(dir, "token.shadow")); got != filepath.Join(dir, "token.tmp_") {
		t.Errorf("TempPattern = %q", got)
	}
	// an error (target is a non-empty directory) leaves no temp file
	sub := filepath.Join(dir, "sub.cfg")
	os.MkdirAll(filepath.Join(sub, "x"), 0o755)
	if err := ReplaceFile(sub, []byte("x"), 0o640); err == nil {
		t.Fatal("replacing a directory succeeded")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp_*")); len(m) != 0 {
		t.Fatalf("temp files left: %v", m)
	}
}

// TestKilledWriter kills a writer between fsync and rename: the target
// keeps its old content, the lock dies with the process, and the next
// writer removes the temp file.
func TestKilledWriter(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "acl.cfg")
	old := []byte("acl:1:/:admin@pbs:Admin\n")
	os.WriteFile(p, old, 0o640)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GO_STORE_HELPER=replace", "GO_STORE_PATH="+p)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(p + ".ready"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("helper never reached the rename")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// the lock is held by the child now
	if _, err := Lock(dir, ACLLock, 100*time.Millisecond); err == nil {
		t.Fatal("lock not held by the writer")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if data, _ := os.ReadFile(p); !bytes.Equal(data, old) {
		t.Fatalf("acl.cfg changed by a killed writer: %d bytes", len(data))
	}
	unlock, err := Lock(dir, ACLLock, time.Second)
	if err != nil {
		t.Fatalf("lock not released by the killed writer: %v", err)
	}
	unlock()
	// the orphaned temp file (complete or absent, never the target) is
	// removed by the next writer that takes the lock
	m, _ := filepath.Glob(filepath.Join(dir, "acl.tmp_*"))
	if len(m) != 0 {
		t.Fatalf("temp files left after the next Lock = %v", m)
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
