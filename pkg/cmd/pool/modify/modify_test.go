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
		args, wantErr         string
		comment, vms, storage *string
		delete, allowMove     bool
	}{
		{args: "test"},
		{args: "test --vms 300 --storage local --comment x", comment: str("x"), vms: str("300"), storage: str("local")},
		{args: "test --vms 100 --allow-move", vms: str("100"), allowMove: true},
		{args: "test --storage nfs --delete", storage: str("nfs"), delete: true},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "test --members 1", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdModify, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.ID != "test" || !reflect.DeepEqual(got.Comment, tc.comment) || !reflect.DeepEqual(got.VMs, tc.vms) ||
				!reflect.DeepEqual(got.Storage, tc.storage) || got.Delete != tc.delete || got.AllowMove != tc.allowMove {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// pveum pool modify: add members, remove them with --delete; a VM is in at
// most one pool unless moved with --allow-move.
func TestModifyRun(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name string
		opts ModifyOptions
		want []string
	}{
		{"add", ModifyOptions{ID: "test", VMs: str("300"), Storage: str("local")}, []string{"pool:test:test VMs:200,300:local:\n"}},
		{"delete", ModifyOptions{ID: "prod", VMs: str("101"), Storage: str("nfs"), Delete: true}, []string{"pool:prod:production VMs:100:local:\n"}},
		{"move", ModifyOptions{ID: "test", VMs: str("100"), AllowMove: true}, []string{"pool:prod:production VMs:101:local,nfs:\n", "pool:test:test VMs:100,200::\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, "pve")
			f, _ := cmdutil.NewTestFactory(dir)
			opts := tc.opts
			opts.IO, opts.Config = f.IOStreams, f.Config
			if err := modifyRun(&opts); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
			for _, w := range tc.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("user.cfg lacks %q:\n%s", w, b)
				}
			}
		})
	}
}

func TestModifyRunRejected(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name, dir string
		opts      ModifyOptions
		wantErr   string
	}{
		{"in another pool", "pve", ModifyOptions{ID: "test", VMs: str("100")}, "VM 100 belongs already to pool 'prod' and 'allow-move' is not set"},
		{"unknown pool", "pve", ModifyOptions{ID: "nosuch", VMs: str("300")}, "nosuch"},
		{"stale digest", "pve", ModifyOptions{ID: "test", VMs: str("300"), Digest: strings.Repeat("0", 64)}, "modified"},
		{"pbs", "pbs", ModifyOptions{ID: "test", VMs: str("300")}, "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.dir)
			before := cmdtest.ConfigFiles(t, dir)
			f, _ := cmdutil.NewTestFactory(dir)
			opts := tc.opts
			opts.IO, opts.Config = f.IOStreams, f.Config
			err := modifyRun(&opts)
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want exit 2 and %q", err, tc.wantErr)
			}
			if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("files changed")
			}
		})
	}
}
