// Package delete is `pxacl acl delete` (PVE configurations).
package delete

import (
	"github.com/spf13/cobra"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// DeleteOptions are the inputs of `pxacl acl delete`.
type DeleteOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Change    pvestore.ACLChange
	Propagate string // 1 or 0
}

// NewCmdDelete is `pxacl acl delete PATH --roles ROLES (--users|--groups|--tokens) ...`.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, Config: f.Config, Propagate: "1"}
	cmd := &cobra.Command{
		Use:   "delete PATH",
		Short: "Remove ACL entries, like pveum acl delete",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo acl delete /pool/prod --groups operators --roles PVEVMUser`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgPath),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Change.Path = args[0]
			opts.Change.Delete = true
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Change.Roles, "roles", "", "roles (comma or space separated)")
	fl.StringVar(&opts.Change.Users, "users", "", "user ids")
	fl.StringVar(&opts.Change.Groups, "groups", "", "group ids")
	fl.StringVar(&opts.Change.Tokens, "tokens", "", "API token ids (user@realm!token)")
	cmdutil.DigestFlag(fl, &opts.Change.Digest)
	return cmd
}

func deleteRun(opts *DeleteOptions) error {
	return cmdutil.ChangePVEACL(opts.Config, "pxacl acl delete", opts.Propagate, opts.Change)
}
