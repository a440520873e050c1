package delete

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdDelete(t *testing.T) {
	for _, tc := range []struct{ args, digest, wantErr string }{
		{args: "test"},
		{args: "test --digest ab", digest: "ab"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "a b", wantErr: "accepts 1 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdDelete, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.ID != "test" || got.Digest != tc.digest {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// pveum pool delete: only an empty pool, with its ACL entries.
func TestDeleteRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	empty := "200"
	s, err := f.Config.PVEStore()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ModifyPool("test", pvestore.PoolFields{VMs: &empty, Delete: true}, ""); err != nil {
		t.Fatal(err)
	}
	if err := deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, ID: "test"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if strings.Contains(string(b), "pool:test") || strings.Contains(string(b), "/pool/test") || !strings.Contains(string(b), "acl:1:/pool/prod:@operators:PVEVMUser:\n") {
		t.Errorf("user.cfg:\n%s", b)
	}
}

func TestDeleteRunRejected(t *testing.T) {
	for _, tc := range []struct{ name, dir, id, digest, wantErr string }{
		{"unknown", "pve", "nosuch", "", "nosuch"},
		{"not empty", "pve", "prod", "", "pool 'prod' is not empty (contains VM 100)"},
		{"stale digest", "pve", "test", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "test", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, ID: tc.id, Digest: tc.digest})
			})
		})
	}
}
