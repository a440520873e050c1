package tests

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyTestExamples runs `pxacl test tests/examples`: the shipped
// hardening assertions pass on examples/pbs.
func TestPolicyTestExamples(t *testing.T) {
	r := runPxacl(t, "test", filepath.Join(moduleRoot, "tests", "examples"))
	if r.code != 0 {
		t.Fatalf("want exit 0: %v", r)
	}
	if !strings.Contains(r.stdout, "PASS  node token backs up but cannot prune") || strings.Contains(r.stdout, "FAIL") ||
		!strings.Contains(r.stdout, ", 0 failed") {
		t.Errorf("output:\n%s", r.stdout)
	}
}

// policyTestFile writes a test file next to a copy of examples/pbs.
func policyTestFile(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := copyDir(t, examplesDir())
	if err := os.Rename(cfg, filepath.Join(dir, "etc")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"perm.yaml": "config: etc\n" + body})
	return filepath.Join(dir, "perm.yaml")
}

const failingPolicyTests = `tests:
  - name: offsite token is read-only
    auth_id: "remote-pull-user@pbs!offsite-token"
    path: /datastore/store1
    deny: [Datastore.Backup]
  - name: node token can prune
    auth_id: "pve-backup-user@pbs!pve-node-01"
    path: /datastore/store1
    allow: [Datastore.Prune]
`

func TestPolicyTestFailing(t *testing.T) {
	file := policyTestFile(t, failingPolicyTests)
	r := runPxacl(t, "test", file)
	if r.code != 1 {
		t.Fatalf("want exit 1: %v", r)
	}
	for _, w := range []string{
		"PASS  offsite token is read-only",
		"FAIL  node token can prune (line 7)",
		"pve-backup-user@pbs!pve-node-01 on /datastore/store1: expected allowed [Datastore.Prune], got denied",
		"| DENIED: pve-backup-user@pbs!pve-node-01 on /datastore/store1, all of [Datastore.Prune]",
		"Token clamp",
		"2 tests, 1 passed, 1 failed",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, r.stdout)
		}
	}

	// --format json
	r = runPxacl(t, "test", "--format", "json", file)
	var s struct {
		Failed int `json:"failed"`
		Files  []struct {
			Tests []struct {
				Name     string `json:"name"`
				Passed   bool   `json:"passed"`
				Failures []struct {
					AuthID     string   `json:"auth_id"`
					Path       string   `json:"path"`
					Check      string   `json:"check"`
					Privileges []string `json:"privileges"`
				} `json:"failures"`
			} `json:"tests"`
		} `json:"files"`
	}
	if r.code != 1 {
		t.Fatalf("json: want exit 1: %v", r)
	}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	if s.Failed != 1 || len(s.Files) != 1 || len(s.Files[0].Tests) != 2 {
		t.Fatalf("json: %+v", s)
	}
	f := s.Files[0].Tests[1].Failures
	if len(f) != 1 || f[0].AuthID != "pve-backup-user@pbs!pve-node-01" || f[0].Check != "allow" || f[0].Privileges[0] != "Datastore.Prune" {
		t.Errorf("json failure: %+v", f)
	}
}

func TestPolicyTestJUnit(t *testing.T) {
	file := policyTestFile(t, failingPolicyTests)
	out := filepath.Join(t.TempDir(), "junit.xml")
	r := runPxacl(t, "test", "--junit", out, file, filepath.Join(moduleRoot, "tests", "examples"))
	if r.code != 1 {
		t.Fatalf("want exit 1: %v", r)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &j); err != nil {
		t.Fatalf("junit XML: %v\n%s", err, data)
	}
	// perm.yaml, pbs-hardening.yaml and pbs_invariants_test.rego
	if len(j.Suites) != 3 || j.Failures != 1 || j.Suites[0].Name != file || j.Suites[0].Tests != 2 || j.Suites[0].Failures != 1 ||
		j.Suites[1].Failures != 0 || j.Suites[1].Tests < 10 || j.Suites[2].Failures != 0 || j.Suites[2].Tests != 4 {
		t.Fatalf("junit: %+v", j)
	}
	c := j.Suites[0].Cases[1]
	if c.Name != "node token can prune" || c.Failure == nil || !strings.Contains(c.Failure.Message, "expected allowed [Datastore.Prune]") ||
		!strings.Contains(c.Failure.Text, "Token clamp") {
		t.Errorf("junit failing case: %+v", c)
	}
}

func TestPolicyTestBadFile(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"unknown privilege", "tests:\n  - name: n\n    auth_id: john@pbs\n    path: /\n    deny: [Sys.Modfy]\n", `perm.yaml:6: deny: unknown privilege "Sys.Modfy"`},
		{"unknown key", "tests:\n  - name: n\n    auth_id: john@pbs\n    path: /\n    denny: [Sys.Modify]\n", `perm.yaml:6: unknown key "denny"`},
		{"missing auth_id", "tests:\n  - name: n\n    path: /\n    deny: [Sys.Modify]\n", `perm.yaml:3: test "n": missing auth_id`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := policyTestFile(t, c.body)
			junit := filepath.Join(t.TempDir(), "junit.xml")
			r := runPxacl(t, "test", "--junit", junit, file)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("want exit 2 and %q: %v", c.want, r)
			}
			if r.stdout != "" {
				t.Errorf("a bad file must stop before any test runs: %q", r.stdout)
			}
		})
	}
	// a directory holding a broken file is exit 2 too
	dir := filepath.Dir(policyTestFile(t, "tests:\n  - name: x\n    bogus: 1\n"))
	if r := runPxacl(t, "test", dir); r.code != 2 || !strings.Contains(r.stderr, `unknown key "bogus"`) {
		t.Errorf("directory with a broken file: %v", r)
	}
	// no test files at all
	if r := runPxacl(t, "test", t.TempDir()); r.code != 2 || !strings.Contains(r.stderr, "no test files") {
		t.Errorf("empty directory: %v", r)
	}
}

// TestPolicyTestConfigDirFallback: a file without config: uses --config-dir.
func TestPolicyTestConfigDirFallback(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yml": "tests:\n  - name: admin\n    auth_id: admin@pbs\n    path: /\n    allow: [Permissions.Modify]\n"})
	r := runPxacl(t, "--config-dir", examplesDir(), "test", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "PASS  admin") {
		t.Errorf("want exit 0: %v", r)
	}
	// without --config-dir the default (here a nonexistent dir) fails as a bad file
	if r := runPxacl(t, "test", dir); r.code != 2 {
		t.Errorf("want exit 2: %v", r)
	}
}

// TestPolicyTestREADME: the outputs shown in README.md are the real ones.
func TestPolicyTestREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"tests/examples", "policytest/testdata/failing.yaml", "policytest/testdata/rego/fail_test.rego"} {
		r := runPxacl(t, "test", filepath.Join(moduleRoot, arg))
		// the binary is run with absolute paths; the README shows relative ones
		out := strings.ReplaceAll(r.stdout, moduleRoot+string(filepath.Separator), "")
		if !strings.Contains(string(readme), "$ pxacl test "+arg+"\n"+out) {
			t.Errorf("README.md does not show the output of `pxacl test %s`:\n%s", arg, out)
		}
	}
}
