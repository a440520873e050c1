package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/pveid"
)

// scenarioFile is one tests/scenarios/*.yaml file.
type scenarioFile struct {
	Description string            `yaml:"description"`
	Files       map[string]string `yaml:"files"`
	Cases       []scenarioCase    `yaml:"cases"`
}

// scenarioCase is one case. Pointers tell "absent" from "empty".
type scenarioCase struct {
	Name        string           `yaml:"name"`
	Ref         string           `yaml:"ref"`
	AuthID      *string          `yaml:"auth_id"`
	Path        *string          `yaml:"path"`
	Now         *int64           `yaml:"now"`
	Permissions *map[string]bool `yaml:"permissions"`
	Allow       []string         `yaml:"allow"`
	Deny        []string         `yaml:"deny"`
	AllowAny    []string         `yaml:"allow_any"`
	DenyAny     []string         `yaml:"deny_any"`
}

// decision is one allow query of a case and its expected answer.
type decision struct {
	label   string
	privs   []string
	partial bool
	want    bool
}

func (c scenarioCase) decisions() []decision {
	var ds []decision
	if len(c.Allow) > 0 {
		ds = append(ds, decision{fmt.Sprintf("allow %q", c.Allow), c.Allow, false, true})
	}
	for _, p := range c.Deny {
		ds = append(ds, decision{fmt.Sprintf("deny %q", p), []string{p}, false, false})
	}
	if len(c.AllowAny) > 0 {
		ds = append(ds, decision{fmt.Sprintf("allow_any %q", c.AllowAny), c.AllowAny, true, true})
	}
	if len(c.DenyAny) > 0 {
		ds = append(ds, decision{fmt.Sprintf("deny_any %q", c.DenyAny), c.DenyAny, true, false})
	}
	return ds
}

func (c scenarioCase) now() int64 {
	if c.Now == nil {
		return 0 // the clock
	}
	return *c.Now
}

// input is the OPA input document of a decision, as the evaluator builds
// it, plus "clock": the case's now, which the harness sets as OPA's clock
// (with time.now_ns as ...; input.now could only move it forward).
func (c scenarioCase) input(d *decision) map[string]any {
	in := map[string]any{"auth_id": *c.AuthID, "path": *c.Path}
	if d == nil {
		return in
	}
	privs := d.privs
	if privs == nil {
		privs = []string{}
	}
	in["privileges"] = privs
	if d.partial {
		in["partial"] = true
	}
	if c.Now != nil {
		in["clock"] = *c.Now
	}
	return in
}

func loadScenarioFile(t *testing.T, path string) scenarioFile {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var sf scenarioFile
	if err := dec.Decode(&sf); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if strings.TrimSpace(sf.Description) == "" {
		t.Fatalf("%s: no description", path)
	}
	if len(sf.Files) == 0 || len(sf.Cases) == 0 {
		t.Fatalf("%s: needs files and cases", path)
	}
	seen := map[string]bool{}
	for i, c := range sf.Cases {
		switch {
		case c.Name == "" || c.Ref == "":
			t.Fatalf("%s: case %d: name and ref are required", path, i)
		case seen[c.Name]:
			t.Fatalf("%s: duplicate case name %q", path, c.Name)
		case c.AuthID == nil || c.Path == nil:
			t.Fatalf("%s: case %s: auth_id and path are required", path, c.Name)
		case c.Permissions == nil && len(c.decisions()) == 0:
			t.Fatalf("%s: case %s: no expectation (permissions, allow, deny, allow_any, deny_any)", path, c.Name)
		}
		seen[c.Name] = true
	}
	return sf
}

// opaHarness evaluates every case of a scenario file in one `opa eval`.
// The Rego rules read `input`, so each case is evaluated with
// `... with input as q` inside functions of this helper module.
//
// Working combination (verified with OPA 1.22): `opa eval -b bundle.tar.gz
// -d harness.rego`. The bundle keeps its manifest roots ["pxacl"]; the -d
// module is loaded as a plain file outside any bundle, and its package
// pxacl_harness is not under the bundle root, so there is no root conflict.
const opaHarness = `package pxacl_harness

# clock_ns(q): the case's clock, else the real one
clock_ns(q) := q.clock * 1000000000 if q.clock

else := time.now_ns()

permissions_of(q) := p if {
	ns := clock_ns(q)
	p := data.pxacl.permissions with input as object.remove(q, ["clock"]) with time.now_ns as ns
}

allow_of(q) := a if {
	ns := clock_ns(q)
	a := data.pxacl.allow with input as object.remove(q, ["clock"]) with time.now_ns as ns
}

results := [r |
	some c in input.cases
	r := {
		"permissions": permissions_of(c.permissions),
		"allow": [allow_of(q) | some q in c.allow],
	}
]
`

type opaCaseResult struct {
	Permissions map[string]bool `json:"permissions"`
	Allow       []bool          `json:"allow"`
}

