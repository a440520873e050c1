package add

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
)

func TestNewCmdAdd(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		args, digest, wantErr string
		privs                 *string
	}{
		{args: "R1"},
		{args: "R1 --privs Sys.PowerMgmt,Sys.Console --digest ab", privs: str("Sys.PowerMgmt,Sys.Console"), digest: "ab"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "R1 --append", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdAdd, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.ID != "R1" || !reflect.DeepEqual(got.Privs, tc.privs) || got.Digest != tc.digest {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// pveum role add: privileges separated by commas or spaces, written sorted
// (docs/semantics.md pve §1.4).
func TestAddRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	privs := "Sys.PowerMgmt Sys.Console"
	if err := addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, ID: "Sys_Power-only", Privs: &privs}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if !strings.Contains(string(b), "\n\nrole:Sys_Power-only:Sys.Console,Sys.PowerMgmt:\nrole:druva_backup_restore:") {
		t.Errorf("user.cfg:\n%s", b)
	}
}

// PVE 8 and 9 reserve role ids starting with "PVE" (the first example of
// PVE's user management chapter is refused); built-in roles exist already
// (docs/semantics.md pve §2).
func TestAddRunRejected(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name, dir, id string
		privs         *string
		digest        string
		wantErr       string
	}{
		{"PVE namespace", "pve", "PVE_Power-only", str("VM.PowerMgmt VM.Console"), "", "cannot use role ID starting with the (case-insensitive) 'PVE' namespace"},
		{"built-in", "pve", "Administrator", str("VM.Audit"), "", "Administrator"},
		{"exists", "pve", "druva_backup_restore", str("VM.Audit"), "", "druva_backup_restore"},
		{"unknown privilege", "pve", "R1", str("VM.Monitor"), "", "VM.Monitor"},
		{"stale digest", "pve", "R1", str("VM.Audit"), strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "R1", str("Sys.Audit"), "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, ID: tc.id, Privs: tc.privs, Digest: tc.digest})
			})
		})
	}
}
