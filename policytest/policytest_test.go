package policytest

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		file string
		line int
		want string
	}{
		{"unknown-privilege.yaml", 6, `unknown privilege "Datastore.Purge"`},
		{"bad-key.yaml", 6, `unknown key "alow"`},
		{"missing-auth-id.yaml", 7, `test "who?": missing auth_id`},
		{"role-not-privilege.yaml", 6, `"DatastoreAdmin" is a role, not a privilege`},
		{"invalid-yaml.yaml", 5, "invalid YAML"},
		{"not-a-test.yaml", 2, `unknown key "scenarios"`},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", c.file)
			_, err := ParseFile(path)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("want a *FileError, got %v", err)
			}
			if fe.Line != c.line || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %q (line %d), want line %d and %q", err, fe.Line, c.line, c.want)
			}
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Errorf("%q does not start with file:line", err)
			}
		})
	}
}

func TestParseInline(t *testing.T) {
	head := "config: x\ntests:\n"
	cases := []struct {
		name, yaml, want string
		line             int
	}{
		{"top-level key", "confg: x\ntests: []\n", `unknown key "confg"`, 1},
		{"no tests", "config: x\n", "missing `tests:` list", 1},
		{"empty tests", "tests: []\n", "tests: the list is empty", 1},
		{"no name", head + "  - auth_id: a@pbs\n    path: /\n    allow: [Sys.Audit]\n", "test without a name", 3},
		{"no path", head + "  - name: n\n    auth_id: a@pbs\n    allow: [Sys.Audit]\n", "missing path", 3},
		{"nothing to check", head + "  - name: n\n    auth_id: a@pbs\n    path: /\n", "nothing to check", 3},
		{"bad auth id", head + "  - name: n\n    auth_id: nobody\n    path: /\n    allow: [Sys.Audit]\n", "invalid auth id", 4},
		{"relative path", head + "  - name: n\n    auth_id: a@pbs\n    path: datastore\n    allow: [Sys.Audit]\n", "not absolute", 5},
		// one query-path rule for every command (aclpath, pbs §7, pve §6)
		{"dotted path", head + "  - name: n\n    auth_id: a@pbs\n    path: /datastore/s1/../secret\n    allow: [Sys.Audit]\n", "'.' or '..' component", 5},
		{"empty path", head + "  - name: n\n    auth_id: a@pbs\n    path: \"\"\n    allow: [Sys.Audit]\n", "invalid ACL path '': empty", 5},
		{"path with a space", head + "  - name: n\n    auth_id: a@pbs\n    path: /datastore/st ore\n    allow: [Sys.Audit]\n", "component 'st ore'", 5},
		// values are shown escaped (internal/safetext): no raw ESC
		{"ESC in a privilege", head + "  - name: n\n    auth_id: a@pbs\n    path: /\n    allow: [\"Sys.\\e[2J\"]\n", `unknown privilege "Sys.\x1b[2J"`, 6},
		{"dotted for_all path", head + "  - name: n\n    auth_id: a@pbs\n    for_all: {paths: [/datastore/*/..]}\n    allow: [Sys.Audit]\n", "without '.' or '..'", 5},
		{"who_can without exactly", head + "  - name: n\n    path: /\n    who_can: {privilege: Sys.Audit}\n", "missing exactly", 5},
		{"who_can with auth_id", head + "  - name: n\n    auth_id: a@pbs\n    path: /\n    who_can: {privilege: Sys.Audit, exactly: []}\n", "who_can takes only a path", 3},
		{"who_can unknown privilege", head + "  - name: n\n    path: /\n    who_can: {privilege: Sys.Nope, exactly: []}\n", `unknown privilege "Sys.Nope"`, 5},
		{"permissions not bool", head + "  - name: n\n    auth_id: a@pbs\n    path: /\n    permissions: {Sys.Audit: 1}\n", "must be true or false", 6},
		{"permissions unknown", head + "  - name: n\n    auth_id: a@pbs\n    path: /\n    permissions: {Sys.Nope: true}\n", `unknown privilege "Sys.Nope"`, 6},
		{"for_all key", head + "  - name: n\n    for_all: {ids: \"*\"}\n    path: /\n    deny: [Sys.Audit]\n", `unknown key "ids" in for_all`, 4},
		{"auth_id and for_all", head + "  - name: n\n    auth_id: a@pbs\n    for_all: {auth_ids: \"*\"}\n    path: /\n    deny: [Sys.Audit]\n", "not both", 3},
		{"now not int", head + "  - name: n\n    auth_id: a@pbs\n    path: /\n    now: soon\n    deny: [Sys.Audit]\n", "now: must be an integer", 6},
		{"duplicate name", head + "  - name: n\n    auth_id: a@pbs\n    path: /\n    deny: [Sys.Audit]\n  - name: n\n    auth_id: a@pbs\n    path: /\n    deny: [Sys.Audit]\n", "duplicate test name", 7},
		{"unknown not bool", head + "  - name: n\n    auth_id: a@pbs\n    path: /\n    unknown: yes please\n    deny: [Sys.Audit]\n", "unknown: must be true or false", 6},
		{"unknown with allow", head + "  - name: n\n    auth_id: a@pbs\n    path: /\n    unknown: true\n    allow: [Sys.Audit]\n", `test "n": unknown: true does not go with allow`, 3},
		{"unknown with who_can", head + "  - name: n\n    path: /\n    unknown: true\n    who_can: {privilege: Sys.Audit, exactly: []}\n", "unknown: true does not go with who_can", 3},
		{"unknown with for_all", head + "  - name: n\n    for_all: {auth_ids: \"*\"}\n    path: /\n    unknown: true\n    deny: [Sys.Audit]\n", "unknown: true needs auth_id", 3},
		{"duplicate key", head + "  - name: n\n    name: m\n    auth_id: a@pbs\n    path: /\n    deny: [Sys.Audit]\n", "duplicate key \"name\" (already defined at line 3)", 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(c.yaml))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("want a *FileError, got %v", err)
			}
			if !strings.Contains(err.Error(), c.want) || fe.Line != c.line {
				t.Errorf("got %q (line %d), want %q at line %d", err, fe.Line, c.want, c.line)
			}
		})
	}
}

