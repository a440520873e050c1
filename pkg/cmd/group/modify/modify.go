// Package modify is `pxacl group modify`.
package modify

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// ModifyOptions are the inputs of `pxacl group modify`.
type ModifyOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	ID      string
	Digest  string
	Comment *string
}

// NewCmdModify is `pxacl group modify GROUPID`.
func NewCmdModify(f *cmdutil.Factory, runF func(*ModifyOptions) error) *cobra.Command {
	opts := &ModifyOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "modify GROUPID",
		Aliases: []string{"update"},
		Short:   "Change a group's comment, like pveum group modify",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo group modify operators --comment "Operators"`,
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
		return modifyRun(opts)
	}
	return cmd
}

func modifyRun(opts *ModifyOptions) error {
	s, err := opts.Config.PVEStoreFor("pxacl group modify")
	if err != nil {
		return err
	}
	return s.ModifyGroup(opts.ID, opts.Comment, opts.Digest)
}
