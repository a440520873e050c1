package delete

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
)

func TestNewCmdDelete(t *testing.T) {
	for _, tc := range []struct{ args, digest, wantErr string }{
		{args: "operators"},
		{args: "operators --digest ab", digest: "ab"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "a b", wantErr: "accepts 1 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdDelete, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.ID != "operators" || got.Digest != tc.digest {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// pveum group delete removes the group and its ACL entries.
func TestDeleteRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	if err := deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, ID: "operators"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if strings.Contains(string(b), "operators") || !strings.Contains(string(b), "acl:1:/:@auditors,druva@pam!backup:PVEAuditor:\n") {
		t.Errorf("user.cfg:\n%s", b)
	}
}

func TestDeleteRunRejected(t *testing.T) {
	for _, tc := range []struct{ name, dir, id, digest, wantErr string }{
		{"unknown", "pve", "nosuch", "", "nosuch"},
		{"stale digest", "pve", "operators", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "operators", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, ID: tc.id, Digest: tc.digest})
			})
		})
	}
}
