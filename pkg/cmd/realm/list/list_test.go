package list

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdList(t *testing.T) {
	for _, tc := range []struct{ args, wantErr string }{
		{args: ""},
		{args: "pam", wantErr: "unknown command"},
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
		dir       string
		want      []string
		digestLen int
	}{
		// PBS's built-in realms when there is no domains.cfg
		{"pbs", []string{"│ pam   │ pam  │       1 │ Linux PAM standard authentication    │\n", "│ pbs   │ pbs  │         │ Proxmox Backup authentication server │\n"}, 64},
		// PVE's digest is its SHA-1 of domains.cfg
		{"pve", []string{"│ corp-ldap │ ldap   │         │ Corporate directory               │\n", "│ pve       │ pve    │       1 │ Proxmox VE authentication server  │\n", "│ sso       │ openid │         │                                   │\n"}, 40},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory("../../../../examples/" + tc.dir)
			if err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(bufs.Out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, bufs.Out)
				}
			}
			bufs.Out.Reset()
			f.Config.OutputFormat = "json"
			if err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config}); err != nil {
				t.Fatal(err)
			}
			var l struct {
				Data   []map[string]any `json:"data"`
				Digest string           `json:"digest"`
			}
			if err := json.Unmarshal(bufs.Out.Bytes(), &l); err != nil || len(l.Data) < 2 || len(l.Digest) != tc.digestLen {
				t.Errorf("json %s: %v", bufs.Out, err)
			}
		})
	}
}
