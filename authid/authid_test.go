package authid

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in           string
		wantName, wantReal string
		wantTok            string
		wantErr            bool
	}{
		// §6: the user part ends at the LAST '@'.
		{"plain user", "john@pbs", "john", "pbs", "", false},
		{"last at", "a@b@pbs", "a@b", "pbs", "", false},
		// §6: '!' is the token separator only after the realm.
		{"bang in name is user", "us!er@pbs", "us!er", "pbs", "", false},
		{"token", "john@pbs!client1", "john", "pbs", "client1", false},
		{"bang in name and token", "us!er@pbs!t", "us!er", "pbs", "t", false},
		// §6: a trailing '!' is "empty token name".
		{"trailing bang", "john@pbs!", "", "", "", true},
		{"bad token name", "john@pbs!-x", "", "", "", true},
		{"two bangs after realm", "john@pbs!a!b", "", "", "", true},
		{"no at", "john", "", "", "", true},
		{"empty", "", "", "", "", true},
		{"empty name", "@pbs", "", "", "", true},
		// §6: USER_NAME has no Unicode whitespace (U+00A0, U+2003), ':' '/' or control chars.
		{"nbsp in name", "jo\u00a0hn@pbs", "", "", "", true},
		{"em space in name", "jo\u2003hn@pbs", "", "", "", true},
		{"space in name", "jo hn@pbs", "", "", "", true},
		{"colon in name", "jo:hn@pbs", "", "", "", true},
		{"slash in name", "jo/hn@pbs", "", "", "", true},
		{"control in name", "jo\x01hn@pbs", "", "", "", true},
		{"del in name", "jo\x7fhn@pbs", "", "", "", true},
		{"invalid utf8 in name", "jo\xffhn@pbs", "", "", "", true},
		{"unicode name ok", "jürgen@pbs", "jürgen", "pbs", "", false},
		// §6: realm is SAFE_ID, 2..32 chars.
		{"realm 1 char", "john@p", "", "", "", true},
		{"realm 2 chars", "john@pb", "john", "pb", "", false},
		{"realm 32 chars", "john@" + strings.Repeat("r", 32), "john", strings.Repeat("r", 32), "", false},
		{"realm 33 chars", "john@" + strings.Repeat("r", 33), "", "", "", true},
		{"realm bad start", "john@-pbs", "", "", "", true},
		{"realm unicode", "john@pbü", "", "", "", true},
		// §6: from_str does not check the 64-char limit.
		{"long id parses", strings.Repeat("n", 100) + "@pbs", strings.Repeat("n", 100), "pbs", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Parse(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Parse(%q) = %+v, want error", tc.in, a)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("error %v does not wrap ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if a.Name != tc.wantName || a.Realm != tc.wantReal || a.Token != tc.wantTok {
				t.Errorf("Parse(%q) = %+v", tc.in, a)
			}
			if a.String() != tc.in {
				t.Errorf("String() = %q, want %q", a.String(), tc.in)
			}
		})
	}
}

func TestValidateSchema(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantToken bool
		ok        bool
	}{
		{"user", "john@pbs", false, true},
		{"token as user", "john@pbs!t", false, false}, // realm "pbs!t" is not SAFE_ID
		{"user as token", "john@pbs", true, false},
		{"token", "john@pbs!t", true, true},
		// §6: 3..64 chars, counted as Unicode chars (runes), not bytes.
		{"too short", "a@", false, false},
		{"64 ascii", strings.Repeat("a", 60) + "@pbs", false, true},
		{"65 ascii", strings.Repeat("a", 61) + "@pbs", false, false},
		{"64 runes 124 bytes", strings.Repeat("ü", 60) + "@pbs", false, true},
		{"65 runes", strings.Repeat("ü", 61) + "@pbs", false, false},
		{"token 65", strings.Repeat("a", 58) + "@pbs!tt", true, false},
		{"token 64", strings.Repeat("a", 57) + "@pbs!tt", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ValidateSchema(tc.in, tc.wantToken)
			if (err == nil) != tc.ok {
				t.Errorf("ValidateSchema(%q, %v) err = %v, want ok=%v", tc.in, tc.wantToken, err, tc.ok)
			}
		})
	}
}

func TestParseUseridAndAny(t *testing.T) {
	if _, err := ParseUserid("john@pbs!t"); err == nil {
		t.Error("ParseUserid accepted a token id")
	}
	if a, err := ParseUserid("us!er@pbs"); err != nil || a.Name != "us!er" {
		t.Errorf("ParseUserid(us!er@pbs) = %+v, %v", a, err)
	}
	if _, err := ParseAny(strings.Repeat("a", 61) + "@pbs"); err == nil {
		t.Error("ParseAny accepted 65 chars")
	}
	if a, err := ParseAny("john@pbs!t"); err != nil || !a.IsToken() || a.User() != "john@pbs" {
		t.Errorf("ParseAny token = %+v, %v", a, err)
	}
}

func TestSuperuser(t *testing.T) {
	// §3.4: only the non-token root@pam is the superuser.
	for in, want := range map[string]bool{"root@pam": true, "root@pam!t": false, "root@pbs": false} {
		a, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if a.IsSuperuser() != want {
			t.Errorf("%s IsSuperuser = %v", in, !want)
		}
	}
}

func TestIsSafeID(t *testing.T) {
	for in, want := range map[string]bool{"a": true, "_a": true, "a.b-c_d": true, ".a": false, "-a": false, "": false, "a b": false, "ä": false} {
		if IsSafeID(in) != want {
			t.Errorf("IsSafeID(%q) = %v", in, !want)
		}
	}
}
