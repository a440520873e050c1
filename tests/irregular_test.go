package tests

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runBounded runs pxacl with a deadline and returns its result and peak
// memory (max RSS, bytes); a run that outlives the deadline fails the test
// instead of hanging it.
func runBounded(t *testing.T, timeout time.Duration, args ...string) (cliResult, int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, pxaclBin, args...)
	cmd.Env = append(os.Environ(), "PXACL_CONFIG_DIR=/nonexistent-pxacl-config-dir")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("pxacl %q did not end within %v (killed): %s", args, timeout, res)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		res.code = ee.ExitCode()
	default:
		t.Fatalf("running pxacl %q: %v (stderr %q)", args, err, res.stderr)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024 // kilobytes on Linux
	}
	t.Logf("pxacl %q: %v, max RSS %d MB", args, time.Since(start).Round(time.Millisecond), rss>>20)
	return res, rss
}

// lsnapshot maps every name in dir to its type and, for regular files, the
// SHA-256 of the content. It never opens anything but regular files, so a
// FIFO in dir cannot hang it.
func lsnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		st, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Mode().IsRegular() {
			target, _ := os.Readlink(p)
			out[e.Name()] = st.Mode().Type().String() + " " + target
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:])
	}
	return out
}

// TestIrregularConfigFiles: a config file that is a FIFO or a symlink to
// /dev/zero is refused promptly with exit 2 and a message naming the file
// and its type, in bounded memory, and nothing in the directory changes
// (lock files aside). A FIFO used to hang every command; /dev/zero ate
// memory without bound.
func TestIrregularConfigFiles(t *testing.T) {
	const (
		timeout = 20 * time.Second
		maxRSS  = 400 << 20 // far below what reading /dev/zero to 256 MiB would need and far above pxacl's few tens of MB
	)
	pveUser := "user:alice@pve:1:0::::::\nacl:1:/vms:alice@pve:PVEVMUser:\n"
	for _, tc := range []struct {
		name   string
		flavor string // "pve" or PBS (example config)
		file   string // the irregular file
		kind   string // "fifo" or "zero"
		args   []string
		want   string // in stderr, after "<dir>/"
	}{
		{"check/acl-fifo", "", "acl.cfg", "fifo", []string{"check", "john@pbs", "/datastore/store1", "Datastore.Read"}, "acl.cfg: not a regular file (fifo)"},
		{"check/acl-zero", "", "acl.cfg", "zero", []string{"check", "john@pbs", "/datastore/store1", "Datastore.Read"}, "acl.cfg: not a regular file (character device)"},
		{"check/user-fifo", "", "user.cfg", "fifo", []string{"check", "john@pbs", "/datastore/store1", "Datastore.Read"}, "user.cfg: not a regular file (fifo)"},
		{"check/domains-fifo", "", "domains.cfg", "fifo", []string{"check", "john@pbs", "/datastore/store1", "Datastore.Read"}, "domains.cfg: not a regular file (fifo)"},
		{"bundle/acl-fifo", "", "acl.cfg", "fifo", []string{"bundle", "build", "-o", "OUT"}, "acl.cfg: not a regular file (fifo)"},
		{"lint/acl-zero", "", "acl.cfg", "zero", []string{"lint"}, "acl.cfg: not a regular file (character device)"},
		{"acl-list/acl-fifo", "", "acl.cfg", "fifo", []string{"acl", "list"}, "acl.cfg: not a regular file (fifo)"},
		{"acl-update/acl-zero", "", "acl.cfg", "zero", []string{"acl", "update", "/", "Audit", "--auth-id", "john@pbs"}, "acl.cfg: not a regular file (character device)"},
		{"user-list/user-zero", "", "user.cfg", "zero", []string{"user", "list"}, "user.cfg: not a regular file (character device)"},
		{"generate-token/token.shadow-fifo", "", "token.shadow", "fifo", []string{"user", "generate-token", "john@pbs", "new"}, "token.shadow: not a regular file (fifo)"},
		{"update-password/shadow.json-zero", "", "shadow.json", "zero", []string{"user", "update", "john@pbs", "--password", "a-good-password"}, "shadow.json: not a regular file (character device)"},
		{"tfa-list/tfa.json-fifo", "", "tfa.json", "fifo", []string{"user", "tfa", "list", "john@pbs"}, "tfa.json: not a regular file (fifo)"},
		{"pve-check/user-fifo", "pve", "user.cfg", "fifo", []string{"check", "alice@pve", "/vms/101", "VM.Audit"}, "user.cfg: not a regular file (fifo)"},
		{"pve-check/user-zero", "pve", "user.cfg", "zero", []string{"check", "alice@pve", "/vms/101", "VM.Audit"}, "user.cfg: not a regular file (character device)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var dir string
			var flags []string
			if tc.flavor == "pve" {
				dir = t.TempDir()
				writeFiles(t, dir, map[string]string{"user.cfg": pveUser})
				flags = []string{"--flavor", "pve"}
			} else {
				dir = copyDir(t, examplesDir())
			}
			p := filepath.Join(dir, tc.file)
			os.Remove(p)
			var err error
			if tc.kind == "fifo" {
				err = syscall.Mkfifo(p, 0o640)
			} else {
				err = os.Symlink("/dev/zero", p)
			}
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "bundle.tar.gz")
			args := append([]string{"--config-dir", dir}, flags...)
			for _, a := range tc.args {
				if a == "OUT" {
					a = out
				}
				args = append(args, a)
			}
			before := lsnapshot(t, dir)
			r, rss := runBounded(t, timeout, args...)
			if r.code != 2 || !strings.Contains(r.stderr, filepath.Join(dir, tc.want)) {
				t.Errorf("got %s; want exit 2 and %q in stderr", r, filepath.Join(dir, tc.want))
			}
			if rss > maxRSS {
				t.Errorf("max RSS %d MB, want at most %d MB", rss>>20, maxRSS>>20)
			}
			after := lsnapshot(t, dir)
			for name := range after { // lock files may be created
				if strings.HasSuffix(name, ".lck") || strings.HasSuffix(name, ".lock") {
					delete(after, name)
				}
			}
			if !reflect.DeepEqual(before, after) {
				t.Errorf("the directory changed:\nbefore %v\nafter  %v", before, after)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a bundle was written")
			}
		})
	}
}

