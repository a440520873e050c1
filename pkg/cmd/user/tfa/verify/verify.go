// Package verify is `pxacl user tfa verify`: a second factor checked as a
// PBS login does.
package verify

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
	"github.com/pxacl/pxacl/tfa"
)

// VerifyOptions are the inputs of `pxacl user tfa verify`.
type VerifyOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID   string
	Response string // totp:CODE or recovery:KEY; "" = read from IO.In
}

// verifyJSON is the JSON output of verify.
type verifyJSON struct {
	OK             bool   `json:"ok"`
	Type           string `json:"type"`
	Reason         string `json:"reason,omitempty"`
	Locked         bool   `json:"locked"`
	TOTPLockedNow  bool   `json:"totp_locked_now,omitempty"`
	TFALockedUntil int64  `json:"tfa_locked_until,omitempty"`
	RecoveryLeft   *int   `json:"recovery_left,omitempty"`
}

// NewCmdVerify is `pxacl user tfa verify USERID [totp:CODE|recovery:KEY]`.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "verify USERID [totp:CODE|recovery:KEY]",
		Short: "Check a second factor as a PBS login does (exit 0 accepted, 1 refused, 2 bad input)",
		Long: `Check a TOTP code or a recovery key of a user as a PBS login does: the
code is refused when reused, 8 consecutive TOTP failures lock TOTP, 100
consecutive failures lock every factor for an hour, a recovery key works
once. The counters persist in tfa.json and in ` + store.PBSChallengesDir + `
for ` + store.PBSConfigDir + ` (as PBS keeps them), else in
CONFIG-DIR/` + store.ChallengesSubdir + `; the location cannot be changed.
An empty or corrupt counters file counts as locked until 'unlock'. Without the
response argument it is read from stdin (arguments are visible to other
local users). Exit 0 accepted, 1 refused (with the reason), 2 bad input.`,
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user tfa verify john@pbs totp:123456
  $ pxacl --config-dir /tmp/pxacl-demo user tfa verify john@pbs recovery:0123-4567-89ab-cdef`,
		Args:              cobra.RangeArgs(1, 2),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.UserID, opts.Response = args[0], ""
			if len(args) == 2 {
				opts.Response = args[1]
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
}

func verifyRun(opts *VerifyOptions) error {
	resp := opts.Response
	if resp == "" {
		var err error
		if resp, err = cmdutil.ReadLine(opts.IO.In); err != nil {
			return fmt.Errorf("no response given (totp:CODE or recovery:KEY): %w", err)
		}
	}
	res, err := store.New(opts.Config.Dir).VerifyTFA(opts.UserID, resp)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}
	out := opts.IO.Out
	if !opts.Config.Text() {
		v := verifyJSON{OK: res.OK, Type: res.Type, Reason: res.Reason, Locked: res.Locked,
			TOTPLockedNow: res.TOTPLockedNow, TFALockedUntil: res.LockedUntil}
		if res.OK && res.Type == tfa.TypeRecovery {
			v.RecoveryLeft = &res.RecoveryLeft
		}
		if err := report.WriteJSON(out, opts.Config.OutputFormat, v); err != nil {
			return err
		}
		if !res.OK {
			return cmdutil.ErrDenied("")
		}
		return nil
	}
	if !res.OK {
		return cmdutil.ErrDenied("refused: " + res.Reason)
	}
	switch res.Type {
	case tfa.TypeRecovery:
		fmt.Fprintf(out, "ok: recovery key accepted, %s left\n", report.Count(res.RecoveryLeft, "unused key", ""))
		if res.RecoveryLeft == 0 {
			fmt.Fprintf(out, "no recovery key left: 'pxacl user tfa delete %s recovery' and 'add-recovery' make new ones\n", opts.UserID)
		}
	default:
		fmt.Fprintln(out, "ok: TOTP code accepted")
	}
	return nil
}
