// Package create is `pxacl user create`.
package create

import (
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
}

// NewCmdCreate is `pxacl user create USERID`.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "create USERID",
		Short: "Create a new user",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user create bob@pbs --email bob@example.com --comment "Backup operator"
  $ pxacl --config-dir /tmp/pxacl-demo user create carol@pbs --expire 4102444800 --enable 0`,
		Args: cobra.ExactArgs(1),
	}
	fields := cmdutil.UserFlags(cmd.Flags())
	password := cmdutil.PasswordFlags(cmd)
	cmdutil.RegisterValues(cmd, "enable", "1", "0")
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
		return createRun(opts)
	}
	return cmd
}

func createRun(opts *CreateOptions) error {
	pw, err := opts.Password()
	if err != nil {
		return err
	}
	return store.New(opts.Config.Dir).CreateUser(opts.UserID, opts.Fields, pw)
}
