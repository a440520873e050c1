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
		args, digest, wantErr string
		comment               *string
	}{
		{args: "operators"},
		{args: "operators --comment Ops --digest ab", comment: str("Ops"), digest: "ab"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "operators --append", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdModify, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.ID != "operators" || !reflect.DeepEqual(got.Comment, tc.comment) || got.Digest != tc.digest {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

func TestModifyRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	comment := "Ops"
	if err := modifyRun(&ModifyOptions{IO: f.IOStreams, Config: f.Config, ID: "operators", Comment: &comment}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if !strings.Contains(string(b), "\ngroup:operators:alice@pve,deploy@pve:Ops:\n") {
		t.Errorf("user.cfg:\n%s", b)
	}
}

func TestModifyRunRejected(t *testing.T) {
	for _, tc := range []struct{ name, dir, id, digest, wantErr string }{
		{"unknown", "pve", "nosuch", "", "nosuch"},
		{"stale digest", "pve", "operators", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "operators", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.dir)
			before := cmdtest.ConfigFiles(t, dir)
			f, _ := cmdutil.NewTestFactory(dir)
			comment := "x"
			err := modifyRun(&ModifyOptions{IO: f.IOStreams, Config: f.Config, ID: tc.id, Comment: &comment, Digest: tc.digest})
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want exit 2 and %q", err, tc.wantErr)
			}
			if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("files changed")
			}
		})
	}
}
