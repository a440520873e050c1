package tfa

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// now of the PBS-written testdata: after old@pbs's expired lock
// (1700003600), before john@pbs's (4102444800).
const testNow = 1750000000

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRoundTripPBSFile: a tfa.json as PBS writes it (webauthn and u2f
// configuration, TOTP with and without last-count, a disabled entry,
// WebAuthn, U2F and Yubico entries, recovery keys with a used (null) one
// and with all used, totp-locked, a tfa-locked-until in force and an
// expired one) is read and written back byte for byte, except the expired
// lock, which PBS drops on load too (§9).
func TestRoundTripPBSFile(t *testing.T) {
	in := readTestdata(t, "pbs-tfa.json")
	want := readTestdata(t, "pbs-tfa.golden.json")
	f, err := Parse("tfa.json", in, testNow)
	if err != nil {
		t.Fatal(err)
	}
	got := f.Marshal()
	if !bytes.Equal(got, want) {
		t.Errorf("round trip differs:\n got %s\nwant %s", got, want)
	}
	// the golden file has no expired lock: it round-trips exactly
	g, err := Parse("tfa.json", want, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if again := g.Marshal(); !bytes.Equal(again, want) {
		t.Errorf("golden does not round-trip:\n got %s\nwant %s", again, want)
	}
	// Before the old lock expired it is kept.
	early, err := Parse("tfa.json", in, 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(early.Marshal(), in) {
		t.Errorf("a lock in force was dropped")
	}
}

// TestParsedContent: what the reader sees of the PBS-written file.
func TestParsedContent(t *testing.T) {
	f, err := Parse("tfa.json", readTestdata(t, "pbs-tfa.json"), testNow)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range f.Users {
		ids = append(ids, u.ID)
	}
	if !slices.Equal(ids, []string{"root@pam", "john@pbs", "ops@pbs", "old@pbs"}) {
		t.Fatalf("users %v", ids)
	}
	john := f.User("john@pbs")
	if len(john.TOTP) != 2 || john.TOTP[0].LastCount != 56666666 || john.TOTP[1].LastCount != NoCount || john.TOTP[1].Enable ||
		!john.TOTPLocked || john.LockedUntil != 4102444800 || len(john.U2F) != 1 || john.TOTP[0].Key.Digits != 8 {
		t.Errorf("john: %+v", john)
	}
	if old := f.User("old@pbs"); old.LockedUntil != 0 {
		t.Errorf("expired lock kept: %d", old.LockedUntil)
	}
	status := f.Status()
	want := map[string]Status{
		"root@pam": {Factors: map[string]int{"totp": 1, "webauthn": 1, "recovery": 9}},
		"john@pbs": {Factors: map[string]int{"totp": 1, "u2f": 1}, TOTPLocked: true, LockedUntil: 4102444800},
		"ops@pbs":  {Factors: map[string]int{"webauthn": 1, "yubico": 1, "recovery": 0}},
		"old@pbs":  {Factors: map[string]int{"recovery": 1}},
	}
	if !reflect.DeepEqual(status, want) {
		t.Errorf("status:\n got %+v\nwant %+v", status, want)
	}
	if status["ops@pbs"].Usable() != true || (Status{Factors: map[string]int{"recovery": 0}}).Usable() {
		t.Error("Usable")
	}
	entries := f.User("john@pbs").Entries()
	raw, _ := json.Marshal(entries)
	wantList := `[{"type":"totp","id":"9d1c8b7a-5e4f-4a3b-8c2d-1e0f9a8b7c6d","description":"phone","created":1700001000},` +
		`{"type":"totp","id":"1f2e3d4c-5b6a-4798-a6b5-c4d3e2f1a0b9","description":"old phone","created":1600000000,"enable":false},` +
		`{"type":"u2f","id":"5a5a5a5a-0000-4111-8222-333344445555","description":"legacy u2f key","created":1550000000}]`
	if string(raw) != wantList {
		t.Errorf("entries:\n got %s\nwant %s", raw, wantList)
	}
	if e := f.User("root@pam").Entries(); e[0].Type != TypeRecovery || e[0].ID != "recovery" || e[0].Created != 1700000200 {
		t.Errorf("recovery is not listed first: %+v", e)
	}
}

// TestMutationsKeepTheRest: adding, using and deleting factors changes
// only those parts; everything else of the PBS file stays as read.
func TestMutationsKeepTheRest(t *testing.T) {
	in := readTestdata(t, "pbs-tfa.golden.json")
	f, err := Parse("tfa.json", in, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Delete("john@pbs", "5a5a5a5a-0000-4111-8222-333344445555"); err != nil {
		t.Fatal(err)
	}
	out := string(f.Marshal())
	if strings.Contains(out, "legacy u2f key") || strings.Contains(out, `"u2f":[`) {
		t.Errorf("u2f entry not deleted: %s", out)
	}
	// the rest is the original minus that entry
	want := strings.Replace(string(in), `,"u2f":[{"id":"5a5a5a5a-0000-4111-8222-333344445555","description":"legacy u2f key","created":1550000000,"entry":{"key":{"version":"U2F_V2","keyHandle":"mH3kZ0pX7vQ2sL9nB4cR1tY6uI8oP5aS3dF7gJ2hK4lM"},"public_key":"BHq7Z2b9YxP4mL3n8Q1r6T5u0W9e2R7t4Y1u8I3o6P5a2S9d4F7g0H3j6K1l8Z5x2C9v4B7n0M3q6W1e8R5t2Y9="}}]`, "", 1)
	if out != want {
		t.Errorf("delete changed more than the entry:\n got %s\nwant %s", out, want)
	}
	// deleting the last factors removes the user; webauthn config stays
	for _, id := range []string{"recovery", "77777777-8888-4999-aaaa-bbbbccccdddd", "ccccccccdddd"} {
		if err := f.Delete("ops@pbs", id); err != nil {
			t.Fatalf("delete %s: %v", id, err)
		}
	}
	if f.User("ops@pbs") != nil {
		t.Error("user without factors kept")
	}
	var nf *EntryNotFoundError
	if err := f.Delete("ops@pbs", "recovery"); !errors.As(err, &nf) || err.Error() != "no such tfa entry: ops@pbs/recovery" {
		t.Errorf("delete from a missing user: %v", err)
	}
	if err := f.Delete("john@pbs", "nope"); !errors.As(err, &nf) {
		t.Errorf("delete of a missing id: %v", err)
	}
	// a new user goes at the end with PBS's field order
	k := &Key{Secret: []byte("12345678901234567890"), Digits: 6, Algorithm: 0, Period: 30, Account: "new@pbs"}
	id, err := f.AddTOTP("new@pbs", "", k, 1800000000)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := f.AddRecovery("new@pbs", 1800000001)
	if err != nil || len(keys) != RecoveryKeys {
		t.Fatal(keys, err)
	}
	if _, err := f.AddRecovery("new@pbs", 1800000002); !errors.Is(err, ErrHasRecovery) {
		t.Errorf("second recovery set: %v", err)
	}
	out = string(f.Marshal())
	r := f.User("new@pbs").Recovery
	entries := make([]string, len(r.Entries))
	for i, e := range r.Entries {
		entries[i] = `"` + *e + `"`
	}
	wantNew := `"new@pbs":{"totp":[{"id":"` + id + `","created":1800000000,"entry":"otpauth://totp/new%40pbs?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=6&algorithm=SHA1&period=30"}],` +
		`"recovery":{"secret":"` + r.Secret + `","entries":[` + strings.Join(entries, ",") + `],"created":1800000001}}}}`
	if !strings.HasSuffix(out, wantNew) {
		t.Errorf("new user:\n got %s\nwant suffix %s", out, wantNew)
	}
	back, err := Parse("tfa.json", []byte(out), testNow)
	if err != nil || !bytes.Equal(back.Marshal(), []byte(out)) {
		t.Errorf("written file does not round-trip: %v", err)
	}
	if !f.RemoveUser("new@pbs") || f.RemoveUser("new@pbs") {
		t.Error("RemoveUser")
	}
}

// TestEmptyAndMissing: PBS's defaults.
func TestEmptyAndMissing(t *testing.T) {
	f, err := ReadFile("testdata/does-not-exist.json", testNow)
	if err != nil || len(f.Users) != 0 || string(f.Marshal()) != "{}" {
		t.Errorf("missing file: %v %v", f, err)
	}
	for _, in := range []string{`{}`, `{"users":{}}`, ` { "users" : { } } `} {
		f, err := Parse("tfa.json", []byte(in), testNow)
		if err != nil || string(f.Marshal()) != "{}" {
			t.Errorf("%q: %v", in, err)
		}
	}
	// null options are absent
	f, err = Parse("tfa.json", []byte(`{"users":{"a@pbs":{"recovery":null,"tfa-locked-until":null,"totp-locked":false,"totp":[]}}}`), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(f.Marshal()); got != `{"users":{"a@pbs":{}}}` {
		t.Errorf("nulls: %s", got)
	}
}

// TestMalformed: each malformed file gives an error that names the file
// and where, never quotes a secret.
func TestMalformed(t *testing.T) {
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	totp := func(entry string) string {
		return `{"users":{"a@pbs":{"totp":[{"id":"x1","created":1,"entry":` + entry + `}]}}}`
	}
	tests := []struct{ in, want string }{
		{"", "/etc/proxmox-backup/tfa.json: empty file"},
		{"{", "/etc/proxmox-backup/tfa.json:1:1: unexpected end of JSON input"},
		{"{\n\"users\": {\n  \"a@pbs\": {]\n}}", "/etc/proxmox-backup/tfa.json:3:13: invalid JSON syntax (byte offset 25)"},
		{`[]`, "top level: expected an object, found an array"},
		{`{"users":[]}`, "users: expected an object, found an array"},
		{`{"users":{"a@pbs":[]}}`, "/etc/proxmox-backup/tfa.json: user 'a@pbs': user data: expected an object"},
		{`{"users":{"a@pbs":{},"a@pbs":{}}}`, "tfa.json: users: duplicate key (member 2; keys are not shown)"},
		{`{"users":{"a@pbs":{"totp":{}}}}`, "user 'a@pbs': totp: expected an array"},
		{`{"users":{"a@pbs":{"totp-locked":1}}}`, "totp-locked: expected a boolean, found a number"},
		{`{"users":{"a@pbs":{"tfa-locked-until":1.5}}}`, "tfa-locked-until: expected an integer"},
		{`{"users":{"a@pbs":{"tfa-locked-until":99999999999999999999}}}`, "out of range for i64"},
		{`{"users":{"a@pbs":{"totp":[{"created":1,"entry":"x"}]}}}`, "missing field 'id'"},
		{`{"users":{"a@pbs":{"totp":[{"id":"x1","entry":"x"}]}}}`, "missing field 'created'"},
		{`{"users":{"a@pbs":{"totp":[{"id":"x1","created":1}]}}}`, "totp entry 1 of user 'a@pbs': missing field 'entry'"},
		{`{"users":{"a@pbs":{"webauthn":[{"id":7,"created":1,"entry":{}}]}}}`, "id: expected a string, found a number"},
		{`{"users":{"a@pbs":{"yubico":[{"id":"y","created":1,"entry":{}}]}}}`, "entry: expected a string, found an object"},
		{`{"users":{"a@pbs":{"u2f":[{"id":"y","created":1,"enable":"no","entry":{}}]}}}`, "enable: expected a boolean"},
		{totp(`"otpauth://totp/a?secret=` + secret + `&foo=1"`), "tfa.json: totp entry 1 of user 'a@pbs': invalid totp entry: parameter 2: unknown otpauth uri parameter (name not shown)"},
		{totp(`"otpauth://hotp/a?secret=` + secret + `"`), "not an otpauth uri"},
		{totp(`{"last-count":5}`), "entry: missing field 'totp'"},
		{totp(`{"totp":"otpauth://totp/a?secret=` + secret + `","last-count":"5"}`), "last-count: expected an integer, found a string"},
		{totp(`7`), "expected a totp string or a TotpEntry struct, found a number"},
		{`{"users":{"a@pbs":{"recovery":{"entries":[],"created":1}}}}`, "missing field 'secret'"},
		{`{"users":{"a@pbs":{"recovery":{"secret":"s","created":1}}}}`, "missing field 'entries'"},
		{`{"users":{"a@pbs":{"recovery":{"secret":"s","entries":[1],"created":1}}}}`, "entries[0]: expected a string"},
		{`{"users":{"a@pbs":{"recovery":{"secret":"s","entries":[]}}}}`, "missing field 'created'"},
	}
	for _, tt := range tests {
		_, err := Parse("/etc/proxmox-backup/tfa.json", []byte(tt.in), testNow)
		var pe *ParseError
		if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) ||
			!strings.HasPrefix(err.Error(), "/etc/proxmox-backup/tfa.json") {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%q: the error shows the secret: %v", tt.in, err)
		}
	}
}

// TestUnknownKeysKept: keys pxacl does not know, at every level, survive
// a change next to them.
func TestUnknownKeysKept(t *testing.T) {
	in := `{"future":{"x":[1,2]},"users":{"a@pbs":{"totp":[{"id":"t","created":1,"entry":{"totp":"otpauth://totp/a?secret=GEZDGNBVGY3TQOJQ","extra":true},"note":"n"}],` +
		`"recovery":{"secret":"00","entries":["ab",null],"created":2,"version":3},"custom":"c"}}}`
	f, err := Parse("tfa.json", []byte(in), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if string(f.Marshal()) != in {
		t.Fatalf("unchanged file differs: %s", f.Marshal())
	}
	u := f.User("a@pbs")
	u.TOTP[0].LastCount, u.TOTP[0].changed = 7, true
	u.Recovery.Entries[0], u.Recovery.changed = nil, true
	u.TOTPLocked = true
	want := `{"future":{"x":[1,2]},"users":{"a@pbs":{"totp":[{"id":"t","created":1,"entry":{"totp":"otpauth://totp/a?secret=GEZDGNBVGY3TQOJQ","extra":true,"last-count":7},"note":"n"}],` +
		`"recovery":{"secret":"00","entries":[null,null],"created":2,"version":3},"custom":"c","totp-locked":true}}}`
	if got := string(f.Marshal()); got != want {
		t.Errorf("changed file:\n got %s\nwant %s", got, want)
	}
}
