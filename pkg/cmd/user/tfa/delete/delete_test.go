package delete

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/tfa"
)

func TestNewCmdDelete(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
	}{
		{args: "john@pbs recovery"},
		{args: "john@pbs", wantErr: "accepts 2 arg(s)"},
		{args: "john@pbs recovery x", wantErr: "accepts 2 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			f, _ := cmdutil.NewTestFactory(".")
			var got *DeleteOptions
			err := cmdutil.ExecuteArgs(NewCmdDelete(f, func(o *DeleteOptions) error { got = o; return nil }), tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got.UserID != "john@pbs" || got.ID != "recovery" {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

func TestDeleteRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	id := addTOTP(t, dir, "john@pbs")
	if _, err := store.New(dir).AddRecovery("john@pbs"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tfa.json")
	del := func(user, id string) error {
		f, _ := cmdutil.NewTestFactory(dir)
		return deleteRun(&DeleteOptions{IO: f.IOStreams, Config: f.Config, UserID: user, ID: id})
	}
	before, _ := os.ReadFile(path)
	for _, bad := range [][2]string{{"john@pbs", "nope"}, {"audit@pbs", "recovery"}, {"nobody@pbs", id}} {
		if err := del(bad[0], bad[1]); cmdutil.ExitCode(err) != 2 {
			t.Errorf("delete %s %s: %v", bad[0], bad[1], err)
		}
	}
	if err := del("john@pbs", "nope"); err == nil || !strings.Contains(err.Error(), "no such tfa entry: john@pbs/nope") {
		t.Errorf("error %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("a refused delete changed tfa.json")
	}
	if err := del("john@pbs", id); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), id) || !strings.Contains(string(b), `"recovery"`) {
		t.Errorf("tfa.json after deleting the TOTP: %s", b)
	}
	if err := del("john@pbs", "recovery"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "{}" {
		t.Errorf("tfa.json after deleting everything: %s", b)
	}
}

// knownURI is a TOTP the tests know the secret of (the RFC 6238 SHA1 seed).
const knownURI = "otpauth://totp/Proxmox%20Backup%20Server:john%40pbs?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=6&algorithm=SHA1&period=30&issuer=Proxmox%20Backup%20Server"

// enrolled is the time the test TOTP is enrolled at.
var enrolled = time.Unix(1750000000, 0)

// totpCode is the code of knownURI at t.
func totpCode(t *testing.T, at time.Time) string {
	t.Helper()
	k, err := tfa.ParseURI(knownURI)
	if err != nil {
		t.Fatal(err)
	}
	c, err := k.CodeAt(at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// addTOTP enrolls knownURI for userid at the fixed time enrolled and
// returns the entry id.
func addTOTP(t *testing.T, dir, userid string) string {
	t.Helper()
	s := store.New(dir)
	s.Now = func() time.Time { return enrolled }
	k, err := s.NewTOTPKey(userid, store.TOTPOptions{URI: knownURI})
	if err != nil {
		t.Fatal(err)
	}
	desc := "phone"
	id, err := s.AddTOTP(userid, &desc, k, totpCode(t, enrolled))
	if err != nil {
		t.Fatal(err)
	}
	return id
}
