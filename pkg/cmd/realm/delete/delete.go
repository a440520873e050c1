// Package delete is `pxacl realm delete`.
package delete

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/realms"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// DeleteOptions are the inputs of `pxacl realm delete`.
type DeleteOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Realm  string
	Digest string
}

// NewCmdDelete is `pxacl realm delete REALM`.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "delete REALM",
		Aliases: []string{"remove"},
		Short:   "Delete a realm and its stored bind password",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo realm delete corp-ldap`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&opts.Digest, "digest", "", "fail if domains.cfg changed (digest from 'realm list --output-format json')")
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.Realm = args[0]
		if runF != nil {
			return runF(opts)
		}
		return realms.For(opts.Config.Detected(), opts.Config.Dir).Delete(opts.Realm, opts.Digest)
	}
	return cmd
}
