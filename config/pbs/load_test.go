package pbs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "confdir"), IsBuiltinRole)
	if err != nil {
		t.Fatal(err)
	}
	if c.Users.User("john@pbs") == nil || c.ACL.Node("/datastore/s1") == nil || c.Domains.Realm("ldap1") == nil {
		t.Error("missing content")
	}
}

func TestLoadMissingFiles(t *testing.T) {
	// §2.1/§5: missing files are empty; user.cfg still gets root@pam.
	dir := t.TempDir()
	c, err := Load(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Users.Users) != 1 || c.Users.User("root@pam") == nil || len(c.ACL.Write()) != 0 || len(c.Domains.Realms) != 0 {
		t.Errorf("config = %+v", c)
	}
	// secrets are never opened: unreadable secret files do not matter.
	for _, f := range []string{"token.shadow", "shadow.json", "tfa.json"} {
		if err := os.Mkdir(filepath.Join(dir, f), 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Load(dir, nil); err != nil {
		t.Error(err)
	}
}

func TestLoadErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := Load(missing, nil); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing dir: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ACLCfg), []byte("acl:1:/:a@pbs:Foo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir, nil)
	checkErr(t, err, filepath.Join(dir, ACLCfg)+":1:", "'Foo'")
}
