// Package list is `pxacl realm list`.
package list

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/realms"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// ListOptions are the inputs of `pxacl realm list`.
type ListOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config
}

// NewCmdList is `pxacl realm list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "list",
		Short: "List realms",
		Example: `  $ pxacl --config-dir examples/pbs realm list
  $ pxacl --config-dir examples/pve realm list --output-format json-pretty`,
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
	l, err := realms.For(opts.Config.Detected(), opts.Config.Dir).List()
	if err != nil {
		return err
	}
	var rows [][]string
	for _, r := range l.Data {
		d := ""
		if r.Default {
			d = "1"
		}
		rows = append(rows, []string{r.Realm, r.Type, d, r.Comment})
	}
	return cmdutil.Print(opts.IO.Out, opts.Config.OutputFormat, l, []report.Column{
		{Name: "realm"}, {Name: "type"}, {Name: "default", Right: true}, {Name: "comment"},
	}, rows)
}
