// Package group is the `pxacl group` command group (PVE configurations).
package group

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmd/group/add"
	"github.com/pxacl/pxacl/pkg/cmd/group/delete"
	"github.com/pxacl/pxacl/pkg/cmd/group/list"
	"github.com/pxacl/pxacl/pkg/cmd/group/modify"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdGroup is `pxacl group`.
func NewCmdGroup(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "group",
		Short:   "Group management (PVE), like pveum group",
		Example: `  $ pxacl --config-dir examples/pve group list`,
	}
	cmd.AddCommand(add.NewCmdAdd(f, nil), modify.NewCmdModify(f, nil), delete.NewCmdDelete(f, nil), list.NewCmdList(f, nil))
	return cmd
}
