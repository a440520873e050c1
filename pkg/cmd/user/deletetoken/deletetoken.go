// Package deletetoken is `pxacl user delete-token`.
package deletetoken

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// DeleteTokenOptions are the inputs of `pxacl user delete-token`.
type DeleteTokenOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID    string
	TokenName string
	Digest    string
}

// NewCmdDeleteToken is `pxacl user delete-token USERID TOKEN-NAME`.
func NewCmdDeleteToken(f *cmdutil.Factory, runF func(*DeleteTokenOptions) error) *cobra.Command {
	opts := &DeleteTokenOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "delete-token USERID TOKEN-NAME",
		Short: "Delete an API token, its secret and its ACL entries",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user delete-token john@pbs old-laptop`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser, cmdutil.ArgToken),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID, opts.TokenName = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return deleteTokenRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Digest, "digest", "", "fail if user.cfg changed")
	return cmd
}

func deleteTokenRun(opts *DeleteTokenOptions) error {
	if opts.Config.IsPVE() {
		return cmdutil.PBSCommandOnPVE("delete-token", "remove")
	}
	return store.New(opts.Config.Dir).DeleteToken(opts.UserID, opts.TokenName, opts.Digest)
}
