// Package list is `pxacl user tfa list`.
package list

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
	"github.com/pxacl/pxacl/tfa"
)

// ListOptions are the inputs of `pxacl user tfa list`.
type ListOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID string // "" = every user
}

// NewCmdList is `pxacl user tfa list [USERID]`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "list [USERID]",
		Short: "List the second factors of a user, or of every user (never secrets)",
		Example: `  $ pxacl --config-dir examples/pbs user tfa list
  $ pxacl --config-dir examples/pbs user tfa list john@pbs --output-format json`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID = ""
			if len(args) == 1 {
				opts.UserID = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
}

func listRun(opts *ListOptions) error {
	userid := opts.UserID
	users, err := store.New(opts.Config.Dir).ListTFA(userid)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	if !opts.Config.Text() {
		if userid == "" {
			return report.WriteJSON(out, opts.Config.OutputFormat, users) // GET /access/tfa
		}
		entries := []tfa.TypedInfo{} // GET /access/tfa/{userid}
		for _, u := range users {
			entries = u.Entries
		}
		return report.WriteJSON(out, opts.Config.OutputFormat, entries)
	}
	var cols []report.Column
	if userid == "" {
		cols = append(cols, report.Column{Name: "userid"})
	}
	cols = append(cols, report.Column{Name: "id"}, report.Column{Name: "type"}, report.Column{Name: "description"},
		report.Column{Name: "created"}, report.Column{Name: "enable", Right: true})
	var rows [][]string
	for _, u := range users {
		for _, e := range u.Entries {
			row := []string{e.ID, e.Type, e.Description, cmdutil.EpochText(e.Created), cmdutil.BoolText(e.Enable)}
			if userid == "" {
				row = append([]string{u.Userid}, row...)
			}
			rows = append(rows, row)
		}
	}
	if err := report.WriteTable(out, cols, rows); err != nil {
		return err
	}
	for _, u := range users {
		if u.TOTPLocked {
			fmt.Fprintf(out, "%s: TOTP locked after %d consecutive failures: use a recovery key, or 'pxacl user tfa unlock %s'\n",
				u.Userid, tfa.TOTPFailureLimit, u.Userid)
		}
		if u.TFALockedUntil != nil {
			fmt.Fprintf(out, "%s: every second factor locked until %s after %d consecutive failures: wait, or 'pxacl user tfa unlock %s'\n",
				u.Userid, cmdutil.EpochText(*u.TFALockedUntil), tfa.TFAFailureLimit, u.Userid)
		}
	}
	return nil
}
