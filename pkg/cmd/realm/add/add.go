// Package add is `pxacl realm add`.
package add

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/realms"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// AddOptions are the inputs of `pxacl realm add`.
type AddOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Realm string
	Type  string
	Set   map[string]string
	// Password gives the LDAP/AD bind password (nil: none).
	Password func() (*string, error)
}

// NewCmdAdd is `pxacl realm add REALM --type TYPE`.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "add REALM --type TYPE",
		Aliases: []string{"create"},
		Short:   "Add an LDAP, AD or OpenID realm",
		Long: `Add a realm to domains.cfg, as pveum realm add (PVE) or
proxmox-backup-manager realm ldap|ad|openid create (PBS) do. pam and
pbs/pve are built in. The LDAP/AD bind password is read with
--password-stdin and stored where the product keeps it (PBS:
ldap_passwords.json, PVE: priv/realm/<realm>.pw), never in domains.cfg.
pxacl does not test the connection to the server.`,
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo realm add corp --type ldap --server1 ldap.example.com --base-dn dc=example,dc=com --user-attr uid --comment "Corporate LDAP"
  $ pxacl --config-dir /tmp/pxacl-demo realm add sso --type openid --issuer-url https://sso.example.com --client-id pbs
  $ pxacl --config-dir /tmp/pxacl-demo realm add dir --type ad --server1 dc1.example.com --bind-dn cn=svc`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&opts.Type, "type", "", "realm type: PBS ldap, ad, openid; PVE ldap, ad, openid")
	_ = cmd.MarkFlagRequired("type")
	_ = cmd.RegisterFlagCompletionFunc("type", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return realms.Types(opts.Config.Detected()), cobra.ShellCompDirectiveNoFileComp
	})
	set := cmdutil.RealmFlags(cmd)
	password := cmdutil.BindPasswordFlags(cmd)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.Realm, opts.Set = args[0], set()
		opts.Password = func() (*string, error) { return password(opts.IO) }
		if runF != nil {
			return runF(opts)
		}
		return addRun(opts)
	}
	return cmd
}

func addRun(opts *AddOptions) error {
	flavor := opts.Config.Detected()
	if flavor != config.PBS && flavor != config.PVE {
		flavor = config.PBS
	}
	pw, err := opts.Password()
	if err != nil {
		return err
	}
	return realms.For(flavor, opts.Config.Dir).Add(opts.Realm, opts.Type, realms.Change{Set: opts.Set, Password: pw})
}
