// Tests of the TFA failure counters.

package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 11 item 5: the TFA failure counters live where the configuration
// directory says, fail closed when unreadable, are replaced atomically and
// are never reached through a symlink.

func TestCountersDir(t *testing.T) {
	for in, want := range map[string]string{
		"/etc/proxmox-backup":  "/run/proxmox-backup/tfa/challenges",
		"/etc/proxmox-backup/": "/run/proxmox-backup/tfa/challenges",
		"/srv/pbs-config":      "/srv/pbs-config/.tfa-challenges",
		"etc":                  "etc/.tfa-challenges",
	} {
		if got := CountersDir(in); got != want {
			t.Errorf("CountersDir(%q) = %q, want %q", in, got, want)
		}
	}
	// another name of a directory shares its counters (the same real
	// directory); only PBS's own directory maps to /run
	dir := t.TempDir()
	link := filepath.Join(t.TempDir(), "alias")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if got := CountersDir(link); got != filepath.Join(link, ChallengesSubdir) {
		t.Errorf("alias: %s", got)
	}
}

// counterStore is a store whose john@pbs has the RFC 6238 TOTP.
func counterStore(t *testing.T) (*Store, *time.Time, string) {
	t.Helper()
	now := time.Unix(1700000000, 0)
	s, clock := tfaStore(t, now)
	k := testKey("john@pbs")
	if _, err := s.AddTOTP("john@pbs", strp("phone"), k, code(t, k, now)); err != nil {
		t.Fatal(err)
	}
	return s, clock, filepath.Join(s.Dir, ChallengesSubdir, "john@pbs")
}

