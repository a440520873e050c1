package tfa

import (
	"strings"
	"testing"

	"github.com/pquerna/otp"
)

// TestCheckEnroll: the keys add-totp refuses (secret size, digits,
// period, algorithm) and the ones it takes; an error never shows the
// secret.
func TestCheckEnroll(t *testing.T) {
	const s10 = "GEZDGNBVGY3TQOJQ" // 10 bytes
	const s20 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	s120 := strings.Repeat(s10, 12)
	tests := []struct {
		name, query, want string // want "" = accepted
	}{
		{"issue-11 example", "secret=AE&digits=1", "secret is too short (1 byte): at least 10 bytes"},
		{"9-byte secret", "secret=GEZDGNBVGY3TQOI", "secret is too short (9 bytes)"},
		{"10-byte secret", "secret=" + s10, ""},
		{"120-byte secret", "secret=" + s120, ""},
		{"128-byte secret", "secret=" + s120 + "GEZDGNBVGY3TQ", ""},
		{"130-byte secret", "secret=" + s120 + s10, "secret is too long (130 bytes): at most 128 bytes"},
		{"default 6 digits, 30 s, SHA1", "secret=" + s20, ""},
		{"digits 0", "secret=" + s20 + "&digits=0", "digits 0 is out of range: codes have 6 to 8 digits"},
		{"digits 1", "secret=" + s20 + "&digits=1", "digits 1 is out of range"},
		{"digits 5", "secret=" + s20 + "&digits=5", "digits 5 is out of range"},
		{"digits 6", "secret=" + s20 + "&digits=6", ""},
		{"digits 8", "secret=" + s20 + "&digits=8", ""},
		{"digits 9", "secret=" + s20 + "&digits=9", "digits 9 is out of range"},
		{"digits 255", "secret=" + s20 + "&digits=255", "digits 255 is out of range"},
		{"period 0", "secret=" + s20 + "&period=0", "period 0 is out of range: 15 to 300 seconds"},
		{"period 1", "secret=" + s20 + "&period=1", "period 1 is out of range"},
		{"period 14", "secret=" + s20 + "&period=14", "period 14 is out of range"},
		{"period 15", "secret=" + s20 + "&period=15", ""},
		{"period 60", "secret=" + s20 + "&period=60", ""},
		{"period 300", "secret=" + s20 + "&period=300", ""},
		{"period 301", "secret=" + s20 + "&period=301", "period 301 is out of range"},
		{"period 86400", "secret=" + s20 + "&period=86400", "period 86400 is out of range"},
		{"SHA256, 8 digits", "secret=" + s20 + "&algorithm=SHA256&digits=8", ""},
		{"sha512", "secret=" + s20 + "&algorithm=sha512", ""},
	}
	for _, tt := range tests {
		k, err := ParseURI("otpauth://totp/a?" + tt.query)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		err = k.CheckEnroll()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		case err != nil && (strings.Contains(err.Error(), "GEZDGNBV") || strings.Contains(err.Error(), "AE&")):
			t.Errorf("%s: the error shows the secret: %v", tt.name, err)
		}
	}
	// an algorithm ParseURI cannot produce
	k := &Key{Secret: make([]byte, 20), Digits: 6, Period: 30, Algorithm: otp.AlgorithmMD5}
	if err := k.CheckEnroll(); err == nil || !strings.Contains(err.Error(), "unsupported algorithm") {
		t.Errorf("MD5: %v", err)
	}
}

// TestNewKeyLimits: a generated key takes the same limits.
func TestNewKeyLimits(t *testing.T) {
	tests := []struct {
		digits int
		period uint64
		ok     bool
	}{{6, 30, true}, {8, 15, true}, {7, 300, true}, {1, 30, false}, {9, 30, false}, {6, 0, false}, {6, 10, false}, {6, 301, false}}
	for _, tt := range tests {
		k, err := NewKey("a@pbs", tt.digits, otp.AlgorithmSHA1, tt.period, "", false)
		if (err == nil) != tt.ok {
			t.Errorf("digits %d period %d: %v", tt.digits, tt.period, err)
		}
		if err == nil && len(k.Secret) != SecretSize {
			t.Errorf("secret of %d bytes", len(k.Secret))
		}
	}
}
