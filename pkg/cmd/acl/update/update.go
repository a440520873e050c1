// Package update is `pxacl acl update`.
package update

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pveid"
)

// UpdateOptions are the inputs of `pxacl acl update`.
type UpdateOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Update    store.ACLUpdate
	Propagate string // 1 or 0
}

// NewCmdUpdate is `pxacl acl update PATH ROLE`.
func NewCmdUpdate(f *cmdutil.Factory, runF func(*UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "update PATH ROLE",
		Short: "Add or (with --delete) remove an ACL entry",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo acl update /datastore/store1 DatastoreReader --auth-id audit@pbs
  $ pxacl --config-dir /tmp/pxacl-demo acl update /datastore/store1 DatastoreAdmin --auth-id john@pbs --delete`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgPath, cmdutil.ArgRole),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Update.Path, opts.Update.Role = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return updateRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Update.AuthID, "auth-id", "", "user or API token")
	fl.StringVar(&opts.Update.Group, "group", "", "group (PVE only; PBS has none)")
	fl.StringVar(&opts.Propagate, "propagate", "1", "inherit to sub-paths (1|0)")
	fl.BoolVar(&opts.Update.Delete, "delete", false, "remove the entry instead of adding it")
	fl.StringVar(&opts.Update.Digest, "digest", "", "fail if acl.cfg changed (SHA-256 hex from 'acl list --output-format json')")
	cmdutil.RegisterValues(cmd, "propagate", "1", "0")
	cmdutil.RegisterArgFlag(cmd, f.Config, "auth-id", cmdutil.ArgAuthID)
	return cmd
}

func updateRun(opts *UpdateOptions) error {
	p, err := store.ParseBool("propagate", opts.Propagate)
	if err != nil {
		return err
	}
	if opts.Config.IsPVE() {
		return updatePVE(opts, p)
	}
	u := opts.Update
	u.Propagate = p
	return store.New(opts.Config.Dir).UpdateACL(u)
}

// updatePVE is the PBS form on a PVE configuration: one role for one
// user, token (--auth-id) or group, as pveum acl modify (or delete).
func updatePVE(opts *UpdateOptions, propagate bool) error {
	u := opts.Update
	c := pvestore.ACLChange{Path: u.Path, Roles: u.Role, Groups: u.Group, Propagate: propagate, Delete: u.Delete, Digest: u.Digest}
	if pveid.IsTokenID(u.AuthID) {
		c.Tokens = u.AuthID
	} else {
		c.Users = u.AuthID
	}
	s, err := opts.Config.PVEStore()
	if err != nil {
		return err
	}
	return s.ChangeACL(c)
}
