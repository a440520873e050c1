package delete

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdDelete(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
	}{
		{args: "john@pbs recovery"},
		{args: "john@pbs", wantErr: "accepts 2 arg(s)"},
		{args: "john@pbs recovery x", wantErr: "accepts 2 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdDelete, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.UserID != "john@pbs" || got.ID != "recovery" {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

func TestDeleteRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	id := cmdtest.AddTOTP(t, dir, "john@pbs")
	if _, err := store.New(dir).AddRecovery("john@pbs"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tfa.json")
	del := func(user, id string) error {
		f, _ := cmdutil.NewTestFactory(dir)
		return deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, UserID: user, ID: id})
	}
	before, _ := os.ReadFile(path)
	for _, bad := range [][2]string{{"john@pbs", "nope"}, {"audit@pbs", "recovery"}, {"nobody@pbs", id}} {
		if err := del(bad[0], bad[1]); cmdutil.ExitCode(err) != 2 {
			t.Errorf("delete %s %s: %v", bad[0], bad[1], err)
		}
	}
	if err := del("john@pbs", "nope"); err == nil || !strings.Contains(err.Error(), "no such tfa entry: john@pbs/nope") {
		t.Errorf("error %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("a refused delete changed tfa.json")
	}
	if err := del("john@pbs", id); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), id) || !strings.Contains(string(b), `"recovery"`) {
		t.Errorf("tfa.json after deleting the TOTP: %s", b)
	}
	if err := del("john@pbs", "recovery"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "{}" {
		t.Errorf("tfa.json after deleting everything: %s", b)
	}
}