func TestParseGood(t *testing.T) {
	f, err := ParseFile(filepath.Join("..", "tests", "examples", "pbs-hardening.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("..", "examples", "pbs"); f.Config != want {
		t.Errorf("config %q, want %q (relative to the file)", f.Config, want)
	}
	if len(f.Tests) < 10 {
		t.Errorf("only %d tests", len(f.Tests))
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		pattern, s string
		sep        byte
		want       bool
	}{
		{"*!*", "john@pbs!client1", 0, true},
		{"*!*", "john@pbs", 0, false},
		{"*", "john@pbs!client1", 0, true},
		{"*@pbs", "john@pbs", 0, true},
		{"*@pbs", "root@pam", 0, false},
		{"john@pbs!*", "john@pbs!client1", 0, true},
		{"/datastore/*", "/datastore/store1", '/', true},
		{"/datastore/*", "/datastore/store1/ns1", '/', false},
		{"/datastore/*", "/datastore", '/', false},
		{"/datastore/*/*", "/datastore/store1/ns1", '/', true},
		{"/", "/", '/', true},
		{"/*", "/system", '/', true},
	}
	for _, c := range cases {
		if got := Glob(c.pattern, c.s, c.sep); got != c.want {
			t.Errorf("Glob(%q, %q, %q) = %v, want %v", c.pattern, c.s, c.sep, got, c.want)
		}
	}
}

func runFile(t *testing.T, path string) *FileResult {
	t.Helper()
	f, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{DefaultConfig: "/nonexistent"}
	fr, err := r.Run(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return fr
}

func TestRunExample(t *testing.T) {
	fr := runFile(t, filepath.Join("..", "tests", "examples", "pbs-hardening.yaml"))
	for _, r := range fr.Tests {
		if !r.Passed || r.Cases == 0 {
			t.Errorf("%s: passed %v after %d cases: %+v", r.Name, r.Passed, r.Cases, r.Failures)
		}
	}
}

func TestRunFailures(t *testing.T) {
	fr := runFile(t, filepath.Join("testdata", "quantifiers.yaml"))
	type want struct {
		passed   bool
		failures []string // substrings of the messages, in order
	}
	wants := map[string]want{
		"tokens on datastores": {passed: true},
		"matches nothing":      {failures: []string{"matched no auth ids"}},
		"who can prune store1, with a missing and an extra holder": {failures: []string{
			"john@pbs holds Datastore.Prune", "pve-backup-user@pbs holds Datastore.Prune",
			"john@pbs!client1 is listed in who_can.exactly but does not hold"}},
		"permissions differ": {failures: []string{"Datastore.Audit propagate true, expected false; unexpected Datastore.Verify"}},
	}
	for _, r := range fr.Tests {
		w, ok := wants[r.Name]
		if !ok {
			t.Fatalf("unexpected test %q", r.Name)
		}
		if r.Passed != w.passed || len(r.Failures) != len(w.failures) {
			t.Errorf("%s: passed %v, failures %+v; want %+v", r.Name, r.Passed, r.Failures, w)
			continue
		}
		for i, f := range r.Failures {
			if !strings.Contains(f.Message, w.failures[i]) {
				t.Errorf("%s: failure %d %q, want %q", r.Name, i, f.Message, w.failures[i])
			}
			if f.Check != "for_all" && f.Explain == "" {
				t.Errorf("%s: failure %d has no explanation", r.Name, i)
			}
		}
	}
	// the "tokens on datastores" quantifier: 4 tokens × 1 datastore node
	if c := fr.Tests[0].Cases; c != 4 {
		t.Errorf("tokens on datastores: %d cases, want 4", c)
	}
}

func TestFailingCaseAndReports(t *testing.T) {
	fr := runFile(t, filepath.Join("testdata", "failing.yaml"))
	s := Summarize([]*FileResult{fr})
	if s.Tests != 2 || s.Passed != 1 || s.Failed != 1 {
		t.Fatalf("summary %+v", s)
	}
	f := fr.Tests[1].Failures[0]
	if f.AuthID != "pve-backup-user@pbs!pve-node-01" || f.Path != "/datastore/store1" || f.Check != "allow" ||
		!slices.Equal(f.Privileges, []string{"Datastore.Backup", "Datastore.Read"}) {
		t.Errorf("failure %+v", f)
	}
	if !strings.Contains(f.Explain, "Token clamp: dropped") {
		t.Errorf("explanation does not show the clamp:\n%s", f.Explain)
	}
	var text bytes.Buffer
	if err := s.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"PASS  node token backs up", "FAIL  node token can restore (line 9)", "2 tests, 1 passed, 1 failed"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("text output lacks %q:\n%s", w, text.String())
		}
	}
	var junit bytes.Buffer
	if err := s.WriteJUnit(&junit); err != nil {
		t.Fatal(err)
	}
	var parsed junitSuites
	if err := xml.Unmarshal(junit.Bytes(), &parsed); err != nil {
		t.Fatalf("junit: %v\n%s", err, junit.String())
	}
	if len(parsed.Suites) != 1 || parsed.Suites[0].Tests != 2 || parsed.Suites[0].Failures != 1 ||
		parsed.Suites[0].Cases[1].Failure == nil || parsed.Suites[0].Cases[0].Failure != nil {
		t.Errorf("junit %+v", parsed)
	}
}

