package update

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdUpdate(t *testing.T) {
	f, _ := cmdutil.NewTestFactory(".")
	var got *UpdateOptions
	cmd := NewCmdUpdate(f, func(o *UpdateOptions) error { got = o; return nil })
	if err := cmdutil.ExecuteArgs(cmd, "/datastore Audit --auth-id audit@pbs --propagate 0 --delete --digest ab"); err != nil {
		t.Fatal(err)
	}
	u := got.Update
	if u.Path != "/datastore" || u.Role != "Audit" || u.AuthID != "audit@pbs" || got.Propagate != "0" || !u.Delete || u.Digest != "ab" {
		t.Errorf("options %+v", *got)
	}
}

func TestUpdateRun(t *testing.T) {
	for _, tc := range []struct {
		name, path, role, id, propagate, want string
		code                                  int
	}{
		{"add", "/datastore/store1", "DatastoreReader", "audit@pbs", "1", "acl:1:/datastore/store1:audit@pbs,former@pbs", 0},
		{"no propagate", "/system", "Audit", "john@pbs", "0", "acl:0:/system:john@pbs:Audit", 0},
		{"bad propagate", "/", "Audit", "john@pbs", "maybe", "", 2},
		{"unknown role", "/", "Nope", "john@pbs", "1", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if out, err := exec.Command("cp", "-r", "../../../../examples/pbs/.", dir).CombinedOutput(); err != nil {
				t.Fatal(err, string(out))
			}
			f, _ := cmdutil.NewTestFactory(dir)
			opts := &UpdateOptions{IO: f.IOStreams, Config: f.Config, Propagate: tc.propagate}
			opts.Update.Path, opts.Update.Role, opts.Update.AuthID = tc.path, tc.role, tc.id
			err := updateRun(opts)
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			b, _ := os.ReadFile(dir + "/acl.cfg")
			if !strings.Contains(string(b), tc.want) {
				t.Errorf("acl.cfg lacks %q:\n%s", tc.want, b)
			}
		})
	}
}
