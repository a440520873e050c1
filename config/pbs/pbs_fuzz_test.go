package pbs

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds the given testdata files and literal strings to f.
func addSeeds(f *testing.F, files []string, lits ...string) {
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range lits {
		f.Add([]byte(s))
	}
}

// FuzzParseUserCfg: no panic; a parsed config writes a file that parses
// again and writes identically (§5.1 write-back is a fixed point).
func FuzzParseUserCfg(f *testing.F) {
	addSeeds(f, []string{"user.cfg", "user_noncanonical.cfg"},
		"", "user: a@pbs\n\tcomment \n", "token: a@pbs!t\n\tenable on\n\texpire 5\n", "# x\n", "user: a@pbs\n\tcomment x\n\tcomment y\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseUserCfg(UserCfg, data)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T is not *ParseError", err)
			}
			return
		}
		out := c.Write()
		c2, err := ParseUserCfg(UserCfg, out)
		if err != nil {
			t.Fatalf("re-parse of written config failed: %v\n%q", err, out)
		}
		if out2 := c2.Write(); !bytes.Equal(out, out2) {
			t.Fatalf("write not stable:\n%q\n%q", out, out2)
		}
		for _, u := range c.Users {
			if c.User(u.Userid) != u {
				t.Fatalf("lookup of %q failed", u.Userid)
			}
		}
	})
}

// FuzzParseACLCfg: no panic; parse -> Write -> parse gives a tree that
// writes identically (§2.2).
func FuzzParseACLCfg(f *testing.F) {
	addSeeds(f, []string{"acl_compression.cfg", "acl_mixed.cfg"},
		"", "acl:1:/:a@pbs:NoAccess,Admin\n", "acl:1:/:a@pbs:Admin,NoAccess\n", "acl:1:/x:john@pbs\n",
		"acl:0:/:root@pam:Admin\nacl:1:/:@g:Audit\n", "acl:1:// a /b:@ g,us!er@pbs:Audit\r\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := ParseACLCfg(ACLCfg, data, IsBuiltinRole)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T is not *ParseError", err)
			}
			return
		}
		out := tree.Write()
		tree2, err := ParseACLCfg(ACLCfg, out, IsBuiltinRole)
		if err != nil {
			t.Fatalf("re-parse of written acl.cfg failed: %v\n%q", err, out)
		}
		if out2 := tree2.Write(); !bytes.Equal(out, out2) {
			t.Fatalf("write not stable:\n%q\n%q", out, out2)
		}
	})
}

// FuzzParseDomainsCfg: no panic; errors are *ParseError.
func FuzzParseDomainsCfg(f *testing.F) {
	addSeeds(f, []string{"domains.cfg"}, "", "ad: ad\n\tserver1 x\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParseDomainsCfg(DomainsCfg, data); err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T is not *ParseError", err)
			}
		}
	})
}