// opaEvalCases builds the bundle with `pxacl bundle build` and evaluates
// all cases with the real OPA CLI in one process.
func opaEvalCases(t *testing.T, confDir string, cases []scenarioCase) []opaCaseResult {
	t.Helper()
	opa := opaBin(t)
	work := t.TempDir()
	bundleFile := filepath.Join(work, "bundle.tar.gz")
	if r := runPxacl(t, "--config-dir", confDir, "bundle", "build", "-o", bundleFile); r.code != 0 {
		t.Fatalf("pxacl bundle build: %s", r)
	}
	harness := filepath.Join(work, "harness.rego")
	if err := os.WriteFile(harness, []byte(opaHarness), 0o644); err != nil {
		t.Fatal(err)
	}
	var in struct {
		Cases []map[string]any `json:"cases"`
	}
	for _, c := range cases {
		var allow []map[string]any
		for _, d := range c.decisions() {
			allow = append(allow, c.input(&d))
		}
		if allow == nil {
			allow = []map[string]any{}
		}
		in.Cases = append(in.Cases, map[string]any{"permissions": c.input(nil), "allow": allow})
	}
	inputFile := filepath.Join(work, "input.json")
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inputFile, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, opa, nil, "eval", "-b", bundleFile, "-d", harness, "-i", inputFile,
		"--format", "json", "data.pxacl_harness.results")
	if r.code != 0 {
		t.Fatalf("opa eval: %s", r)
	}
	var out struct {
		Result []struct {
			Expressions []struct {
				Value []opaCaseResult `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("opa eval output: %v\n%s", err, r.stdout)
	}
	if len(out.Result) != 1 || len(out.Result[0].Expressions) != 1 {
		t.Fatalf("opa eval: unexpected result shape: %s", r.stdout)
	}
	res := out.Result[0].Expressions[0].Value
	if len(res) != len(cases) {
		t.Fatalf("opa eval: %d results for %d cases", len(res), len(cases))
	}
	for i, c := range cases {
		if len(res[i].Allow) != len(c.decisions()) {
			t.Fatalf("opa eval: case %s: %d allow results for %d decisions", c.Name, len(res[i].Allow), len(c.decisions()))
		}
		if res[i].Permissions == nil {
			res[i].Permissions = map[string]bool{}
		}
	}
	return res
}

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(moduleRoot, "tests", "scenarios", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario files in tests/scenarios")
	}
	opaBin(t) // fail early and once when OPA is missing
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			t.Parallel()
			sf := loadScenarioFile(t, file)
			dir := t.TempDir()
			writeFiles(t, dir, sf.Files)
			flavor, err := config.DetectFlavor(dir, "")
			if err != nil {
				t.Fatal(err)
			}
			cat := catalog.MustFor(flavor, "")
			ctx := context.Background()
			ev, err := evaluator.FromConfigDir(ctx, dir)
			if err != nil {
				t.Fatalf("evaluator.FromConfigDir: %v", err)
			}
			if !ev.Native() {
				t.Fatal("the evaluator does not decide natively")
			}
			// the embedded evaluator also runs the Rego itself
			evRego, err := evaluator.FromConfigDir(ctx, dir, evaluator.WithEngine(evaluator.Rego))
			if err != nil {
				t.Fatalf("evaluator.FromConfigDir (rego): %v", err)
			}
			opaResults := opaEvalCases(t, dir, sf.Cases)
			for i, c := range sf.Cases {
				t.Run(fmt.Sprintf("%s[%s]", c.Name, c.Ref), func(t *testing.T) {
					t.Parallel()
					runScenarioCase(t, ev, evRego, dir, cat, c, opaResults[i])
				})
			}
		})
	}
}

// runScenarioCase checks one case through the embedded evaluator (native
// engine), the same evaluator running the Rego (evRego), the real opa binary
// (opaRes) and the CLI.
func runScenarioCase(t *testing.T, ev, evRego *evaluator.Evaluator, dir string, cat *catalog.Catalog, c scenarioCase, opaRes opaCaseResult) {
	ctx := context.Background()
	id, path := *c.AuthID, *c.Path
	_, idErr := authid.ParseAny(id)
	if cat.Flavor == config.PVE {
		idErr = pveid.CheckAuthID(id)
	}
	cliIDOK := idErr == nil
	pathErr := aclpath.Query(cat.Flavor, path)
	base := []string{"--config-dir", dir}

	// --- permissions ---
	evPerms, err := ev.Permissions(ctx, id, path)
	if err != nil {
		t.Fatalf("evaluator permissions: %v", err)
	}
	if c.Permissions != nil && !reflect.DeepEqual(evPerms, *c.Permissions) {
		t.Errorf("evaluator permissions of %q on %q:\n got  %v\n want %v", id, path, evPerms, *c.Permissions)
	}
	regoPerms, err := evRego.Permissions(ctx, id, path)
	if err != nil {
		t.Fatalf("evaluator (rego) permissions: %v", err)
	}
	if !reflect.DeepEqual(regoPerms, evPerms) {
		t.Errorf("evaluator (rego) permissions of %q on %q = %v, native engine says %v", id, path, regoPerms, evPerms)
	}
	if !reflect.DeepEqual(opaRes.Permissions, evPerms) {
		t.Errorf("opa permissions of %q on %q = %v, evaluator says %v", id, path, opaRes.Permissions, evPerms)
	}
	if c.Permissions != nil && !reflect.DeepEqual(opaRes.Permissions, *c.Permissions) {
		t.Errorf("opa permissions of %q on %q:\n got  %v\n want %v", id, path, opaRes.Permissions, *c.Permissions)
	}
	switch {
	case !cliIDOK:
		// the CLI validates the auth id (§6) and must refuse it
		r := runPxacl(t, append(base, "--output-format", "json", "user", "permissions", id, "--path", "/")...)
		if r.code != 2 {
			t.Errorf("pxacl user permissions %q (invalid auth id: %v): want exit 2, got %s", id, idErr, r)
		}
	case pathErr == nil:
		r := runPxacl(t, append(base, "--output-format", "json", "user", "permissions", id, "--path", path)...)
		if r.code != 0 {
			t.Fatalf("pxacl user permissions %q --path %q: %s", id, path, r)
		}
		var out map[string]map[string]bool
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("pxacl user permissions json: %v: %q", err, r.stdout)
		}
		got := out[path]
		if got == nil {
			got = map[string]bool{}
		}
		for k := range out {
			if k != path {
				t.Errorf("pxacl user permissions --path %q lists another path %q", path, k)
			}
		}
		switch {
		case cat.Flavor == config.PVE && len(out) != 1:
			// PVE answers {path: permissions} even when empty (docs/semantics.md pve §3.4)
			t.Errorf("pxacl user permissions --path %q (PVE) must list exactly the path: %q", path, r.stdout)
		case cat.Flavor != "pve" && len(got) == 0 && len(out) != 0:
			// PBS lists only paths with privileges (docs/semantics.md §11)
			t.Errorf("pxacl user permissions --path %q lists the path with no privileges: %q", path, r.stdout)
		}
		if !reflect.DeepEqual(got, evPerms) {
			t.Errorf("pxacl permissions of %q on %q = %v, evaluator says %v", id, path, got, evPerms)
		}
		if c.Permissions != nil && !reflect.DeepEqual(got, *c.Permissions) {
			t.Errorf("pxacl permissions of %q on %q:\n got  %v\n want %v", id, path, got, *c.Permissions)
		}
	default:
		// not a query path (aclpath: every command applies the one rule,
		// pbs §7, pve §6): `user permissions --path` and `check` reject it
		r := runPxacl(t, append(base, "--output-format", "json", "user", "permissions", id, "--path", path)...)
		if r.code != 2 {
			t.Errorf("pxacl user permissions --path %q (%v): want exit 2, got %s", path, pathErr, r)
		}
	}

	// --- allow / deny ---
	for i, d := range c.decisions() {
		q := evaluator.Query{AuthID: id, Path: path, Privileges: d.privs, Partial: d.partial, Clock: c.now()}
		got, err := ev.Allowed(ctx, q)
		if err != nil {
			t.Fatalf("evaluator %s: %v", d.label, err)
		}
		if got != d.want {
			t.Errorf("evaluator %s: %q on %q (now %v): allowed=%v, want %v", d.label, id, path, c.now(), got, d.want)
		}
		if viaRego, err := evRego.Allowed(ctx, q); err != nil || viaRego != got {
			t.Errorf("evaluator (rego) %s: allowed=%v (%v), native engine says %v", d.label, viaRego, err, got)
		}
		x, err := ev.Explain(ctx, q)
		if err != nil {
			t.Fatalf("evaluator explain %s: %v", d.label, err)
		}
		if x.Allowed != got {
			t.Errorf("evaluator explain %s: allowed=%v, but allow says %v", d.label, x.Allowed, got)
		}
		if opaRes.Allow[i] != got {
			t.Errorf("opa %s: allowed=%v, evaluator says %v", d.label, opaRes.Allow[i], got)
		}

		args := append([]string{}, base...)
		args = append(args, "check")
		if c.Now != nil {
			args = append(args, "--now", strconv.FormatInt(*c.Now, 10))
		}
		if d.partial {
			args = append(args, "--any")
		}
		args = append(args, "--", id, path)
		args = append(args, d.privs...)
		var badPrivs []string
		for _, p := range d.privs {
			if !cat.IsPrivilege(p) {
				badPrivs = append(badPrivs, p)
			}
		}
		r := runPxacl(t, args...)
		switch {
		case !cliIDOK || len(badPrivs) > 0 || pathErr != nil:
			// the CLI refuses invalid auth ids, unknown privilege names and
			// paths that are not query paths
			if r.code != 2 {
				t.Errorf("pxacl check %s (auth id error %v, unknown privileges %q, path error %v): want exit 2, got %s", d.label, idErr, badPrivs, pathErr, r)
			}
		default:
			want := 1
			if got {
				want = 0
			}
			if r.code != want {
				t.Errorf("pxacl check %s: %q on %q: want exit %d (evaluator allowed=%v, expected %v), got %s",
					d.label, id, path, want, got, d.want, r)
			}
		}
	}
}
