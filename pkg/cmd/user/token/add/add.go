// Package add is `pxacl user token add`.
package add

import (
	"encoding/json"

	"github.com/spf13/cobra"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// AddOptions are the inputs of `pxacl user token add`.
type AddOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID, TokenID string
	Fields          pvestore.TokenFields
	Digest          string
}

// NewCmdAdd is `pxacl user token add USERID TOKENID`.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "add USERID TOKENID",
		Aliases: []string{"create"},
		Short:   "Generate an API token, like pveum user token add; the secret is printed once",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user token add alice@pve backup --privsep 0 --comment 'backup agent'`,
		Args: cobra.ExactArgs(2),
	}
	fields := cmdutil.PVETokenFlags(cmd)
	cmdutil.DigestFlag(cmd.Flags(), &opts.Digest)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.UserID, opts.TokenID = args[0], args[1]
		var err error
		if opts.Fields, err = fields(); err != nil {
			return err
		}
		if runF != nil {
			return runF(opts)
		}
		return addRun(opts)
	}
	return cmd
}

func addRun(opts *AddOptions) error {
	s, err := opts.Config.PVEStoreFor("pxacl user token add")
	if err != nil {
		return err
	}
	tok, err := s.AddToken(opts.UserID, opts.TokenID, opts.Fields, opts.Digest)
	if err != nil {
		return err
	}
	if opts.Config.Text() {
		info, _ := json.Marshal(tok.Info)
		return report.WriteTable(opts.IO.Out, []report.Column{{Name: "key"}, {Name: "value"}}, [][]string{
			{"full-tokenid", tok.FullTokenID}, {"info", string(info)}, {"value", tok.Value},
		})
	}
	return report.WriteJSON(opts.IO.Out, opts.Config.OutputFormat, tok)
}
