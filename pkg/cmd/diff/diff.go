// Package diff is `pxacl diff`: the effective-permission changes between
// two configurations.
package diff

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/permdiff"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// DiffOptions are the inputs of `pxacl diff`.
type DiffOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Old, New string // directories, or git revisions with Git
	Git      bool
	FailOn   string // "", gain, escalation or any
	Now      int64
}

// NewCmdDiff is `pxacl diff OLD NEW`.
func NewCmdDiff(f *cmdutil.Factory, runF func(*DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Effective-permission changes between two config dirs (or git revisions with --git)",
		Long: `Compare the effective permissions of two configurations: for every user and
token of either side and every ACL node path of either side (plus /, /access,
/datastore, /remote, /system), the privileges gained and lost, with the ACL
lines responsible. Gaining Permissions.Modify, Datastore.Prune, Sys.Modify or
anything on / is flagged as an escalation.

With --git, OLD and NEW are git revisions of the repository in the current
directory, and the files are read with 'git show REV:DIR/FILE', DIR being
--config-dir relative to the current directory (default: the current one).

Exit 0, or 1 when --fail-on gain|escalation|any matches; 2 on bad input.`,
		Example: `  $ pxacl diff examples/pbs examples/pbs
  $ pxacl diff --git --config-dir examples/pbs --fail-on escalation HEAD~1 HEAD
  $ pxacl diff --output-format json-pretty examples/pbs examples/pbs`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New = args[0], args[1]
			switch opts.FailOn {
			case "", "gain", "escalation", "any":
			default:
				return fmt.Errorf("invalid --fail-on %s (want gain, escalation or any)", safetext.Quote(opts.FailOn))
			}
			if runF != nil {
				return runF(opts)
			}
			return diffRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Git, "git", false, "OLD and NEW are git revisions (config files read with git show)")
	cmd.Flags().StringVar(&opts.FailOn, "fail-on", "", "exit 1 when there are changes of this kind: gain, escalation or any")
	cmdutil.AddNowFlag(cmd, &opts.Now)
	cmdutil.RegisterValues(cmd, "fail-on", "gain", "escalation", "any")
	return cmd
}

func diffRun(ctx context.Context, opts *DiffOptions) error {
	c := opts.Config
	oldDir, newDir := opts.Old, opts.New
	if opts.Git {
		dir := "."
		if c.DirGiven {
			dir = c.Dir
		}
		o, n, cleanup, err := permdiff.GitExportPair(ctx, opts.Old, opts.New, dir)
		if err != nil {
			return err
		}
		defer cleanup()
		oldDir, newDir = o, n
	}
	old, err := permdiff.Load(ctx, oldDir, compiler.Options{Flavor: c.Flavor, PVEVersion: c.PVEVersion})
	if err != nil {
		return fmt.Errorf("OLD %s: %w", opts.Old, err)
	}
	neu, err := permdiff.Load(ctx, newDir, compiler.Options{Flavor: c.Flavor, PVEVersion: c.PVEVersion})
	if err != nil {
		return fmt.Errorf("NEW %s: %w", opts.New, err)
	}
	r, err := permdiff.Diff(ctx, old, neu, opts.Now)
	if err != nil {
		return err
	}
	if !c.Text() {
		err = report.WriteJSON(opts.IO.Out, c.OutputFormat, r)
	} else {
		err = report.WriteDiff(opts.IO.Out, r)
	}
	if err != nil {
		return err
	}
	if opts.FailOn != "" && r.Has(opts.FailOn) {
		return cmdutil.ErrDenied("")
	}
	return nil
}
