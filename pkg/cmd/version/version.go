// Package version is `pxacl version`.
package version

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/internal/buildinfo"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// VersionOptions are the inputs of `pxacl version`.
type VersionOptions struct {
	IO   *cmdutil.IOStreams
	Info func() buildinfo.Info
}

// NewCmdVersion is `pxacl version`, the same text as `pxacl --version`.
func NewCmdVersion(f *cmdutil.Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IOStreams, Info: buildinfo.Read}
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the pxacl version, the Go and OPA versions and the commit it was built from",
		Example: `  $ pxacl version`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
}

func versionRun(opts *VersionOptions) error {
	_, err := fmt.Fprint(opts.IO.Out, opts.Info())
	return err
}
