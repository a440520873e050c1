package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/permdiff"
	"github.com/pxacl/pxacl/report"
)

func newDiffCmd(g *globals) *cobra.Command {
	var gitMode bool
	var failOn string
	var now int64
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
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch failOn {
			case "", "gain", "escalation", "any":
			default:
				return fmt.Errorf("invalid --fail-on %s (want gain, escalation or any)", safetext.Quote(failOn))
			}
			oldDir, newDir := args[0], args[1]
			if gitMode {
				dir := "."
				if cmd.Flags().Changed("config-dir") {
					dir = g.configDir
				}
				tmp, err := os.MkdirTemp("", "pxacl-diff-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				oldDir, newDir = filepath.Join(tmp, "old"), filepath.Join(tmp, "new")
				if err := gitExport(cmd.Context(), args[0], dir, oldDir); err != nil {
					return err
				}
				if err := gitExport(cmd.Context(), args[1], dir, newDir); err != nil {
					return err
				}
			}
			old, err := permdiff.Load(cmd.Context(), oldDir, compiler.Options{Flavor: g.flavor, PVEVersion: g.pveVersion})
			if err != nil {
				return fmt.Errorf("OLD %s: %w", args[0], err)
			}
			neu, err := permdiff.Load(cmd.Context(), newDir, compiler.Options{Flavor: g.flavor, PVEVersion: g.pveVersion})
			if err != nil {
				return fmt.Errorf("NEW %s: %w", args[1], err)
			}
			r, err := permdiff.Diff(cmd.Context(), old, neu, now)
			if err != nil {
				return err
			}
			if g.outputFormat != report.Text {
				err = report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, r)
			} else {
				writeDiff(cmd.OutOrStdout(), r)
			}
			if err != nil {
				return err
			}
			if failOn != "" && r.Has(failOn) {
				return errDenied("")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&gitMode, "git", false, "OLD and NEW are git revisions (config files read with git show)")
	cmd.Flags().StringVar(&failOn, "fail-on", "", "exit 1 when there are changes of this kind: gain, escalation or any")
	cmd.Flags().Int64Var(&now, "now", 0, "evaluate enable/expire at this epoch time (default: now)")
	return cmd
}

// gitExport writes user.cfg, acl.cfg and domains.cfg of rev (those that
// exist there) into out.
func gitExport(ctx context.Context, rev, dir, out string) error {
	if strings.HasPrefix(rev, "-") {
		return fmt.Errorf("invalid revision %s", safetext.Quote(rev))
	}
	if err := exec.CommandContext(ctx, "git", "rev-parse", "--verify", "--quiet", rev+"^{commit}").Run(); err != nil {
		return fmt.Errorf("git: unknown revision %s", safetext.Quote(rev))
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return err
	}
	found := 0
	for _, f := range []string{"user.cfg", "acl.cfg", "domains.cfg"} {
		spec := rev + ":./" + path.Join(filepath.ToSlash(dir), f)
		var stdout, stderr bytes.Buffer
		c := exec.CommandContext(ctx, "git", "show", spec)
		c.Stdout, c.Stderr = &stdout, &stderr
		if err := c.Run(); err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) && (strings.Contains(stderr.String(), "does not exist") || strings.Contains(stderr.String(), "exists on disk, but not in")) {
				continue
			}
			return fmt.Errorf("git show %s: %v: %s", spec, err, strings.TrimSpace(stderr.String()))
		}
		if err := os.WriteFile(filepath.Join(out, f), stdout.Bytes(), 0o600); err != nil {
			return err
		}
		found++
	}
	if found == 0 {
		return fmt.Errorf("git: no user.cfg, acl.cfg or domains.cfg in %s:%s", rev, dir)
	}
	return nil
}

func writeDiff(w io.Writer, r *permdiff.Result) {
	if len(r.Changes) == 0 {
		fmt.Fprintf(w, "No effective permission changes (%d identities, %d paths).\n", r.Summary.Identities, r.Summary.Paths)
		return
	}
	for _, c := range r.Changes {
		fmt.Fprintf(w, "%s on %s\n", c.AuthID, c.Path)
		for _, p := range c.Gained {
			esc := ""
			for _, e := range c.Escalations {
				if e == p {
					esc = "  ESCALATION"
				}
			}
			fmt.Fprintf(w, "  + %s%s\n", p, esc)
		}
		for _, p := range c.Lost {
			fmt.Fprintf(w, "  - %s\n", p)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		for _, l := range c.GainedBy {
			fmt.Fprintf(w, "  gained by NEW %s\n", l)
		}
		for _, l := range c.LostBy {
			fmt.Fprintf(w, "  lost by OLD %s\n", l)
		}
	}
	s := r.Summary
	fmt.Fprintf(w, "\n%d change(s): %d privilege(s) gained (%d escalation(s)), %d lost; %d of %d identities evaluated, %d paths\n",
		s.Changes, s.Gained, s.Escalations, s.Lost, s.Evaluated, s.Identities, s.Paths)
}
