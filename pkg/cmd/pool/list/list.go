// Package list is `pxacl pool list`.
package list

import (
	"github.com/spf13/cobra"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// ListOptions are the inputs of `pxacl pool list`.
type ListOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config
}

// NewCmdList is `pxacl pool list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "list",
		Short: "List pools, like pveum pool list",
		Example: `  $ pxacl --config-dir examples/pve pool list
  $ pxacl --config-dir examples/pve pool list --output-format yaml`,
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
	_, c, err := opts.Config.PVEConfigFor("pxacl pool list")
	if err != nil {
		return err
	}
	l := pvestore.ListPools(c)
	var rows [][]string
	for _, d := range l.Data {
		rows = append(rows, []string{d.Poolid, d.Comment, d.VMs, d.Storage})
	}
	return cmdutil.Print(opts.IO.Out, opts.Config.OutputFormat, l, []report.Column{{Name: "poolid"}, {Name: "comment"}, {Name: "vms"}, {Name: "storage"}}, rows)
}
