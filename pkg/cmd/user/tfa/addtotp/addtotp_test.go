package addtotp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/tfa"
)

func codeOf(t *testing.T, uri string, at time.Time) string {
	t.Helper()
	k, err := tfa.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	c, err := k.CodeAt(at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewCmdAddTOTP(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
		check         func(o *AddTOTPOptions) bool
	}{
		{args: "john@pbs", check: func(o *AddTOTPOptions) bool {
			return o.Description == nil && o.TOTP.Issuer == nil && !o.CodeGiven && !o.NoQR && o.TOTP.URI == ""
		}},
		{args: "john@pbs --description phone --code 123456 --no-qr --qr-light-background", check: func(o *AddTOTPOptions) bool {
			return *o.Description == "phone" && o.Code == "123456" && o.CodeGiven && o.NoQR && o.LightQR
		}},
		{args: "john@pbs --description= --issuer= --digits 8 --algorithm SHA256 --period 60", check: func(o *AddTOTPOptions) bool {
			return *o.Description == "" && *o.TOTP.Issuer == "" && o.TOTP.Digits == 8 && o.TOTP.Algorithm == "SHA256" && o.TOTP.Period == 60
		}},
		{args: "john@pbs --totp " + cmdtest.KnownURI, check: func(o *AddTOTPOptions) bool { return o.TOTP.URI == cmdtest.KnownURI }},
		{args: "john@pbs --digits six", wantErr: "invalid argument"},
		{args: "john@pbs --period -1", wantErr: "invalid argument"},
		{args: "", wantErr: "accepts 1 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdAddTOTP, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.UserID != "john@pbs" || !tc.check(got) {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// authenticator answers the prompt like a user with an authenticator app:
// it reads the otpauth URI printed so far and types the current code.
type authenticator struct {
	t      *testing.T
	out    *bytes.Buffer
	uri    string
	reader *strings.Reader
}

func (a *authenticator) Read(p []byte) (int, error) {
	if a.reader == nil {
		a.uri = regexp.MustCompile(`(?m)^otpauth://\S+$`).FindString(a.out.String())
		if a.uri == "" {
			a.t.Fatalf("no otpauth URI before the prompt: %q", a.out)
		}
		a.reader = strings.NewReader(codeOf(a.t, a.uri, time.Now()) + "\n")
	}
	return a.reader.Read(p)
}

// A new secret: the otpauth URI and a QR code are printed once, the code is
// read from stdin and the entry added only then (docs/semantics.md §9).
func TestAddTOTPRunInteractive(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	f, bufs := cmdutil.NewTestFactory(dir)
	in := &authenticator{t: t, out: bufs.Out}
	f.IOStreams.In = in
	desc := "phone"
	if err := addTOTPRun(&AddTOTPOptions{IO: f.IOStreams, Config: f.Config, UserID: "john@pbs", Description: &desc}); err != nil {
		t.Fatalf("%v: %s", err, bufs.ErrOut)
	}
	if !regexp.MustCompile(`^otpauth://totp/Proxmox%20Backup%20Server:john%40pbs\?secret=[A-Z2-7]{32}&digits=6&algorithm=SHA1&period=30&issuer=Proxmox%20Backup%20Server$`).MatchString(in.uri) {
		t.Errorf("URI %s", in.uri)
	}
	out := bufs.Out.String()
	if !strings.HasPrefix(out, "otpauth URI (it holds the secret; it is shown only now):\n"+in.uri+"\n\n") ||
		!strings.Contains(out, "█") || !strings.Contains(out, "▀") || !regexp.MustCompile(`added TOTP [0-9a-f-]{36} for john@pbs\n$`).MatchString(out) {
		t.Errorf("output:\n%s", out)
	}
	if bufs.ErrOut.String() != "Current code from the authenticator: " {
		t.Errorf("stderr %q", bufs.ErrOut)
	}
	data, err := os.ReadFile(filepath.Join(dir, "tfa.json"))
	if err != nil || !strings.Contains(string(data), `"entry":"`+in.uri+`"`) {
		t.Fatalf("tfa.json: %s %v", data, err)
	}
	if st, _ := os.Stat(filepath.Join(dir, "tfa.json")); st.Mode().Perm() != 0o600 {
		t.Errorf("tfa.json mode %v", st.Mode())
	}
}

// An existing URI with --code, JSON output: the secret is never printed.
func TestAddTOTPRunURI(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	f, bufs := cmdutil.NewTestFactory(dir)
	f.Config.OutputFormat = "json"
	desc := "phone"
	opts := &AddTOTPOptions{IO: f.IOStreams, Config: f.Config, UserID: "john@pbs", Description: &desc, CodeGiven: true, Code: codeOf(t, cmdtest.KnownURI, time.Now())}
	opts.TOTP.URI = cmdtest.KnownURI
	if err := addTOTPRun(opts); err != nil {
		t.Fatal(err)
	}
	var added struct{ ID string }
	if err := json.Unmarshal(bufs.Out.Bytes(), &added); err != nil || len(added.ID) != 36 {
		t.Fatalf("output %s: %v", bufs.Out, err)
	}
	if strings.Contains(bufs.Out.String()+bufs.ErrOut.String(), "GEZDGNBV") {
		t.Errorf("the secret is printed: %s %s", bufs.Out, bufs.ErrOut)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "tfa.json")); !strings.Contains(string(data), added.ID) {
		t.Errorf("tfa.json %s", data)
	}
}

// Refused: exit 2, nothing written, never the secret in the message.
func TestAddTOTPRunRejected(t *testing.T) {
	const s20 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name    string
		opts    AddTOTPOptions
		stdin   string
		wantErr string
	}{
		{"wrong code", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI(cmdtest.KnownURI), CodeGiven: true, Code: "x"}, "", "failed to verify TOTP challenge"},
		{"no description", AddTOTPOptions{UserID: "john@pbs", Description: nil}, "", "'description' is required for new entries"},
		{"control characters", AddTOTPOptions{UserID: "john@pbs", Description: str("a\x1bb")}, "", "control characters"},
		{"unknown user", AddTOTPOptions{UserID: "nobody@pbs"}, "", "no such user 'nobody@pbs'"},
		{"unknown URI parameter", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI(cmdtest.KnownURI + "&foo=1")}, "", "parameter 'totp' - parameter 6: unknown otpauth uri parameter (name not shown)"},
		// weak keys: a code guessed in a few tries, or a password in disguise
		{"short secret", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI("otpauth://totp/a?secret=AE&digits=1")}, "", "parameter 'totp' - secret is too short (1 byte): at least 10 bytes"},
		{"9-byte secret", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI("otpauth://totp/a?secret=GEZDGNBVGY3TQOI")}, "", "secret is too short (9 bytes)"},
		{"digits 1", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI("otpauth://totp/a?secret=" + s20 + "&digits=1")}, "", "parameter 'totp' - digits 1 is out of range: codes have 6 to 8 digits"},
		{"digits 9", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI("otpauth://totp/a?secret=" + s20 + "&digits=9")}, "", "digits 9 is out of range"},
		{"period 0", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI("otpauth://totp/a?secret=" + s20 + "&period=0")}, "", "period 0 is out of range: 15 to 300 seconds"},
		{"period 5", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI("otpauth://totp/a?secret=" + s20 + "&period=5")}, "", "period 5 is out of range"},
		{"period 1 day", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI("otpauth://totp/a?secret=" + s20 + "&period=86400")}, "", "period 86400 is out of range"},
		{"algorithm MD5", AddTOTPOptions{UserID: "john@pbs", TOTP: totpURI("otpauth://totp/a?secret=" + s20 + "&algorithm=MD5")}, "", "unsupported algorithm (want SHA1, SHA256 or SHA512)"},
		{"--digits 1", AddTOTPOptions{UserID: "john@pbs", TOTP: func() (o store.TOTPOptions) { o.Digits = 1; return }()}, "", "parameter 'digits' - must be 6..8, not 1"},
		{"--period 1", AddTOTPOptions{UserID: "john@pbs", TOTP: func() (o store.TOTPOptions) { o.Period = 1; return }()}, "", "parameter 'period' - must be 15..300 seconds, not 1"},
		{"--digits with --totp", AddTOTPOptions{UserID: "john@pbs", TOTP: func() (o store.TOTPOptions) { o.URI, o.Digits = cmdtest.KnownURI, 8; return }()}, "", "come from the given otpauth URI"},
		{"--digits 10", AddTOTPOptions{UserID: "john@pbs", TOTP: func() (o store.TOTPOptions) { o.Digits = 10; return }()}, "", "parameter 'digits' - must be 6..8, not 10"},
		{"--period 3600", AddTOTPOptions{UserID: "john@pbs", TOTP: func() (o store.TOTPOptions) { o.Period = 3600; return }()}, "", "parameter 'period' - must be 15..300 seconds, not 3600"},
		{"--algorithm md5", AddTOTPOptions{UserID: "john@pbs", TOTP: func() (o store.TOTPOptions) { o.Algorithm = "md5"; return }()}, "", "unsupported algorithm"},
		{"no code on stdin", AddTOTPOptions{UserID: "john@pbs", NoQR: true}, "", "no TOTP code given"},
		{"blank code on stdin", AddTOTPOptions{UserID: "john@pbs", NoQR: true}, "  \n", "no TOTP code given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, "pbs")
			before := cmdtest.ConfigFiles(t, dir)
			f, bufs := cmdutil.NewTestFactory(dir)
			bufs.In.WriteString(tc.stdin)
			opts := tc.opts
			opts.IO, opts.Config = f.IOStreams, f.Config
			if opts.Description == nil && tc.name != "no description" {
				opts.Description = str("phone")
			}
			if opts.TOTP.URI != "" && !opts.CodeGiven {
				// a valid code when the URI parses: a weak key is refused all the same
				opts.CodeGiven, opts.Code = true, "000000"
				if k, err := tfa.ParseURI(opts.TOTP.URI); err == nil && k.Digits >= 1 && k.Digits <= 9 && k.Period > 0 {
					opts.Code, _ = k.CodeAt(time.Now())
				}
			}
			err := addTOTPRun(&opts)
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want exit 2 and %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "GEZDGNBV") || strings.Contains(err.Error(), "otpauth://") {
				t.Errorf("the error shows the key: %v", err)
			}
			if after := cmdtest.ConfigFiles(t, dir); len(after) != len(before) {
				t.Errorf("files changed: %d -> %d", len(before), len(after))
			} else {
				for k, v := range before {
					if after[k] != v {
						t.Errorf("%s changed", k)
					}
				}
			}
		})
	}
}

func totpURI(uri string) (o store.TOTPOptions) {
	o.URI = uri
	return o
}
