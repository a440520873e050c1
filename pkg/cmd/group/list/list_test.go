package list

import (
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdList(t *testing.T) {
	for _, tc := range []struct{ args, wantErr string }{
		{args: ""},
		{args: "operators", wantErr: "unknown command"},
	} {
		f, _ := cmdutil.NewTestFactory(".")
		called := false
		err := cmdutil.ExecuteArgs(NewCmdList(f, func(*ListOptions) error { called = true; return nil }), tc.args)
		if tc.wantErr == "" && (err != nil || !called) || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%q: %v (called %v)", tc.args, err, called)
		}
	}
}

func TestListRun(t *testing.T) {
	for _, tc := range []struct {
		dir, format string
		want        []string
		wantErr     string
	}{
		{"pve", "text", []string{"│ groupid   │ comment      │ users                │\n", "│ auditors  │              │ alice@pve,temp@pve   │\n", "│ operators │ VM operators │ alice@pve,deploy@pve │\n"}, ""},
		{"pve", "json", []string{`{"groupid":"operators","comment":"VM operators","users":"alice@pve,deploy@pve"}`, `"digest":"`}, ""},
		{"pve", "yaml", []string{"groupid: operators\n"}, ""},
		{"pbs", "text", nil, "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.dir+"/"+tc.format, func(t *testing.T) {
			cmdtest.Output(t, tc.dir, tc.format, tc.want, tc.wantErr, func(f *cmdutil.Factory) error {
				return listRun(&ListOptions{IO: f.IOStreams, Config: f.Config})
			})
		})
	}
}
