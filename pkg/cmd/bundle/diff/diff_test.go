package diff

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
)

func TestNewCmdDiff(t *testing.T) {
	for _, tc := range []struct{ args, old, new, out, err string }{
		{"a b", "a", "b", "delta.tar.gz", ""},
		{"a b -o -", "a", "b", "-", ""},
		{"a", "", "", "", "accepts 2 arg"},
	} {
		got, err := cmdtest.Parse(NewCmdDiff, tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || got.Old != tc.old || got.New != tc.new || got.Output != tc.out {
			t.Errorf("%q: err %v, got %+v", tc.args, err, got)
		}
	}
}

func buildFile(t *testing.T, dir, out string) {
	t.Helper()
	b, err := bundle.BuildDir(dir, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteFile(out); err != nil {
		t.Fatal(err)
	}
}

func TestDiffRun(t *testing.T) {
	tmp := t.TempDir()
	dir := cmdtest.CopyExample(t, "pbs")
	oldFile, newFile := filepath.Join(tmp, "old.tar.gz"), filepath.Join(tmp, "new.tar.gz")
	buildFile(t, dir, oldFile)
	acl, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
	acl = bytes.Replace(acl, []byte("acl:1:/:audit@pbs:Audit"), []byte("acl:1:/:audit@pbs:Admin"), 1)
	if err := os.WriteFile(filepath.Join(dir, "acl.cfg"), acl, 0o600); err != nil {
		t.Fatal(err)
	}
	buildFile(t, dir, newFile)
	out := filepath.Join(tmp, "delta.tar.gz")

	f, bufs := cmdutil.NewTestFactory(dir)
	if err := diffRun(&DiffOptions{IO: f.IOStreams, Config: f.Config, Old: oldFile, New: newFile, Output: out}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(bufs.Out.String(), "wrote "+out) {
		t.Errorf("output %q", bufs.Out.String())
	}
	raw, _ := os.ReadFile(out)
	b, err := opabundle.NewReader(bytes.NewReader(raw)).Read()
	if err != nil {
		t.Fatalf("OPA reads the delta: %v", err)
	}
	if b.Type() != opabundle.DeltaBundleType || len(b.Patch.Data) == 0 || len(b.Data) != 0 || len(b.Modules) != 0 {
		t.Fatalf("not a delta bundle: %+v", b)
	}
	for _, p := range b.Patch.Data {
		if !strings.HasPrefix(p.Path, "/pxacl/") {
			t.Errorf("patch outside the root: %+v", p)
		}
	}
	nb, _ := os.ReadFile(newFile)
	snap, err := opabundle.NewReader(bytes.NewReader(nb)).Read()
	if err != nil {
		t.Fatal(err)
	}
	if b.Manifest.Revision != snap.Manifest.Revision {
		t.Errorf("delta revision %s, want the new bundle's %s", b.Manifest.Revision, snap.Manifest.Revision)
	}

	// refusals: same data; not a bundle
	for _, tc := range []struct{ old, new, want string }{
		{newFile, newFile, "same data"},
		{filepath.Join(dir, "acl.cfg"), newFile, "not a gzipped bundle"},
		{out, newFile, "delta bundle"},
	} {
		f, _ := cmdutil.NewTestFactory(dir)
		err := diffRun(&DiffOptions{IO: f.IOStreams, Config: f.Config, Old: tc.old, New: tc.new, Output: filepath.Join(tmp, "x.tar.gz")})
		if cmdutil.ExitCode(err) != cmdutil.ExitBadInput || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: %v, want %q", tc.old, tc.new, err, tc.want)
		}
	}
}
