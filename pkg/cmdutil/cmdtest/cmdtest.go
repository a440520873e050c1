// Package cmdtest holds what the command tests share: a fresh copy of an
// example configuration and a snapshot of a configuration directory's
// files, so that a test can check what a command wrote, or that it wrote
// nothing.
package cmdtest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// examplesDir is the repository's examples/ directory, found from this
// file's place in the source tree (tests run in their package directory).
func examplesDir(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cmdtest: cannot locate the source tree")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "examples")
}

// CopyExample copies examples/<name> (e.g. "pbs", "pve") into a new
// temporary directory and returns it.
func CopyExample(t testing.TB, name string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(examplesDir(t), name))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// ConfigFiles maps each configuration file under dir to its content; lock
// files (PBS's *.lck and *.lock, PVE's priv/lock) are left out.
func ConfigFiles(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || strings.HasSuffix(p, ".lck") || strings.HasSuffix(p, ".lock") || strings.Contains(p, "/priv/lock") {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
