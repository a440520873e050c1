// Package build is `pxacl bundle build`: the configuration compiled into
// an OPA bundle.
package build

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/internal/batchgc"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// BuildOptions are the inputs of `pxacl bundle build`.
type BuildOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Output string // the file to write; "-" for stdout
}

// NewCmdBuild is `pxacl bundle build`.
func NewCmdBuild(f *cmdutil.Factory, runF func(*BuildOptions) error) *cobra.Command {
	opts := &BuildOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Compile the configuration into an OPA bundle (tar.gz)",
		Example: `  $ pxacl --config-dir examples/pbs bundle build -o /tmp/pxacl.tar.gz
  $ pxacl --config-dir examples/pve bundle build -o - | tar tzf -`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return buildRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "pxacl.tar.gz", "bundle file to write (- for stdout)")
	return cmd
}

func buildRun(opts *BuildOptions) error {
	batchgc.Tune() // a one-shot job: trade memory for less GC work
	doc, err := opts.Config.Compile()
	if err != nil {
		return err
	}
	bun, err := bundle.BuildDocument(doc)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	if opts.Output == "-" { // the tar.gz on stdout, nothing else
		return bun.Write(out)
	}
	if err := bun.WriteFile(opts.Output); err != nil {
		return err
	}
	if !opts.Config.Text() {
		res := map[string]any{"file": opts.Output, "revision": bun.Manifest.Revision, "metadata": bun.Manifest.Metadata}
		if doc.Meta.TFA != "" { // as in the bundle's data.pxacl.meta.tfa
			res["tfa"] = doc.Meta.TFA
		}
		return report.WriteJSON(out, opts.Config.OutputFormat, res)
	}
	fmt.Fprintf(out, "wrote %s (revision %s)\n", opts.Output, bun.Manifest.Revision)
	return nil
}
