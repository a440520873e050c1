package tests

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// regoTestDir writes Rego test files next to a copy of examples/pbs (etc).
func regoTestDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Rename(copyDir(t, examplesDir()), filepath.Join(dir, "etc")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, files)
	return dir
}

const passingRego = `# pxacl:config etc
package ok_test

import data.pxacl

test_no_token_can_modify_permissions if {
	every id, _ in pxacl.tokens {
		every path, _ in pxacl.nodes {
			not pxacl.allow with input as {"auth_id": id, "path": path, "privileges": ["Permissions.Modify"]}
		}
	}
}
`

const failingRego = `# pxacl:config etc
package bad_test

import data.pxacl

test_node_token_can_prune if {
	pxacl.allow with input as {"auth_id": "pve-backup-user@pbs!pve-node-01", "path": "/datastore/store1", "privileges": ["Datastore.Prune"]}
}
`

// TestRegoExample: the shipped tests/examples/pbs_invariants_test.rego
// passes on examples/pbs.
func TestRegoExample(t *testing.T) {
	r := runPxacl(t, "test", filepath.Join(moduleRoot, "tests", "examples", "pbs_invariants_test.rego"))
	if r.code != 0 {
		t.Fatalf("want exit 0: %v", r)
	}
	for _, w := range []string{"PASS  data.pbs_invariants_test.test_no_token_can_modify_permissions", "4 tests, 4 passed, 0 failed"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("missing %q in:\n%s", w, r.stdout)
		}
	}
}

func TestRegoPassAndFail(t *testing.T) {
	dir := regoTestDir(t, map[string]string{"ok_test.rego": passingRego})
	if r := runPxacl(t, "test", dir); r.code != 0 || !strings.Contains(r.stdout, "PASS  data.ok_test.test_no_token_can_modify_permissions") {
		t.Fatalf("want exit 0: %v", r)
	}
	writeFiles(t, dir, map[string]string{"bad_test.rego": failingRego})
	junit := filepath.Join(t.TempDir(), "junit.xml")
	r := runPxacl(t, "test", "--junit", junit, dir)
	if r.code != 1 {
		t.Fatalf("want exit 1: %v", r)
	}
	for _, w := range []string{
		"  FAIL  data.bad_test.test_node_token_can_prune (line 6)",
		"test failed: data.bad_test.test_node_token_can_prune is false or undefined",
		"2 tests, 1 passed, 1 failed",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("missing %q in:\n%s", w, r.stdout)
		}
	}
	raw, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(raw, &suites); err != nil || suites.Tests != 2 || suites.Failures != 1 {
		t.Errorf("junit %+v %v:\n%s", suites, err, raw)
	}
	r = runPxacl(t, "test", "--format", "json", filepath.Join(dir, "bad_test.rego"))
	var s struct {
		Failed int
		Files  []struct {
			Tests []struct {
				Name     string
				Line     int
				Failures []struct{ Check string }
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || r.code != 1 || s.Failed != 1 ||
		s.Files[0].Tests[0].Line != 6 || s.Files[0].Tests[0].Failures[0].Check != "rego" {
		t.Errorf("json %+v %v: %v", s, err, r)
	}
}

func TestRegoSyntaxError(t *testing.T) {
	dir := regoTestDir(t, map[string]string{
		"ok_test.rego":     passingRego,
		"syntax_test.rego": "# pxacl:config etc\npackage syntax_test\n\ntest_x if {\n\t1 ==\n}\n",
	})
	r := runPxacl(t, "test", dir)
	if r.code != 2 || !strings.Contains(r.stderr, filepath.Join(dir, "syntax_test.rego")+":6: rego_parse_error") || r.stdout != "" {
		t.Fatalf("want exit 2 with file:line: %v", r)
	}
}
