// Package modify is `pxacl role modify`.
package modify

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// ModifyOptions are the inputs of `pxacl role modify`.
type ModifyOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	ID     string
	Digest string
	Privs  *string
	Append bool
}

// NewCmdModify is `pxacl role modify ROLEID`.
func NewCmdModify(f *cmdutil.Factory, runF func(*ModifyOptions) error) *cobra.Command {
	opts := &ModifyOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "modify ROLEID",
		Aliases: []string{"update"},
		Short:   "Change a custom role's privileges, like pveum role modify",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo role modify druva_backup_restore --privs Sys.Syslog --append`,
		Args: cobra.ExactArgs(1),
	}
	fl := cmd.Flags()
	privs := cmdutil.OptionalString(fl, "privs", "privileges, separated by commas or spaces")
	fl.BoolVar(&opts.Append, "append", false, "add the privileges instead of replacing them")
	cmdutil.DigestFlag(fl, &opts.Digest)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.ID = args[0]
		opts.Privs = privs()
		if runF != nil {
			return runF(opts)
		}
		return modifyRun(opts)
	}
	return cmd
}

func modifyRun(opts *ModifyOptions) error {
	s, err := opts.Config.PVEStoreFor("pxacl role modify")
	if err != nil {
		return err
	}
	return s.ModifyRole(opts.ID, opts.Privs, opts.Append, opts.Digest)
}
