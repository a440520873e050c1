package realms

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/config"
)

const pbsDomains = "pam: pam\n\tcomment Linux PAM standard authentication\n\tdefault true\n\ttype pam\n\npbs: pbs\n\tcomment Proxmox Backup authentication server\n\ttype pbs\n\nldap: corp\n\tbase-dn dc=example,dc=com\n\tserver1 ldap.example.com\n\tuser-attr uid\n"

func setup(t *testing.T, flavor config.Flavor) string {
	t.Helper()
	dir := t.TempDir()
	var data []byte
	if flavor == config.PVE {
		var err error
		if data, err = os.ReadFile("../pve/testdata/domains.cfg"); err != nil {
			t.Fatal(err)
		}
	} else {
		data = []byte(pbsDomains)
	}
	if err := os.WriteFile(filepath.Join(dir, "domains.cfg"), data, 0o640); err != nil {
		t.Fatal(err)
	}
	return dir
}

func ptr(s string) *string { return &s }

func TestRealmOperations(t *testing.T) {
	type op func(m Manager) error
	for _, tc := range []struct {
		name    string
		flavor  config.Flavor
		run     op
		err     string
		want    []string // substrings of domains.cfg afterwards
		pwFile  string   // file holding the bind password afterwards
		pwWant  string
		missing string // substring that must be gone
	}{
		{"pbs add ldap with password", config.PBS, func(m Manager) error {
			return m.Add("dir", "ldap", Change{Set: map[string]string{"server1": "a.example", "base-dn": "dc=a", "user-attr": "uid", "default": "1"}, Password: ptr("bindpw12")})
		}, "", []string{"ldap: dir\n\tbase-dn dc=a\n\tdefault true\n\tserver1 a.example\n\tuser-attr uid\n"}, "ldap_passwords.json", "{\n  \"dir\": \"bindpw12\"\n}", "\tdefault true\n\ttype pam"},
		{"pbs add existing", config.PBS, func(m Manager) error {
			return m.Add("corp", "ad", Change{Set: map[string]string{"server1": "x"}})
		}, "realm 'corp' already exists.", nil, "", "", ""},
		{"pbs add builtin type", config.PBS, func(m Manager) error { return m.Add("pam2", "pam", Change{}) }, "built in", nil, "", "", ""},
		{"pbs add missing required", config.PBS, func(m Manager) error {
			return m.Add("o1", "openid", Change{Set: map[string]string{"issuer-url": "u"}})
		}, "parameter 'client-id' - property is missing", nil, "", "", ""},
		{"pbs add bad mode", config.PBS, func(m Manager) error {
			return m.Add("a1", "ad", Change{Set: map[string]string{"server1": "x", "mode": "tls"}})
		}, "'mode'", nil, "", "", ""},
		{"pbs add password on openid", config.PBS, func(m Manager) error {
			return m.Add("o1", "openid", Change{Set: map[string]string{"issuer-url": "u", "client-id": "c"}, Password: ptr("x")})
		}, "password", nil, "", "", ""},
		{"pbs modify pam comment clears default", config.PBS, func(m Manager) error {
			return m.Modify("pam", Change{Set: map[string]string{"comment": " PAM "}})
		}, "", []string{"pam: pam\n\tcomment PAM\n\ttype pam\n"}, "", "", ""},
		{"pbs modify pam foreign key", config.PBS, func(m Manager) error {
			return m.Modify("pam", Change{Set: map[string]string{"server1": "x"}})
		}, "schema does not allow additional properties", nil, "", "", ""},
		{"pbs modify bad digest", config.PBS, func(m Manager) error {
			return m.Modify("corp", Change{Set: map[string]string{"port": "636"}, Digest: strings.Repeat("0", 64)})
		}, "detected modified configuration", nil, "", "", ""},
		{"pbs modify delete required", config.PBS, func(m Manager) error {
			return m.Modify("corp", Change{Delete: []string{"base-dn"}})
		}, "not a deletable property", nil, "", "", ""},
		{"pbs delete builtin", config.PBS, func(m Manager) error { return m.Delete("pbs", "") }, "built in", nil, "", "", ""},
		{"pbs delete unknown", config.PBS, func(m Manager) error { return m.Delete("nope", "") }, "realm 'nope' does not exist.", nil, "", "", ""},
		{"pbs delete", config.PBS, func(m Manager) error { return m.Delete("corp", "") }, "", []string{"pbs: pbs"}, "", "", "corp"},

		{"pve add ad with password", config.PVE, func(m Manager) error {
			return m.Add("ad2", "ad", Change{Set: map[string]string{"server1": "dc.example.com", "domain": "example.com", "base-dn": "dc=example"}, Password: ptr("bindpw")})
		}, "", []string{"ad: ad2\n\tdomain example.com\n\tserver1 dc.example.com\n\tbase_dn dc=example\n\n"}, "priv/realm/ad2.pw", "bindpw", ""},
		{"pve add reserved", config.PVE, func(m Manager) error {
			return m.Add("pve", "ldap", Change{})
		}, "add auth server failed: domain 'pve' already exists", nil, "", "", ""},
		{"pve add builtin type", config.PVE, func(m Manager) error { return m.Add("pve2", "pve", Change{}) }, "unable to create builtin type 'pve'", nil, "", "", ""},
		{"pve add missing required", config.PVE, func(m Manager) error {
			return m.Add("l2", "ldap", Change{Set: map[string]string{"server1": "a"}})
		}, "missing value for required option 'base_dn'", nil, "", "", ""},
		{"pve add bad realm id", config.PVE, func(m Manager) error { return m.Add("1x", "ldap", Change{}) }, "value does not look like a valid realm", nil, "", "", ""},
		{"pve modify default moves", config.PVE, func(m Manager) error {
			return m.Modify("pam", Change{Set: map[string]string{"default": "1", "comment": "PAM: local"}})
		}, "", []string{"pam: pam\n\tcomment PAM%3A local\n\tdefault 1\n", "pve: pve\n\tcomment Proxmox VE authentication server\n\n"}, "", "", ""},
		{"pve modify fixed", config.PVE, func(m Manager) error {
			return m.Modify("sso", Change{Set: map[string]string{"username-claim": "sub"}})
		}, "can't change value of fixed parameter 'username-claim'", nil, "", "", ""},
		{"pve modify nothing", config.PVE, func(m Manager) error { return m.Modify("sso", Change{}) }, "no options specified", nil, "", "", ""},
		{"pve modify bad digest", config.PVE, func(m Manager) error {
			return m.Modify("sso", Change{Set: map[string]string{"autocreate": "0"}, Digest: strings.Repeat("0", 40)})
		}, "detected modified configuration", nil, "", "", ""},
		{"pve modify password and delete", config.PVE, func(m Manager) error {
			return m.Modify("corp-ldap", Change{Delete: []string{"server2", "bind-dn"}, Password: ptr("pw2")})
		}, "", []string{"ldap: corp-ldap\n\tcomment Corporate directory\n\tbase_dn dc=example,dc=com\n\tserver1 ldap1.example.com\n\tuser_attr uid\n\tmode ldaps\n"}, "priv/realm/corp-ldap.pw", "pw2", "server2"},
		{"pve delete unknown", config.PVE, func(m Manager) error { return m.Delete("nope", "") }, "delete auth server failed: authentication domain 'nope' does not exist", nil, "", "", ""},
		{"pve delete", config.PVE, func(m Manager) error { return m.Delete("corp-ad", "") }, "", []string{"openid: sso"}, "", "", "corp-ad"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := setup(t, tc.flavor)
			before, _ := os.ReadFile(filepath.Join(dir, "domains.cfg"))
			err := tc.run(For(tc.flavor, dir))
			after, _ := os.ReadFile(filepath.Join(dir, "domains.cfg"))
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("temp file left: %s", e.Name())
				}
			}
			if lk, _ := os.ReadDir(filepath.Join(dir, "priv", "lock")); len(lk) != 0 {
				t.Errorf("lock left: %v", lk)
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				if !bytes.Equal(before, after) {
					t.Errorf("domains.cfg changed on failure:\n%s", after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(after), w) {
					t.Errorf("domains.cfg lacks %q:\n%s", w, after)
				}
			}
			if tc.missing != "" && strings.Contains(string(after), tc.missing) {
				t.Errorf("domains.cfg still has %q:\n%s", tc.missing, after)
			}
			if strings.Contains(string(after), "pw") && strings.Contains(string(after), "password") {
				t.Errorf("password in domains.cfg")
			}
			if tc.pwFile != "" {
				got, err := os.ReadFile(filepath.Join(dir, tc.pwFile))
				if err != nil || string(got) != tc.pwWant {
					t.Errorf("%s = %q, %v; want %q", tc.pwFile, got, err, tc.pwWant)
				}
				if st, _ := os.Stat(filepath.Join(dir, tc.pwFile)); st.Mode().Perm() != 0o600 {
					t.Errorf("%s mode %v", tc.pwFile, st.Mode())
				}
			}
			if st, _ := os.Stat(filepath.Join(dir, "domains.cfg")); st.Mode().Perm() != 0o640 {
				t.Errorf("domains.cfg mode %v", st.Mode())
			}
		})
	}
}

