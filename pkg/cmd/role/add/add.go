// Package add is `pxacl role add`.
package add

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// AddOptions are the inputs of `pxacl role add`.
type AddOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	ID     string
	Digest string
	Privs  *string
}

// NewCmdAdd is `pxacl role add ROLEID`.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "add ROLEID",
		Aliases: []string{"create"},
		Short:   "Create a custom role, like pveum role add",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo role add Sys_Power-only --privs "Sys.PowerMgmt Sys.Console"`,
		Args: cobra.ExactArgs(1),
	}
	fl := cmd.Flags()
	privs := cmdutil.OptionalString(fl, "privs", "privileges, separated by commas or spaces")
	cmdutil.DigestFlag(fl, &opts.Digest)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.ID = args[0]
		opts.Privs = privs()
		if runF != nil {
			return runF(opts)
		}
		return addRun(opts)
	}
	return cmd
}

func addRun(opts *AddOptions) error {
	s, err := opts.Config.PVEStoreFor("pxacl role add")
	if err != nil {
		return err
	}
	return s.AddRole(opts.ID, opts.Privs, opts.Digest)
}