// A FIFO or /dev/zero tfa.json neither hangs nor floods the permission
// commands: no permission depends on tfa.json (PBS reads it only at login),
// so they warn once and answer.
func TestIrregularTFAFileQueriesAnswer(t *testing.T) {
	for _, kind := range []string{"fifo", "zero"} {
		for _, args := range [][]string{
			{"check", "john@pbs", "/datastore/store1", "Datastore.Read"},
			{"bundle", "build", "-o", "OUT"},
		} {
			t.Run(kind+"/"+args[0], func(t *testing.T) {
				dir := copyDir(t, examplesDir())
				p := filepath.Join(dir, "tfa.json")
				os.Remove(p)
				var err error
				if kind == "fifo" {
					err = syscall.Mkfifo(p, 0o600)
				} else {
					err = os.Symlink("/dev/zero", p)
				}
				if err != nil {
					t.Fatal(err)
				}
				full := []string{"--config-dir", dir}
				for _, a := range args {
					if a == "OUT" {
						a = filepath.Join(t.TempDir(), "b.tar.gz")
					}
					full = append(full, a)
				}
				r, _ := runBounded(t, 20*time.Second, full...)
				if r.code != 0 || strings.Count(r.stderr, "warning: ") != 1 || !strings.Contains(r.stderr, "tfa.json: not a regular file") {
					t.Errorf("got %s; want exit 0 and one warning naming tfa.json", r)
				}
			})
		}
	}
}
