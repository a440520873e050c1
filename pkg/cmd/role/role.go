// Package role is the `pxacl role` command group (PVE configurations).
package role

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmd/role/add"
	"github.com/pxacl/pxacl/pkg/cmd/role/delete"
	"github.com/pxacl/pxacl/pkg/cmd/role/list"
	"github.com/pxacl/pxacl/pkg/cmd/role/modify"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdRole is `pxacl role`.
func NewCmdRole(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "role",
		Short:   "Role management (PVE), like pveum role",
		Example: `  $ pxacl --config-dir examples/pve role list`,
	}
	cmd.AddCommand(add.NewCmdAdd(f, nil), modify.NewCmdModify(f, nil), delete.NewCmdDelete(f, nil), list.NewCmdList(f, nil))
	return cmd
}
