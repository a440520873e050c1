package build

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdBuild(t *testing.T) {
	for _, tc := range []struct{ args, want string }{{"", "pxacl.tar.gz"}, {"-o -", "-"}, {"--output x.tgz", "x.tgz"}} {
		f, _ := cmdutil.NewTestFactory(".")
		var got *BuildOptions
		if err := cmdutil.ExecuteArgs(NewCmdBuild(f, func(o *BuildOptions) error { got = o; return nil }), tc.args); err != nil || got.Output != tc.want {
			t.Errorf("%q: err %v, output %q, want %q", tc.args, err, got.Output, tc.want)
		}
	}
}

func TestBuildRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	for _, tc := range []struct {
		name, dir, output, format, want string
		code                            int
	}{
		{"file", "pbs", out, "text", "wrote " + out + " (revision ", 0},
		{"json", "pve", out, "json", `"revision":`, 0},
		{"stdout", "pbs", "-", "text", "\x1f\x8b", 0},
		{"empty dir", "", out, "text", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.dir != "" {
				dir = "../../../../examples/" + tc.dir
			}
			f, bufs := cmdutil.NewTestFactory(dir)
			f.Config.OutputFormat = tc.format
			err := buildRun(&BuildOptions{IO: f.IOStreams, Config: f.Config, Output: tc.output})
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if !strings.HasPrefix(bufs.Out.String(), tc.want) && !strings.Contains(bufs.Out.String(), tc.want) {
				t.Errorf("output %q, want %q", bufs.Out.String()[:min(80, bufs.Out.Len())], tc.want)
			}
		})
	}
}
