package tests

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// A path of 100,000 components on one acl.cfg line (200 KB) is accepted
// by PBS's parser, so pxacl compiles and answers on it;
// timing and memory are measured in docs/benchmarks.md, not here. A query
// path is an argument, which Linux caps at 128 KB: the queries go 50,000
// components deep.
func TestDeepPath(t *testing.T) {
	line := strings.Repeat("/a", 100_000)
	query := line[:100_000] // 50,000 components, above john's entry
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"acl.cfg":  "acl:1:" + line + ":john@pbs:Admin\nacl:1:/a:jane@pbs:Audit\n",
		"user.cfg": "user: john@pbs\n\nuser: jane@pbs\n",
	})
	bundleFile := filepath.Join(t.TempDir(), "bundle.tar.gz")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // the whole output, or its start with a trailing "..."
	}{
		{"bundle build", []string{"--config-dir", dir, "bundle", "build", "-o", bundleFile}, 0, "wrote " + bundleFile + " (revision ..."},
		{"check inherited through the deep path", []string{"--config-dir", dir, "check", "jane@pbs", query, "Sys.Audit"}, 0, "allowed\n"},
		{"check inherited, rego", []string{"--config-dir", dir, "--engine", "rego", "check", "jane@pbs", query, "Sys.Audit"}, 0, "allowed\n"},
		{"check above the entry", []string{"--config-dir", dir, "check", "john@pbs", query, "Sys.Audit"}, 1, "denied: missing permissions 'Sys.Audit' on '/a/a/a/..."},
		{"check above the entry, rego", []string{"--config-dir", dir, "--engine", "rego", "check", "john@pbs", query, "Sys.Audit"}, 1, "denied: missing permissions 'Sys.Audit' on '/a/a/a/..."},
		{"check from the bundle", []string{"--bundle", bundleFile, "--engine", "rego", "check", "jane@pbs", "/a/a", "Datastore.Audit"}, 0, "allowed\n"},
		{"lint", []string{"--config-dir", dir, "lint"}, 0, "..."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runPxacl(t, c.args...)
			want, prefix := strings.CutSuffix(c.stdout, "...")
			ok := r.stdout == want || prefix && strings.HasPrefix(r.stdout, want)
			if r.code != c.code || !ok {
				t.Fatalf("exit %d, stdout %.200q, stderr %.200q; want exit %d and %q", r.code, r.stdout, r.stderr, c.code, c.stdout)
			}
		})
	}

	// user permissions lists the deep node, and none of the 99,999 nodes
	// above it, where john holds nothing (docs/semantics.md §11). (jane's
	// list would hold all 100,000 nodes below /a, 10 GB of paths, as
	// PBS's would.)
	r := runPxacl(t, "--config-dir", dir, "--output-format", "json", "user", "permissions", "john@pbs")
	var perms map[string]map[string]bool
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &perms) != nil {
		t.Fatalf("user permissions: exit %d, stdout %.200q, stderr %.200q", r.code, r.stdout, r.stderr)
	}
	if len(perms) != 1 || !perms[line]["Sys.Audit"] || !perms[line]["Permissions.Modify"] {
		keys := make([]string, 0, len(perms))
		for k := range perms {
			keys = append(keys, k[:min(len(k), 20)])
		}
		t.Fatalf("user permissions: %d paths (%v), want the deep path with Admin's privileges", len(perms), keys)
	}
}
