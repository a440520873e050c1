// Package delete is `pxacl group delete`.
package delete

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// DeleteOptions are the inputs of `pxacl group delete`.
type DeleteOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	ID     string
	Digest string
}

// NewCmdDelete is `pxacl group delete GROUPID`.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "delete GROUPID",
		Aliases: []string{"remove"},
		Short:   "Delete a group and its ACL entries, like pveum group delete",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo group delete auditors`,
		Args: cobra.ExactArgs(1),
	}
	fl := cmd.Flags()
	cmdutil.DigestFlag(fl, &opts.Digest)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.ID = args[0]
		if runF != nil {
			return runF(opts)
		}
		return deleteRun(opts)
	}
	return cmd
}

func deleteRun(opts *DeleteOptions) error {
	s, err := opts.Config.PVEStoreFor("pxacl group delete")
	if err != nil {
		return err
	}
	return s.DeleteGroup(opts.ID, opts.Digest)
}
