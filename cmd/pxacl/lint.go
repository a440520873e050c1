package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/lint"
	"github.com/pxacl/pxacl/report"
)

func newLintCmd(g *globals) *cobra.Command {
	var failLevel string
	cmd := &cobra.Command{
		Use:   "lint",
		Short: "Report risky or useless ACL entries, users and tokens (exit 1 when a finding reaches --fail-level)",
		Long: `Lint the PBS or PVE configuration in --config-dir. Each finding has a
severity (info, warning, error), the file:line responsible and a fix hint.

PBS:

  error    unknown-subject    ACL entry for a user or token missing from user.cfg
  warning  group-acl          @group entry (PBS has no groups: it grants nothing)
  warning  admin-on-root      a user or token other than root@pam has Admin on /
  warning  backup-can-delete  a token with Datastore.Backup also holds
                              Datastore.Prune or Datastore.Modify there
  info     token-no-expiry    a token without expiry
  info     token-clamped      a token's ACL grants privileges its owner lacks
  info     needs-pbs-3.3      a role that PBS <= 3.2 does not know
  warning  no-second-factor   an active user holding Permissions.Modify,
                              Sys.Modify or Datastore.Allocate (Admin, or
                              root@pam) has no usable second factor in
                              tfa.json (no tfa.json: nobody has one)
  info     totp-without-recovery  TOTP is a user's only second factor and
                              no recovery key is left
  info     tfa-locked         a user's TOTP, or every factor, is locked
  info     tfa-unreadable     tfa.json cannot be read: no TFA checks

PVE (user.cfg; --pve-version picks the catalog):
  error    unknown-subject    ACL entry for a user, token or group missing from
                              user.cfg
  warning  pve-warning        a line PVE warns about when reading user.cfg
  warning  admin-on-root      anyone but root@pam has Administrator on /
  warning  removed-in-pve-9   (--pve-version 8) a custom role lists a privilege
                              PVE 9 removed; info with --pve-version 9
  info     token-no-expiry    a token without expiry
  info     token-no-privsep   a privsep=0 token: all its owner's privileges
  info     token-clamped      a privsep=1 token's ACL grants privileges its
                              owner lacks
  info     new-in-pve-9       (--pve-version 8) a custom role lists a privilege
                              new in PVE 9

Exit 0 when no finding reaches --fail-level (default error), 1 otherwise,
2 on bad input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			level, err := lint.ParseSeverity(failLevel)
			if err != nil {
				return err
			}
			flavor, err := config.DetectFlavor(g.configDir, g.flavor)
			if err != nil {
				return err
			}
			res, err := lint.Run(cmd.Context(), g.configDir, compiler.Options{Flavor: flavor, PVEVersion: g.pveVersion})
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
