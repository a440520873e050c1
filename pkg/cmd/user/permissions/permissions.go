// Package permissions is `pxacl user permissions`: the effective
// privileges of a user or token.
package permissions

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// PermissionsOptions are the inputs of `pxacl user permissions`.
type PermissionsOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	AuthID    string
	Path      string
	PathGiven bool // --path was given
}

// NewCmdPermissions is `pxacl user permissions AUTHID [--path PATH]`.
func NewCmdPermissions(f *cmdutil.Factory, runF func(*PermissionsOptions) error) *cobra.Command {
	opts := &PermissionsOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "permissions AUTHID",
		Short: "Effective privileges of a user or token, like proxmox-backup-manager user permissions",
		Example: `  $ pxacl --config-dir examples/pbs user permissions john@pbs
  $ pxacl --config-dir examples/pbs user permissions john@pbs!client1 --path /datastore/store1/ns1
  $ pxacl --config-dir examples/pve user permissions --output-format json alice@pve`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgAuthID),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.AuthID = args[0]
			opts.PathGiven = cmd.Flags().Changed("path")
			if runF != nil {
				return runF(opts)
			}
			return permissionsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Path, "path", "", "only this ACL path")
	cmdutil.RegisterArgFlag(cmd, f.Config, "path", cmdutil.ArgPath)
	return cmd
}

// Run is the behaviour of `user permissions` (also `user token permissions`).
func Run(ctx context.Context, opts *PermissionsOptions) error { return permissionsRun(ctx, opts) }

func permissionsRun(ctx context.Context, opts *PermissionsOptions) error {
	c := opts.Config
	flavor := config.PBS
	if c.Detected() == config.PVE {
		flavor = config.PVE
	}
	id, err := cmdutil.ParseAuthID(opts.AuthID, flavor)
	if err != nil {
		return err
	}
	if opts.PathGiven {
		if err := aclpath.Query(flavor, opts.Path); err != nil {
			return fmt.Errorf("parameter 'path': %w", err)
		}
	}
	ev, err := c.Evaluator(ctx)
	if err != nil {
		return err
	}
	perms, err := ev.ListPermissions(ctx, id, evaluator.ListOptions{
		Path: opts.Path, OnePath: opts.PathGiven, Defaults: aclpath.DefaultPermissionPaths(flavor), PVE: flavor == config.PVE,
	})
	if err != nil {
		return err
	}
	out := report.Permissions(perms)
	switch {
	case c.Text() && flavor == config.PVE:
		return out.WritePVEText(opts.IO.Out)
	case c.Text():
		return out.WriteText(opts.IO.Out)
	}
	return report.WriteJSON(opts.IO.Out, c.OutputFormat, out)
}
