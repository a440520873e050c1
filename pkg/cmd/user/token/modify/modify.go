// Package modify is `pxacl user token modify`.
package modify

import (
	"github.com/spf13/cobra"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// ModifyOptions are the inputs of `pxacl user token modify`.
type ModifyOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID, TokenID string
	Fields          pvestore.TokenFields
	Digest          string
}

// NewCmdModify is `pxacl user token modify USERID TOKENID`.
func NewCmdModify(f *cmdutil.Factory, runF func(*ModifyOptions) error) *cobra.Command {
	opts := &ModifyOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "modify USERID TOKENID",
		Aliases: []string{"update"},
		Short:   "Change an API token, like pveum user token modify",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user token modify deploy@pve ci --privsep 0`,
		Args: cobra.ExactArgs(2),
	}
	fields := cmdutil.PVETokenFlags(cmd)
	cmdutil.DigestFlag(cmd.Flags(), &opts.Digest)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.UserID, opts.TokenID = args[0], args[1]
		var err error
		if opts.Fields, err = fields(); err != nil {
			return err
		}
		if runF != nil {
			return runF(opts)
		}
		return modifyRun(opts)
	}
	return cmd
}

func modifyRun(opts *ModifyOptions) error {
	s, err := opts.Config.PVEStoreFor("pxacl user token modify")
	if err != nil {
		return err
	}
	return s.ModifyToken(opts.UserID, opts.TokenID, opts.Fields, opts.Digest)
}
