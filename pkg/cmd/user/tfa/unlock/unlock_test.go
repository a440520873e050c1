package unlock

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdUnlock(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
	}{
		{args: "john@pbs"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "john@pbs audit@pbs", wantErr: "accepts 1 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdUnlock, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.UserID != "john@pbs" {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// 8 TOTP failures lock TOTP until a recovery key or an admin unlocks it
// (docs/semantics.md §9); unlock resets the counters.
func TestUnlockRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	cmdtest.AddTOTP(t, dir, "john@pbs")
	s := store.New(dir)
	s.Now = func() time.Time { return cmdtest.Enrolled.Add(time.Hour) }
	for range 8 {
		if res, err := s.VerifyTFA("john@pbs", "totp:"+cmdtest.TOTPCode(t, cmdtest.Enrolled)); err != nil || res.OK {
			t.Fatal(res, err)
		}
	}
	// a valid code is refused while locked
	if res, err := s.VerifyTFA("john@pbs", "totp:"+cmdtest.TOTPCode(t, cmdtest.Enrolled.Add(time.Hour))); err != nil || res.OK || !res.Locked {
		t.Fatalf("not locked: %+v %v", res, err)
	}
	for _, tc := range []struct{ format, want string }{
		{"text", "unlocked john@pbs\n"},
		{"text", "john@pbs was not locked; failure counters reset\n"},
		{"json", "false\n"},
	} {
		f, bufs := cmdutil.NewTestFactory(dir)
		f.Config.OutputFormat = tc.format
		if err := unlockRun(&UnlockOptions{IO: f.IOStreams, Config: f.Config, UserID: "john@pbs"}); err != nil {
			t.Fatal(err)
		}
		if bufs.Out.String() != tc.want {
			t.Errorf("output %q, want %q", bufs.Out, tc.want)
		}
	}
	if res, err := s.VerifyTFA("john@pbs", "totp:"+cmdtest.TOTPCode(t, cmdtest.Enrolled.Add(time.Hour))); err != nil || !res.OK {
		t.Errorf("after unlock: %+v %v", res, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, store.ChallengesSubdir, "john@pbs")); err != nil || string(b) != "{}" {
		t.Errorf("counters %q %v", b, err)
	}
}

func TestUnlockRunRejected(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	for _, id := range []string{"nobody@pbs", "audit@pbs", "john"} {
		f, bufs := cmdutil.NewTestFactory(dir)
		err := unlockRun(&UnlockOptions{IO: f.IOStreams, Config: f.Config, UserID: id})
		if cmdutil.ExitCode(err) != 2 || bufs.Out.Len() != 0 {
			t.Errorf("%s: %v, output %q", id, err, bufs.Out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tfa.json")); err == nil {
		t.Errorf("tfa.json written")
	}
}
