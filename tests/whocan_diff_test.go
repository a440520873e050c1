package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	c := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
	c.Dir = dir
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestDiffCLI(t *testing.T) {
	old := examplesDir()
	neu := copyDir(t, old)
	acl, err := os.ReadFile(filepath.Join(neu, "acl.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	// the node token gets DatastoreAdmin: Datastore.Prune is an escalation
	gained := string(acl) + "acl:1:/datastore/store1:pve-backup-user@pbs!pve-node-01:DatastoreAdmin\n"
	writeFiles(t, neu, map[string]string{"acl.cfg": gained})

	r := runPxacl(t, "diff", old, neu)
	if r.code != 0 || !strings.Contains(r.stdout, "pve-backup-user@pbs!pve-node-01 on /datastore/store1\n  + Datastore.Prune  ESCALATION") ||
		!strings.Contains(r.stdout, "gained by NEW acl.cfg:10: acl:1:/datastore/store1:pve-backup-user@pbs!pve-node-01:DatastoreAdmin") {
		t.Errorf("diff: %s", r)
	}
	for _, c := range []struct {
		failOn string
		old    string
		new    string
		code   int
	}{
		{"gain", old, neu, 1}, {"escalation", old, neu, 1}, {"any", old, neu, 1},
		{"gain", neu, old, 0}, {"escalation", neu, old, 0}, {"any", neu, old, 1},
		{"any", old, old, 0},
	} {
		if r := runPxacl(t, "diff", c.old, c.new, "--fail-on", c.failOn); r.code != c.code {
			t.Errorf("--fail-on %s %s %s: %s, want exit %d", c.failOn, c.old, c.new, r, c.code)
		}
	}
	r = runPxacl(t, "diff", neu, old, "--output-format", "json")
	var out struct {
		Changes []struct {
			AuthID string   `json:"auth_id"`
			Path   string   `json:"path"`
			Lost   []string `json:"lost"`
			LostBy []string `json:"lost_by"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 || len(out.Changes) != 3 || out.Changes[0].Lost[0] != "Datastore.Prune" || len(out.Changes[0].LostBy) == 0 {
		t.Errorf("json: %v %s", err, r)
	}
	// bad input
	if r := runPxacl(t, "diff", old, "/nonexistent-dir"); r.code != 2 {
		t.Errorf("missing dir: %s", r)
	}
	if r := runPxacl(t, "diff", old, neu, "--fail-on", "loss"); r.code != 2 {
		t.Errorf("bad --fail-on: %s", r)
	}

	// --git on a repository with the config in etc/
	repo := t.TempDir()
	etc := filepath.Join(repo, "etc")
	if err := os.Mkdir(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"user.cfg", "acl.cfg"} {
		b, err := os.ReadFile(filepath.Join(old, f))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, etc, map[string]string{f: string(b)})
	}
	git(t, repo, "init", "-q")
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-qm", "one")
	writeFiles(t, etc, map[string]string{"acl.cfg": gained})
	git(t, repo, "commit", "-qam", "two")
	gitDiff := func(args ...string) cliResult {
		c := exec.Command(pxaclBin, append([]string{"diff", "--git"}, args...)...)
		c.Dir = repo
		c.Env = append(os.Environ(), "PXACL_CONFIG_DIR=/nonexistent-pxacl-config-dir")
		var so, se strings.Builder
		c.Stdout, c.Stderr = &so, &se
		err := c.Run()
		res := cliResult{stdout: so.String(), stderr: se.String()}
		if ee, ok := err.(*exec.ExitError); ok {
			res.code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if r := gitDiff("HEAD~1", "HEAD", "--config-dir", "etc", "--fail-on", "escalation"); r.code != 1 || !strings.Contains(r.stdout, "ESCALATION") {
		t.Errorf("--git: %s", r)
	}
	if r := gitDiff("HEAD", "HEAD~1", "--config-dir", "etc", "--fail-on", "gain"); r.code != 0 {
		t.Errorf("--git reverse: %s", r)
	}
	if r := gitDiff("HEAD~1", "HEAD", "--fail-on", "gain"); r.code != 2 {
		t.Errorf("--git without the config dir: %s", r)
	}
	if r := gitDiff("nosuchrev", "HEAD", "--config-dir", "etc"); r.code != 2 || !strings.Contains(r.stderr, "unknown revision") {
		t.Errorf("--git bad revision: %s", r)
	}
}

// TestWhoCanDiffREADME: the who-can and diff outputs shown in README.md are
// the real ones.
func TestWhoCanDiffREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	r := runPxacl(t, "--config-dir", examplesDir(), "who-can", "Datastore.Prune", "/datastore/store1")
	if !strings.Contains(string(readme), "$ pxacl --config-dir examples/pbs who-can Datastore.Prune /datastore/store1\n"+r.stdout) {
		t.Errorf("README.md does not show the output of who-can:\n%s", r.stdout)
	}
	r = runPxacl(t, "--config-dir", filepath.Join(moduleRoot, "examples", "pve"), "who-can", "VM.PowerMgmt", "/vms/100")
	if !strings.Contains(string(readme), "$ pxacl --config-dir examples/pve who-can VM.PowerMgmt /vms/100\n"+r.stdout) {
		t.Errorf("README.md does not show the output of PVE who-can:\n%s", r.stdout)
	}
	neu := copyDir(t, examplesDir())
	acl, err := os.ReadFile(filepath.Join(neu, "acl.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, neu, map[string]string{"acl.cfg": string(acl) + "acl:1:/datastore/store1:pve-backup-user@pbs!pve-node-01:DatastoreAdmin\n"})
	r = runPxacl(t, "diff", examplesDir(), neu, "--fail-on", "escalation")
	if r.code != 1 || !strings.Contains(string(readme), "$ pxacl diff examples/pbs new --fail-on escalation   # exit 1\n"+r.stdout) {
		t.Errorf("README.md does not show the output of diff (exit %d):\n%s", r.code, r.stdout)
	}
}
