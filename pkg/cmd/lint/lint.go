// Package lint is `pxacl lint`: risky or useless ACL entries, users and
// tokens.
package lint

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/lint"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// LintOptions are the inputs of `pxacl lint`.
type LintOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	FailLevel string // info, warning or error
}

// NewCmdLint is `pxacl lint`.
func NewCmdLint(f *cmdutil.Factory, runF func(*LintOptions) error) *cobra.Command {
	opts := &LintOptions{IO: f.IOStreams, Config: f.Config}
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
		Example: `  $ pxacl --config-dir examples/pbs lint
  $ pxacl --config-dir examples/pve --pve-version 8 lint --fail-level warning
  $ pxacl --config-dir examples/pbs lint --output-format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return lintRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.FailLevel, "fail-level", "error", "exit 1 when a finding has at least this severity: info, warning or error")
	cmdutil.RegisterValues(cmd, "fail-level", "info", "warning", "error")
	return cmd
}

func lintRun(ctx context.Context, opts *LintOptions) error {
	level, err := lint.ParseSeverity(opts.FailLevel)
	if err != nil {
		return err
	}
	c := opts.Config
	flavor, err := config.DetectFlavor(c.Dir, c.Flavor)
	if err != nil {
		return err
	}
	res, err := lint.Run(ctx, c.Dir, compiler.Options{Flavor: flavor, PVEVersion: c.PVEVersion})
	if err != nil {
		return err
	}
	if !c.Text() {
		err = report.WriteJSON(opts.IO.Out, c.OutputFormat, res)
	} else {
		err = report.WriteLint(opts.IO.Out, res)
	}
	if err != nil {
		return err
	}
	if len(res.Findings) > 0 && res.Max() >= level {
		return cmdutil.ErrDenied("")
	}
	return nil
}
