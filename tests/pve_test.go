package tests

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/evaluator"
)

// TestPVEBadInput: malformed lines are warnings with file:line on stderr,
// never fatal (docs/semantics.md pve §1.1, §1.3); a token line before its user is
// ignored as PVE ignores it.
func TestPVEBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"user.cfg": strings.Join([]string{
		"# not a comment",
		"token:late@pve!early:0:1::",
		"user:late@pve:1:0::::::",
		"role:Old:VM.Monitor,VM.Audit:",
		"acl:1:/vms:late@pve:Old:",
		"acl:1:/vms:late@pve!early:Old:",
		"user:broken",
		"garbage",
	}, "\n")})
	r := runPxacl(t, "--config-dir", dir, "--output-format", "json", "user", "permissions", "late@pve", "--path", "/vms/100")
	if r.code != 0 || strings.TrimSpace(r.stdout) != `{"/vms/100":{"VM.Audit":true}}` {
		t.Fatalf("user permissions: %s", r)
	}
	for _, w := range []string{"user.cfg:1:", "user.cfg:2:", "user.cfg:4:", "user.cfg:6:", "user.cfg:7:", "user.cfg:8:"} {
		if !strings.Contains(r.stderr, "warning: "+w) {
			t.Errorf("no warning %s in stderr:\n%s", w, r.stderr)
		}
	}
	if r := runPxacl(t, "--config-dir", dir, "check", "late@pve!early", "/vms", "VM.Audit"); r.code != 1 {
		t.Errorf("token defined before its user: want denied (exit 1), got %s", r)
	}
	if r := runPxacl(t, "--config-dir", dir, "--pve-version", "8", "check", "late@pve", "/vms", "VM.Monitor"); r.code != 0 {
		t.Errorf("PVE 8 catalog keeps VM.Monitor: want exit 0, got %s", r)
	}
}

// TestPVEExample: the example config is in PVE's canonical form (a parse ->
// write round trip is byte-identical) and answers as documented.
func TestPVEExample(t *testing.T) {
	dir := filepath.Join(moduleRoot, "examples", "pve")
	raw, err := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	c := pve.Parse(raw, "user.cfg", catalog.MustLoad("pve"))
	if got := string(c.Write()); got != string(raw) {
		t.Errorf("examples/pve/user.cfg is not canonical; PVE would write:\n%s", got)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings: %v", c.Warnings)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"check", "druva@pam!backup", "/vms/100", "VM.Audit"}, 0},
		{[]string{"check", "druva@pam!backup", "/vms/100", "VM.Backup"}, 1}, // token clamp
		{[]string{"check", "druva@pam!full", "/vms/100", "VM.Backup"}, 0},
		{[]string{"check", "alice@pve", "/vms/101", "VM.PowerMgmt"}, 1}, // group NoAccess
		{[]string{"check", "alice@pve", "/vms/100", "VM.PowerMgmt"}, 0}, // pool
		{[]string{"check", "temp@pve", "/", "Sys.Audit"}, 1},            // disabled
		{[]string{"check", "deploy@pve!ci", "/vms/200", "VM.Allocate"}, 0},
	} {
		if r := runPxacl(t, append([]string{"--config-dir", dir}, tc.args...)...); r.code != tc.code {
			t.Errorf("%v: want exit %d, got %s", tc.args, tc.code, r)
		}
	}
}

// TestPVECheckExpr runs permission-check expressions (docs/semantics.md pve §4)
// on the example config through the embedded evaluator, `pxacl check-expr`
// and stock `opa eval` on the built bundle.
func TestPVECheckExpr(t *testing.T) {
	dir := filepath.Join(moduleRoot, "examples", "pve")
	ctx := context.Background()
	ev, err := evaluator.FromConfigDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	bundleFile := filepath.Join(work, "pve.tar.gz")
	if r := runPxacl(t, "--config-dir", dir, "bundle", "build", "-o", bundleFile); r.code != 0 {
		t.Fatalf("bundle build: %s", r)
	}
	for _, c := range []struct {
		ref, id, expr string
		params        map[string]string
		want          bool
	}{
		{"§4 perm, pool roles", "alice@pve", `["perm","/vms/{vmid}",["VM.PowerMgmt"]]`, map[string]string{"vmid": "100"}, true},
		{"§4 perm, group NoAccess", "alice@pve", `["perm","/vms/{vmid}",["VM.PowerMgmt"]]`, map[string]string{"vmid": "101"}, false},
		{"§4 perm any", "alice@pve", `["perm","/storage/{storage}",["Datastore.Allocate","Datastore.AllocateSpace"],"any",1]`, map[string]string{"storage": "local"}, true},
		{"§4 perm-modify", "deploy@pve!ci", `["perm-modify","/vms/{vmid}"]`, map[string]string{"vmid": "200"}, true},
		{"§4 perm-modify /vms itself", "deploy@pve!ci", `["perm-modify","/vms"]`, nil, false},
		{"§4 or self", "alice@pve", `["or",["userid-param","self"],["userid-group",["User.Modify"]]]`, map[string]string{"userid": "alice@pve"}, true},
		{"§4 or, no alternative", "alice@pve", `["or",["userid-param","self"],["userid-group",["User.Modify"]]]`, map[string]string{"userid": "deploy@pve"}, false},
		{"§4 root", "root@pam", `["perm","/",["Sys.Modify"]]`, nil, true},
		{"§4 require_param", "druva@pam", `["perm","/pool/{pool}",["VM.Allocate"],"require_param","pool"]`, nil, false},
		{"§4 require_param set", "druva@pam", `["perm","/pool/{pool}",["VM.Allocate"],"require_param","pool"]`, map[string]string{"pool": "prod"}, true},
	} {
		var expr any
		if err := json.Unmarshal([]byte(c.expr), &expr); err != nil {
			t.Fatal(err)
		}
		params := map[string]any{}
		args := []string{"--config-dir", dir, "check-expr", c.id, c.expr}
		for k, v := range c.params {
			params[k] = v
			args = append(args, "--param", k+"="+v)
		}
		got, err := ev.CheckExpr(ctx, c.id, expr, params, 0)
		if err != nil || got != c.want {
			t.Errorf("%s: evaluator %s %s %v = %v, %v; want %v", c.ref, c.id, c.expr, c.params, got, err, c.want)
		}
		want := 1
		if c.want {
			want = 0
		}
		if r := runPxacl(t, args...); r.code != want {
			t.Errorf("%s: pxacl %v: want exit %d, got %s", c.ref, args, want, r)
		}
		in, _ := json.Marshal(map[string]any{"auth_id": c.id, "expr": expr, "params": params})
		inFile := filepath.Join(work, "in.json")
		if err := os.WriteFile(inFile, in, 0o644); err != nil {
			t.Fatal(err)
		}
		r := runCmd(t, opaBin(t), nil, "eval", "-b", bundleFile, "-i", inFile, "-f", "raw", "data.pxacl.check_expr")
		if r.code != 0 || strings.TrimSpace(r.stdout) != strconv.FormatBool(c.want) {
			t.Errorf("%s: opa eval check_expr: want %v, got %s", c.ref, c.want, r)
		}
	}
}