func TestBadConfig(t *testing.T) {
	f, err := ParseFile(filepath.Join("testdata", "bad-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&Runner{}).Run(context.Background(), f)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 1 {
		t.Fatalf("want a *FileError at line 1, got %v", err)
	}
}

func TestDiscover(t *testing.T) {
	got, err := Discover([]string{"testdata"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range got {
		names = append(names, filepath.Base(p))
	}
	// not-a-test.yaml has no tests: key; invalid-yaml.yaml does not parse
	// but has one, so it is reported rather than skipped
	want := []string{"bad-config.yaml", "bad-key.yaml", "failing.yaml", "invalid-yaml.yaml", "missing-auth-id.yaml",
		"pve-unknown.yaml", "pve-wrong-flavor.yaml", "pve.yaml", "quantifiers.yaml", "role-not-privilege.yaml",
		"unknown-privilege.yaml", "unknown.yaml"}
	if !slices.Equal(names, want) {
		t.Errorf("Discover = %v, want %v", names, want)
	}
}

// The runner follows the configuration's flavor: PVE privileges and
// identities on a PVE user.cfg; a privilege of another flavor is a mistake
// in the test file (exit 2), reported with the test's line.
func TestRunPVE(t *testing.T) {
	fr := runFile(t, filepath.Join("testdata", "pve.yaml"))
	if len(fr.Tests) != 3 {
		t.Fatalf("got %d tests", len(fr.Tests))
	}
	for _, r := range fr.Tests {
		if !r.Passed || r.Cases == 0 {
			t.Errorf("%s: passed %v after %d cases: %+v", r.Name, r.Passed, r.Cases, r.Failures)
		}
	}
	f, err := ParseFile(filepath.Join("testdata", "pve-wrong-flavor.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&Runner{}).Run(context.Background(), f)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 3 || !strings.Contains(fe.Error(), `"Datastore.Backup" does not exist in the pve configuration`) {
		t.Fatalf("got %v", err)
	}
}

// A deny about an auth id that is not in the configuration fails, naming
// the test with file:line and the id ("no such user"), unless the test
// says `unknown: true`; with it, a configured id fails. Both flavors.
func TestRunUnknown(t *testing.T) {
	type want struct {
		passed  bool
		message string // substring of the only failure
	}
	for file, wants := range map[string]map[string]want{
		"unknown.yaml": {
			"a typo passes nothing":                    {message: `testdata/unknown.yaml:6: test "a typo passes nothing": no such user 'jonh@pbs': a deny about an auth id that is not in the configuration passes whatever the ACL says; fix the id, or add ` + "`unknown: true`"},
			"an unknown token of a known user":         {message: `unknown.yaml:10: test "an unknown token of a known user": no such token 'john@pbs!nope'`},
			"a departed user is gone and gets nothing": {passed: true},
			"a configured user is not unknown":         {message: `unknown.yaml:19: test "a configured user is not unknown": expected an auth id that is not in the configuration (unknown: true), but 'former@pbs' is configured`},
			"a disabled user is known and denied":      {passed: true},
			"a literal for_all id must exist too":      {message: `no such user 'ghost@pbs'`},
		},
		"pve-unknown.yaml": {
			"a typo on PVE":                           {message: `pve-unknown.yaml:5: test "a typo on PVE": no such user 'alcie@pve'`},
			"an expected unknown token on PVE":        {passed: true},
			"root is always known":                    {message: `but 'root@pam' is configured`},
			"a disabled PVE user is known and denied": {passed: true},
		},
	} {
		t.Run(file, func(t *testing.T) {
			fr := runFile(t, filepath.Join("testdata", file))
			if len(fr.Tests) != len(wants) {
				t.Fatalf("%d tests, want %d", len(fr.Tests), len(wants))
			}
			for _, r := range fr.Tests {
				w, ok := wants[r.Name]
				if !ok {
					t.Fatalf("unexpected test %q", r.Name)
				}
				if r.Passed != w.passed {
					t.Errorf("%s: passed %v, want %v: %+v", r.Name, r.Passed, w.passed, r.Failures)
					continue
				}
				if w.passed {
					if r.Cases == 0 {
						t.Errorf("%s: passed without a case", r.Name)
					}
					continue
				}
				if len(r.Failures) != 1 || !strings.Contains(r.Failures[0].Message, w.message) {
					t.Errorf("%s: failures %+v, want one with %q", r.Name, r.Failures, w.message)
				}
			}
		})
	}
}
