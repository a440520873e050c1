// Package pool is the `pxacl pool` command group (PVE configurations).
package pool

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmd/pool/add"
	"github.com/pxacl/pxacl/pkg/cmd/pool/delete"
	"github.com/pxacl/pxacl/pkg/cmd/pool/list"
	"github.com/pxacl/pxacl/pkg/cmd/pool/modify"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdPool is `pxacl pool`.
func NewCmdPool(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "pool",
		Short:   "Pool management (PVE), like pveum pool",
		Example: `  $ pxacl --config-dir examples/pve pool list`,
	}
	cmd.AddCommand(add.NewCmdAdd(f, nil), modify.NewCmdModify(f, nil), delete.NewCmdDelete(f, nil), list.NewCmdList(f, nil))
	return cmd
}
