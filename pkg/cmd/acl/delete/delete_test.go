package delete

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdDelete(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
		change        pvestore.ACLChange
	}{
		{args: "/pool/prod --groups operators --roles PVEVMUser", change: pvestore.ACLChange{Path: "/pool/prod", Groups: "operators", Roles: "PVEVMUser", Delete: true}},
		{args: "/ --users a@pve --tokens a@pve!t --roles R --digest ab", change: pvestore.ACLChange{Path: "/", Users: "a@pve", Tokens: "a@pve!t", Roles: "R", Digest: "ab", Delete: true}},
		{args: "", wantErr: "accepts 1 arg(s)"},
		// pveum acl delete has no --propagate
		{args: "/ --propagate 0", wantErr: "unknown flag: --propagate"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdDelete, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || !reflect.DeepEqual(got.Change, tc.change) {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

func TestDeleteRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	err := deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, Propagate: "1",
		Change: pvestore.ACLChange{Path: "/pool/test", Tokens: "deploy@pve!ci", Roles: "PVEVMAdmin", Delete: true}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if !strings.Contains(string(b), "acl:1:/pool/test:deploy@pve:PVEVMAdmin:\n") {
		t.Errorf("user.cfg:\n%s", b)
	}
	// removing an entry that is not there changes nothing
	before := cmdtest.ConfigFiles(t, dir)
	err = deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, Propagate: "1",
		Change: pvestore.ACLChange{Path: "/vms/999", Users: "alice@pve", Roles: "PVEAuditor", Delete: true}})
	if err != nil {
		t.Errorf("deleting an absent entry: %v", err)
	}
	if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("deleting an absent entry changed user.cfg")
	}
}

func TestDeleteRunRejected(t *testing.T) {
	for _, tc := range []struct {
		name, dir string
		change    pvestore.ACLChange
	}{
		{"stale digest", "pve", pvestore.ACLChange{Path: "/pool/prod", Groups: "operators", Roles: "PVEVMUser", Digest: strings.Repeat("0", 64), Delete: true}},
		{"no subject", "pve", pvestore.ACLChange{Path: "/pool/prod", Roles: "PVEVMUser", Delete: true}},
		{"pbs", "pbs", pvestore.ACLChange{Path: "/", Users: "admin@pbs", Roles: "Admin", Delete: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.dir)
			before := cmdtest.ConfigFiles(t, dir)
			f, _ := cmdutil.NewTestFactory(dir)
			err := deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, Change: tc.change, Propagate: "1"})
			if cmdutil.ExitCode(err) != 2 {
				t.Fatalf("error %v, want exit 2", err)
			}
			if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("files changed")
			}
		})
	}
}
