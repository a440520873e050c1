// Package remove is `pxacl user token remove`.
package remove

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// RemoveOptions are the inputs of `pxacl user token remove`.
type RemoveOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID, TokenID string
	Digest          string
}

// NewCmdRemove is `pxacl user token remove USERID TOKENID`.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "remove USERID TOKENID",
		Aliases: []string{"delete"},
		Short:   "Remove an API token and its secret, like pveum user token remove",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user token remove deploy@pve ci`,
		Args: cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID, opts.TokenID = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return removeRun(opts)
		},
	}
	cmdutil.DigestFlag(cmd.Flags(), &opts.Digest)
	return cmd
}

func removeRun(opts *RemoveOptions) error {
	s, err := opts.Config.PVEStoreFor("pxacl user token remove")
	if err != nil {
		return err
	}
	return s.RemoveToken(opts.UserID, opts.TokenID, opts.Digest)
}
