// Package tfa is the `pxacl user tfa` command group: second factors as
// PBS keeps them in tfa.json.
package tfa

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmd/user/tfa/addrecovery"
	"github.com/pxacl/pxacl/pkg/cmd/user/tfa/addtotp"
	cmdDelete "github.com/pxacl/pxacl/pkg/cmd/user/tfa/delete"
	"github.com/pxacl/pxacl/pkg/cmd/user/tfa/list"
	"github.com/pxacl/pxacl/pkg/cmd/user/tfa/unlock"
	"github.com/pxacl/pxacl/pkg/cmd/user/tfa/verify"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdTFA is `pxacl user tfa`. The failure counters live where the
// configuration directory says (store.CountersDir), never where a caller
// would like them.
func NewCmdTFA(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "tfa",
		Short:   "Second factors of users (TOTP, recovery keys): list, add, delete, verify, unlock",
		Example: `  $ pxacl --config-dir examples/pbs user tfa list`,
	}
	cmd.AddCommand(list.NewCmdList(f, nil), addtotp.NewCmdAddTOTP(f, nil), addrecovery.NewCmdAddRecovery(f, nil),
		cmdDelete.NewCmdDelete(f, nil), verify.NewCmdVerify(f, nil), unlock.NewCmdUnlock(f, nil))
	return cmd
}
