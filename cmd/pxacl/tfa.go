package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/report"
	"github.com/pxacl/pxacl/tfa"
)

// The `user tfa` commands are thin wrappers around config/pbs/store's TFA
// operations (docs/semantics.md §9).

func newUserTFACmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tfa",
		Short: "Second factors of users (TOTP, recovery keys): list, add, delete, verify, unlock",
	}
	// the failure counters live where the configuration directory says
	// (store.CountersDir), never where a caller would like them
	st := func() *store.Store { return store.New(g.configDir) }
	cmd.AddCommand(newTFAListCmd(g, st), newTFAAddTOTPCmd(g, st), newTFAAddRecoveryCmd(g, st),
		newTFADeleteCmd(st), newTFAVerifyCmd(g, st), newTFAUnlockCmd(g, st))
	return cmd
}

// epochText renders an epoch like proxmox-backup-manager's render_epoch
// (C's %c in local time).
func epochText(e int64) string { return time.Unix(e, 0).Format("Mon Jan _2 15:04:05 2006") }

func newTFAListCmd(g *globals, st func() *store.Store) *cobra.Command {
	return &cobra.Command{
		Use:   "list [USERID]",
		Short: "List the second factors of a user, or of every user (never secrets)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			userid := ""
			if len(args) == 1 {
				userid = args[0]
			}
			users, err := st().ListTFA(userid)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if g.outputFormat != report.Text {
				if userid == "" {
					return report.WriteJSON(out, g.outputFormat, users) // GET /access/tfa
				}
				entries := []tfa.TypedInfo{} // GET /access/tfa/{userid}
				for _, u := range users {
					entries = u.Entries
				}
				return report.WriteJSON(out, g.outputFormat, entries)
			}
			var cols []report.Column
			if userid == "" {
				cols = append(cols, report.Column{Name: "userid"})
			}
			cols = append(cols, report.Column{Name: "id"}, report.Column{Name: "type"}, report.Column{Name: "description"},
				report.Column{Name: "created"}, report.Column{Name: "enable", Right: true})
			var rows [][]string
			for _, u := range users {
				for _, e := range u.Entries {
					row := []string{e.ID, e.Type, e.Description, epochText(e.Created), boolText(e.Enable)}
					if userid == "" {
						row = append([]string{u.Userid}, row...)
					}
					rows = append(rows, row)
				}
			}
			if err := report.WriteTable(out, cols, rows); err != nil {
				return err
			}
			for _, u := range users {
				if u.TOTPLocked {
					fmt.Fprintf(out, "%s: TOTP locked after %d consecutive failures: use a recovery key, or 'pxacl user tfa unlock %s'\n",
						u.Userid, tfa.TOTPFailureLimit, u.Userid)
				}
				if u.TFALockedUntil != nil {
					fmt.Fprintf(out, "%s: every second factor locked until %s after %d consecutive failures: wait, or 'pxacl user tfa unlock %s'\n",
						u.Userid, epochText(*u.TFALockedUntil), tfa.TFAFailureLimit, u.Userid)
				}
			}
			return nil
		},
	}
}

