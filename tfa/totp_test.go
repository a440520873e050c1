package tfa

import (
	"bufio"
	"bytes"
	"encoding/base32"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
)

// rfcSeeds are the RFC 6238 Appendix B seeds per algorithm.
var rfcSeeds = map[string][]byte{
	"SHA1":   []byte("12345678901234567890"),
	"SHA256": []byte("12345678901234567890123456789012"),
	"SHA512": []byte("1234567890123456789012345678901234567890123456789012345678901234"),
}

type vector struct {
	time int64
	alg  string
	code string // 8 digits
}

func readVectors(t *testing.T) []vector {
	t.Helper()
	f, err := os.Open("testdata/rfc6238.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		ts, err := strconv.ParseInt(fs[0], 10, 64)
		if err != nil || len(fs) != 3 {
			t.Fatalf("bad vector line %q", line)
		}
		out = append(out, vector{ts, fs[1], fs[2]})
	}
	if len(out) != 18 {
		t.Fatalf("read %d vectors, want 18", len(out))
	}
	return out
}

// TestRFC6238 checks every RFC 6238 vector (SHA1, SHA256, SHA512) with 8
// digits and its 6-digit truncation (§9: "% 10^digits"), through a key
// parsed from an otpauth URI as PBS stores it, and Match at that time.
func TestRFC6238(t *testing.T) {
	for _, v := range readVectors(t) {
		for _, digits := range []int{8, 6} {
			want := v.code[8-digits:]
			uri := "otpauth://totp/rfc%406238?secret=" + b32.EncodeToString(rfcSeeds[v.alg]) +
				"&digits=" + strconv.Itoa(digits) + "&algorithm=" + v.alg + "&period=30"
			k, err := ParseURI(uri)
			if err != nil {
				t.Fatalf("%s: %v", uri, err)
			}
			at := time.Unix(v.time, 0)
			got, err := k.CodeAt(at)
			if err != nil || got != want {
				t.Errorf("%s t=%d digits=%d: code %q (%v), want %q", v.alg, v.time, digits, got, err, want)
			}
			counter, ok, err := k.Match(want, at)
			if err != nil || !ok || counter != v.time/30 {
				t.Errorf("%s t=%d digits=%d: Match = %d %v %v, want counter %d", v.alg, v.time, digits, counter, ok, err, v.time/30)
			}
		}
	}
}

