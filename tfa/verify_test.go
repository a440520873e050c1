package tfa

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
)

// clock is a controllable time source for the lockout sequences.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// fixture is a file with one user that has a TOTP (the RFC 6238 SHA1
// seed, 6 digits) and a set of recovery keys.
func fixture(t *testing.T, c *clock) (*File, *Key, []string) {
	t.Helper()
	f := &File{}
	k := &Key{Secret: rfcSeeds["SHA1"], Digits: 6, Algorithm: otp.AlgorithmSHA1, Period: 30, Account: "john@pbs"}
	if _, err := f.AddTOTP("john@pbs", "phone", k, c.t.Unix()); err != nil {
		t.Fatal(err)
	}
	keys, err := f.AddRecovery("john@pbs", c.t.Unix())
	if err != nil {
		t.Fatal(err)
	}
	return reload(t, f, c), k, keys
}

// reload writes and re-reads the file, as the next process would.
func reload(t *testing.T, f *File, c *clock) *File {
	t.Helper()
	g, err := Parse("tfa.json", f.Marshal(), c.t.Unix())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func codeAt(t *testing.T, k *Key, at time.Time) string {
	t.Helper()
	s, err := k.CodeAt(at)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// step is one verification of a sequence and what must come of it.
type step struct {
	resp       Response
	ok, locked bool
	reason     string // substring of the refusal reason
	totpFail   uint32 // counters after the step
	tfaFail    uint32
}

func run(t *testing.T, f **File, c *Counters, cl *clock, i int, s step) Outcome {
	t.Helper()
	out, err := Verify(*f, c, "john@pbs", s.resp, cl.now())
	if err != nil {
		t.Fatalf("step %d: %v", i, err)
	}
	if out.OK != s.ok || out.Locked != s.locked || !strings.Contains(out.Reason, s.reason) ||
		c.TOTPFailures != s.totpFail || c.TFAFailures != s.tfaFail {
		t.Fatalf("step %d (%s): got ok=%v locked=%v reason %q counters %d/%d; want ok=%v locked=%v reason %q counters %d/%d",
			i, s.resp.Type, out.OK, out.Locked, out.Reason, c.TOTPFailures, c.TFAFailures, s.ok, s.locked, s.reason, s.totpFail, s.tfaFail)
	}
	if out.SaveFile {
		*f = reload(t, *f, cl)
	}
	// the counters persist in the challenge file between runs
	back, err := ParseCounters(c.Marshal())
	if err != nil || back.TOTPFailures != c.TOTPFailures || back.TFAFailures != c.TFAFailures {
		t.Fatalf("step %d: counters do not round-trip: %v", i, err)
	}
	return out
}

// TestReplay (§9): a code is accepted once; the same code, or one of an
// earlier step, is refused as reused and counts as a TOTP failure; the
// next step's code is accepted.
func TestReplay(t *testing.T) {
	cl := &clock{time.Unix(1111111111, 0)}
	f, k, _ := fixture(t, cl)
	c := &Counters{}
	now := codeAt(t, k, cl.t)
	steps := []step{
		{resp: Response{TypeTOTP, now}, ok: true},
		{resp: Response{TypeTOTP, now}, reason: "reused TOTP code", totpFail: 1, tfaFail: 1},
		{resp: Response{TypeTOTP, codeAt(t, k, cl.t.Add(-30*time.Second))}, reason: "reused TOTP code", totpFail: 2, tfaFail: 2},
		{resp: Response{TypeTOTP, codeAt(t, k, cl.t.Add(30*time.Second))}, ok: true}, // step +1: newer than last-count
		{resp: Response{TypeTOTP, now}, reason: "reused", totpFail: 1, tfaFail: 1},
	}
	for i, s := range steps {
		run(t, &f, c, cl, i, s)
	}
	if got := f.User("john@pbs").TOTP[0].LastCount; got != 1111111111/30+1 {
		t.Errorf("last-count %d", got)
	}
	if !strings.Contains(string(f.Marshal()), `"last-count":37037038}`) {
		t.Errorf("last-count not written: %s", f.Marshal())
	}
}

// TestTOTPLockout (§9): 8 consecutive TOTP failures lock TOTP; a valid
// code is then refused without counting; a recovery key unlocks it and
// resets the counters.
func TestTOTPLockout(t *testing.T) {
	cl := &clock{time.Unix(1700000000, 0)}
	f, k, keys := fixture(t, cl)
	c := &Counters{}
	for i := 1; i <= 7; i++ {
		run(t, &f, c, cl, i, step{resp: Response{TypeTOTP, "000000"}, reason: "wrong TOTP code", totpFail: uint32(i), tfaFail: uint32(i)})
	}
	out := run(t, &f, c, cl, 8, step{resp: Response{TypeTOTP, "000000"}, reason: "TOTP is now locked", totpFail: 8, tfaFail: 8})
	if !out.TOTPLockedNow || !f.User("john@pbs").TOTPLocked || !strings.Contains(string(f.Marshal()), `"totp-locked":true`) {
		t.Fatalf("TOTP not locked: %+v", out)
	}
	cl.advance(time.Hour)
	valid := codeAt(t, k, cl.t)
	run(t, &f, c, cl, 9, step{resp: Response{TypeTOTP, valid}, locked: true, reason: "TOTP locked", totpFail: 8, tfaFail: 8})
	out = run(t, &f, c, cl, 10, step{resp: Response{TypeRecovery, keys[4]}, ok: true})
	if out.RecoveryLeft != 9 || f.User("john@pbs").TOTPLocked {
		t.Fatalf("recovery did not unlock: %+v", out)
	}
	run(t, &f, c, cl, 11, step{resp: Response{TypeTOTP, valid}, ok: true})
	run(t, &f, c, cl, 12, step{resp: Response{TypeRecovery, keys[4]}, reason: "wrong or used recovery key", tfaFail: 1})
}

// TestTOTPLockoutUnlock: the admin's unlock clears the lock (the store
// resets the counters, as unlock_and_reset_tfa does).
func TestTOTPLockoutUnlock(t *testing.T) {
	cl := &clock{time.Unix(1700000000, 0)}
	f, k, _ := fixture(t, cl)
	c := &Counters{}
	for i := 1; i <= 8; i++ {
		run(t, &f, c, cl, i, step{resp: Response{TypeTOTP, "12345"}, reason: "wrong TOTP code", totpFail: uint32(i), tfaFail: uint32(i)})
	}
	was, err := f.Unlock("john@pbs", cl.t.Unix())
	if err != nil || !was {
		t.Fatalf("unlock: %v %v", was, err)
	}
	if was, _ := f.Unlock("john@pbs", cl.t.Unix()); was {
		t.Error("a second unlock reports a lock")
	}
	if _, err := f.Unlock("nobody@pbs", cl.t.Unix()); err != ErrNoSuchUser {
		t.Errorf("unlock of a user without TFA: %v", err)
	}
	*c = Counters{}
	f = reload(t, f, cl)
	run(t, &f, c, cl, 9, step{resp: Response{TypeTOTP, codeAt(t, k, cl.t)}, ok: true})
}

// TestTFALockout (§9): 100 consecutive failures lock every factor for an
// hour, recovery keys included (refused without counting and without
// using the key); once the hour is over the next success clears it. The
// counter is not reset by the lock, so the first failure after the hour
// locks again (proxmox-tfa: tfa_failures >= 100).
func TestTFALockout(t *testing.T) {
	start := time.Unix(1700000000, 0)
	cl := &clock{start}
	f, k, keys := fixture(t, cl)
	c := &Counters{}
	for i := 1; i < TFAFailureLimit; i++ {
		run(t, &f, c, cl, i, step{resp: Response{TypeRecovery, "0000-0000-0000-0000"}, reason: "wrong or used recovery key", tfaFail: uint32(i)})
		cl.advance(time.Second)
	}
	out := run(t, &f, c, cl, 100, step{resp: Response{TypeRecovery, "nope"}, reason: "all second factors are now locked until", tfaFail: 100})
	until := cl.t.Unix() + TFALockSeconds
	if !out.TFALockedNow || out.LockedUntil != until || f.User("john@pbs").LockedUntil != until {
		t.Fatalf("not locked until %d: %+v", until, out)
	}
	cl.advance(59 * time.Minute)
	run(t, &f, c, cl, 101, step{resp: Response{TypeRecovery, keys[0]}, locked: true, reason: "locked until", tfaFail: 100})
	run(t, &f, c, cl, 102, step{resp: Response{TypeTOTP, codeAt(t, k, cl.t)}, locked: true, reason: "locked until", tfaFail: 100})
	if f.User("john@pbs").Recovery.Unused() != 10 {
		t.Fatal("a key was used up during the lock")
	}
	cl.t = time.Unix(until, 0) // the lock ends at until (now < until is locked)
	f = reload(t, f, cl)
	run(t, &f, c, cl, 103, step{resp: Response{TypeRecovery, "x"}, reason: "now locked until", tfaFail: 101})
	cl.t = time.Unix(until+TFALockSeconds+1, 0)
	f = reload(t, f, cl) // the expired lock is dropped on load
	if f.User("john@pbs").LockedUntil != 0 {
		t.Fatal("expired lock kept")
	}
	run(t, &f, c, cl, 104, step{resp: Response{TypeRecovery, keys[0]}, ok: true})
	run(t, &f, c, cl, 105, step{resp: Response{TypeTOTP, "999999999"}, reason: "wrong TOTP code", totpFail: 1, tfaFail: 1})
}

// TestVerifyEntries: disabled entries never match; a user without TFA is
// refused without counting; webauthn/u2f responses are not verifiable.
func TestVerifyEntries(t *testing.T) {
	cl := &clock{time.Unix(1700000000, 0)}
	f, k, _ := fixture(t, cl)
	c := &Counters{}
	f.User("john@pbs").TOTP[0].Enable = false
	out, err := Verify(f, c, "john@pbs", Response{TypeTOTP, codeAt(t, k, cl.t)}, cl.t)
	if err != nil || out.OK || c.TOTPFailures != 1 {
		t.Errorf("disabled entry: %+v %v", out, err)
	}
	c = &Counters{}
	out, err = Verify(f, c, "nobody@pbs", Response{TypeTOTP, "123456"}, cl.t)
	if err != nil || out.OK || out.Reason != "nobody@pbs has no second factor" || c.TFAFailures != 0 {
		t.Errorf("user without TFA: %+v %v", out, err)
	}
	for _, in := range []string{"webauthn:{}", "u2f:{}"} {
		if _, err := ParseResponse(in); err != ErrUnsupportedResponse {
			t.Errorf("%s: %v", in, err)
		}
	}
	for in, want := range map[string]Response{"totp:123456": {TypeTOTP, "123456"}, "recovery:a-b": {TypeRecovery, "a-b"}, "totp:": {TypeTOTP, ""}} {
		if r, err := ParseResponse(in); err != nil || r != want {
			t.Errorf("%s: %v %v", in, r, err)
		}
	}
	if _, err := ParseResponse("123456"); err == nil || err.Error() != "invalid tfa response" {
		t.Errorf("bare code: %v", err)
	}
	// a user without recovery keys
	g := &File{}
	if _, err := g.AddTOTP("john@pbs", "", k, cl.t.Unix()); err != nil {
		t.Fatal(err)
	}
	out, _ = Verify(g, &Counters{}, "john@pbs", Response{TypeRecovery, "x"}, cl.t)
	if out.Reason != "no recovery keys" {
		t.Errorf("no recovery: %+v", out)
	}
}

// TestCounters: the challenge-data file as PBS writes it (pending
// challenges kept, zero counters omitted).
func TestCounters(t *testing.T) {
	in := `{"webauthn_auths":[{"challenge":"abc","state":{},"created":1700000000}],"totp_failures":3,"tfa_failures":5}`
	c, err := ParseCounters([]byte(in))
	if err != nil || c.TOTPFailures != 3 || c.TFAFailures != 5 {
		t.Fatalf("%+v %v", c, err)
	}
	if string(c.Marshal()) != in {
		t.Errorf("round trip: %s", c.Marshal())
	}
	c.TOTPFailures, c.TFAFailures = 0, 0
	if got := string(c.Marshal()); got != `{"webauthn_auths":[{"challenge":"abc","state":{},"created":1700000000}]}` {
		t.Errorf("zeros: %s", got)
	}
	c, err = ParseCounters([]byte(`{"tfa_failures":1}`))
	if err != nil {
		t.Fatal(err)
	}
	c.TOTPFailures = 2
	if got := string(c.Marshal()); got != `{"totp_failures":2,"tfa_failures":1}` {
		t.Errorf("order: %s", got)
	}
	for _, bad := range []string{"", " \n", `{`, `[]`, `{"totp_failures":-1}`, `{"tfa_failures":4294967296}`, `{"tfa_failures":"1"}`} {
		if c, err := ParseCounters([]byte(bad)); err == nil || c.TOTPFailures != 0 || c.TFAFailures != 0 {
			t.Errorf("%s: %+v %v", bad, c, err)
		}
	}
	if c, err := ParseCounters([]byte("{}")); err != nil || string(c.Marshal()) != "{}" {
		t.Errorf("{}: %v", err)
	}
}
