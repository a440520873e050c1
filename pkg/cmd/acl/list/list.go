// Package list is `pxacl acl list`.
package list

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// ListOptions are the inputs of `pxacl acl list`.
type ListOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config
}

// NewCmdList is `pxacl acl list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "list",
		Short: "List the ACL entries",
		Example: `  $ pxacl --config-dir examples/pbs acl list
  $ pxacl --config-dir examples/pbs acl list --output-format json`,
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
	l, err := store.New(opts.Config.Dir).ListACL()
	if err != nil {
		return err
	}
	var rows [][]string
	for _, e := range l.Data {
		ug := e.Ugid
		if e.UgidType == "group" {
			ug = "@" + ug
		}
		p := "0"
		if e.Propagate {
			p = "1"
		}
		rows = append(rows, []string{ug, e.Path, p, e.Roleid})
	}
	return cmdutil.Print(opts.IO.Out, opts.Config.OutputFormat, l, []report.Column{
		{Name: "ugid"}, {Name: "path"}, {Name: "propagate", Right: true}, {Name: "roleid"},
	}, rows)
}

// listPVE is pveum acl list: the PBS columns, groups as "@group".
func listPVE(opts *ListOptions) error {
	_, c, err := opts.Config.PVEConfigFor("pxacl acl list")
	if err != nil {
		return err
	}
	l := pvestore.ListACL(c)
	var rows [][]string
	for _, e := range l.Data {
		ug := e.Ugid
		if e.Type == "group" {
			ug = "@" + ug
		}
		rows = append(rows, []string{ug, e.Path, strconv.Itoa(e.Propagate), e.Roleid})
	}
	return cmdutil.Print(opts.IO.Out, opts.Config.OutputFormat, l, []report.Column{
		{Name: "ugid"}, {Name: "path"}, {Name: "propagate", Right: true}, {Name: "roleid"},
	}, rows)
}
