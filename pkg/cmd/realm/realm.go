// Package realm is the `pxacl realm` command group: the realms of
// domains.cfg on PBS and PVE.
package realm

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmd/realm/add"
	"github.com/pxacl/pxacl/pkg/cmd/realm/delete"
	"github.com/pxacl/pxacl/pkg/cmd/realm/list"
	"github.com/pxacl/pxacl/pkg/cmd/realm/modify"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdRealm is `pxacl realm`.
func NewCmdRealm(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "realm",
		Short: "Authentication realms (domains.cfg) of PBS and PVE",
		Example: `  $ pxacl --config-dir examples/pbs realm list
  $ pxacl --config-dir examples/pve realm list`,
	}
	cmd.AddCommand(list.NewCmdList(f, nil), add.NewCmdAdd(f, nil), modify.NewCmdModify(f, nil), delete.NewCmdDelete(f, nil))
	return cmd
}