// A PVE file with lines PVE would drop is not written.
func TestPVERefusesLossyWrite(t *testing.T) {
	dir := t.TempDir()
	in := []byte("pve: pve\n\tcomment x\n\nfoo: bar\n\tk v\n")
	os.WriteFile(filepath.Join(dir, "domains.cfg"), in, 0o640)
	err := NewPVE(dir).Modify("pve", Change{Set: map[string]string{"comment": "y"}})
	if err == nil || !strings.Contains(err.Error(), "unsupported type 'foo'") {
		t.Fatalf("err %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "domains.cfg")); !bytes.Equal(got, in) {
		t.Errorf("changed:\n%s", got)
	}
}

// A symlinked domains.cfg or password file is refused on PVE.
func TestPVERefusesSymlink(t *testing.T) {
	dir := setup(t, config.PVE)
	target := filepath.Join(t.TempDir(), "elsewhere")
	os.WriteFile(target, []byte("x"), 0o600)
	os.MkdirAll(filepath.Join(dir, "priv", "realm"), 0o700)
	os.Symlink(target, PasswordFile(dir, "corp-ldap"))
	if err := NewPVE(dir).Modify("corp-ldap", Change{Password: ptr("new")}); err == nil {
		t.Fatal("wrote through a symlink")
	}
	if got, _ := os.ReadFile(target); string(got) != "x" {
		t.Errorf("target changed: %q", got)
	}
}
