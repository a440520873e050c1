package modify

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

func TestNewCmdModify(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
		change        realms.Change
	}{
		{args: "corp --server2 l2 --port 389 --digest ab", change: realms.Change{Set: map[string]string{"server2": "l2", "port": "389"}, Digest: "ab"}},
		// --delete: commas, semicolons or spaces; PVE's underscore names
		{args: "corp --delete base_dn;filter,password", change: realms.Change{Set: map[string]string{}, Delete: []string{"base-dn", "filter", "password"}}},
		{args: "update --comment=", change: realms.Change{Set: map[string]string{"comment": ""}}},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "corp --type ldap", wantErr: "unknown flag: --type"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdModify, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Change, tc.change) {
				t.Errorf("change %+v, want %+v", got.Change, tc.change)
			}
		})
	}
}

func modify(t *testing.T, dir, realm string, c realms.Change, pw *string) error {
	t.Helper()
	f, _ := cmdutil.NewTestFactory(dir)
	return modifyRun(&ModifyOptions{IO: f.IOStreams, Config: f.Config, Realm: realm, Change: c, Password: func() (*string, error) { return pw, nil }})
}

func TestModifyRunPBS(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	secret := "Bind-S3cret!"
	f, _ := cmdutil.NewTestFactory(dir)
	if err := realms.For(f.Config.Detected(), dir).Add("corp", "ldap", realms.Change{Set: map[string]string{"server1": "l1", "base-dn": "dc=x", "user-attr": "uid"}, Password: &secret}); err != nil {
		t.Fatal(err)
	}
	if err := modify(t, dir, "corp", realms.Change{Set: map[string]string{"server2": "l2", "port": "389"}}, nil); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "domains.cfg"))
	if !strings.Contains(string(cfg), "ldap: corp\n\tbase-dn dc=x\n\tport 389\n\tserver1 l1\n\tserver2 l2\n\tuser-attr uid\n") {
		t.Errorf("domains.cfg:\n%s", cfg)
	}
	// "password" in --delete removes the stored bind password
	if err := modify(t, dir, "corp", realms.Change{Delete: []string{"port", "password"}}, nil); err != nil {
		t.Fatal(err)
	}
	cfg, _ = os.ReadFile(filepath.Join(dir, "domains.cfg"))
	pw, _ := os.ReadFile(filepath.Join(dir, "ldap_passwords.json"))
	if strings.Contains(string(cfg), "port") || strings.Contains(string(pw), secret) {
		t.Errorf("domains.cfg:\n%s\npasswords %s", cfg, pw)
	}
}

// A change to one PVE realm leaves the other lines as they were.
func TestModifyRunPVE(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	before, _ := os.ReadFile(filepath.Join(dir, "domains.cfg"))
	f, _ := cmdutil.NewTestFactory(dir)
	if err := modify(t, dir, "pve", realms.Change{Set: map[string]string{"comment": "PVE users"}}, nil); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "domains.cfg"))
	if want := strings.Replace(string(before), "comment Proxmox VE authentication server", "comment PVE users", 1); string(after) != want {
		t.Errorf("domains.cfg:\n%s\nwant:\n%s", after, want)
	}
	// the digest of realm list is accepted; a stale one is not
	l, err := realms.For(f.Config.Detected(), dir).List()
	if err != nil {
		t.Fatal(err)
	}
	if err := modify(t, dir, "pve", realms.Change{Set: map[string]string{"comment": "x"}, Digest: l.Digest}, nil); err != nil {
		t.Errorf("digest %s: %v", l.Digest, err)
	}
}

func TestModifyRunRejected(t *testing.T) {
	for _, tc := range []struct {
		flavor, name, realm string
		change              realms.Change
		password            bool
	}{
		{"pve", "bad port", "corp-ldap", realms.Change{Set: map[string]string{"port": "70000"}}, false},
		{"pve", "stale digest", "corp-ldap", realms.Change{Set: map[string]string{"comment": "x"}, Digest: strings.Repeat("a", 40)}, false},
		{"pve", "unknown realm", "nope", realms.Change{Set: map[string]string{"comment": "x"}}, false},
		{"pve", "built-in takes no server", "pam", realms.Change{Set: map[string]string{"server1": "x"}}, false},
		{"pve", "openid has no bind password", "sso", realms.Change{}, true},
		{"pbs", "unknown realm", "nope", realms.Change{Set: map[string]string{"comment": "x"}}, false},
		{"pbs", "stale digest", "pam", realms.Change{Set: map[string]string{"comment": "x"}, Digest: strings.Repeat("a", 64)}, false},
	} {
		t.Run(tc.flavor+"/"+tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.flavor)
			before := cmdtest.ConfigFiles(t, dir)
			pw := "pw-secret"
			var p *string
			if tc.password {
				p = &pw
			}
			err := modify(t, dir, tc.realm, tc.change, p)
			if cmdutil.ExitCode(err) != 2 || strings.Contains(err.Error(), pw) {
				t.Fatalf("error %v, want exit 2", err)
			}
			if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("files changed")
			}
		})
	}
}
