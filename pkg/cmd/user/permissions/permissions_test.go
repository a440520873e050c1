package permissions

import (
	"context"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdPermissions(t *testing.T) {
	for _, tc := range []struct {
		args, path string
		given      bool
	}{{"john@pbs", "", false}, {"john@pbs --path /datastore", "/datastore", true}, {"john@pbs --path=", "", true}} {
		f, _ := cmdutil.NewTestFactory(".")
		var got *PermissionsOptions
		if err := cmdutil.ExecuteArgs(NewCmdPermissions(f, func(o *PermissionsOptions) error { got = o; return nil }), tc.args); err != nil {
			t.Fatal(err)
		}
		if got.AuthID != "john@pbs" || got.Path != tc.path || got.PathGiven != tc.given {
			t.Errorf("%s: options %+v", tc.args, *got)
		}
	}
}

func TestPermissionsRun(t *testing.T) {
	for _, tc := range []struct {
		name, dir, format, id, path string
		given                       bool
		want, notWant               string
		code                        int
	}{
		{"pbs", "pbs", "text", "john@pbs", "", false, "Path: /datastore/store1/ns1\n", "secret", 0},
		{"pbs one path", "pbs", "text", "john@pbs", "/datastore/store1", true, "Path: /datastore/store1\n", "secret", 0},
		{"pbs nothing there", "pbs", "json", "john@pbs", "/system", true, "{}\n", "", 0},
		{"pve empty path listed", "pve", "json", "deploy@pve", "/nodes/x", true, `{"/nodes/x":{}}`, "", 0},
		{"pve pool member", "pve", "json", "alice@pve", "", false, `"/vms/100"`, "", 0},
		{"bad path", "pbs", "text", "john@pbs", "no-slash", true, "", "", 2},
		{"bad id", "pbs", "text", "john", "", false, "", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory("../../../../examples/" + tc.dir)
			f.Config.OutputFormat = tc.format
			err := permissionsRun(context.Background(), &PermissionsOptions{IO: f.IOStreams, Config: f.Config, AuthID: tc.id, Path: tc.path, PathGiven: tc.given})
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			out := bufs.Out.String()
			if !strings.Contains(out, tc.want) || (tc.notWant != "" && strings.Contains(out, tc.notWant)) {
				t.Errorf("output %q, want %q and not %q", out, tc.want, tc.notWant)
			}
		})
	}
}