// TestMatchSteps: a code is accepted in the steps −1, 0 and +1 around the
// time and refused two steps away (§9).
func TestMatchSteps(t *testing.T) {
	k := &Key{Secret: rfcSeeds["SHA1"], Digits: 6, Algorithm: otp.AlgorithmSHA1, Period: 30}
	now := time.Unix(1111111111, 0) // counter 37037037
	code := func(c int64) string {
		s, err := k.Code(uint64(c))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := int64(37037037)
	for _, tt := range []struct {
		counter int64
		ok      bool
	}{{base - 2, false}, {base - 1, true}, {base, true}, {base + 1, true}, {base + 2, false}} {
		c, ok, err := k.Match(code(tt.counter), now)
		if err != nil || ok != tt.ok || (ok && c != tt.counter) {
			t.Errorf("counter %d: Match = %d %v %v, want ok=%v", tt.counter, c, ok, err, tt.ok)
		}
	}
}

// TestMatchFormat: exactly Digits characters, base 10 only, as PBS's
// PartialEq<&str> for TotpValue (§9); Rust's from_str_radix takes one
// leading '+', so "+7081804" is the 8-digit code 07081804.
func TestMatchFormat(t *testing.T) {
	k := &Key{Secret: rfcSeeds["SHA1"], Digits: 8, Algorithm: otp.AlgorithmSHA1, Period: 30}
	at := time.Unix(1111111109, 0) // code 07081804
	for _, tt := range []struct {
		code string
		ok   bool
	}{
		{"07081804", true},
		{"+7081804", true}, // Rust: u32::from_str_radix accepts '+'
		{"7081804", false}, // 7 characters
		{"007081804", false},
		{" 7081804", false},
		{"0708180a", false},
		{"-7081804", false},
		{"0x708180", false},
		{"07081805", false},
		{"", false},
		{"０7081804", false}, // full-width digit: not ASCII
	} {
		_, ok, err := k.Match(tt.code, at)
		if err != nil || ok != tt.ok {
			t.Errorf("Match(%q) = %v %v, want %v", tt.code, ok, err, tt.ok)
		}
	}
	// keys PBS cannot use: digits 0 never matches, period 0 is an error
	if _, ok, _ := (&Key{Secret: []byte("x"), Digits: 0, Period: 30}).Match("", at); ok {
		t.Error("digits 0 matched the empty code")
	}
	if _, _, err := (&Key{Secret: []byte("x"), Digits: 6, Period: 0}).Match("123456", at); err == nil {
		t.Error("period 0 accepted")
	}
	if _, _, err := k.Match("07081804", time.Unix(-1, 0)); err == nil {
		t.Error("negative time accepted")
	}
}

// TestParseURI: the rules of proxmox-tfa's Totp::from_str (§9).
func TestParseURI(t *testing.T) {
	const s = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	ok := []struct {
		uri                     string
		digits                  int
		alg                     otp.Algorithm
		period                  uint64
		issuer, account         string
		hasIssuer, secretIsSeed bool
	}{
		{"otpauth://totp/john%40pbs?secret=" + s, 6, otp.AlgorithmSHA1, 30, "", "john@pbs", false, true},
		{"otpauth://totp/I%20x:john%40pbs?secret=" + s + "&digits=8&algorithm=sha256&period=60", 8, otp.AlgorithmSHA256, 60, "I x", "john@pbs", true, true},
		{"otpauth://totp/a?secret=" + strings.ToLower(s) + "&algorithm=SHA512&issuer=Corp", 6, otp.AlgorithmSHA512, 30, "Corp", "a", true, true},
		{"otpauth://totp/L:a?issuer=P&secret=" + s, 6, otp.AlgorithmSHA1, 30, "P", "a", true, true},                  // the parameter wins
		{"otpauth://totp/a?secret=" + s + "&digits=%2B6&period=+30", 6, otp.AlgorithmSHA1, 30, "", "a", false, true}, // Rust parse takes '+'
		{"otpauth://totp/a?secret=" + s + "====", 6, otp.AlgorithmSHA1, 30, "", "a", false, true},                    // trailing '=' ignored
		{"otpauth://totp/a+b?secret=" + s, 6, otp.AlgorithmSHA1, 30, "", "a+b", false, true},                         // '+' is not a space
		{"otpauth://totp/?secret=" + s, 6, otp.AlgorithmSHA1, 30, "", "", false, true},
	}
	for _, tt := range ok {
		k, err := ParseURI(tt.uri)
		if err != nil {
			t.Errorf("%s: %v", tt.uri, err)
			continue
		}
		if k.Digits != tt.digits || k.Algorithm != tt.alg || k.Period != tt.period || k.Issuer != tt.issuer ||
			k.HasIssuer != tt.hasIssuer || k.Account != tt.account || (tt.secretIsSeed && string(k.Secret) != "12345678901234567890") {
			t.Errorf("%s: parsed %+v", tt.uri, *k)
		}
	}
	bad := []struct{ uri, want string }{
		{"otpauth://hotp/a?secret=" + s, "not an otpauth uri"},
		{"OTPAUTH://totp/a?secret=" + s, "not an otpauth uri"},
		{"otpauth://totp/a", "missing '?' in otp uri"},
		{"otpauth://totp/a?secret=" + s + "&image=http://x", "parameter 2: unknown otpauth uri parameter (name not shown)"},
		{"otpauth://totp/a?secret=" + s + "&counter=1", "parameter 2: unknown otpauth uri parameter (name not shown)"},
		{"otpauth://totp/a?secret=" + s + "&", "bad value in otpauth uri"},
		{"otpauth://totp/a?secret", "bad value in otpauth uri"},
		{"otpauth://totp/a?", "bad value in otpauth uri"},
		{"otpauth://totp/a?digits=6", "missing secret in otpauth url"},
		{"otpauth://totp/a?secret=", "missing secret in otpauth url"},
		{"otpauth://totp/a?secret=ABC1", "failed to decode otp secret"},
		{"otpauth://totp/a?secret=ÄBC", "failed to decode otp secret"},
		{"otpauth://totp/a?secret=" + s + "&digits=256", "failed to parse value 'digits'"},
		{"otpauth://totp/a?secret=" + s + "&digits=-6", "failed to parse value 'digits'"},
		{"otpauth://totp/a?secret=" + s + "&period=x", "failed to parse value 'period'"},
		{"otpauth://totp/a?secret=" + s + "&algorithm=MD5", "unsupported algorithm (want SHA1, SHA256 or SHA512)"},
	}
	for _, tt := range bad {
		_, err := ParseURI(tt.uri)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.uri, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), s) {
			t.Errorf("%s: the error shows the secret: %v", tt.uri, err)
		}
	}
}

