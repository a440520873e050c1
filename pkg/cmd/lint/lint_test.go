package lint

import (
	"context"
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