func readCounters(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTFACountersFailedWriteKeepsCount: a write of the counters that fails
// (injected) leaves the previous count, which the next failure continues;
// the 8th counted failure locks TOTP.
func TestTFACountersFailedWriteKeepsCount(t *testing.T) {
	s, _, path := counterStore(t)
	for range 3 {
		verify(t, s, "john@pbs", "totp:000000")
	}
	if got := readCounters(t, path); got != `{"totp_failures":3,"tfa_failures":3}` {
		t.Fatalf("after 3 failures: %s", got)
	}
	defer func() { replaceCounters = ReplaceFile }()
	for _, inject := range []func(string, []byte, os.FileMode) error{
		func(string, []byte, os.FileMode) error { return syscall.EIO }, // nothing written
		func(p string, _ []byte, m os.FileMode) error { // a temp file written, rename fails
			if err := os.WriteFile(p+".tmp_x", nil, m); err != nil {
				return err
			}
			return syscall.ENOSPC
		},
	} {
		replaceCounters = inject
		if _, err := s.VerifyTFA("john@pbs", "totp:000000"); err == nil || !strings.Contains(err.Error(), "failed to update challenge file") {
			t.Fatalf("failed write: %v", err)
		}
		if got := readCounters(t, path); got != `{"totp_failures":3,"tfa_failures":3}` {
			t.Fatalf("a failed write changed the count: %q", got)
		}
	}
	replaceCounters = ReplaceFile
	for i := 4; i <= 8; i++ {
		r := verify(t, s, "john@pbs", "totp:000000")
		if (i == 8) != r.TOTPLockedNow {
			t.Fatalf("failure %d: %+v", i, r)
		}
	}
}

// TestTFACountersUnreadableFailClosed: an empty, corrupt or oversized
// counters file counts as locked: a valid code and a recovery key are
// refused, nothing is counted or written; unlock rewrites the file and
// the user can log in again.
func TestTFACountersUnreadableFailClosed(t *testing.T) {
	for _, content := range []string{"", "\n", `{"totp_failures":7,`, `{"totp_failures":"x"}`, `[]`, strings.Repeat(" ", 1<<20+1)} {
		s, clock, path := counterStore(t)
		keys, err := s.AddRecovery("john@pbs")
		if err != nil {
			t.Fatal(err)
		}
		verify(t, s, "john@pbs", "totp:000000") // creates the file
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		tfaBefore := readCounters(t, filepath.Join(s.Dir, "tfa.json"))
		*clock = clock.Add(time.Minute)
		for _, resp := range []string{"totp:" + code(t, testKey("john@pbs"), *clock), "recovery:" + keys[0]} {
			r := verify(t, s, "john@pbs", resp)
			if r.OK || !r.Locked || !strings.Contains(r.Reason, "counts as locked until 'pxacl user tfa unlock john@pbs'") {
				t.Errorf("%q: %s accepted or not locked: %+v", content[:min(len(content), 20)], resp[:5], r.Outcome)
			}
		}
		if got := readCounters(t, path); got != content {
			t.Errorf("%q: the file changed: %q", content[:min(len(content), 20)], got)
		}
		if got := readCounters(t, filepath.Join(s.Dir, "tfa.json")); got != tfaBefore {
			t.Errorf("tfa.json changed")
		}
		if _, err := s.UnlockTFA("john@pbs"); err != nil {
			t.Fatal(err)
		}
		if got := readCounters(t, path); got != "{}" {
			t.Errorf("after unlock: %q", got)
		}
		if r := verify(t, s, "john@pbs", "totp:"+code(t, testKey("john@pbs"), *clock)); !r.OK {
			t.Errorf("after unlock: %+v", r.Outcome)
		}
	}
}

// TestTFACountersNoSymlinks: a symlink planted as a counters file, as the
// counters directory, or a FIFO as a counters file, is refused and never
// followed: the target is neither created nor changed, and no counter is
// reset.
func TestTFACountersNoSymlinks(t *testing.T) {
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	victimDir := t.TempDir()

	// a symlink as the user's counters file
	s, _, path := counterStore(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyTFA("john@pbs", "totp:000000"); err == nil || !strings.Contains(err.Error(), "is a symbolic link: refused, not followed") {
		t.Errorf("symlinked file: %v", err)
	}
	if _, err := s.UnlockTFA("john@pbs"); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("unlock through a symlinked file: %v", err)
	}
	if got := readCounters(t, victim); got != "precious" {
		t.Errorf("the symlink's target was written: %q", got)
	}
	// a dangling symlink: its target is not created
	os.Remove(path)
	dangling := filepath.Join(victimDir, "created")
	if err := os.Symlink(dangling, path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyTFA("john@pbs", "totp:000000"); err == nil {
		t.Error("dangling symlink followed")
	}
	if _, err := os.Lstat(dangling); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dangling symlink's target was created: %v", err)
	}

	// a FIFO as the counters file
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := s.VerifyTFA("john@pbs", "totp:000000"); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a FIFO as counters file hangs verify")
	}

	// a symlink as the counters directory
	s2, _, path2 := counterStore(t)
	if err := os.Symlink(victimDir, filepath.Dir(path2)); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.VerifyTFA("john@pbs", "totp:000000"); err == nil || !strings.Contains(err.Error(), "is not a directory (a symbolic link or another file): refused, not followed") {
		t.Errorf("symlinked dir: %v", err)
	}
	if err := s2.RemoveUser("john@pbs", ""); err == nil || !strings.Contains(err.Error(), "refused, not followed") {
		t.Errorf("user remove through a symlinked counters dir: %v", err)
	}
	if entries, _ := os.ReadDir(victimDir); len(entries) != 0 {
		t.Errorf("files created through the symlinked counters dir: %v", entries)
	}
}

// TestTFACountersWorldWritableDir: a counters directory every user may
// write is refused.
func TestTFACountersWorldWritableDir(t *testing.T) {
	s, _, path := counterStore(t)
	if err := os.Mkdir(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(path), 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyTFA("john@pbs", "totp:000000"); err == nil || !strings.Contains(err.Error(), "writable by every user") {
		t.Errorf("world-writable dir: %v", err)
	}
}

// TestTFACountersNewFileNeverEmpty: a new counters file holds "{}" from the
// start (created by link, not by open), and concurrent creators agree.
func TestTFACountersNewFileNeverEmpty(t *testing.T) {
	s, _, path := counterStore(t)
	c, err := s.openChallenge("john@pbs", true)
	if err != nil {
		t.Fatal(err)
	}
	if c.broken != "" || readCounters(t, path) != "{}" {
		t.Errorf("new file: %q %q", c.broken, readCounters(t, path))
	}
	c.close()
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temp files left: %v", entries)
	}
}
