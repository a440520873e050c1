package list

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

const examples = "../../../../../examples"

func TestNewCmdList(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
	}{
		{args: "druva@pam"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "druva@pam backup", wantErr: "accepts 1 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdList, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.UserID != "druva@pam" {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	for _, tc := range []struct {
		name, dir, format, user string
		want                    []string
		wantErr                 string
	}{
		{"text", "pve", "text", "druva@pam", []string{
			"│ tokenid │ comment              │ expire │ privsep │\n",
			"│ backup  │ privsep backup token │  never │       1 │\n",
			"│ full    │ full user privileges │  never │       0 │\n",
		}, ""},
		{"json", "pve", "json", "druva@pam", []string{`"tokenid":"backup"`, `"privsep":0`}, ""},
		{"no tokens", "pve", "json", "alice@pve", []string{`"data":[]`}, ""},
		{"unknown user", "pve", "text", "nobody@pve", nil, "no such user 'nobody@pve'"},
		{"pbs", "pbs", "text", "john@pbs", nil, "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory(examples + "/" + tc.dir)
			f.Config.OutputFormat = tc.format
			err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config, UserID: tc.user})
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
			if tc.format == "json" && !json.Valid(bufs.Out.Bytes()) {
				t.Errorf("invalid JSON %s", bufs.Out)
			}
		})
	}
}
