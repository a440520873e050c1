// Package configgen writes synthetic but realistic PBS configurations of a
// given size (users, tokens, acl.cfg entries over datastores and
// namespaces) for benchmarks and brute-force cross-checks. The output is
// deterministic for a given size and seed.
package configgen

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
)

// Spec describes a configuration to generate.
type Spec struct {
	Entries int   // acl.cfg entries (one ugid and one role per line)
	Seed    int64 // random seed
}

// Config is a generated configuration.
type Config struct {
	UserCfg, ACLCfg []byte
	Users, Tokens   []string
	Paths           []string // every path that carries an entry
}

var roles = []string{
	"DatastoreAdmin", "DatastoreReader", "DatastoreBackup", "DatastorePowerUser",
	"DatastoreAudit", "Audit", "NoAccess", "RemoteSyncOperator", "TapeReader",
}

// Generate builds a configuration: one user per 5 entries (each with one
// token), about 20 entries per datastore, namespaces up to 3 levels deep,
// a few entries on "/" and "/datastore", NoAccess sprinkled in.
func Generate(s Spec) *Config {
	r := rand.New(rand.NewSource(s.Seed))
	nUsers := max(s.Entries/5, 4)
	nStores := max(s.Entries/20, 2)
	c := &Config{}
	var ucfg strings.Builder
	ucfg.WriteString("user: root@pam\n\tcomment Superuser\n")
	for i := range nUsers {
		u := fmt.Sprintf("user%d@pbs", i)
		t := u + "!tok"
		c.Users = append(c.Users, u)
		c.Tokens = append(c.Tokens, t)
		fmt.Fprintf(&ucfg, "\nuser: %s\n\temail %s@example.com\n", u, strings.TrimSuffix(u, "@pbs"))
		if i%50 == 7 {
			ucfg.WriteString("\tenable false\n")
		}
		fmt.Fprintf(&ucfg, "\ntoken: %s\n\tcomment generated\n", t)
		if i%40 == 3 {
			ucfg.WriteString("\texpire 1700000000\n")
		}
	}
	c.UserCfg = []byte(ucfg.String())

	var acl strings.Builder
	seen := map[string]bool{}
	for i := range s.Entries {
		k := i / 5 % nUsers
		subject := c.Users[k]
		if i%5 >= 3 {
			subject = c.Tokens[k]
		}
		var path string
		switch {
		case i%1000 == 0:
			path = "/"
		case i%500 == 1:
			path = "/datastore"
		default:
			path = fmt.Sprintf("/datastore/store%d", r.Intn(nStores))
			for d := 0; d < 3 && r.Intn(3) == 0; d++ {
				path += fmt.Sprintf("/ns%d", r.Intn(8))
			}
		}
		role := roles[r.Intn(len(roles)-3)] // mostly datastore roles
		if r.Intn(25) == 0 {
			role = roles[len(roles)-3+r.Intn(3)]
		}
		prop := 1
		if r.Intn(5) == 0 {
			prop = 0
		}
		fmt.Fprintf(&acl, "acl:%d:%s:%s:%s\n", prop, path, subject, role)
		if !seen[path] {
			seen[path] = true
			c.Paths = append(c.Paths, path)
		}
	}
	c.ACLCfg = []byte(acl.String())
	return c
}

// WriteDir writes user.cfg and acl.cfg into dir.
func (c *Config) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "user.cfg"), c.UserCfg, 0o640); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "acl.cfg"), c.ACLCfg, 0o640)
}
