// Package acl is the `pxacl acl` command group.
package acl

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmd/acl/delete"
	"github.com/pxacl/pxacl/pkg/cmd/acl/list"
	"github.com/pxacl/pxacl/pkg/cmd/acl/modify"
	"github.com/pxacl/pxacl/pkg/cmd/acl/update"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdACL is `pxacl acl`.
func NewCmdACL(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "acl",
		Short:   "Access control list management",
		Example: `  $ pxacl --config-dir examples/pbs acl list`,
	}
	cmd.AddCommand(list.NewCmdList(f, nil), update.NewCmdUpdate(f, nil), modify.NewCmdModify(f, nil), delete.NewCmdDelete(f, nil))
	return cmd
}
