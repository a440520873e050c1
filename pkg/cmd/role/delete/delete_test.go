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
		{args: "druva_backup_restore"},
		{args: "druva_backup_restore --digest ab", digest: "ab"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "a b", wantErr: "accepts 1 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdDelete, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.ID != "druva_backup_restore" || got.Digest != tc.digest {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// pveum role delete: PVE keeps the ACL entries of a deleted role in the
// file (they grant nothing).
func TestDeleteRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	if err := deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, ID: "druva_backup_restore"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if strings.Contains(string(b), "role:druva_backup_restore") || !strings.Contains(string(b), "acl:1:/:druva@pam:druva_backup_restore:\n") {
		t.Errorf("user.cfg:\n%s", b)
	}
}

func TestDeleteRunRejected(t *testing.T) {
	for _, tc := range []struct{ name, dir, id, digest, wantErr string }{
		{"unknown", "pve", "nosuch", "", "nosuch"},
		{"built-in", "pve", "Administrator", "", "Administrator"},
		{"stale digest", "pve", "druva_backup_restore", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "druva_backup_restore", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, ID: tc.id, Digest: tc.digest})
			})
		})
	}
}
