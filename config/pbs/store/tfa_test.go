// Tests of the TFA operations.

package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"

	"github.com/pxacl/pxacl/tfa"
)

// tfaStore is a copy of the example configuration with a fixed clock.
func tfaStore(t *testing.T, now time.Time) (*Store, *time.Time) {
	t.Helper()
	s := New(copyExample(t))
	clock := now
	s.Now = func() time.Time { return clock }
	return s, &clock
}

// testKey is the RFC 6238 SHA1 seed with 6 digits.
func testKey(account string) *tfa.Key {
	return &tfa.Key{Secret: []byte("12345678901234567890"), Digits: 6, Algorithm: otp.AlgorithmSHA1, Period: 30, Account: account}
}

func code(t *testing.T, k *tfa.Key, at time.Time) string {
	t.Helper()
	c, err := k.CodeAt(at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func strp(s string) *string { return &s }

func verify(t *testing.T, s *Store, user, resp string) *VerifyResult {
	t.Helper()
	r, err := s.VerifyTFA(user, resp)
	if err != nil {
		t.Fatalf("verify %s: %v", user, err)
	}
	return r
}

// TestTFALifecycle: add a TOTP (confirmed by a code), recovery keys,
// list, verify, delete, as PBS stores them (§9): tfa.json compact, mode
// 0600, the counters in the state directory.
func TestTFALifecycle(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s, clock := tfaStore(t, now)
	path := filepath.Join(s.Dir, tfa.FileName)
	k := testKey("john@pbs")
	if _, err := s.AddTOTP("john@pbs", strp("phone"), k, "000000"); err == nil || err.Error() != "failed to verify TOTP challenge" {
		t.Fatalf("wrong code: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused add-totp wrote tfa.json: %v", err)
	}
	if _, err := s.AddTOTP("john@pbs", nil, k, code(t, k, now)); err == nil || !strings.Contains(err.Error(), "'description' is required") {
		t.Errorf("no description: %v", err)
	}
	if _, err := s.AddTOTP("nobody@pbs", strp("x"), k, code(t, k, now)); err == nil || err.Error() != "no such user 'nobody@pbs'" {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := s.AddTOTP("john@pbs", strp("a\nb"), k, code(t, k, now)); err == nil {
		t.Error("control character in the description accepted")
	}
	// the previous step's code confirms too (steps −1..+1)
	id, err := s.AddTOTP("john@pbs", strp("phone"), k, code(t, k, now.Add(-30*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("tfa.json mode: %v %v", st.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, TFALock)); err != nil {
		t.Errorf("no %s: %v", TFALock, err)
	}
	keys, err := s.AddRecovery("john@pbs")
	if err != nil || len(keys) != 10 {
		t.Fatal(keys, err)
	}
	if _, err := s.AddRecovery("john@pbs"); err == nil || err.Error() != "user already has recovery keys" {
		t.Errorf("second set: %v", err)
	}
	data, _ := os.ReadFile(path)
	if !json.Valid(data) || bytes.ContainsAny(data, "\n ") || !strings.Contains(string(data), `"description":"phone","created":1700000000,"entry":"otpauth://totp/john%40pbs?`) {
		t.Errorf("tfa.json: %s", data)
	}
	for _, k := range keys {
		if strings.Contains(string(data), k) {
			t.Fatal("a recovery key is stored in clear")
		}
	}
	list, err := s.ListTFA("john@pbs")
	if err != nil || len(list) != 1 || len(list[0].Entries) != 2 || list[0].Entries[0].Type != "recovery" || list[0].Entries[1].ID != id {
		t.Fatalf("list: %+v %v", list, err)
	}
	all, err := s.ListTFA("")
	if err != nil || len(all) != 1 {
		t.Fatalf("list all: %+v %v", all, err)
	}
	if l, err := s.ListTFA("audit@pbs"); err != nil || len(l) != 0 {
		t.Errorf("user without TFA: %+v %v", l, err)
	}

	// the confirmation code may be used once more, as in PBS (no last-count)
	if r := verify(t, s, "john@pbs", "totp:"+code(t, k, now)); !r.OK {
		t.Fatalf("totp: %+v", r)
	}
	if r := verify(t, s, "john@pbs", "totp:"+code(t, k, now)); r.OK || r.Reason != "reused TOTP code" {
		t.Fatalf("replay: %+v", r)
	}
	counters, err := os.ReadFile(filepath.Join(s.Dir, ChallengesSubdir, "john@pbs"))
	if err != nil || string(counters) != `{"totp_failures":1,"tfa_failures":1}` {
		t.Errorf("challenge data %q %v", counters, err)
	}
	if st, err := os.Stat(filepath.Join(s.Dir, ChallengesSubdir, "john@pbs")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("challenge file mode: %v %v", st, err)
	}
	*clock = now.Add(time.Minute)
	if r := verify(t, s, "john@pbs", "recovery:"+keys[2]); !r.OK || r.RecoveryLeft != 9 {
		t.Fatalf("recovery: %+v", r)
	}
	if r := verify(t, s, "john@pbs", "recovery:"+keys[2]); r.OK {
		t.Fatal("a recovery key worked twice")
	}
	if err := s.DeleteTFA("john@pbs", "nope"); err == nil || err.Error() != "no such tfa entry: john@pbs/nope" {
		t.Errorf("delete unknown: %v", err)
	}
	for _, id := range []string{id, "recovery"} {
		if err := s.DeleteTFA("john@pbs", id); err != nil {
			t.Fatal(err)
		}
	}
	if data, _ := os.ReadFile(path); string(data) != "{}" {
		t.Errorf("tfa.json after deleting everything: %s", data)
	}
	if _, err := s.UnlockTFA("john@pbs"); err == nil || err.Error() != "no such user 'john@pbs'" {
		t.Errorf("unlock of a user without TFA: %v", err)
	}
}

// TestTFAVerifyInput: bad input is an error (exit 2); an inactive user is
// refused before any factor is looked at.
func TestTFAVerifyInput(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s, _ := tfaStore(t, now)
	k := testKey("former@pbs")
	for _, user := range []string{"former@pbs", "john@pbs"} {
		if _, err := s.AddTOTP(user, strp("x"), k, code(t, k, now)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ user, resp, want string }{
		{"john@pbs", "123456", "invalid tfa response"},
		{"john@pbs", "webauthn:{}", "only totp: and recovery:"},
		{"nobody@pbs", "totp:123456", "no such user 'nobody@pbs'"},
		{"john", "totp:123456", "parameter 'userid'"},
	} {
		if _, err := s.VerifyTFA(tt.user, tt.resp); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %s: %v, want %q", tt.user, tt.resp, err, tt.want)
		}
	}
	r := verify(t, s, "former@pbs", "totp:"+code(t, k, now)) // enable false in user.cfg
	if r.OK || r.Reason != "user account disabled or expired." {
		t.Errorf("disabled user: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, ChallengesSubdir, "former@pbs")); err == nil {
		t.Error("a disabled user's attempt was counted")
	}
	r = verify(t, s, "audit@pbs", "totp:123456")
	if r.OK || r.Reason != "audit@pbs has no second factor" {
		t.Errorf("user without TFA: %+v", r)
	}
}

// TestTFALockoutAndUnlock: 8 TOTP failures lock TOTP across runs (the
// counters persist in the challenge file), unlock clears the lock and the
// counters (§9).
func TestTFALockoutAndUnlock(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s, clock := tfaStore(t, now)
	k := testKey("john@pbs")
	if _, err := s.AddTOTP("john@pbs", strp("phone"), k, code(t, k, now)); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 8; i++ {
		fresh := *s // a new process each time
		r := verify(t, &fresh, "john@pbs", "totp:000000")
		if r.OK || (i == 8) != r.TOTPLockedNow {
			t.Fatalf("failure %d: %+v", i, r)
		}
	}
	*clock = now.Add(time.Hour)
	if r := verify(t, s, "john@pbs", "totp:"+code(t, k, *clock)); !r.Locked || !strings.Contains(r.Reason, "TOTP locked") {
		t.Fatalf("locked TOTP accepted: %+v", r)
	}
	list, _ := s.ListTFA("john@pbs")
	if !list[0].TOTPLocked {
		t.Error("list does not show the lock")
	}
	was, err := s.UnlockTFA("john@pbs")
	if err != nil || !was {
		t.Fatalf("unlock: %v %v", was, err)
	}
	if data, _ := os.ReadFile(filepath.Join(s.Dir, ChallengesSubdir, "john@pbs")); string(data) != "{}" {
		t.Errorf("counters after unlock: %q", data)
	}
	if was, err := s.UnlockTFA("john@pbs"); err != nil || was {
		t.Errorf("second unlock: %v %v", was, err)
	}
	if r := verify(t, s, "john@pbs", "totp:"+code(t, k, *clock)); !r.OK {
		t.Fatalf("after unlock: %+v", r)
	}
}

// TestTFAConcurrentVerify: 20 concurrent verifications of one recovery key
// (each with its own lock file descriptor, like separate processes):
// exactly one succeeds, and the key is used up in the file.
func TestTFAConcurrentVerify(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s, _ := tfaStore(t, now)
	keys, err := s.AddRecovery("john@pbs")
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	results := make([]*VerifyResult, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st := *s
			results[i], errs[i] = st.VerifyTFA("john@pbs", "recovery:"+keys[0])
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("verify %d: %v", i, errs[i])
		}
		if r.OK {
			ok++
		} else if r.Reason != "wrong or used recovery key" {
			t.Errorf("verify %d: %+v", i, r)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent verifications of one recovery key succeeded, want exactly 1", ok, n)
	}
	f, err := tfa.ReadFile(filepath.Join(s.Dir, tfa.FileName), now.Unix())
	if err != nil || f.User("john@pbs").Recovery.Unused() != 9 {
		t.Fatalf("key not used up: %v", err)
	}
}

// TestTFAMalformedUntouched: with a malformed tfa.json every TFA operation
// and user remove fail with an error naming the file, and no file of the
// directory changes (§8).
func TestTFAMalformedUntouched(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s, _ := tfaStore(t, now)
	path := filepath.Join(s.Dir, tfa.FileName)
	bad := []byte(`{"users":{"john@pbs":{"totp":[{"id":"x","created":1,"entry":"otpauth://totp/a?secret=GEZDGNBVGY3TQOJQ&bogus=1"}]}}}`)
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	// lock files exist beforehand, so that the snapshot holds them
	for _, l := range []string{TFALock, UserLock, ACLLock} {
		unlock, err := s.lock(l)
		if err != nil {
			t.Fatal(err)
		}
		unlock()
	}
	before := dirSnapshot(t, s.Dir)
	k := testKey("john@pbs")
	ops := map[string]func() error{
		"list":         func() error { _, err := s.ListTFA(""); return err },
		"add-totp":     func() error { _, err := s.AddTOTP("john@pbs", strp("x"), k, code(t, k, now)); return err },
		"add-recovery": func() error { _, err := s.AddRecovery("john@pbs"); return err },
		"delete":       func() error { return s.DeleteTFA("john@pbs", "x") },
		"unlock":       func() error { _, err := s.UnlockTFA("john@pbs"); return err },
		"verify":       func() error { _, err := s.VerifyTFA("john@pbs", "totp:123456"); return err },
		"user remove":  func() error { return s.RemoveUser("john@pbs", "") },
	}
	for name, op := range ops {
		err := op()
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "totp entry 1 of user 'john@pbs': invalid totp entry: parameter 2: unknown otpauth uri parameter (name not shown)") ||
			strings.Contains(err.Error(), "GEZDGNBVGY3TQOJQ") || strings.Contains(err.Error(), "bogus") {
			t.Errorf("%s: %v", name, err)
		}
		if after := dirSnapshot(t, s.Dir); !maps.Equal(before, after) {
			t.Errorf("%s changed the directory:\n%v\n%v", name, before, after)
		}
	}
}

func dirSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRemoveUserTFA: user remove drops the user's tfa.json entry and
// challenge data, and nothing of the other users.
func TestRemoveUserTFA(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s, _ := tfaStore(t, now)
	for _, u := range []string{"john@pbs", "audit@pbs"} {
		if _, err := s.AddRecovery(u); err != nil {
			t.Fatal(err)
		}
		verify(t, s, u, "recovery:nope")
	}
	if err := s.RemoveUser("john@pbs", ""); err != nil {
		t.Fatal(err)
	}
	f, err := tfa.ReadFile(filepath.Join(s.Dir, tfa.FileName), now.Unix())
	if err != nil || f.User("john@pbs") != nil || f.User("audit@pbs") == nil {
		t.Fatalf("tfa.json after remove: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, ChallengesSubdir, "john@pbs")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("challenge data kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, ChallengesSubdir, "audit@pbs")); err != nil {
		t.Errorf("another user's challenge data removed: %v", err)
	}
}

// TestNewTOTPKey: generated keys and given URIs.
func TestNewTOTPKey(t *testing.T) {
	s, _ := tfaStore(t, time.Unix(1700000000, 0))
	k, err := s.NewTOTPKey("john@pbs", TOTPOptions{})
	if err != nil || k.Digits != 6 || k.Period != 30 || k.Algorithm != otp.AlgorithmSHA1 || k.Issuer != DefaultIssuer || k.Account != "john@pbs" || len(k.Secret) != 20 {
		t.Fatalf("%+v %v", k, err)
	}
	if !strings.HasPrefix(k.URI(), "otpauth://totp/Proxmox%20Backup%20Server:john%40pbs?secret=") {
		t.Errorf("uri %s", k.URI())
	}
	k, err = s.NewTOTPKey("john@pbs", TOTPOptions{Digits: 8, Algorithm: "sha512", Period: 60, Issuer: strp("")})
	if err != nil || k.Digits != 8 || k.Algorithm != otp.AlgorithmSHA512 || k.Period != 60 || k.HasIssuer {
		t.Fatalf("%+v %v", k, err)
	}
	k, err = s.NewTOTPKey("john@pbs", TOTPOptions{URI: "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&digits=8"})
	if err != nil || k.Digits != 8 {
		t.Fatalf("%+v %v", k, err)
	}
	for _, o := range []TOTPOptions{
		{URI: "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&x=1"},
		{URI: "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ", Digits: 8},
		{Algorithm: "MD5"},
		{Digits: 12},
	} {
		if _, err := s.NewTOTPKey("john@pbs", o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if _, err := s.NewTOTPKey("nobody@pbs", TOTPOptions{}); err == nil {
		t.Error("unknown user accepted")
	}
}

// TestTFAAddTOTPWeakKeys: a key outside tfa.Key.CheckEnroll's limits is
// refused by NewTOTPKey (URI or generated) and by AddTOTP even with a
// valid code, and nothing is written.
func TestTFAAddTOTPWeakKeys(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s, _ := tfaStore(t, now)
	before := dirSnapshot(t, s.Dir)
	uris := []struct{ name, uri, want string }{
		{"1-byte secret, 1 digit", "otpauth://totp/a?secret=AE&digits=1", "parameter 'totp' - secret is too short (1 byte)"},
		{"9 digits", "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=9", "parameter 'totp' - digits 9 is out of range"},
		{"period 0", "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=0", "parameter 'totp' - period 0 is out of range"},
		{"period a day", "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=86400", "period 86400 is out of range"},
		{"MD5", "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=MD5", "unsupported algorithm"},
	}
	for _, tt := range uris {
		if _, err := s.NewTOTPKey("john@pbs", TOTPOptions{URI: tt.uri}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	for _, o := range []TOTPOptions{{Digits: 1}, {Digits: 9}, {Period: 1}, {Period: 100000}} {
		if _, err := s.NewTOTPKey("john@pbs", o); err == nil {
			t.Errorf("%+v: generated", o)
		}
	}
	for _, k := range []*tfa.Key{
		{Secret: []byte{1}, Digits: 1, Algorithm: otp.AlgorithmSHA1, Period: 30, Account: "a"},
		{Secret: []byte("12345678901234567890"), Digits: 6, Algorithm: otp.AlgorithmSHA1, Period: 1, Account: "a"},
	} {
		if _, err := s.AddTOTP("john@pbs", strp("x"), k, code(t, k, now)); err == nil || !strings.Contains(err.Error(), "parameter 'totp' - ") {
			t.Errorf("AddTOTP %+v: %v", *k, err)
		}
	}
	if after := dirSnapshot(t, s.Dir); !maps.Equal(before, after) {
		t.Errorf("a refused key changed the directory:\n%v\n%v", before, after)
	}
}
