// Package permissions is `pxacl user token permissions`: the effective
// privileges of an API token, like pveum user token permissions.
package permissions

import (
	"github.com/spf13/cobra"

	userperms "github.com/pxacl/pxacl/pkg/cmd/user/permissions"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdPermissions is `pxacl user token permissions USERID TOKENID [--path PATH]`.
func NewCmdPermissions(f *cmdutil.Factory, runF func(*userperms.PermissionsOptions) error) *cobra.Command {
	opts := &userperms.PermissionsOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "permissions USERID TOKENID",
		Short:   "Effective privileges of an API token",
		Example: `  $ pxacl --config-dir examples/pve user token permissions druva@pam backup --path /vms/100`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.AuthID = args[0] + "!" + args[1]
			opts.PathGiven = cmd.Flags().Changed("path")
			if runF != nil {
				return runF(opts)
			}
			return userperms.Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Path, "path", "", "only this ACL path")
	return cmd
}
