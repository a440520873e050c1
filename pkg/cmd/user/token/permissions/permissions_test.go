package permissions

import (
	"context"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	userperms "github.com/pxacl/pxacl/pkg/cmd/user/permissions"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

const examples = "../../../../../examples"

func TestNewCmdPermissions(t *testing.T) {
	for _, tc := range []struct {
		args, id, path string
		given          bool
		wantErr        string
	}{
		{args: "druva@pam backup", id: "druva@pam!backup"},
		{args: "druva@pam backup --path /vms/100", id: "druva@pam!backup", path: "/vms/100", given: true},
		{args: "druva@pam", wantErr: "accepts 2 arg(s)"},
		{args: "druva@pam backup --paths /", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			f, _ := cmdutil.NewTestFactory(".")
			var got *userperms.PermissionsOptions
			err := cmdutil.ExecuteArgs(NewCmdPermissions(f, func(o *userperms.PermissionsOptions) error { got = o; return nil }), tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.AuthID != tc.id || got.Path != tc.path || got.PathGiven != tc.given {
				t.Errorf("options %+v", *got)
			}
		})
	}
}

// A privsep token has its own entries limited to its owner's privileges;
// a token without privsep has exactly its owner's (docs/semantics.md pve §3.2).
func TestPermissionsRun(t *testing.T) {
	for _, tc := range []struct {
		name, format, token string
		want, notWant       []string
		code                int
	}{
		{"privsep text", "text", "backup", []string{"│ /vms/100 │ Datastore.Audit (*) │\n", "│          │ VM.Audit (*)        │\n",
			"Permissions marked with '(*)' have the 'propagate' flag set.\n"}, []string{"VM.PowerMgmt"}, 0},
		{"full json", "json", "full", []string{`{"/vms/100":{`, `"VM.PowerMgmt":true`, `"VM.Snapshot":true`}, nil, 0},
		{"unknown token", "json", "nosuch", []string{`{"/vms/100":{}}`}, nil, 0},
		{"bad token id", "text", "a b", nil, nil, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory(examples + "/pve")
			f.Config.OutputFormat = tc.format
			err := userperms.Run(context.Background(), &userperms.PermissionsOptions{IO: f.IOStreams, Config: f.Config,
				AuthID: "druva@pam!" + tc.token, Path: "/vms/100", PathGiven: true})
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(bufs.Out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, bufs.Out)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(bufs.Out.String(), w) {
					t.Errorf("output has %q:\n%s", w, bufs.Out)
				}
			}
		})
	}
}
