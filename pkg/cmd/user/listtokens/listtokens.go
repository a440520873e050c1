// Package listtokens is `pxacl user list-tokens`.
package listtokens

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// ListTokensOptions are the inputs of `pxacl user list-tokens`.
type ListTokensOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID string
}

// NewCmdListTokens is `pxacl user list-tokens USERID`.
func NewCmdListTokens(f *cmdutil.Factory, runF func(*ListTokensOptions) error) *cobra.Command {
	opts := &ListTokensOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "list-tokens USERID",
		Short: "List the API tokens of a user",
		Example: `  $ pxacl --config-dir examples/pbs user list-tokens john@pbs
  $ pxacl --config-dir examples/pbs user list-tokens john@pbs --output-format json`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return listTokensRun(opts)
		},
	}
}

func listTokensRun(opts *ListTokensOptions) error {
	if opts.Config.IsPVE() {
		return cmdutil.PBSCommandOnPVE("list-tokens", "list")
	}
	l, err := store.New(opts.Config.Dir).ListTokens(opts.UserID)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, t := range l.Data {
		rows = append(rows, []string{t.Tokenid, cmdutil.BoolText(t.Enable), cmdutil.ExpireText(t.Expire), t.Comment})
	}
	return cmdutil.Print(opts.IO.Out, opts.Config.OutputFormat, l, []report.Column{
		{Name: "tokenid"}, {Name: "enable", Right: true}, {Name: "expire", Right: true}, {Name: "comment"},
	}, rows)
}
