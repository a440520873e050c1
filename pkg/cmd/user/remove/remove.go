// Package remove is `pxacl user remove`.
package remove

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// RemoveOptions are the inputs of `pxacl user remove`.
type RemoveOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID string
	Digest string
}

// NewCmdRemove is `pxacl user remove USERID`.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "remove USERID",
		Aliases: []string{"delete"},
		Short:   "Remove a user (PBS: with its tokens, their ACL entries and second factors; PVE: as pveum user delete)",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user remove former@pbs`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return removeRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Digest, "digest", "", "fail if user.cfg changed")
	return cmd
}

func removeRun(opts *RemoveOptions) error {
	if opts.Config.IsPVE() {
		s, err := opts.Config.PVEStore()
		if err != nil {
			return err
		}
		return s.DeleteUser(opts.UserID, opts.Digest)
	}
	return store.New(opts.Config.Dir).RemoveUser(opts.UserID, opts.Digest)
}
