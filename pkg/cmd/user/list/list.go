// Package list is `pxacl user list`.
package list

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// ListOptions are the inputs of `pxacl user list`.
type ListOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config
}

// NewCmdList is `pxacl user list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "list",
		Short: "List users",
		Example: `  $ pxacl --config-dir examples/pbs user list
  $ pxacl --config-dir examples/pbs user list --output-format json-pretty`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
}

func listRun(opts *ListOptions) error {
	if opts.Config.IsPVE() {
		return listPVE(opts)
	}
	l, err := store.New(opts.Config.Dir).ListUsers()
	if err != nil {
		return err
	}
	var rows [][]string
	for _, u := range l.Data {
		rows = append(rows, []string{u.Userid, cmdutil.BoolText(u.Enable), cmdutil.ExpireText(u.Expire), u.Firstname, u.Lastname, u.Email, u.Comment})
	}
	return cmdutil.Print(opts.IO.Out, opts.Config.OutputFormat, l, []report.Column{
		{Name: "userid"}, {Name: "enable", Right: true}, {Name: "expire", Right: true},
		{Name: "firstname"}, {Name: "lastname"}, {Name: "email"}, {Name: "comment"},
	}, rows)
}

// listPVE is pveum user list: the PBS columns plus the groups.
func listPVE(opts *ListOptions) error {
	_, c, err := opts.Config.PVEConfigFor("pxacl user list")
	if err != nil {
		return err
	}
	l := pvestore.ListUsers(c)
	var rows [][]string
	for _, u := range l.Data {
		rows = append(rows, []string{u.Userid, strconv.Itoa(u.Enable), cmdutil.ExpireText(&u.Expire), u.Firstname, u.Lastname, u.Email, u.Comment, u.Groups})
	}
	return cmdutil.Print(opts.IO.Out, opts.Config.OutputFormat, l, []report.Column{
		{Name: "userid"}, {Name: "enable", Right: true}, {Name: "expire", Right: true},
		{Name: "firstname"}, {Name: "lastname"}, {Name: "email"}, {Name: "comment"}, {Name: "groups"},
	}, rows)
}
