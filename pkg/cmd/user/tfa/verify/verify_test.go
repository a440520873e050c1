package verify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdVerify(t *testing.T) {
	for _, tc := range []struct {
		args, response, wantErr string
	}{
		{args: "john@pbs totp:123456", response: "totp:123456"},
		{args: "john@pbs"},
		{args: "", wantErr: "accepts between 1 and 2 arg(s)"},
		{args: "john@pbs a b", wantErr: "accepts between 1 and 2 arg(s)"},
		// the counters' place is not the caller's to choose
		{args: "john@pbs totp:1 --state-dir /tmp", wantErr: "unknown flag: --state-dir"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdVerify, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.UserID != "john@pbs" || got.Response != tc.response {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// run runs verify on dir and returns the exit code, stdout and the error text.
func run(t *testing.T, dir, format, stdin, userid, response string) (int, string, string) {
	t.Helper()
	f, bufs := cmdutil.NewTestFactory(dir)
	f.Config.OutputFormat = format
	bufs.In.WriteString(stdin)
	err := verifyRun(&VerifyOptions{IO: f.IOStreams, Config: f.Config, UserID: userid, Response: response})
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	return cmdutil.ExitCode(err), bufs.Out.String(), msg
}

// wrongCode is a code none of the steps around now accepts.
func wrongCode(t *testing.T) string {
	t.Helper()
	now := time.Now()
	var valid []string
	for i := -3; i <= 3; i++ {
		valid = append(valid, cmdtest.TOTPCode(t, now.Add(time.Duration(i)*30*time.Second)))
	}
	for _, c := range []string{"000000", "111111", "222222", "333333", "444444", "555555", "666666", "777777"} {
		if !slices.Contains(valid, c) {
			return c
		}
	}
	t.Fatal("no wrong code")
	return ""
}

// TOTP once, the replay refused; a recovery key once; 8 TOTP failures
// lock TOTP (docs/semantics.md §9). Exit 0 accepted, 1 refused, 2 bad input.
func TestVerifyRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	cmdtest.AddTOTP(t, dir, "john@pbs")
	keys, err := store.New(dir).AddRecovery("john@pbs")
	if err != nil || len(keys) != 10 {
		t.Fatal(keys, err)
	}
	expect := func(code int, out, msg string, gotCode int, gotOut, gotMsg string) {
		t.Helper()
		if gotCode != code || !strings.Contains(gotOut, out) || !strings.Contains(gotMsg, msg) {
			t.Errorf("exit %d, output %q, error %q; want %d, %q, %q", gotCode, gotOut, gotMsg, code, out, msg)
		}
	}
	code := cmdtest.TOTPCode(t, time.Now())
	c, out, msg := run(t, dir, "text", "", "john@pbs", "totp:"+code)
	expect(0, "ok: TOTP code accepted\n", "", c, out, msg)
	c, out, msg = run(t, dir, "text", "", "john@pbs", "totp:"+code)
	expect(1, "", "refused: reused TOTP code", c, out, msg)

	// the response read from stdin
	c, out, msg = run(t, dir, "text", "recovery:"+keys[3]+"\n", "john@pbs", "")
	expect(0, "ok: recovery key accepted, 9 unused keys left\n", "", c, out, msg)
	c, out, msg = run(t, dir, "json", "", "john@pbs", "recovery:"+keys[3])
	var v map[string]any
	if c != 1 || json.Unmarshal([]byte(out), &v) != nil || v["ok"] != false || v["type"] != "recovery" || v["reason"] != "wrong or used recovery key" {
		t.Errorf("second use of a recovery key: exit %d, %s %s", c, out, msg)
	}
	if strings.Contains(out+msg, keys[3]) {
		t.Errorf("the key is echoed: %s %s", out, msg)
	}
	c, out, _ = run(t, dir, "json", "", "john@pbs", "recovery:"+keys[4])
	if c != 0 || json.Unmarshal([]byte(out), &v) != nil || v["ok"] != true || v["recovery_left"] != 8.0 {
		t.Errorf("recovery json: exit %d, %s", c, out)
	}

	// the recovery key reset the TOTP failures: 8 more lock TOTP
	bad := wrongCode(t)
	for i := 1; i <= 7; i++ {
		c, out, msg = run(t, dir, "text", "", "john@pbs", "totp:"+bad)
		expect(1, "", "refused: wrong TOTP code", c, out, msg)
	}
	c, out, msg = run(t, dir, "text", "", "john@pbs", "totp:"+bad)
	expect(1, "", "refused: wrong TOTP code; TOTP is now locked (8 consecutive TOTP failures)", c, out, msg)
	c, out, msg = run(t, dir, "text", "", "john@pbs", "totp:"+cmdtest.TOTPCode(t, time.Now().Add(30*time.Second)))
	expect(1, "", "refused: TOTP locked", c, out, msg)
	// the counters persist where the configuration directory says
	if _, err := os.Stat(filepath.Join(dir, store.ChallengesSubdir, "john@pbs")); err != nil {
		t.Errorf("counters: %v", err)
	}
}

func TestVerifyRunRejected(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	cmdtest.AddTOTP(t, dir, "john@pbs")
	for _, tc := range []struct {
		name, user, response string
		code                 int
		wantErr              string
	}{
		{"no prefix", "john@pbs", "123456", 2, "invalid tfa response"},
		{"webauthn", "john@pbs", `webauthn:{"a":1}`, 2, "only totp: and recovery: responses"},
		{"unknown user", "nobody@pbs", "totp:123456", 2, "no such user 'nobody@pbs'"},
		{"no response", "john@pbs", "", 2, "no response given"},
		// inactive accounts cannot log in whatever their factors (§4.2, §9)
		{"disabled", "former@pbs", "totp:123456", 1, "refused: user account disabled or expired."},
		{"no factor", "audit@pbs", "totp:123456", 1, "refused: audit@pbs has no second factor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(filepath.Join(dir, "tfa.json"))
			c, out, msg := run(t, dir, "text", "", tc.user, tc.response)
			if c != tc.code || !strings.Contains(msg, tc.wantErr) || out != "" {
				t.Errorf("exit %d, output %q, error %q; want %d and %q", c, out, msg, tc.code, tc.wantErr)
			}
			if after, _ := os.ReadFile(filepath.Join(dir, "tfa.json")); string(after) != string(before) {
				t.Errorf("tfa.json changed")
			}
		})
	}
}
