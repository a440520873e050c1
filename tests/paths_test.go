package tests

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/evaluator"
)

// In examples/pbs john@pbs holds DatastoreAdmin on /datastore/store1
// (propagating) and NoAccess on /datastore/store1/secret. A query path
// with a "." or ".." component is not an ACL path (docs/semantics.md §7,
// docs/semantics.md pve §6): answered as if ".." were a name, it would grant
// on "/datastore/store1/x/../secret" what NoAccess forbids on the path a
// gateway reads after resolving it.
var dottedPaths = []string{"/datastore/store1/x/../secret", "/datastore/store1/./secret", "/datastore/store1/..", "/datastore/.."}

// Every command refuses a path that is not a query path with exit 2 and
// names it, escaped: one rule (aclpath) for check, explain, who-can and
// user permissions.
func TestQueryPathRuleCLI(t *testing.T) {
	dir := examplesDir()
	bad := append([]string{"", "/datastore/st ore", "datastore/store1", "/datastore/store1/\x1b[2J"}, dottedPaths...)
	for _, p := range bad {
		for _, args := range [][]string{
			{"check", "--", "john@pbs", p, "Datastore.Read"},
			{"check", "--engine", "rego", "--", "john@pbs", p, "Datastore.Read"},
			{"explain", "--", "john@pbs", p, "Datastore.Read"},
			{"who-can", "--", "Datastore.Read", p},
			{"user", "permissions", "john@pbs", "--path", p},
		} {
			r := runPxacl(t, append([]string{"--config-dir", dir}, args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, "invalid ACL path '") {
				t.Errorf("pxacl %q: want exit 2 naming the path, got %s", args, r)
			}
			if strings.ContainsAny(r.stderr, "\x1b") {
				t.Errorf("pxacl %q: raw control character in %q", args, r.stderr)
			}
		}
	}
	// names with dots and extra slashes are still paths (§2.1)
	for _, p := range []string{"//datastore//store1/", "/datastore/store1/ns1.bak"} {
		if r := runPxacl(t, "--config-dir", dir, "check", "john@pbs", p, "Datastore.Read"); r.code != 0 {
			t.Errorf("check %q: %s", p, r)
		}
	}
}

// The embedded evaluator (native engine and OPA on the Rego) and stock opa
// on the bundle deny a dotted path and give it no permissions, even to
// root@pam; explain says why.
func TestDottedPathDeniedEverywhere(t *testing.T) {
	ctx := context.Background()
	dir := examplesDir()
	for _, engine := range []evaluator.Engine{evaluator.Auto, evaluator.Rego} {
		ev, err := evaluator.FromConfigDir(ctx, dir, evaluator.WithEngine(engine))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range append([]string{""}, dottedPaths...) {
			for _, id := range []string{"john@pbs", "root@pam"} {
				q := evaluator.Query{AuthID: id, Path: p, Privileges: []string{"Datastore.Read"}}
				if ok, err := ev.Allowed(ctx, q); err != nil || ok {
					t.Errorf("engine %d: allow(%q, %q) = %v, %v", engine, id, p, ok, err)
				}
				if perms, err := ev.Permissions(ctx, id, p); err != nil || len(perms) != 0 {
					t.Errorf("engine %d: permissions(%q, %q) = %v, %v", engine, id, p, perms, err)
				}
				v, err := ev.Check(ctx, q)
				if err != nil || v.Allowed || v.Path != "" {
					t.Errorf("engine %d: check(%q, %q) = %+v, %v", engine, id, p, v, err)
				}
			}
		}
		x, err := ev.Explain(ctx, evaluator.Query{AuthID: "john@pbs", Path: dottedPaths[0], Privileges: []string{"Datastore.Read"}})
		if err != nil || x.Allowed || x.PathProblem == nil || !strings.Contains(*x.PathProblem, `".."`) {
			t.Errorf("explain: %+v, %v", x, err)
		}
	}
	// the same query without the dots is what the gateway would serve:
	// NoAccess
	out := opaEval(t, dir, map[string]any{"auth_id": "john@pbs", "path": "/datastore/store1/secret", "privileges": []string{"Datastore.Read"}}, "data.pxacl.allow")
	if out != false {
		t.Fatalf("opa: john@pbs on /datastore/store1/secret = %v, want false (NoAccess)", out)
	}
	for _, p := range append([]string{""}, dottedPaths...) {
		for _, id := range []string{"john@pbs", "root@pam"} {
			in := map[string]any{"auth_id": id, "path": p, "privileges": []string{"Datastore.Read"}}
			if got := opaEval(t, dir, in, "data.pxacl.allow"); got != false {
				t.Errorf("opa: allow(%q, %q) = %v", id, p, got)
			}
			if got := opaEval(t, dir, in, "data.pxacl.permissions"); !jsonEqual(got, map[string]any{}) {
				t.Errorf("opa: permissions(%q, %q) = %v", id, p, got)
			}
		}
	}
}

// The bundle's input.now only moves the clock forward: a sidecar that
// copies request fields into the input cannot revive john@pbs!old-laptop
// (expired at 1700000000) with "now": 0 or any earlier time; a later
// input.now still expires accounts the clock keeps.
func TestInputNowCannotRevive(t *testing.T) {
	ctx := context.Background()
	dir := examplesDir()
	expired := "john@pbs!old-laptop"
	for _, now := range []int64{0, 1, 1600000000} {
		in := map[string]any{"auth_id": expired, "path": "/datastore/store1", "privileges": []string{"Datastore.Backup"}, "now": now}
		if got := opaEval(t, dir, in, "data.pxacl.allow"); got != false {
			t.Errorf(`opa: "now": %d revives %s: allow = %v`, now, expired, got)
		}
		for _, engine := range []evaluator.Engine{evaluator.Auto, evaluator.Rego} {
			ev, err := evaluator.FromConfigDir(ctx, dir, evaluator.WithEngine(engine))
			if err != nil {
				t.Fatal(err)
			}
			q := evaluator.Query{AuthID: expired, Path: "/datastore/store1", Privileges: []string{"Datastore.Backup"}, Now: now}
			if ok, err := ev.Allowed(ctx, q); err != nil || ok {
				t.Errorf(`engine %d: "now": %d revives %s: %v, %v`, engine, now, expired, ok, err)
			}
			if v, err := ev.Check(ctx, q); err != nil || v.Active {
				t.Errorf(`engine %d: check with "now": %d: %+v, %v`, engine, now, v, err)
			}
			x, err := ev.Explain(ctx, q)
			if err != nil || x.Active.Active {
				t.Errorf(`engine %d: explain with "now": %d: %+v, %v`, engine, now, x.Active, err)
			}
			// the clock itself may be set to any date (tests, --now)
			q.Now, q.Clock = 0, 1600000000
			if ok, err := ev.Allowed(ctx, q); err != nil || !ok {
				t.Errorf("engine %d: at clock 1600000000 %s is active: %v, %v", engine, expired, ok, err)
			}
		}
	}
	// forward: john@pbs!client1 never expires, john@pbs!old-laptop did;
	// a future input.now keeps the first allowed
	in := map[string]any{"auth_id": "john@pbs!client1", "path": "/datastore/store1", "privileges": []string{"Datastore.Backup"}, "now": 4000000000}
	if got := opaEval(t, dir, in, "data.pxacl.allow"); got != true {
		t.Errorf("opa: a future now denies a token that never expires: %v", got)
	}
}

// The CLI's --now sets the clock, to any date: before its expiry the
// expired token is active again, for check and explain.
func TestCLINowInThePast(t *testing.T) {
	dir := examplesDir()
	r := runPxacl(t, "--config-dir", dir, "check", "john@pbs!old-laptop", "/datastore/store1", "Datastore.Backup")
	if r.code != 1 || !strings.Contains(r.stdout, "disabled or expired") {
		t.Fatalf("check without --now: %s", r)
	}
	for _, engine := range []string{"auto", "rego"} {
		r = runPxacl(t, "--config-dir", dir, "--engine", engine, "check", "--now", "1600000000", "john@pbs!old-laptop", "/datastore/store1", "Datastore.Backup")
		if r.code != 0 {
			t.Errorf("check --now 1600000000 (%s): %s", engine, r)
		}
	}
	r = runPxacl(t, "--config-dir", dir, "--output-format", "json", "explain", "--now", "1600000000", "john@pbs!old-laptop", "/datastore/store1", "Datastore.Backup")
	var x evaluator.Explanation
	if err := json.Unmarshal([]byte(r.stdout), &x); r.code != 0 || err != nil || !x.Allowed || !x.Active.Active {
		t.Errorf("explain --now 1600000000: %s (%v)", r, err)
	}
	r = runPxacl(t, "--config-dir", dir, "--output-format", "json", "who-can", "--now", "1600000000", "Datastore.Backup", "/datastore/store1")
	if r.code != 0 || !strings.Contains(r.stdout, "john@pbs!old-laptop") {
		t.Errorf("who-can --now 1600000000: %s", r)
	}
}

// opaEval builds dir's bundle (once per directory and test) and evaluates
// query on input with the real opa binary.
func opaEval(t *testing.T, dir string, input map[string]any, query string) any {
	t.Helper()
	bundles := opaBundles(t)
	b, ok := bundles[dir]
	if !ok {
		b = filepath.Join(t.TempDir(), "bundle.tar.gz")
		if r := runPxacl(t, "--config-dir", dir, "bundle", "build", "-o", b); r.code != 0 {
			t.Fatalf("bundle build: %s", r)
		}
		bundles[dir] = b
	}
	raw, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, opaBin(t), nil, "eval", "-b", b, "-i", in, "--format", "json", query)
	if r.code != 0 {
		t.Fatalf("opa eval %s: %s", query, r)
	}
	var out struct {
		Result []struct {
			Expressions []struct {
				Value any `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out.Result) != 1 || len(out.Result[0].Expressions) != 1 {
		t.Fatalf("opa eval %s: %v: %s", query, err, r.stdout)
	}
	return out.Result[0].Expressions[0].Value
}

var bundleCache = map[*testing.T]map[string]string{}

func opaBundles(t *testing.T) map[string]string {
	if m := bundleCache[t]; m != nil {
		return m
	}
	m := map[string]string{}
	bundleCache[t] = m
	t.Cleanup(func() { delete(bundleCache, t) })
	return m
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
