package tfa

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// marker looks like a TOTP secret (base32); the files of testdata/leak
// put it in every place of tfa.json and of an otpauth URI.
const marker = "SECRETMARKERSEEDQ"

// TestErrorsNeverShowContent: each file of testdata/leak is malformed with
// the marker somewhere (a key, a user key that is no user id, an entry id,
// a description, a URI label, parameter name or value, a recovery secret,
// next to a syntax error, ...); the error says what and where but never
// shows the marker nor any part of it.
func TestErrorsNeverShowContent(t *testing.T) {
	files, err := filepath.Glob("testdata/leak/*.json")
	if err != nil || len(files) < 20 {
		t.Fatalf("leak fixtures: %v %d", err, len(files))
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), marker[6:]) {
			t.Errorf("%s: no marker in the fixture", name)
		}
		_, err = Parse("tfa.json", data, testNow)
		if err == nil {
			t.Errorf("%s: parsed, want an error", name)
			continue
		}
		assertNoMarker(t, name, err.Error())
	}
}

// assertNoMarker fails when msg holds the marker or a 6-character piece
// of it.
func assertNoMarker(t *testing.T, what, msg string) {
	t.Helper()
	for i := 0; i+6 <= len(marker); i++ {
		if strings.Contains(msg, marker[i:i+6]) {
			t.Errorf("%s: the error shows content: %s", what, msg)
			return
		}
	}
}

// TestURIErrorsNeverShowContent: ParseURI with the marker in every place.
func TestURIErrorsNeverShowContent(t *testing.T) {
	const s = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for _, uri := range []string{
		"otpauth://totp/a?" + marker,                             // the secret without "secret="
		"otpauth://totp/a?secret=" + s + "&" + marker,            // a bare parameter
		"otpauth://totp/a?secret=" + s + "&" + marker + "=1",     // a parameter name
		"otpauth://totp/a?secret=" + s + "&%53" + marker + "=1",  // a percent-encoded name
		"otpauth://totp/a?secret=" + s + "&x%ff" + marker + "=1", // a name that is not UTF-8
		"otpauth://totp/a?secret=" + marker + "1",                // a secret that is not base32
		"otpauth://totp/a?secret=" + marker + "%ff",              // a secret that is not UTF-8
		"otpauth://totp/a?secret=" + s + "&digits=" + marker,     // values
		"otpauth://totp/a?secret=" + s + "&period=" + marker,
		"otpauth://totp/a?secret=" + s + "&algorithm=" + marker,
		"otpauth://totp/a?secret=" + s + "&algorithm=%ff" + marker,
		"otpauth://totp/" + marker + ":" + marker + "?digits=6", // label, no secret
		"otpauth://totp/" + marker,                              // no '?'
		"otpauth://hotp/a?secret=" + marker,                     // another type
		marker,
	} {
		_, err := ParseURI(uri)
		if err == nil {
			t.Errorf("%s: parsed, want an error", uri)
			continue
		}
		assertNoMarker(t, uri, err.Error())
	}
}

// uriErrorPattern is every ParseURI error with its numbers replaced by N:
// the whole vocabulary, none of it from the input.
var uriErrorPattern = regexp.MustCompile(`^(not an otpauth uri|missing '\?' in otp uri|` +
	`parameter N: failed to decode key|parameter N: bad value in otpauth uri \(no '='\)|` +
	`parameter N: unknown otpauth uri parameter \(name not shown\)|` +
	`failed to decode value 'secret'|failed to decode otp secret in otpauth url|` +
	`failed to parse value '(digits|period)'|failed to decode value 'algorithm'|` +
	`unsupported algorithm \(want SHAN, SHAN or SHAN\)|missing secret in otpauth url)$`)

var digitsRE = regexp.MustCompile(`[0-9]+`)

// uriErrorIsGeneric reports whether msg is one of ParseURI's fixed texts.
func uriErrorIsGeneric(msg string) bool {
	return uriErrorPattern.MatchString(digitsRE.ReplaceAllString(msg, "N"))
}
