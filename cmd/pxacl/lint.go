package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/lint"
	"github.com/pxacl/pxacl/report"
)

func newLintCmd(g *globals) *cobra.Command {
	var failLevel string
	cmd := &cobra.Command{
		Use:   "lint",
		Short: "Report risky or useless ACL entries, users and tokens (exit 1 when a finding reaches --fail-level)",
		Long: `Lint the PBS configuration in --config-dir. Each finding has a severity
(info, warning, error), the file:line responsible and a fix hint:

  error    unknown-subject    ACL entry for a user or token missing from user.cfg
  warning  group-acl          @group entry (PBS has no groups: it grants nothing)
  warning  admin-on-root      a user or token other than root@pam has Admin on /
  warning  backup-can-delete  a token with Datastore.Backup also holds
                              Datastore.Prune or Datastore.Modify there
  info     token-no-expiry    a token without expiry
  info     token-clamped      a token's ACL grants privileges its owner lacks
  info     needs-pbs-3.3      a role that PBS <= 3.2 does not know

Exit 0 when no finding reaches --fail-level (default error), 1 otherwise,
2 on bad input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			level, err := lint.ParseSeverity(failLevel)
			if err != nil {
				return err
			}
			if g.bundleFile != "" {
				return errors.New("lint: --bundle is not supported; lint reads the configuration files")
			}
			flavor, err := config.DetectFlavor(g.configDir, g.flavor)
			if err != nil {
				return err
			}
			if flavor != config.PBS {
				return fmt.Errorf("lint: the %s flavor is not supported yet", flavor)
			}
			res, err := lint.Run(cmd.Context(), g.configDir)
			if err != nil {
				return err
			}
			if g.outputFormat != report.Text {
				err = report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, res)
			} else {
				err = writeLintText(cmd.OutOrStdout(), res)
			}
			if err != nil {
				return err
			}
			if len(res.Findings) > 0 && res.Max() >= level {
				return errDenied("")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&failLevel, "fail-level", "error", "exit 1 when a finding has at least this severity: info, warning or error")
	return cmd
}

func writeLintText(w io.Writer, res *lint.Result) error {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "%s: %s [%s] %s\n", f.Pos(), f.Severity, f.Code, f.Message)
		fmt.Fprintf(&b, "    fix: %s\n", f.Fix)
	}
	fmt.Fprintf(&b, "%d findings: %d errors, %d warnings, %d infos\n", len(res.Findings), res.Errors, res.Warnings, res.Infos)
	_, err := io.WriteString(w, b.String())
	return err
}
