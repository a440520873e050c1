// Package add is `pxacl group add`.
package add

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// AddOptions are the inputs of `pxacl group add`.
type AddOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	ID      string
	Digest  string
	Comment *string
}

// NewCmdAdd is `pxacl group add GROUPID`.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "add GROUPID",
		Aliases: []string{"create"},
		Short:   "Create a new group, like pveum group add",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo group add admin --comment "System Administrators"`,
		Args: cobra.ExactArgs(1),
	}
	fl := cmd.Flags()
	comment := cmdutil.OptionalString(fl, "comment", "comment")
	cmdutil.DigestFlag(fl, &opts.Digest)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.ID = args[0]
		opts.Comment = comment()
		if runF != nil {
			return runF(opts)
		}
		return addRun(opts)
	}
	return cmd
}

func addRun(opts *AddOptions) error {
	s, err := opts.Config.PVEStoreFor("pxacl group add")
	if err != nil {
		return err
	}
	return s.AddGroup(opts.ID, opts.Comment, opts.Digest)
}
