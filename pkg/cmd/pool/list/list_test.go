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
		{args: "prod", wantErr: "unknown command"},
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
		{"pve", "text", []string{"│ poolid │ comment        │ vms     │ storage   │\n", "│ prod   │ production VMs │ 100,101 │ local,nfs │\n", "│ test   │ test VMs       │ 200     │           │\n"}, ""},
		{"pve", "json", []string{`"poolid":"prod"`, `"digest":"`}, ""},
		{"pve", "yaml", []string{"poolid: test\n"}, ""},
		{"pbs", "text", nil, "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.dir+"/"+tc.format, func(t *testing.T) {
			cmdtest.Output(t, tc.dir, tc.format, tc.want, tc.wantErr, func(f *cmdutil.Factory) error {
				return listRun(&ListOptions{IO: f.IOStreams, Config: f.Config})
			})
		})
	}
}
