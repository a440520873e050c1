package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintExample runs `pxacl lint` on examples/pbs: one warning and four
// infos, so exit 0 at the default --fail-level error and 1 at warning.
func TestLintExample(t *testing.T) {
	r := runPxacl(t, "lint", "--config-dir", examplesDir())
	if r.code != 0 {
		t.Fatalf("want exit 0: %v", r)
	}
	acl := filepath.Join(examplesDir(), "acl.cfg")
	for _, w := range []string{
		acl + ":1: warning [admin-on-root] admin@pbs has Admin on /",
		acl + ":3: info [token-clamped] token pve-backup-user@pbs!pve-node-01 asks for Datastore.Audit, Datastore.Read, Datastore.Verify on /datastore/store1 in vain",
		filepath.Join(examplesDir(), "user.cfg") + ":10: info [token-no-expiry] token john@pbs!client1 never expires",
		"    fix: ",
		"5 findings: 0 errors, 1 warnings, 4 infos",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("missing %q in:\n%s", w, r.stdout)
		}
	}
	if r := runPxacl(t, "lint", "--config-dir", examplesDir(), "--fail-level", "warning"); r.code != 1 {
		t.Errorf("--fail-level warning: want exit 1: %v", r)
	}
	if r := runPxacl(t, "lint", "--config-dir", examplesDir(), "--fail-level", "nope"); r.code != 2 {
		t.Errorf("bad --fail-level: want exit 2: %v", r)
	}
}

func TestLintJSONAndErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"user.cfg": "user: john@pbs\n",
		"acl.cfg":  "acl:1:/datastore/a:john@pbs:DatastoreReader\nacl:1:/datastore/a:ghost@pbs:DatastoreReader\nacl:1:/:@ops:Audit\n",
	})
	r := runPxacl(t, "lint", "--config-dir", dir, "--output-format", "json")
	if r.code != 1 {
		t.Fatalf("want exit 1 (an error finding): %v", r)
	}
	var out struct {
		Findings []struct {
			Severity, Code, File, Subject, Path, Message, Fix string
			Line                                              int
		}
		Errors, Warnings, Infos int
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if out.Errors != 1 || out.Warnings != 1 || len(out.Findings) != 2 {
		t.Fatalf("%+v", out)
	}
	f := out.Findings[0]
	if f.Severity != "error" || f.Code != "unknown-subject" || f.Line != 2 || f.Subject != "ghost@pbs" || filepath.Base(f.File) != "acl.cfg" || f.Fix == "" {
		t.Errorf("%+v", f)
	}
	if g := out.Findings[1]; g.Code != "group-acl" || g.Line != 3 || g.Severity != "warning" {
		t.Errorf("%+v", g)
	}
	// bad input: acl.cfg that does not parse
	writeFiles(t, dir, map[string]string{"acl.cfg": "acl:1:/:john@pbs:NoSuchRole\n"})
	if r := runPxacl(t, "lint", "--config-dir", dir); r.code != 2 || !strings.Contains(r.stderr, "acl.cfg:1") {
		t.Errorf("want exit 2 with acl.cfg:1: %v", r)
	}
}

// TestLintREADME: the lint output shown in README.md is the real one.
func TestLintREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	r := runPxacl(t, "lint", "--config-dir", examplesDir())
	out := strings.ReplaceAll(r.stdout, moduleRoot+string(filepath.Separator), "")
	if !strings.Contains(string(readme), "$ pxacl lint --config-dir examples/pbs\n"+out+"$ echo $?\n0\n") {
		t.Errorf("README.md does not show the output of `pxacl lint --config-dir examples/pbs`:\n%s", out)
	}
}
