package delete

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/config/realms"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdDelete(t *testing.T) {
	for _, tc := range []struct {
		args, digest, wantErr string
	}{
		{args: "corp-ldap"},
		{args: "corp-ldap --digest ab", digest: "ab"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "a b", wantErr: "accepts 1 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdDelete, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.Realm != "corp-ldap" || got.Digest != tc.digest {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// run runs the command's RunE (the behaviour has no separate run function).
func run(t *testing.T, dir string, args string) error {
	t.Helper()
	f, _ := cmdutil.NewTestFactory(dir)
	return cmdutil.ExecuteArgs(NewCmdDelete(f, nil), args)
}

// Deleting a realm deletes its stored bind password too; an add and a
// delete give PVE's domains.cfg back byte for byte.
func TestDeleteRun(t *testing.T) {
	for _, tc := range []struct{ flavor, pwFile string }{
		{"pbs", "ldap_passwords.json"},
		{"pve", "priv/realm/corp2.pw"},
	} {
		t.Run(tc.flavor, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.flavor)
			before, _ := os.ReadFile(filepath.Join(dir, "domains.cfg"))
			f, _ := cmdutil.NewTestFactory(dir)
			secret := "Bind-S3cret!"
			if err := realms.For(f.Config.Detected(), dir).Add("corp2", "ldap", realms.Change{
				Set: map[string]string{"server1": "l1", "base-dn": "dc=x", "user-attr": "uid"}, Password: &secret}); err != nil {
				t.Fatal(err)
			}
			if err := run(t, dir, "corp2"); err != nil {
				t.Fatal(err)
			}
			if pw, _ := os.ReadFile(filepath.Join(dir, tc.pwFile)); strings.Contains(string(pw), secret) {
				t.Errorf("password kept after delete")
			}
			if tc.flavor == "pve" {
				if after, _ := os.ReadFile(filepath.Join(dir, "domains.cfg")); string(after) != string(before) {
					t.Errorf("domains.cfg:\n%s", after)
				}
				if _, err := os.Stat(filepath.Join(dir, tc.pwFile)); err == nil {
					t.Errorf("password file kept")
				}
			}
		})
	}
}

func TestDeleteRunRejected(t *testing.T) {
	for _, tc := range []struct{ flavor, args string }{
		{"pbs", "nope"},
		{"pbs", "pam"},
		{"pve", "nope"},
		{"pve", "corp-ldap --digest " + strings.Repeat("a", 40)},
	} {
		t.Run(tc.flavor+"/"+tc.args, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.flavor)
			before := cmdtest.ConfigFiles(t, dir)
			if err := run(t, dir, tc.args); cmdutil.ExitCode(err) != 2 {
				t.Fatalf("error %v, want exit 2", err)
			}
			if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("files changed")
			}
		})
	}
}
