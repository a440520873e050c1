// Package user is the `pxacl user` command group.
package user

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmd/user/create"
	"github.com/pxacl/pxacl/pkg/cmd/user/deletetoken"
	"github.com/pxacl/pxacl/pkg/cmd/user/generatetoken"
	"github.com/pxacl/pxacl/pkg/cmd/user/list"
	"github.com/pxacl/pxacl/pkg/cmd/user/listtokens"
	"github.com/pxacl/pxacl/pkg/cmd/user/permissions"
	"github.com/pxacl/pxacl/pkg/cmd/user/remove"
	"github.com/pxacl/pxacl/pkg/cmd/user/tfa"
	"github.com/pxacl/pxacl/pkg/cmd/user/token"
	"github.com/pxacl/pxacl/pkg/cmd/user/update"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdUser is `pxacl user`.
func NewCmdUser(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "User and API token management and queries",
		Example: `  $ pxacl --config-dir examples/pbs user list
  $ pxacl --config-dir examples/pbs user permissions john@pbs`,
	}
	cmd.AddCommand(permissions.NewCmdPermissions(f, nil), list.NewCmdList(f, nil), create.NewCmdCreate(f, nil),
		update.NewCmdUpdate(f, nil), remove.NewCmdRemove(f, nil), listtokens.NewCmdListTokens(f, nil),
		generatetoken.NewCmdGenerateToken(f, nil), deletetoken.NewCmdDeleteToken(f, nil), tfa.NewCmdTFA(f), token.NewCmdToken(f))
	return cmd
}
