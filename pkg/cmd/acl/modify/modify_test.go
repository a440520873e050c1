package modify

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

func TestNewCmdModify(t *testing.T) {
	for _, tc := range []struct {
		args, propagate, wantErr string
		change                   pvestore.ACLChange
	}{
		{args: "/vms/100 --groups operators --tokens deploy@pve!ci --roles PVEVMUser,PVEAuditor", propagate: "1",
			change: pvestore.ACLChange{Path: "/vms/100", Groups: "operators", Tokens: "deploy@pve!ci", Roles: "PVEVMUser,PVEAuditor"}},
		{args: "/ --users alice@pve --roles PVEAuditor --propagate 0 --digest ab", propagate: "0",
			change: pvestore.ACLChange{Path: "/", Users: "alice@pve", Roles: "PVEAuditor", Digest: "ab"}},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "/ --delete", wantErr: "unknown flag: --delete"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdModify, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || !reflect.DeepEqual(got.Change, tc.change) || got.Propagate != tc.propagate {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// pveum acl modify: entries sharing path, flag and roles share a line,
// subjects and roles sorted (docs/semantics.md pve §1.4).
func TestModifyRun(t *testing.T) {
	for _, tc := range []struct {
		name      string
		change    pvestore.ACLChange
		propagate string
		want      string
	}{
		{"group and token", pvestore.ACLChange{Path: "/vms/100", Groups: "operators", Tokens: "deploy@pve!ci", Roles: "PVEVMUser,PVEAuditor"}, "1",
			"acl:1:/vms/100:@operators,deploy@pve!ci:PVEAuditor,PVEVMUser:\n"},
		{"no propagate", pvestore.ACLChange{Path: "/storage/local", Users: "deploy@pve", Roles: "PVEDatastoreUser"}, "0",
			"acl:0:/storage/local:alice@pve,deploy@pve:PVEDatastoreUser:\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, "pve")
			f, _ := cmdutil.NewTestFactory(dir)
			if err := modifyRun(&ModifyOptions{IO: f.IOStreams, Config: f.Config, Change: tc.change, Propagate: tc.propagate}); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
			if !strings.Contains(string(b), tc.want) {
				t.Errorf("user.cfg lacks %q:\n%s", tc.want, b)
			}
		})
	}
}

// Subjects must exist, added paths must be valid (docs/semantics.md pve §4.1, pve §6).
func TestModifyRunRejected(t *testing.T) {
	for _, tc := range []struct {
		name, dir string
		change    pvestore.ACLChange
		propagate string
	}{
		{"invalid path", "pve", pvestore.ACLChange{Path: "/users", Users: "alice@pve", Roles: "PVEAuditor"}, "1"},
		{"unknown role", "pve", pvestore.ACLChange{Path: "/vms/100", Users: "alice@pve", Roles: "NoSuchRole"}, "1"},
		{"unknown user", "pve", pvestore.ACLChange{Path: "/vms/100", Users: "nobody@pve", Roles: "PVEAuditor"}, "1"},
		{"unknown group", "pve", pvestore.ACLChange{Path: "/vms/100", Groups: "nosuch", Roles: "PVEAuditor"}, "1"},
		{"unknown token", "pve", pvestore.ACLChange{Path: "/vms/100", Tokens: "alice@pve!nosuch", Roles: "PVEAuditor"}, "1"},
		{"no subject", "pve", pvestore.ACLChange{Path: "/vms/100", Roles: "PVEAuditor"}, "1"},
		{"stale digest", "pve", pvestore.ACLChange{Path: "/vms/100", Users: "alice@pve", Roles: "PVEAuditor", Digest: strings.Repeat("0", 64)}, "1"},
		{"bad propagate", "pve", pvestore.ACLChange{Path: "/vms/100", Users: "alice@pve", Roles: "PVEAuditor"}, "2"},
		{"pbs", "pbs", pvestore.ACLChange{Path: "/", Users: "john@pbs", Roles: "Audit"}, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.dir)
			before := cmdtest.ConfigFiles(t, dir)
			f, _ := cmdutil.NewTestFactory(dir)
			err := modifyRun(&ModifyOptions{IO: f.IOStreams, Config: f.Config, Change: tc.change, Propagate: tc.propagate})
			if cmdutil.ExitCode(err) != 2 || err.Error() == "" {
				t.Fatalf("error %v, want exit 2", err)
			}
			if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("files changed")
			}
		})
	}
}
