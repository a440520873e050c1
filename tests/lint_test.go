package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

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
	if out.Errors != 1 || out.Warnings != 2 || len(out.Findings) != 3 { // root@pam has no second factor (§9)
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

// TestLintPVE runs `pxacl lint` on examples/pve (five infos: exit 0, and 1
// at --fail-level info), then on a PVE 8 role with VM.Monitor and an ACL
// entry for an unknown token, in JSON.
func TestLintPVE(t *testing.T) {
	ex := filepath.Join(moduleRoot, "examples", "pve")
	r := runPxacl(t, "lint", "--config-dir", ex)
	if r.code != 0 {
		t.Fatalf("want exit 0: %v", r)
	}
	uc := filepath.Join(ex, "user.cfg")
	for _, w := range []string{
		uc + ":5: info [token-no-expiry] token druva@pam!backup never expires",
		uc + ":6: info [token-no-privsep] token druva@pam!full has all its owner's privileges (privsep=0)",
		"    fix: set privsep=1 and give it its own ACL",
		uc + ":18: info [token-clamped] token druva@pam!backup asks for Mapping.Audit, Pool.Audit, VM.GuestAgent.Audit on / in vain",
		"5 findings: 0 errors, 0 warnings, 5 infos",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("missing %q in:\n%s", w, r.stdout)
		}
	}
	if r := runPxacl(t, "lint", "--config-dir", ex, "--fail-level", "info"); r.code != 1 {
		t.Errorf("--fail-level info: want exit 1: %v", r)
	}

	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"user.cfg": "user:mon@pve:1:0::::::\nrole:Monitor:VM.Audit,VM.Monitor:\nacl:1:/vms:mon@pve:Monitor:\nacl:1:/:mon@pve!gone:PVEAuditor:\nacl:1:/:mon@pve:Administrator:\n",
	})
	r = runPxacl(t, "lint", "--config-dir", dir, "--flavor", "pve", "--pve-version", "8", "--output-format", "json", "--fail-level", "warning")
	if r.code != 1 {
		t.Fatalf("want exit 1: %v", r)
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
	var got []string
	for _, f := range out.Findings {
		got = append(got, fmt.Sprintf("%s:%d %s %s %s", filepath.Base(f.File), f.Line, f.Severity, f.Code, f.Subject))
		if f.Fix == "" || f.Message == "" {
			t.Errorf("%+v", f)
		}
	}
	want := []string{
		"user.cfg:2 warning removed-in-pve-9 Monitor",
		"user.cfg:4 error unknown-subject mon@pve!gone",
		"user.cfg:5 warning admin-on-root mon@pve",
	}
	if !slices.Equal(got, want) || out.Errors != 1 || out.Warnings != 2 || out.Infos != 0 {
		t.Errorf("got %q (%d/%d/%d), want %q", got, out.Errors, out.Warnings, out.Infos, want)
	}
	// PVE 9: VM.Monitor is gone, PVE warns and the finding is an info
	r = runPxacl(t, "lint", "--config-dir", dir, "--pve-version", "9")
	for _, w := range []string{
		":2: warning [pve-warning] PVE warns when reading user.cfg: user config - ignore invalid privilege 'VM.Monitor'",
		":2: info [removed-in-pve-9] role Monitor lists VM.Monitor, removed in PVE 9",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("missing %q in:\n%s", w, r.stdout)
		}
	}
	if r.code != 1 {
		t.Errorf("unknown token at default --fail-level error: want exit 1: %v", r)
	}

	readme, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	r = runPxacl(t, "lint", "--config-dir", ex)
	shown := strings.ReplaceAll(r.stdout, moduleRoot+string(filepath.Separator), "")
	if !strings.Contains(string(readme), "$ pxacl lint --config-dir examples/pve\n"+shown+"```") {
		t.Errorf("README.md does not show the output of `pxacl lint --config-dir examples/pve`:\n%s", shown)
	}
}