// TestURIFormat: the URI pxacl writes is proxmox-tfa's Totp::to_uri.
func TestURIFormat(t *testing.T) {
	k := &Key{Secret: []byte("12345678901234567890"), Digits: 6, Algorithm: otp.AlgorithmSHA1, Period: 30,
		Issuer: "Proxmox Backup Server - pbs", HasIssuer: true, Account: "root@pam"}
	want := "otpauth://totp/Proxmox%20Backup%20Server%20%2D%20pbs:root%40pam?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=6&algorithm=SHA1&period=30&issuer=Proxmox%20Backup%20Server%20%2D%20pbs"
	if got := k.URI(); got != want {
		t.Errorf("URI:\n got %s\nwant %s", got, want)
	}
	k.HasIssuer, k.Digits, k.Algorithm = false, 8, otp.AlgorithmSHA512
	if got := k.URI(); got != "otpauth://totp/root%40pam?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&algorithm=SHA512&period=30" {
		t.Errorf("URI without issuer: %s", got)
	}
	for _, alg := range []otp.Algorithm{otp.AlgorithmSHA1, otp.AlgorithmSHA256, otp.AlgorithmSHA512} {
		n, err := NewKey("ö@pbs", 8, alg, 60, "Ä:B", true)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseURI(n.URI())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back.Secret, n.Secret) || len(n.Secret) != SecretSize || back.Account != n.Account ||
			back.Issuer != n.Issuer || back.Digits != 8 || back.Period != 60 || back.Algorithm != alg {
			t.Errorf("round trip %+v -> %+v", *n, *back)
		}
	}
	if _, err := NewKey("a@pbs", 10, otp.AlgorithmSHA1, 30, "", false); err == nil {
		t.Error("10 digits accepted")
	}
	if _, err := NewKey("a@pbs", 6, otp.AlgorithmSHA1, 0, "", false); err == nil {
		t.Error("period 0 accepted")
	}
}

// TestBase32: the base32 crate's decoding (case-insensitive, trailing '='
// ignored, a stray '=' decodes as 'A', partial bytes dropped).
func TestBase32(t *testing.T) {
	for _, data := range [][]byte{nil, {0}, {1, 2}, {0xff, 0xfe, 0xfd}, []byte("12345678901234567890"), []byte("abcdefghijklmnopqrstuvwxyz")} {
		for _, enc := range []string{b32.EncodeToString(data), base32.StdEncoding.EncodeToString(data), strings.ToLower(b32.EncodeToString(data))} {
			got, ok := decodeBase32(enc)
			if !ok || !bytes.Equal(got, data) {
				t.Errorf("decode %q = %x %v, want %x", enc, got, ok, data)
			}
		}
	}
	if got, ok := decodeBase32("A=AAAAAA"); !ok || !bytes.Equal(got, []byte{0, 0, 0, 0, 0}) {
		t.Errorf("'=' inside: %x %v", got, ok)
	}
	for _, bad := range []string{"0", "1", "8", "9", "@", "[", "ä", "AB CD"} {
		if _, ok := decodeBase32(bad); ok {
			t.Errorf("decode %q accepted", bad)
		}
	}
}
