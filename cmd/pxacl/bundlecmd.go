package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/internal/batchgc"
	"github.com/pxacl/pxacl/report"
)

func newBundleCmd(g *globals) *cobra.Command {
	b := &cobra.Command{Use: "bundle", Short: "OPA bundles"}
	var out string
	build := &cobra.Command{
		Use:   "build",
		Short: "Compile the configuration into an OPA bundle (tar.gz)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			batchgc.Tune() // a one-shot job: trade memory for less GC work
			doc, err := g.compile()
			if err != nil {
				return err
			}
			bun, err := bundle.BuildDocument(doc)
			if err != nil {
				return err
			}
			if out == "-" { // the tar.gz on stdout, nothing else
				return bun.Write(cmd.OutOrStdout())
			}
			if err := bun.WriteFile(out); err != nil {
				return err
			}
			if g.outputFormat != report.Text {
				res := map[string]any{"file": out, "revision": bun.Manifest.Revision, "metadata": bun.Manifest.Metadata}
				if doc.Meta.TFA != "" { // as in the bundle's data.pxacl.meta.tfa
					res["tfa"] = doc.Meta.TFA
				}
				return report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, res)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (revision %s)\n", out, bun.Manifest.Revision)
			return nil
		},
	}
	build.Flags().StringVarP(&out, "output", "o", "pxacl.tar.gz", "bundle file to write (- for stdout)")
	b.AddCommand(build)
	return b
}
