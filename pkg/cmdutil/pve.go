package cmdutil

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/pxacl/pxacl/config"
	pbsstore "github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/config/pve"
	pvestore "github.com/pxacl/pxacl/config/pve/store"
)

// IsPVE says the configuration is PVE's (--flavor pve, or detected): the
// management commands then behave like pveum.
func (c *Config) IsPVE() bool { return c.Detected() == config.PVE }

// PVEStore is the PVE store of the configuration directory for
// --pve-version.
func (c *Config) PVEStore() (*pvestore.Store, error) {
	if err := c.CheckFlavor(); err != nil {
		return nil, err
	}
	return pvestore.New(c.Dir, c.PVEVersion)
}

// PVEStoreFor is PVEStore for a PVE management command: on a PBS
// configuration it fails with PVEOnly(command).
func (c *Config) PVEStoreFor(command string) (*pvestore.Store, error) {
	if !c.IsPVE() {
		return nil, PVEOnly(command)
	}
	return c.PVEStore()
}

// ChangePVEACL is `acl modify` and `acl delete` (ch.Delete) on a PVE
// configuration: --propagate as 1|0, then one locked change of user.cfg.
func ChangePVEACL(c *Config, command, propagate string, ch pvestore.ACLChange) error {
	s, err := c.PVEStoreFor(command)
	if err != nil {
		return err
	}
	if ch.Propagate, err = ParseBool01("propagate", propagate); err != nil {
		return err
	}
	return s.ChangeACL(ch)
}

// PVEConfigFor is PVEStoreFor followed by a read of the configuration:
// what a PVE list command starts with.
func (c *Config) PVEConfigFor(command string) (*pvestore.Store, *pve.Config, error) {
	s, err := c.PVEStoreFor(command)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := s.Load()
	return s, cfg, err
}

// PVEOnly is the error of a PVE management command (group, role, pool,
// acl modify ...) run on a PBS configuration.
func PVEOnly(what string) error {
	return fmt.Errorf("%s manages Proxmox VE configurations only (this one is PBS's; see 'pxacl --help')", what)
}

// PBSCommandOnPVE is the error of a proxmox-backup-manager command that
// pveum spells differently, run on a PVE configuration: it names the pveum
// form instead of writing PBS's files into a PVE directory.
func PBSCommandOnPVE(command, instead string) error {
	return fmt.Errorf("'pxacl user %s' is proxmox-backup-manager's; on a Proxmox VE configuration use 'pxacl user token %s'", command, instead)
}

// PBSOnly is the error of a flag only proxmox-backup-manager has, given
// on a PVE configuration.
func PBSOnly(flag string) error {
	return fmt.Errorf("--%s is a proxmox-backup-manager option; pveum has none for this command", flag)
}

// OptionalString registers a string flag and returns a reader giving nil
// when the flag was not given.
func OptionalString(fs *pflag.FlagSet, name, usage string) func() *string {
	v := fs.String(name, "", usage)
	return func() *string {
		if fs.Changed(name) {
			return v
		}
		return nil
	}
}

// DigestFlag registers --digest, checked as PVE's assert_if_modified.
func DigestFlag(fs *pflag.FlagSet, dst *string) {
	fs.StringVar(dst, "digest", "", "fail if the file changed since (digest from 'list --output-format json')")
}

// PVEUserFields turns the user flags (UserFlags) and pveum's --groups and
// --keys into the PVE store's fields.
func PVEUserFields(f pbsstore.UserFields, groups, keys *string) pvestore.UserFields {
	return pvestore.UserFields{Enable: f.Enable, Expire: f.Expire, Firstname: f.Firstname, Lastname: f.Lastname,
		Email: f.Email, Comment: f.Comment, Keys: keys, Groups: groups}
}

// ParseBool01 reads a 1|0 flag value (PBS's boolean parser).
func ParseBool01(name, v string) (bool, error) { return pbsstore.ParseBool(name, v) }