func newTFAAddTOTPCmd(g *globals, st func() *store.Store) *cobra.Command {
	var o store.TOTPOptions
	var description, codeFlag, issuer string
	var noQR, lightQR bool
	cmd := &cobra.Command{
		Use:   "add-totp USERID --description TEXT",
		Short: "Add a TOTP: prints the otpauth URI and a QR code, then asks for a current code to confirm",
		Long: `Add a TOTP (time-based one-time password) to a user, as PBS stores it in
tfa.json. Without --totp a new random secret is made (SHA1, 6 digits, 30 s
unless --algorithm, --digits, --period say otherwise); its otpauth URI and
a QR code are printed once, to scan with an authenticator app. The entry is
added only when a current code is given (read from stdin, or --code).
With --totp URI an existing otpauth URI is enrolled instead (note that
command-line arguments are visible to other local users).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var desc *string
			if cmd.Flags().Changed("description") {
				desc = &description
			}
			if err := store.CheckDescription(desc); err != nil {
				return err
			}
			if cmd.Flags().Changed("issuer") {
				o.Issuer = &issuer
			}
			s := st()
			key, err := s.NewTOTPKey(args[0], o)
			if err != nil {
				return err
			}
			info := cmd.OutOrStdout()
			if g.outputFormat != report.Text {
				info = cmd.ErrOrStderr()
			}
			if o.URI == "" {
				fmt.Fprintf(info, "otpauth URI (it holds the secret; it is shown only now):\n%s\n\n", key.URI())
				if !noQR {
					if err := report.WriteQR(info, key.URI(), lightQR); err != nil {
						return err
					}
					fmt.Fprintln(info)
				}
			}
			code := codeFlag
			if !cmd.Flags().Changed("code") {
				fmt.Fprint(cmd.ErrOrStderr(), "Current code from the authenticator: ")
				if code, err = readLine(cmd.InOrStdin()); err != nil {
					fmt.Fprintln(cmd.ErrOrStderr())
					return fmt.Errorf("no TOTP code given (type the current code, or use --code): %w", err)
				}
			}
			id, err := s.AddTOTP(args[0], desc, key, code)
			if err != nil {
				return err
			}
			if g.outputFormat != report.Text {
				return report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, map[string]string{"id": id})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "added TOTP %s for %s\n", id, args[0])
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&description, "description", "", "description of the entry (required, at most 255 characters)")
	f.StringVar(&codeFlag, "code", "", "current code (default: read from stdin)")
	f.StringVar(&o.URI, "totp", "", "enroll this otpauth://totp URI instead of a new secret")
	f.StringVar(&issuer, "issuer", store.DefaultIssuer, "issuer shown by the authenticator app (\"\" for none)")
	f.IntVar(&o.Digits, "digits", 0, "digits of a code (default 6)")
	f.StringVar(&o.Algorithm, "algorithm", "", "SHA1, SHA256 or SHA512 (default SHA1)")
	f.Uint64Var(&o.Period, "period", 0, "seconds per code (default 30)")
	f.BoolVar(&noQR, "no-qr", false, "do not draw the QR code")
	f.BoolVar(&lightQR, "qr-light-background", false, "draw the QR code for a terminal with a light background")
	return cmd
}

// readLine reads one line, trimmed; an empty line is an error.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	line = strings.TrimSpace(line)
	if line == "" {
		if err == nil || errors.Is(err, io.EOF) {
			err = errors.New("empty input")
		}
		return "", err
	}
	return line, nil
}

func newTFAAddRecoveryCmd(g *globals, st func() *store.Store) *cobra.Command {
	return &cobra.Command{
		Use:   "add-recovery USERID",
		Short: "Generate the user's 10 recovery keys (printed once; one set per user)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := st().AddRecovery(args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if g.outputFormat != report.Text {
				return report.WriteJSON(out, g.outputFormat, map[string]any{"id": tfa.TypeRecovery, "recovery": keys})
			}
			fmt.Fprintf(out, "Recovery keys of %s: each works once, and they are shown only now.\n", args[0])
			for i, k := range keys {
				fmt.Fprintf(out, "%2d: %s\n", i, k)
			}
			return nil
		},
	}
}

func newTFADeleteCmd(st func() *store.Store) *cobra.Command {
	return &cobra.Command{
		Use:   "delete USERID ID",
		Short: "Delete a second factor (ID from 'list'; 'recovery' for the recovery keys)",
		Args:  cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			return st().DeleteTFA(args[0], args[1])
		},
	}
}

func newTFAUnlockCmd(g *globals, st func() *store.Store) *cobra.Command {
	return &cobra.Command{
		Use:   "unlock USERID",
		Short: "Unlock a user's second factors and reset the failure counters",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			was, err := st().UnlockTFA(args[0])
			if err != nil {
				return err
			}
			if g.outputFormat != report.Text {
				return report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, was)
			}
			if was {
				fmt.Fprintf(cmd.OutOrStdout(), "unlocked %s\n", args[0])
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "%s was not locked; failure counters reset\n", args[0])
			}
			return nil
		},
	}
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

func newTFAVerifyCmd(g *globals, st func() *store.Store) *cobra.Command {
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
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			resp := ""
			if len(args) == 2 {
				resp = args[1]
			} else {
				var err error
				if resp, err = readLine(cmd.InOrStdin()); err != nil {
					return fmt.Errorf("no response given (totp:CODE or recovery:KEY): %w", err)
				}
			}
			res, err := st().VerifyTFA(args[0], resp)
			if err != nil {
				return err
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
			}
			if g.outputFormat != report.Text {
				v := verifyJSON{OK: res.OK, Type: res.Type, Reason: res.Reason, Locked: res.Locked,
					TOTPLockedNow: res.TOTPLockedNow, TFALockedUntil: res.LockedUntil}
				if res.OK && res.Type == tfa.TypeRecovery {
					v.RecoveryLeft = &res.RecoveryLeft
				}
				if err := report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, v); err != nil {
					return err
				}
				if !res.OK {
					return errDenied("")
				}
				return nil
			}
			if !res.OK {
				return errDenied("refused: " + res.Reason)
			}
			switch res.Type {
			case tfa.TypeRecovery:
				fmt.Fprintf(cmd.OutOrStdout(), "ok: recovery key accepted, %d unused keys left\n", res.RecoveryLeft)
				if res.RecoveryLeft == 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "no recovery key left: 'pxacl user tfa delete %s recovery' and 'add-recovery' make new ones\n", args[0])
				}
			default:
				fmt.Fprintln(cmd.OutOrStdout(), "ok: TOTP code accepted")
			}
			return nil
		},
	}
}
