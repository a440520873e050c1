// Package delete is `pxacl user tfa delete`.
package delete

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// DeleteOptions are the inputs of `pxacl user tfa delete`.
type DeleteOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID string
	ID     string // the entry's id, or "recovery"
}

// NewCmdDelete is `pxacl user tfa delete USERID ID`.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "delete USERID ID",
		Short: "Delete a second factor (ID from 'list'; 'recovery' for the recovery keys)",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user tfa add-recovery john@pbs
  $ pxacl --config-dir /tmp/pxacl-demo user tfa delete john@pbs recovery`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID, opts.ID = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(opts)
		},
	}
}

func deleteRun(opts *DeleteOptions) error {
	return store.New(opts.Config.Dir).DeleteTFA(opts.UserID, opts.ID)
}
