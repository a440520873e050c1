package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/pveexpr"
	"github.com/pxacl/pxacl/report"
)

// newCheckExprCmd: pxacl check-expr AUTHID 'EXPR-JSON' --param k=v ...
// evaluates a PVE API permission check (docs/semantics.md pve §4).
func newCheckExprCmd(g *globals) *cobra.Command {
	var params []string
	var now int64
	cmd := &cobra.Command{
		Use:   "check-expr AUTHID EXPR-JSON",
		Short: "PVE: exit 0 if AUTHID passes the API permission check EXPR-JSON (e.g. '[\"perm\",\"/vms/{vmid}\",[\"VM.Audit\"]]'), 1 if not",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.detected() != config.PVE {
				return fmt.Errorf("check-expr needs a PVE configuration (--flavor pve)")
			}
			id, err := parseAuthID(args[0], config.PVE)
			if err != nil {
				return err
			}
			var expr any
			if err := json.Unmarshal([]byte(args[1]), &expr); err != nil {
				return fmt.Errorf("EXPR-JSON: %w", err)
			}
			if _, ok := expr.([]any); !ok {
				return fmt.Errorf("EXPR-JSON: want a JSON array such as [\"perm\", \"/\", [\"Sys.Audit\"]]")
			}
			ps := map[string]any{}
			for _, p := range params {
				k, v, ok := strings.Cut(p, "=")
				if !ok || k == "" {
					return fmt.Errorf("--param %s: want NAME=VALUE", safetext.Quote(p))
				}
				ps[k] = v
			}
			cat, err := catalog.For(config.PVE, g.pveVersion)
			if err != nil {
				return err
			}
			if err := pveexpr.Validate(expr, ps, cat); err != nil {
				return fmt.Errorf("EXPR-JSON: %w", err)
			}
			ev, err := g.evaluator(cmd.Context())
			if err != nil {
				return err
			}
			ok, err := ev.CheckExpr(cmd.Context(), id, expr, ps, now)
			if err != nil {
				return err
			}
			if g.outputFormat != report.Text {
				if err := report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, map[string]any{
					"allowed": ok, "auth_id": id, "expr": expr, "params": ps,
				}); err != nil {
					return err
				}
			} else if ok {
				fmt.Fprintln(cmd.OutOrStdout(), "allowed")
			} else {
				fmt.Fprintln(cmd.OutOrStdout(), "denied")
			}
			if !ok {
				return errDenied("")
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&params, "param", nil, "request parameter NAME=VALUE (repeatable)")
	cmd.Flags().Int64Var(&now, "now", 0, "evaluate enable/expire at this epoch time (default: now)")
	return cmd
}
