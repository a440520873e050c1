// Package check is `pxacl check`: exit 0 when an identity holds
// privileges on a path, 1 when not.
package check

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// CheckOptions are the inputs of `pxacl check`.
type CheckOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	AuthID     string
	Path       string
	Privileges []string
	Any        bool
	Now        int64
}

// NewCmdCheck is `pxacl check AUTHID PATH PRIV...`.
func NewCmdCheck(f *cmdutil.Factory, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "check AUTHID PATH PRIV [PRIV...]",
		Short: "Exit 0 if AUTHID holds the privileges on PATH, 1 if not",
		Example: `  $ pxacl --config-dir examples/pbs check john@pbs /datastore/store1 Datastore.Backup
  $ pxacl --config-dir examples/pbs check --any john@pbs!client1 /datastore/store1 Datastore.Backup Datastore.Read
  $ pxacl --config-dir examples/pve check --output-format json alice@pve /vms/100 VM.PowerMgmt`,
		Args:              cobra.MinimumNArgs(3),
		ValidArgsFunction: cmdutil.CompleteQuery(f.Config),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.AuthID, opts.Path, opts.Privileges = args[0], args[1], args[2:]
			if runF != nil {
				return runF(opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddQueryFlags(cmd, &opts.Any, &opts.Now)
	return cmd
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	q, err := opts.Config.Query(opts.AuthID, opts.Path, opts.Privileges, opts.Any, opts.Now)
	if err != nil {
		return err
	}
	ev, err := opts.Config.Evaluator(ctx)
	if err != nil {
		return err
	}
	v, err := ev.Check(ctx, q)
	if err != nil {
		return err
	}
	reason := ""
	switch {
	case v.Allowed:
	case !v.Known || !v.Active:
		reason = report.DenialReason(q.AuthID, v.Known, v.Token, v.Active)
	case opts.Config.Detected() == config.PVE:
		reason = report.PVEDeniedMessage(q.Privileges, v.Missing, v.Path, q.Partial)
	default:
		// PBS names every required privilege, in its canonical order
		required := append([]string(nil), q.Privileges...)
		catalog.MustFor(config.PBS, "").SortPrivileges(required)
		reason = report.MissingMessage(slices.Compact(required), v.Path, q.Partial)
	}
	out := opts.IO.Out
	if !opts.Config.Text() {
		if err := report.WriteJSON(out, opts.Config.OutputFormat, map[string]any{
			"allowed": v.Allowed, "auth_id": q.AuthID, "path": v.Path,
			"privileges": v.Requested, "partial": q.Partial, "reason": reason,
		}); err != nil {
			return err
		}
	} else if v.Allowed {
		fmt.Fprintf(out, "allowed\n")
	} else {
		fmt.Fprintf(out, "denied: %s\n", reason)
	}
	if !v.Allowed {
		return cmdutil.ErrDenied("")
	}
	return nil
}
