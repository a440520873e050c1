// Package modify is `pxacl acl modify` (PVE configurations).
package modify

import (
	"github.com/spf13/cobra"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// ModifyOptions are the inputs of `pxacl acl modify`.
type ModifyOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Change    pvestore.ACLChange
	Propagate string // 1 or 0
}

// NewCmdModify is `pxacl acl modify PATH --roles ROLES (--users|--groups|--tokens) ...`.
func NewCmdModify(f *cmdutil.Factory, runF func(*ModifyOptions) error) *cobra.Command {
	opts := &ModifyOptions{IO: f.IOStreams, Config: f.Config, Propagate: "1"}
	cmd := &cobra.Command{
		Use:   "modify PATH",
		Short: "Add ACL entries, like pveum acl modify",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo acl modify / --users alice@pve --roles PVEAuditor --propagate 1
  $ pxacl --config-dir /tmp/pxacl-demo acl modify /vms/100 --groups operators --tokens 'deploy@pve!ci' --roles PVEVMUser,PVEAuditor`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgPath),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Change.Path = args[0]
			opts.Change.Delete = false
			if runF != nil {
				return runF(opts)
			}
			return modifyRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Change.Roles, "roles", "", "roles (comma or space separated)")
	fl.StringVar(&opts.Change.Users, "users", "", "user ids")
	fl.StringVar(&opts.Change.Groups, "groups", "", "group ids")
	fl.StringVar(&opts.Change.Tokens, "tokens", "", "API token ids (user@realm!token)")
	fl.StringVar(&opts.Propagate, "propagate", "1", "inherit to sub-paths (1|0)")
	cmdutil.RegisterValues(cmd, "propagate", "1", "0")
	cmdutil.DigestFlag(fl, &opts.Change.Digest)
	return cmd
}

func modifyRun(opts *ModifyOptions) error {
	return cmdutil.ChangePVEACL(opts.Config, "pxacl acl modify", opts.Propagate, opts.Change)
}
