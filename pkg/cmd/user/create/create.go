// Package create is `pxacl user create`.
package create

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// CreateOptions are the inputs of `pxacl user create`.
type CreateOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID string
	Fields store.UserFields
	// Password gives the password to set (nil: none), from --password or
	// read from IO.In with --password-stdin.
	Password func() (*string, error)

	// PVE only (pveum user add): --groups, --keys, --digest.
	Groups, Keys *string
	Digest       string
}

// NewCmdCreate is `pxacl user create USERID`.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "create USERID",
		Aliases: []string{"add"},
		Short:   "Create a new user (PBS: proxmox-backup-manager user create; PVE: pveum user add)",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user create bob@pbs --email bob@example.com --comment "Backup operator"
  $ pxacl --config-dir /tmp/pxacl-demo user create carol@pbs --expire 4102444800 --enable 0`,
		Args: cobra.ExactArgs(1),
	}
	fields := cmdutil.UserFlags(cmd.Flags())
	password := cmdutil.PasswordFlags(cmd)
	groups := cmdutil.OptionalString(cmd.Flags(), "groups", "PVE: groups to join (comma or space separated)")
	keys := cmdutil.OptionalString(cmd.Flags(), "keys", "PVE: legacy two-factor keys")
	cmdutil.DigestFlag(cmd.Flags(), &opts.Digest)
	cmdutil.RegisterValues(cmd, "enable", "1", "0")
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.UserID = args[0]
		var err error
		if opts.Fields, err = fields(); err != nil {
			return err
		}
		opts.Password = func() (*string, error) { return password(opts.IO.In, opts.IO.ErrOut) }
		opts.Groups, opts.Keys = groups(), keys()
		if runF != nil {
			return runF(opts)
		}
		return createRun(opts)
	}
	return cmd
}

func createRun(opts *CreateOptions) error {
	pw, err := opts.Password()
	if err != nil {
		return err
	}
	if opts.Config.IsPVE() {
		return createPVE(opts, pw)
	}
	if opts.Groups != nil || opts.Keys != nil || opts.Digest != "" {
		return fmt.Errorf("--groups, --keys and --digest are pveum options; proxmox-backup-manager user create has none")
	}
	return store.New(opts.Config.Dir).CreateUser(opts.UserID, opts.Fields, pw)
}

// createPVE is pveum user add. PVE keeps passwords in the realm (PAM's
// /etc/shadow, pve's priv/shadow.cfg), which pxacl does not write.
func createPVE(opts *CreateOptions, pw *string) error {
	if pw != nil {
		return fmt.Errorf("--password: PVE keeps passwords in the realm; pxacl does not set them (use pveum passwd)")
	}
	s, err := opts.Config.PVEStore()
	if err != nil {
		return err
	}
	return s.AddUser(opts.UserID, cmdutil.PVEUserFields(opts.Fields, opts.Groups, opts.Keys), opts.Digest)
}
