package lint

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdLint(t *testing.T) {
	f, _ := cmdutil.NewTestFactory(".")
	var got *LintOptions
	cmd := NewCmdLint(f, func(o *LintOptions) error { got = o; return nil })
	if err := cmdutil.ExecuteArgs(cmd, "--fail-level warning"); err != nil || got.FailLevel != "warning" {
		t.Fatalf("err %v, options %+v", err, got)
	}
	if err := cmdutil.ExecuteArgs(NewCmdLint(f, nil), "extra"); err == nil {
		t.Error("an argument accepted")
	}
}

func TestLintRun(t *testing.T) {
	for _, tc := range []struct {
		name, dir, format, level, want string
		code                           int
	}{
		{"pbs", "pbs", "text", "error", "findings: ", 0},
		{"pbs fail on info", "pbs", "text", "info", "infos\n", 1},
		{"pve", "pve", "text", "error", "[token-no-privsep]", 0},
		{"json", "pbs", "json", "error", `"findings":[`, 0},
		{"bad level", "pbs", "text", "fatal", "", 2},
		{"missing dir", "nope", "text", "error", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory("../../../examples/" + tc.dir)
			f.Config.OutputFormat = tc.format
			err := lintRun(context.Background(), &LintOptions{IO: f.IOStreams, Config: f.Config, FailLevel: tc.level})
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if !strings.Contains(bufs.Out.String(), tc.want) {
				t.Errorf("output %q, want %q", bufs.Out, tc.want)
			}
		})
	}
}

// Moved from tests/lint_test.go (TestLintExample).
func TestLintExample(t *testing.T) {
	dir, _ := filepath.Abs("../../../examples/pbs")
	f, bufs := cmdutil.NewTestFactory(dir)
	if err := lintRun(context.Background(), &LintOptions{IO: f.IOStreams, Config: f.Config, FailLevel: "error"}); err != nil {
		t.Fatal(err)
	}
	acl := filepath.Join(dir, "acl.cfg")
	for _, w := range []string{
		acl + ":1: warning [admin-on-root] admin@pbs has Admin on /",
		acl + ":3: info [token-clamped] token pve-backup-user@pbs!pve-node-01 asks for Datastore.Audit, Datastore.Read, Datastore.Verify on /datastore/store1 in vain",
		filepath.Join(dir, "user.cfg") + ":10: info [token-no-expiry] token john@pbs!client1 never expires",
		filepath.Join(dir, "user.cfg") + ":29: warning [no-second-factor] admin@pbs holds Permissions.Modify, Sys.Modify, Datastore.Allocate on / (acl.cfg:1) and has no second factor (there is no tfa.json)",
		"    fix: ",
		"7 findings: 0 errors, 3 warnings, 4 infos",
	} {
		if !strings.Contains(bufs.Out.String(), w) {
			t.Errorf("missing %q in:\n%s", w, bufs.Out)
		}
	}
	if err := lintRun(context.Background(), &LintOptions{IO: f.IOStreams, Config: f.Config, FailLevel: "warning"}); cmdutil.ExitCode(err) != 1 {
		t.Errorf("--fail-level warning: want exit 1: %v", err)
	}
}
