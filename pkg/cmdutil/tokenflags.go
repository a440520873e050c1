package cmdutil

import (
	"github.com/spf13/cobra"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
)

// PVETokenFlags registers the PVE token property options of `user token
// add` and `modify` (--comment, --expire, --privsep), as pveum names them,
// and returns a reader of the ones given.
func PVETokenFlags(cmd *cobra.Command) func() (pvestore.TokenFields, error) {
	fl := cmd.Flags()
	comment := OptionalString(fl, "comment", "comment")
	expire := fl.Int64("expire", 0, "expiration date (seconds since epoch, 0 = the user's)")
	privsep := fl.String("privsep", "1", "restrict the token to its own ACL entries, within the user's privileges (1|0)")
	RegisterValues(cmd, "privsep", "1", "0")
	return func() (pvestore.TokenFields, error) {
		f := pvestore.TokenFields{Comment: comment()}
		if fl.Changed("expire") {
			f.Expire = expire
		}
		if fl.Changed("privsep") {
			p, err := ParseBool01("privsep", *privsep)
			if err != nil {
				return f, err
			}
			f.Privsep = &p
		}
		return f, nil
	}
}
