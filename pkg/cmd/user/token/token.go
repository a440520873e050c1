// Package token is the `pxacl user token` command group (PVE
// configurations), like pveum user token.
package token

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmd/user/token/add"
	"github.com/pxacl/pxacl/pkg/cmd/user/token/list"
	"github.com/pxacl/pxacl/pkg/cmd/user/token/modify"
	"github.com/pxacl/pxacl/pkg/cmd/user/token/permissions"
	"github.com/pxacl/pxacl/pkg/cmd/user/token/remove"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdToken is `pxacl user token`.
func NewCmdToken(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "token",
		Short:   "API token management (PVE), like pveum user token",
		Example: `  $ pxacl --config-dir examples/pve user token list druva@pam`,
	}
	cmd.AddCommand(add.NewCmdAdd(f, nil), modify.NewCmdModify(f, nil), remove.NewCmdRemove(f, nil),
		list.NewCmdList(f, nil), permissions.NewCmdPermissions(f, nil))
	return cmd
}
