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
		comment               *string
	}{
		{args: "admin"},
		{args: "admin --comment Admins --digest ab", comment: str("Admins"), digest: "ab"},
		{args: "admin --comment=", comment: str("")},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "admin --users alice@pve", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdAdd, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.ID != "admin" || !reflect.DeepEqual(got.Comment, tc.comment) || got.Digest != tc.digest {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// pveum group add: the group line, groups sorted (docs/semantics.md pve §1.4).
func TestAddRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	comment := "System Administrators"
	if err := addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, ID: "admin", Comment: &comment}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if !strings.Contains(string(b), "\n\ngroup:admin::System Administrators:\ngroup:auditors:alice@pve,temp@pve::\n") {
		t.Errorf("user.cfg:\n%s", b)
	}
}

func TestAddRunRejected(t *testing.T) {
	for _, tc := range []struct{ name, dir, id, digest, wantErr string }{
		{"exists", "pve", "auditors", "", "auditors"},
		{"bad id", "pve", "a:b", "", "a:b"},
		{"stale digest", "pve", "admin", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "admin", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, ID: tc.id, Digest: tc.digest})
			})
		})
	}
}
