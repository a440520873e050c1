// Package modify is `pxacl realm modify`.
package modify

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/realms"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// ModifyOptions are the inputs of `pxacl realm modify`.
type ModifyOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Realm  string
	Change realms.Change
	// Password gives the new LDAP/AD bind password (nil: unchanged).
	Password func() (*string, error)
}

// NewCmdModify is `pxacl realm modify REALM`.
func NewCmdModify(f *cmdutil.Factory, runF func(*ModifyOptions) error) *cobra.Command {
	opts := &ModifyOptions{IO: f.IOStreams, Config: f.Config}
	var del string
	cmd := &cobra.Command{
		Use:     "modify REALM",
		Aliases: []string{"update"},
		Short:   "Change a realm",
		Long: `Change a realm's properties; --delete removes properties (and
"password" the stored bind password). On PBS, as PBS does, the default
flag is cleared unless --default 1 is given. pam and pbs/pve take only
--comment and --default (and --tfa on PVE).`,
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo realm modify pve --comment "Proxmox VE users" --default 1
  $ pxacl --config-dir /tmp/pxacl-demo realm modify corp-ldap --server2 ldap2.example.com --delete filter`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&del, "delete", "", "properties to remove, comma separated ('password' removes the bind password)")
	cmd.Flags().StringVar(&opts.Change.Digest, "digest", "", "fail if domains.cfg changed (digest from 'realm list --output-format json')")
	set := cmdutil.RealmFlags(cmd)
	password := cmdutil.BindPasswordFlags(cmd)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.Realm, opts.Change.Set = args[0], set()
		for _, d := range strings.FieldsFunc(del, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
			opts.Change.Delete = append(opts.Change.Delete, strings.ReplaceAll(d, "_", "-"))
		}
		opts.Password = func() (*string, error) { return password(opts.IO) }
		if runF != nil {
			return runF(opts)
		}
		return modifyRun(opts)
	}
	return cmd
}

func modifyRun(opts *ModifyOptions) error {
	pw, err := opts.Password()
	if err != nil {
		return err
	}
	opts.Change.Password = pw
	return realms.For(opts.Config.Detected(), opts.Config.Dir).Modify(opts.Realm, opts.Change)
}
