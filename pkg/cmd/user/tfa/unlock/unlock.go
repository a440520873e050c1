// Package unlock is `pxacl user tfa unlock`.
package unlock

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// UnlockOptions are the inputs of `pxacl user tfa unlock`.
type UnlockOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID string
}

// NewCmdUnlock is `pxacl user tfa unlock USERID`.
func NewCmdUnlock(f *cmdutil.Factory, runF func(*UnlockOptions) error) *cobra.Command {
	opts := &UnlockOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "unlock USERID",
		Short: "Unlock a user's second factors and reset the failure counters",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user tfa add-recovery john@pbs
  $ pxacl --config-dir /tmp/pxacl-demo user tfa unlock john@pbs`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return unlockRun(opts)
		},
	}
}

func unlockRun(opts *UnlockOptions) error {
	was, err := store.New(opts.Config.Dir).UnlockTFA(opts.UserID)
	if err != nil {
		return err
	}
	if !opts.Config.Text() {
		return report.WriteJSON(opts.IO.Out, opts.Config.OutputFormat, was)
	}
	if was {
		fmt.Fprintf(opts.IO.Out, "unlocked %s\n", opts.UserID)
	} else {
		fmt.Fprintf(opts.IO.Out, "%s was not locked; failure counters reset\n", opts.UserID)
	}
	return nil
}
