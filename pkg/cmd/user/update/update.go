// Package update is `pxacl user update`.
package update

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// UpdateOptions are the inputs of `pxacl user update`.
type UpdateOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID string
	Fields store.UserFields
	Delete []string // properties to delete
	Digest string
	// Password gives the password to set (nil: none), from --password or
	// read from IO.In with --password-stdin.
	Password func() (*string, error)

	// PVE only (pveum user modify): --groups, --keys, --append.
	Groups, Keys *string
	Append       bool
}

// NewCmdUpdate is `pxacl user update USERID`.
func NewCmdUpdate(f *cmdutil.Factory, runF func(*UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "update USERID",
		Aliases: []string{"modify"},
		Short:   "Update user configuration (PBS: proxmox-backup-manager user update; PVE: pveum user modify)",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user update john@pbs --email john.smith@example.com
  $ pxacl --config-dir /tmp/pxacl-demo user update john@pbs --delete comment,firstname --enable 0`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
	}
	fields := cmdutil.UserFlags(cmd.Flags())
	password := cmdutil.PasswordFlags(cmd)
	groups := cmdutil.OptionalString(cmd.Flags(), "groups", "PVE: the user's groups (comma or space separated)")
	keys := cmdutil.OptionalString(cmd.Flags(), "keys", "PVE: legacy two-factor keys")
	cmd.Flags().BoolVar(&opts.Append, "append", false, "PVE: add --groups to the user's groups instead of replacing them")
	cmd.Flags().StringVar(&opts.Digest, "digest", "", "fail if user.cfg changed (SHA-256 hex from 'user list --output-format json')")
	cmd.Flags().StringSliceVar(&opts.Delete, "delete", nil, "properties to delete (comment, firstname, lastname, email)")
	cmdutil.RegisterValues(cmd, "enable", "1", "0")
	cmdutil.RegisterValues(cmd, "delete", "comment", "firstname", "lastname", "email")
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
		return updateRun(opts)
	}
	return cmd
}

func updateRun(opts *UpdateOptions) error {
	pw, err := opts.Password()
	if err != nil {
		return err
	}
	if opts.Config.IsPVE() {
		return updatePVE(opts, pw)
	}
	if opts.Groups != nil || opts.Keys != nil || opts.Append {
		return fmt.Errorf("--groups, --keys and --append are pveum options; proxmox-backup-manager user update has none")
	}
	return store.New(opts.Config.Dir).UpdateUser(opts.UserID, opts.Fields, opts.Delete, pw, opts.Digest)
}

// updatePVE is pveum user modify.
func updatePVE(opts *UpdateOptions, pw *string) error {
	if pw != nil {
		return fmt.Errorf("--password: PVE keeps passwords in the realm; pxacl does not set them (use pveum passwd)")
	}
	if len(opts.Delete) > 0 {
		return cmdutil.PBSOnly("delete")
	}
	s, err := opts.Config.PVEStore()
	if err != nil {
		return err
	}
	return s.ModifyUser(opts.UserID, cmdutil.PVEUserFields(opts.Fields, opts.Groups, opts.Keys), opts.Append, opts.Digest)
}
