// Package update is `pxacl user update`.
package update

import (
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
}

// NewCmdUpdate is `pxacl user update USERID`.
func NewCmdUpdate(f *cmdutil.Factory, runF func(*UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "update USERID",
		Short: "Update user configuration",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user update john@pbs --email john.smith@example.com
  $ pxacl --config-dir /tmp/pxacl-demo user update john@pbs --delete comment,firstname --enable 0`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
	}
	fields := cmdutil.UserFlags(cmd.Flags())
	password := cmdutil.PasswordFlags(cmd)
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
	return store.New(opts.Config.Dir).UpdateUser(opts.UserID, opts.Fields, opts.Delete, pw, opts.Digest)
}
