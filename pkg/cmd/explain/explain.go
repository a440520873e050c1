// Package explain is `pxacl explain`: the ACL lines that decided a
// question, or the effective privileges with their deciding lines.
package explain

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// ExplainOptions are the inputs of `pxacl explain`.
type ExplainOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	AuthID     string
	Path       string
	Privileges []string // none: every effective privilege
	Any        bool
	Now        int64
}

// NewCmdExplain is `pxacl explain AUTHID PATH [PRIV...]`.
func NewCmdExplain(f *cmdutil.Factory, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "explain AUTHID PATH [PRIV...]",
		Short: "Explain a decision (the ACL lines that decided, replacement, the token clamp, the account state); with no PRIV, list the effective privileges and the lines that grant them",
		Example: `  $ pxacl --config-dir examples/pbs explain john@pbs /datastore/store1/secret Datastore.Read
  $ pxacl --config-dir examples/pbs explain john@pbs!client1 /datastore/store1/ns1
  $ pxacl --config-dir examples/pve explain --output-format json-pretty alice@pve /vms/101 VM.Console`,
		Args:              cobra.MinimumNArgs(2),
		ValidArgsFunction: cmdutil.CompleteQuery(f.Config),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.AuthID, opts.Path, opts.Privileges = args[0], args[1], args[2:]
			if runF != nil {
				return runF(opts)
			}
			return explainRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddQueryFlags(cmd, &opts.Any, &opts.Now)
	return cmd
}

func explainRun(ctx context.Context, opts *ExplainOptions) error {
	q, err := opts.Config.Query(opts.AuthID, opts.Path, opts.Privileges, opts.Any, opts.Now)
	if err != nil {
		return err
	}
	ev, err := opts.Config.Evaluator(ctx)
	if err != nil {
		return err
	}
	x, err := ev.Explain(ctx, q)
	if err != nil {
		return err
	}
	if !opts.Config.Text() {
		return report.WriteJSON(opts.IO.Out, opts.Config.OutputFormat, x)
	}
	return report.WriteExplanation(opts.IO.Out, x)
}
