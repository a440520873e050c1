package cmdutil

import (
	"github.com/spf13/pflag"

	"github.com/pxacl/pxacl/config/pbs/store"
)

// UserFlags registers the user property options (--comment, --email,
// --firstname, --lastname, --enable, --expire) and returns a reader of
// the ones given.
func UserFlags(fs *pflag.FlagSet) func() (store.UserFields, error) {
	comment := fs.String("comment", "", "comment")
	email := fs.String("email", "", "e-mail address")
	first := fs.String("firstname", "", "first name")
	last := fs.String("lastname", "", "last name")
	enable := fs.String("enable", "", "enable the account (1|0)")
	expire := fs.Int64("expire", 0, "account expiration date (seconds since epoch, 0 = never)")
	return func() (store.UserFields, error) {
		var f store.UserFields
		str := func(name string, v *string) *string {
			if fs.Changed(name) {
				return v
			}
			return nil
		}
		f.Comment, f.Email, f.Firstname, f.Lastname = str("comment", comment), str("email", email), str("firstname", first), str("lastname", last)
		if fs.Changed("enable") {
			b, err := store.ParseBool("enable", *enable)
			if err != nil {
				return f, err
			}
			f.Enable = &b
		}
		if fs.Changed("expire") {
			f.Expire = expire
		}
		return f, nil
	}
}
