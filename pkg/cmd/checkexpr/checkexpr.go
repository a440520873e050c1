// Package checkexpr is `pxacl check-expr`: a PVE API permission check.
package checkexpr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pveexpr"
	"github.com/pxacl/pxacl/report"
)

// CheckExprOptions are the inputs of `pxacl check-expr`.
type CheckExprOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	AuthID string
	Expr   string   // the expression, JSON
	Params []string // NAME=VALUE
	Now    int64
}

// NewCmdCheckExpr is `pxacl check-expr AUTHID EXPR-JSON --param k=v ...`.
func NewCmdCheckExpr(f *cmdutil.Factory, runF func(*CheckExprOptions) error) *cobra.Command {
	opts := &CheckExprOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "check-expr AUTHID EXPR-JSON",
		Short: "PVE: exit 0 if AUTHID passes the API permission check EXPR-JSON (e.g. '[\"perm\",\"/vms/{vmid}\",[\"VM.Audit\"]]'), 1 if not",
		Example: `  $ pxacl --config-dir examples/pve check-expr alice@pve '["perm","/vms/{vmid}",["VM.PowerMgmt"]]' --param vmid=100
  $ pxacl --config-dir examples/pve check-expr deploy@pve!ci '["or",["perm","/vms/{vmid}",["VM.Audit"]],["perm","/",["Sys.Audit"]]]' --param vmid=200`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgAuthID),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.AuthID, opts.Expr = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return checkExprRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Params, "param", nil, "request parameter NAME=VALUE (repeatable)")
	cmdutil.AddNowFlag(cmd, &opts.Now)
	return cmd
}

func checkExprRun(ctx context.Context, opts *CheckExprOptions) error {
	if opts.Config.Detected() != config.PVE {
		return errors.New("check-expr needs a PVE configuration (--flavor pve)")
	}
	id, err := cmdutil.ParseAuthID(opts.AuthID, config.PVE)
	if err != nil {
		return err
	}
	var expr any
	if err := json.Unmarshal([]byte(opts.Expr), &expr); err != nil {
		return fmt.Errorf("EXPR-JSON: %w", err)
	}
	if _, ok := expr.([]any); !ok {
		return errors.New("EXPR-JSON: want a JSON array such as [\"perm\", \"/\", [\"Sys.Audit\"]]")
	}
	ps := map[string]any{}
	for _, p := range opts.Params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return fmt.Errorf("--param %s: want NAME=VALUE", safetext.Quote(p))
		}
		ps[k] = v
	}
	cat, err := catalog.For(config.PVE, opts.Config.PVEVersion)
	if err != nil {
		return err
	}
	if err := pveexpr.Validate(expr, ps, cat); err != nil {
		return fmt.Errorf("EXPR-JSON: %w", err)
	}
	ev, err := opts.Config.Evaluator(ctx)
	if err != nil {
		return err
	}
	ok, err := ev.CheckExpr(ctx, id, expr, ps, opts.Now)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	if !opts.Config.Text() {
		if err := report.WriteJSON(out, opts.Config.OutputFormat, map[string]any{
			"allowed": ok, "auth_id": id, "expr": expr, "params": ps,
		}); err != nil {
			return err
		}
	} else if ok {
		fmt.Fprintln(out, "allowed")
	} else {
		fmt.Fprintln(out, "denied")
	}
	if !ok {
		return cmdutil.ErrDenied("")
	}
	return nil
}
