// Package list is `pxacl role list`.
package list

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// ListOptions are the inputs of `pxacl role list`.
type ListOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config
}

// NewCmdList is `pxacl role list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "list",
		Short: "List built-in and custom roles, like pveum role list",
		Example: `  $ pxacl --config-dir examples/pve role list
  $ pxacl --config-dir examples/pve role list --output-format yaml`,
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
	s, c, err := opts.Config.PVEConfigFor("pxacl role list")
	if err != nil {
		return err
	}
	l := s.ListRoles(c)
	var rows [][]string
	for _, d := range l.Data {
		rows = append(rows, []string{d.Roleid, d.Privs, strconv.Itoa(d.Special)})
	}
	return cmdutil.Print(opts.IO.Out, opts.Config.OutputFormat, l, []report.Column{{Name: "roleid"}, {Name: "privs"}, {Name: "special", Right: true}}, rows)
}
