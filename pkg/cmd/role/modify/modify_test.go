package modify

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
)

func TestNewCmdModify(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		args, wantErr string
		privs         *string
		append        bool
	}{
		{args: "R1"},
		{args: "R1 --privs Sys.Syslog --append", privs: str("Sys.Syslog"), append: true},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "R1 --append=maybe", wantErr: "invalid argument"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdModify, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.ID != "R1" || !reflect.DeepEqual(got.Privs, tc.privs) || got.Append != tc.append {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

func TestModifyRun(t *testing.T) {
	for _, tc := range []struct {
		name   string
		append bool
		want   string
	}{
		{"append", true, "role:druva_backup_restore:Datastore.Allocate,Datastore.AllocateSpace,Datastore.Audit,SDN.Audit,SDN.Use,Sys.Audit,Sys.Syslog,VM.Allocate,"},
		{"replace", false, "role:druva_backup_restore:Sys.Syslog,VM.Audit:\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, "pve")
			f, _ := cmdutil.NewTestFactory(dir)
			privs := "VM.Audit,Sys.Syslog"
			if err := modifyRun(&ModifyOptions{IO: f.IOStreams, Config: f.Config, ID: "druva_backup_restore", Privs: &privs, Append: tc.append}); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
			if !strings.Contains(string(b), tc.want) {
				t.Errorf("user.cfg:\n%s", b)
			}
		})
	}
}

func TestModifyRunRejected(t *testing.T) {
	for _, tc := range []struct{ name, dir, id, privs, digest, wantErr string }{
		{"built-in", "pve", "PVEAuditor", "VM.Audit", "", "PVEAuditor"},
		{"unknown", "pve", "nosuch", "VM.Audit", "", "nosuch"},
		{"unknown privilege", "pve", "druva_backup_restore", "VM.Monitor", "", "VM.Monitor"},
		{"stale digest", "pve", "druva_backup_restore", "VM.Audit", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "Admin", "Sys.Audit", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return modifyRun(&ModifyOptions{IO: f.IOStreams, Config: f.Config, ID: tc.id, Privs: &tc.privs, Digest: tc.digest})
			})
		})
	}
}
