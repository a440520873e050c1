package tfa

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"testing"
)

// FuzzParseTFA: the tfa.json parser never panics, everything it writes is
// valid JSON that it reads back, and parse → write → parse → write is
// stable (the second write equals the first) with the same content.
func FuzzParseTFA(f *testing.F) {
	for _, name := range []string{"testdata/pbs-tfa.json", "testdata/pbs-tfa.golden.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{}`, `{"users":{}}`, `[]`, ``, `null`, `{"users":null}`,
		`{"users":{"a@pbs":{"totp":[],"totp-locked":false,"recovery":null,"tfa-locked-until":null}}}`,
		`{"users":{"a@pbs":{"totp":[{"id":"t","created":1,"entry":"otpauth://totp/a?secret=GEZDGNBVGY3TQOJQ"}]}}}`,
		`{"users":{"a@pbs":{"totp":[{"id":"t","created":1,"enable":false,"entry":{"totp":"otpauth://totp/a?secret=AA&digits=8","last-count":-5}}]}}}`,
		`{"users":{"a@pbs":{"recovery":{"secret":"00","entries":["ab",null],"created":2},"tfa-locked-until":9999999999}}}`,
		`{"x":1,"users":{"\u00e9@pbs":{"yubico":[{"id":"y","created":0,"entry":"k"}],"z":[1]}}}`,
		`{"users":{"a@pbs":{},"a@pbs":{}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const now = 1750000000
		a, err := Parse("tfa.json", data, now)
		if err != nil {
			return
		}
		out1 := a.Marshal()
		if !json.Valid(out1) {
			t.Fatalf("invalid JSON written: %q", out1)
		}
		b, err := Parse("tfa.json", out1, now)
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%q", err, out1)
		}
		out2 := b.Marshal()
		if !bytes.Equal(out1, out2) {
			t.Fatalf("unstable:\n%q\n%q", out1, out2)
		}
		if !reflect.DeepEqual(a.Status(), b.Status()) {
			t.Fatalf("status changed: %v %v", a.Status(), b.Status())
		}
		for _, u := range a.Users {
			_ = u.Entries()
		}
	})
}

// FuzzParseURI: the otpauth URI parser never panics, and a key it
// accepts is written as a URI that parses back to the same key.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"otpauth://totp/john%40pbs?secret=GEZDGNBVGY3TQOJQ",
		"otpauth://totp/I:a?secret=gezd====&digits=+8&algorithm=sha512&period=60&issuer=X%zz",
		"otpauth://totp/a?secret=A&foo=1", "otpauth://totp/", "otpauth://totp/?&",
		"otpauth://totp/a?JBSWY3DPEHPK3PXP", "otpauth://totp/a?secret=AE&digits=1&algorithm=md5&x%ff=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		k, err := ParseURI(uri)
		if err != nil {
			if !uriErrorIsGeneric(err.Error()) { // never a part of the URI
				t.Fatalf("%q: error not one of the fixed texts: %v", uri, err)
			}
			return
		}
		back, err := ParseURI(k.URI())
		if err != nil {
			t.Fatalf("cannot parse %q written from %q: %v", k.URI(), uri, err)
		}
		if !reflect.DeepEqual(k, back) {
			t.Fatalf("round trip of %q: %+v != %+v", uri, *k, *back)
		}
	})
}

// countersErrorPattern is every ParseCounters error, numbers replaced by N.
var countersErrorPattern = regexp.MustCompile(`^challenge data(( is empty| is not valid JSON)|: (invalid JSON|` +
	`expected an object, found (an array|a string|a boolean|null|a number|nothing)|duplicate key \(member N; keys are not shown\)|` +
	`(totp|tfa)_failures: expected a uN, found (an object|an array|a string|a boolean|null|a number|nothing)))$`)

// FuzzParseCounters: the challenge-data parser never panics, empty content
// is an error (the caller fails closed), accepted counters survive a
// write and a re-read, and an error never shows the content.
func FuzzParseCounters(f *testing.F) {
	for _, s := range []string{"", " ", "{}", `{"totp_failures":3,"tfa_failures":9}`, `{"tfa_failures":4294967295}`,
		`{"totp_failures":-1}`, `{"u2f_auths":[{"challenge":"SECRETMARKERSEEDQ"}],"totp_failures":1}`, `{"SECRETMARKERSEEDQ":1,"SECRETMARKERSEEDQ":2}`, `[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCounters(data)
		if err != nil {
			if !countersErrorPattern.MatchString(digitsRE.ReplaceAllString(err.Error(), "N")) {
				t.Fatalf("error not one of the fixed texts: %v", err)
			}
			return
		}
		if len(bytes.TrimSpace(data)) == 0 {
			t.Fatal("empty content accepted")
		}
		back, err := ParseCounters(c.Marshal())
		if err != nil || back.TOTPFailures != c.TOTPFailures || back.TFAFailures != c.TFAFailures {
			t.Fatalf("round trip of %q: %+v %v", data, back, err)
		}
	})
}
