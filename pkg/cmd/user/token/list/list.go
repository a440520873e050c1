// Package list is `pxacl user token list`.
package list

import (
	"strconv"

	"github.com/spf13/cobra"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// ListOptions are the inputs of `pxacl user token list`.
type ListOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID string
}

// NewCmdList is `pxacl user token list USERID`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:     "list USERID",
		Short:   "List a user's API tokens, like pveum user token list",
		Example: `  $ pxacl --config-dir examples/pve user token list druva@pam`,
		Args:    cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
}

func listRun(opts *ListOptions) error {
	_, c, err := opts.Config.PVEConfigFor("pxacl user token list")
	if err != nil {
		return err
	}
	l, err := pvestore.ListTokens(c, opts.UserID)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, t := range l.Data {
		rows = append(rows, []string{t.Tokenid, t.Comment, cmdutil.ExpireText(&t.Expire), strconv.Itoa(t.Privsep)})
	}
	return cmdutil.Print(opts.IO.Out, opts.Config.OutputFormat, l, []report.Column{
		{Name: "tokenid"}, {Name: "comment"}, {Name: "expire", Right: true}, {Name: "privsep", Right: true},
	}, rows)
}
