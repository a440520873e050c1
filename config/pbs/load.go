package pbs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
// root@pam); a missing or unreadable dir is an error naming it. isRole
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
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading %q: %w", p, err)
		}
		return data, nil
	}
	data, err := read(UserCfg)
	if err == nil {
		c.Users, err = ParseUserCfg(filepath.Join(dir, UserCfg), data)
	}
	if err != nil {
		return nil, err
	}
	if data, err = read(ACLCfg); err == nil {
		c.ACL, err = ParseACLCfg(filepath.Join(dir, ACLCfg), data, isRole)
	}
	if err != nil {
		return nil, err
	}
	if data, err = read(DomainsCfg); err == nil {
		c.Domains, err = ParseDomainsCfg(filepath.Join(dir, DomainsCfg), data)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}
