package pbs

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/pxacl/pxacl/internal/cfgfile"
)

// Config is the access-control part of a PBS configuration directory.
type Config struct {
	Dir     string
	Users   *UserConfig
	ACL     *ACLTree
	Domains *DomainsConfig
}

// Load reads user.cfg, acl.cfg and domains.cfg from dir. A missing file is
// the same as an empty one (§2.1; user.cfg then holds only the injected
// root@pam); a missing or unreadable dir is an error naming it, and so is
// a file that is not a regular file or is over cfgfile.MaxSize. isRole
// checks acl.cfg role names (nil: IsBuiltinRole). token.shadow,
// shadow.json and tfa.json are never opened.
func Load(dir string, isRole func(string) bool) (*Config, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("pbs config directory %q: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("pbs config directory %q: not a directory", dir)
	}
	c := &Config{Dir: dir}
	read := func(name string) ([]byte, error) {
		p := filepath.Join(dir, name)
		return cfgfile.ReadOptional(p)
	}
	// The files are independent: parse them in parallel (a million-line
	// acl.cfg and a large user.cfg take seconds each). Errors are reported
	// in file order, user.cfg first.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Add(3)
	go func() {
		defer wg.Done()
		data, err := read(UserCfg)
		if err == nil {
			c.Users, err = ParseUserCfg(filepath.Join(dir, UserCfg), data)
		}
		errs[0] = err
	}()
	go func() {
		defer wg.Done()
		data, err := read(ACLCfg)
		if err == nil {
			c.ACL, err = ParseACLCfg(filepath.Join(dir, ACLCfg), data, isRole)
		}
		errs[1] = err
	}()
	go func() {
		defer wg.Done()
		data, err := read(DomainsCfg)
		if err == nil {
			c.Domains, err = ParseDomainsCfg(filepath.Join(dir, DomainsCfg), data)
		}
		errs[2] = err
	}()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}
