package tests

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/policies"
)

// TestPVEUpstreamPermTests replays pve-access-control's perm-test1..8.pl
// (9.1.1) against their test1..8.cfg: every check_permission(s) through the
// embedded evaluator (data.pxacl.permissions), every check_roles through the
// policy's ACL walk (pve.rego's pve_roles, §3.1). Cases are in
// testdata/pve-upstream/cases.json, extracted from the .pl files.
func TestPVEUpstreamPermTests(t *testing.T) {
	dir := filepath.Join(moduleRoot, "tests", "testdata", "pve-upstream")
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Cfg, Kind, Path, Want string
		AuthID                string `json:"auth_id"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	type engine struct {
		ev    *evaluator.Evaluator
		roles rego.PreparedEvalQuery
		doc   map[string]any
	}
	engines := map[string]*engine{}
	load := func(cfg string) *engine {
		if e := engines[cfg]; e != nil {
			return e
		}
		conf := t.TempDir()
		src, err := os.ReadFile(filepath.Join(dir, cfg))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, conf, map[string]string{"user.cfg": string(src)})
		ev, err := evaluator.FromConfigDir(ctx, conf)
		if err != nil {
			t.Fatal(err)
		}
		d, err := compiler.CompileDir(conf)
		if err != nil {
			t.Fatal(err)
		}
		js, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(js, &doc); err != nil {
			t.Fatal(err)
		}
		opts := []func(*rego.Rego){
			rego.Query("data.pxacl.pve_roles(input.s, input.p)"),
			rego.Store(inmem.NewFromObject(map[string]any{"pxacl": doc})),
		}
		for _, m := range policies.Modules() {
			opts = append(opts, rego.Module(m.Name, string(m.Src)))
		}
		pq, err := rego.New(opts...).PrepareForEval(ctx)
		if err != nil {
			t.Fatal(err)
		}
		e := &engine{ev: ev, roles: pq, doc: doc}
		engines[cfg] = e
		return e
	}
	n := 0
	for _, c := range cases {
		e := load(c.Cfg)
		name := c.Cfg + ":" + c.Kind + ":" + c.AuthID + ":" + c.Path
		switch c.Kind {
		case "permissions":
			privs, err := e.ev.Permissions(ctx, c.AuthID, c.Path)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(sortedStrings(mapKeys(privs)), ","); got != c.Want {
				t.Errorf("%s: got %q, want %q", name, got, c.Want)
			}
		case "roles":
			if got := upstreamRoles(t, ctx, e.roles, e.doc, c.AuthID, c.Path); got != c.Want {
				t.Errorf("%s: got %q, want %q", name, got, c.Want)
			}
		}
		n++
	}
	if n < 90 {
		t.Errorf("only %d upstream cases", n)
	}
}

func sortedStrings(s []string) []string {
	slices.Sort(s)
	return s
}

func mapKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// upstreamRoles is PVE's roles() (§3.1) read off the policy's walk: the
// applicable roles of the deciding level, NoAccess alone if present.
func upstreamRoles(t *testing.T, ctx context.Context, pq rego.PreparedEvalQuery, doc map[string]any, id, path string) string {
	t.Helper()
	if id == "root@pam" {
		return "Administrator"
	}
	if path == "" {
		return ""
	}
	if i := strings.LastIndex(id, "!"); i > strings.LastIndex(id, "@") {
		tok, ok := doc["tokens"].(map[string]any)[id].(map[string]any)
		if !ok {
			return ""
		}
		if tok["privsep"] != true {
			return upstreamRoles(t, ctx, pq, doc, id[:i], path)
		}
	}
	var parts []string
	for _, p := range strings.Split(path, "/") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	norm := "/" + strings.Join(parts, "/")
	rs, err := pq.Eval(ctx, rego.EvalInput(map[string]any{"s": id, "p": norm}))
	if err != nil || len(rs) != 1 {
		t.Fatalf("pve_roles(%s, %s): %v %v", id, norm, rs, err)
	}
	r := rs[0].Expressions[0].Value.(map[string]any)
	final := r["at"] == norm
	roles := map[string]bool{}
	for _, x := range r["entries"].([]any) {
		entry := x.(map[string]any)["entry"].(map[string]any)
		for role, prop := range entry["roles"].(map[string]any) {
			if final || prop == true {
				roles[role] = true
			}
		}
	}
	if roles["NoAccess"] {
		return "NoAccess"
	}
	return strings.Join(sortedStrings(mapKeys(roles)), ",")
}
