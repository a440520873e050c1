package list

import (
	"strings"
	"testing"

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
			f, bufs := cmdutil.NewTestFactory("../../../../examples/" + tc.dir)
			f.Config.OutputFormat = tc.format
			err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config})
			if tc.wantErr != "" {
				if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want exit 2 and %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(bufs.Out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, bufs.Out)
				}
			}
		})
	}
}
