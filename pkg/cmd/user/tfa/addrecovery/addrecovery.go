// Package addrecovery is `pxacl user tfa add-recovery`.
package addrecovery

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
	"github.com/pxacl/pxacl/tfa"
)

// AddRecoveryOptions are the inputs of `pxacl user tfa add-recovery`.
type AddRecoveryOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID string
}

// NewCmdAddRecovery is `pxacl user tfa add-recovery USERID`.
func NewCmdAddRecovery(f *cmdutil.Factory, runF func(*AddRecoveryOptions) error) *cobra.Command {
	opts := &AddRecoveryOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "add-recovery USERID",
		Short: "Generate the user's 10 recovery keys (printed once; one set per user)",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user tfa add-recovery john@pbs`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return addRecoveryRun(opts)
		},
	}
}

func addRecoveryRun(opts *AddRecoveryOptions) error {
	keys, err := store.New(opts.Config.Dir).AddRecovery(opts.UserID)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	if !opts.Config.Text() {
		return report.WriteJSON(out, opts.Config.OutputFormat, map[string]any{"id": tfa.TypeRecovery, "recovery": keys})
	}
	fmt.Fprintf(out, "Recovery keys of %s: each works once, and they are shown only now.\n", opts.UserID)
	for i, k := range keys {
		fmt.Fprintf(out, "%2d: %s\n", i, k)
	}
	return nil
}
