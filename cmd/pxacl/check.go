package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/report"
)

// queryFlags are the flags of check and explain.
type queryFlags struct {
	pveVersion string
	any        bool
	now        int64
}

func (f *queryFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.any, "any", false, "any one of the privileges suffices (PBS 'partial')")
	cmd.Flags().Int64Var(&f.now, "now", 0, "evaluate enable/expire at this epoch time (default: now)")
}

// load validates the arguments AUTHID PATH PRIV... and loads the
// configuration; check and explain both use it.
func (f *queryFlags) load(cmd *cobra.Command, g *globals, args []string) (evaluator.Query, *evaluator.Evaluator, error) {
	f.pveVersion = g.pveVersion
	q, err := f.query(args, g.detected())
	if err != nil {
		return q, nil, err
	}
	ev, err := g.evaluator(cmd.Context())
	return q, ev, err
}

// query validates the arguments AUTHID PATH PRIV... into a query.
func (f *queryFlags) query(args []string, flavor config.Flavor) (evaluator.Query, error) {
	id, err := parseAuthID(args[0], flavor)
	if err != nil {
		return evaluator.Query{}, err
	}
	cat := catalogFor(flavor, f.pveVersion)
	if err := aclpath.Query(flavor, args[1]); err != nil {
		return evaluator.Query{}, err
	}
	for _, p := range args[2:] {
		if !cat.IsPrivilege(p) {
			return evaluator.Query{}, fmt.Errorf("unknown privilege %s", safetext.Quote(p))
		}
	}
	return evaluator.Query{AuthID: id, Path: args[1], Privileges: args[2:], Partial: f.any, Clock: f.now}, nil
}

func newCheckCmd(g *globals) *cobra.Command {
	f := &queryFlags{}
	cmd := &cobra.Command{
		Use:   "check AUTHID PATH PRIV [PRIV...]",
		Short: "Exit 0 if AUTHID holds the privileges on PATH, 1 if not",
		Args:  cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, ev, err := f.load(cmd, g, args)
			if err != nil {
				return err
			}
			v, err := ev.Check(cmd.Context(), q)
			if err != nil {
				return err
			}
			reason := ""
			switch {
			case v.Allowed:
			case !v.Known || !v.Active:
				reason = report.DenialReason(q.AuthID, v.Known, v.Token, v.Active)
			case g.detected() == config.PVE:
				reason = report.PVEDeniedMessage(q.Privileges, v.Missing, v.Path, q.Partial)
			default:
				// PBS names every required privilege, in its canonical order (§3.4)
				required := append([]string(nil), q.Privileges...)
				catalog.MustFor(config.PBS, "").SortPrivileges(required)
				reason = report.MissingMessage(slices.Compact(required), v.Path, q.Partial)
			}
			if g.outputFormat != report.Text {
				if err := report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, map[string]any{
					"allowed": v.Allowed, "auth_id": q.AuthID, "path": v.Path,
					"privileges": v.Requested, "partial": q.Partial, "reason": reason,
				}); err != nil {
					return err
				}
			} else if v.Allowed {
				fmt.Fprintf(cmd.OutOrStdout(), "allowed\n")
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "denied: %s\n", reason)
			}
			if !v.Allowed {
				return errDenied("")
			}
			return nil
		},
	}
	f.add(cmd)
	return cmd
}

func newExplainCmd(g *globals) *cobra.Command {
	f := &queryFlags{}
	cmd := &cobra.Command{
		Use:   "explain AUTHID PATH [PRIV...]",
		Short: "Explain a decision (the ACL lines that decided, replacement, the token clamp, the account state); with no PRIV, list the effective privileges and the lines that grant them",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, ev, err := f.load(cmd, g, args)
			if err != nil {
				return err
			}
			x, err := ev.Explain(cmd.Context(), q)
			if err != nil {
				return err
			}
			if g.outputFormat != report.Text {
				return report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, x)
			}
			return report.WriteExplanation(cmd.OutOrStdout(), x)
		},
	}
	f.add(cmd)
	return cmd
}
