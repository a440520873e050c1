package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config/pve"
)

// TestPVEBadInput: malformed lines are warnings with file:line on stderr,
// never fatal (pve-semantics.md §1.1, §1.3); a token line before its user is
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
