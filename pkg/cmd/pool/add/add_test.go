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
		{args: "dev"},
		{args: "dev --comment Admins --digest ab", comment: str("Admins"), digest: "ab"},
		{args: "dev --comment=", comment: str("")},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "dev --users alice@pve", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdAdd, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.ID != "dev" || !reflect.DeepEqual(got.Comment, tc.comment) || got.Digest != tc.digest {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// pveum pool add: nested pools up to 3 levels, their parent must exist
// (docs/semantics.md pve §6).
func TestAddRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	for _, id := range []string{"dev", "prod/web"} {
		f, _ := cmdutil.NewTestFactory(dir)
		comment := "development"
		if err := addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, ID: id, Comment: &comment}); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if !strings.Contains(string(b), "\n\npool:dev:development:::\npool:prod:production VMs:100,101:local,nfs:\npool:prod/web:development:::\npool:test:") {
		t.Errorf("user.cfg:\n%s", b)
	}
}

func TestAddRunRejected(t *testing.T) {
	for _, tc := range []struct{ name, dir, id, digest, wantErr string }{
		{"exists", "pve", "prod", "", "prod"},
		{"no parent", "pve", "a/b", "", "a"},
		{"bad id", "pve", "a:b", "", "a:b"},
		{"stale digest", "pve", "dev", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "dev", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, ID: tc.id, Digest: tc.digest})
			})
		})
	}
}
