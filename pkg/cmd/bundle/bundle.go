// Package bundle is the `pxacl bundle` command group.
package bundle

import (
	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmd/bundle/build"
	"github.com/pxacl/pxacl/pkg/cmd/bundle/diff"
	"github.com/pxacl/pxacl/pkg/cmd/bundle/push"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// NewCmdBundle is `pxacl bundle`.
func NewCmdBundle(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "bundle",
		Short:   "OPA bundles",
		Example: `  $ pxacl --config-dir examples/pbs bundle build -o /tmp/pxacl.tar.gz`,
	}
	cmd.AddCommand(build.NewCmdBuild(f, nil), push.NewCmdPush(f, nil), diff.NewCmdDiff(f, nil))
	return cmd
}
