package list

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdList(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
	}{
		{args: ""},
		{args: "john@pbs", wantErr: "unknown command"},
		{args: "--bogus", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdList, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || got.IO == nil || got.Config == nil {
				t.Errorf("options %+v", got)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	for _, tc := range []struct {
		name, dir, format string
		want              []string
		code              int
	}{
		// an unset enable is shown as 1 (proxmox-backup-manager's default)
		{"pbs text", "pbs", "text", []string{
			"│ userid               │ enable │ expire │ firstname │ lastname │ email             │ comment                          │\n",
			"│ former@pbs           │      0 │        │           │          │                   │ Left the company                 │\n",
			"│ john@pbs             │      1 │        │ John      │ Smith    │ john@example.com  │ An example user.                 │\n",
		}, 0},
		{"pbs json", "pbs", "json", []string{`{"userid":"former@pbs","comment":"Left the company","enable":false}`, `"digest":"`}, 0},
		// pveum user list: the groups column, expire 0 is "never"
		{"pve text", "pve", "text", []string{
			"│ userid     │ enable │ expire │ firstname │ lastname │ email              │ comment             │ groups             │\n",
			"│ alice@pve  │      1 │  never │ Alice     │ Admin    │ alice@example.com  │ VM operator         │ auditors,operators │\n",
			"│ temp@pve   │      0 │  never │           │          │                    │ disabled contractor │ auditors           │\n",
		}, 0},
		{"pve json", "pve", "json", []string{`{"userid":"druva@pam","enable":1,"expire":0,"email":"backup@example.com","comment":"Druva backup user","tokens":["backup","full"]}`}, 0},
		{"missing dir", "nonexistent", "text", nil, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory("../../../../examples/" + tc.dir)
			f.Config.OutputFormat = tc.format
			err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config})
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(bufs.Out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, bufs.Out)
				}
			}
			if tc.format == "json" {
				var v struct {
					Data   []map[string]any `json:"data"`
					Digest string           `json:"digest"`
				}
				if err := json.Unmarshal(bufs.Out.Bytes(), &v); err != nil || len(v.Data) == 0 || len(v.Digest) != 64 {
					t.Errorf("json %s: %v", bufs.Out, err)
				}
			}
		})
	}
}
