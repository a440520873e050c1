// Package addtotp is `pxacl user tfa add-totp`.
package addtotp

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// AddTOTPOptions are the inputs of `pxacl user tfa add-totp`.
type AddTOTPOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID      string
	Description *string // nil: not given
	Code        string
	CodeGiven   bool // --code was given; else the code is read from IO.In
	TOTP        store.TOTPOptions
	NoQR        bool
	LightQR     bool
}

// NewCmdAddTOTP is `pxacl user tfa add-totp USERID --description TEXT`.
func NewCmdAddTOTP(f *cmdutil.Factory, runF func(*AddTOTPOptions) error) *cobra.Command {
	opts := &AddTOTPOptions{IO: f.IOStreams, Config: f.Config}
	var description, issuer string
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
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user tfa add-totp john@pbs --description "phone"
  $ pxacl --config-dir /tmp/pxacl-demo user tfa add-totp admin@pbs --description "yubikey" --algorithm SHA256 --no-qr`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.UserID = args[0]
			opts.Description = nil
			if cmd.Flags().Changed("description") {
				opts.Description = &description
			}
			opts.TOTP.Issuer = nil
			if cmd.Flags().Changed("issuer") {
				opts.TOTP.Issuer = &issuer
			}
			opts.CodeGiven = cmd.Flags().Changed("code")
			if runF != nil {
				return runF(opts)
			}
			return addTOTPRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&description, "description", "", "description of the entry (required, at most 255 characters)")
	fl.StringVar(&opts.Code, "code", "", "current code (default: read from stdin)")
	fl.StringVar(&opts.TOTP.URI, "totp", "", "enroll this otpauth://totp URI instead of a new secret")
	fl.StringVar(&issuer, "issuer", store.DefaultIssuer, "issuer shown by the authenticator app (\"\" for none)")
	fl.IntVar(&opts.TOTP.Digits, "digits", 0, "digits of a code (default 6)")
	fl.StringVar(&opts.TOTP.Algorithm, "algorithm", "", "SHA1, SHA256 or SHA512 (default SHA1)")
	fl.Uint64Var(&opts.TOTP.Period, "period", 0, "seconds per code (default 30)")
	fl.BoolVar(&opts.NoQR, "no-qr", false, "do not draw the QR code")
	fl.BoolVar(&opts.LightQR, "qr-light-background", false, "draw the QR code for a terminal with a light background")
	cmdutil.RegisterValues(cmd, "algorithm", "SHA1", "SHA256", "SHA512")
	cmdutil.RegisterValues(cmd, "digits", "6", "8")
	return cmd
}

func addTOTPRun(opts *AddTOTPOptions) error {
	if err := store.CheckDescription(opts.Description); err != nil {
		return err
	}
	s := store.New(opts.Config.Dir)
	key, err := s.NewTOTPKey(opts.UserID, opts.TOTP)
	if err != nil {
		return err
	}
	info := opts.IO.Out
	if !opts.Config.Text() {
		info = opts.IO.ErrOut
	}
	if opts.TOTP.URI == "" {
		fmt.Fprintf(info, "otpauth URI (it holds the secret; it is shown only now):\n%s\n\n", key.URI())
		if !opts.NoQR {
			if err := report.WriteQR(info, key.URI(), opts.LightQR); err != nil {
				return err
			}
			fmt.Fprintln(info)
		}
	}
	code := opts.Code
	if !opts.CodeGiven {
		fmt.Fprint(opts.IO.ErrOut, "Current code from the authenticator: ")
		if code, err = cmdutil.ReadLine(opts.IO.In); err != nil {
			fmt.Fprintln(opts.IO.ErrOut)
			return fmt.Errorf("no TOTP code given (type the current code, or use --code): %w", err)
		}
	}
	id, err := s.AddTOTP(opts.UserID, opts.Description, key, code)
	if err != nil {
		return err
	}
	if !opts.Config.Text() {
		return report.WriteJSON(opts.IO.Out, opts.Config.OutputFormat, map[string]string{"id": id})
	}
	fmt.Fprintf(opts.IO.Out, "added TOTP %s for %s\n", id, opts.UserID)
	return nil
}
