package pveid

import (
	"strings"
	"testing"
)

// TestValidUserid is verify_username's table (§1.2).
func TestValidUserid(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"john@pve", true},
		{"root@pam", true},
		{"a@b.com@ldap", true}, // the name is greedy
		{"x!y@pve", true},      // a '!' before the last '@' is part of the name
		{"ä@pve", true},
		{strings.Repeat("ä", 29) + "@pve", true},  // 62 bytes
		{strings.Repeat("ä", 31) + "@pve", false}, // 66 bytes: bytes count, not characters
		{strings.Repeat("a", 60) + "@pve", true},  // 64
		{strings.Repeat("a", 61) + "@pve", false}, // 65
		{"a\vb@pve", false},                       // Perl's \s has \v
		{"a b@pve", false},
		{"a\tb@pve", false},
		{"a:b@pve", false},
		{"a/b@pve", false},
		{"@pve", false},
		{"a@p", false},     // realm of one character
		{"a@1ab", false},   // realm starts with a letter
		{"a@pve!t", false}, // a token id is no user id
		{"a@pv e", false},
		{"", false},
		{"\xff@pve", true}, // bytes: PVE reads user.cfg as bytes
	}
	for _, tt := range tests {
		if got := ValidUserid(tt.in); got != tt.want {
			t.Errorf("ValidUserid(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestSplitTokenID is split_tokenid's table (§1.2).
func TestSplitTokenID(t *testing.T) {
	tests := []struct {
		in, user, sub string
		ok            bool
	}{
		{"john@pve!ci", "john@pve", "ci", true},
		{"a@b.com@ldap!t-1.x_y", "a@b.com@ldap", "t-1.x_y", true},
		{"x!y@pve!tok", "x!y@pve", "tok", true},
		{"john@pve!c", "", "", false},   // sub-id of one character
		{"john@pve!1ab", "", "", false}, // sub-id starts with a letter
		{"john@pve!", "", "", false},
		{"john@pve", "", "", false},
		{"jo hn@pve!ci", "", "", false},
		{"a\vb@pve!ci", "", "", false},
		{strings.Repeat("a", 61) + "@pve!ci", "", "", false}, // the user part is too long
		{strings.Repeat("a", 60) + "@pve!ci", strings.Repeat("a", 60) + "@pve", "ci", true},
	}
	for _, tt := range tests {
		user, sub, ok := SplitTokenID(tt.in)
		if user != tt.user || sub != tt.sub || ok != tt.ok {
			t.Errorf("SplitTokenID(%q) = %q, %q, %v; want %q, %q, %v", tt.in, user, sub, ok, tt.user, tt.sub, tt.ok)
		}
		if IsTokenID(tt.in) != tt.ok {
			t.Errorf("IsTokenID(%q) = %v", tt.in, !tt.ok)
		}
	}
}

func TestCheckAuthID(t *testing.T) {
	for in, want := range map[string]string{
		"john@pve": "", "john@pve!ci": "",
		"john":   "value 'john' does not look like a valid user or token id",
		"a\x1bb": `value 'a\x1bb' does not look like`,
	} {
		err := CheckAuthID(in)
		if (err == nil) != (want == "") || err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("CheckAuthID(%q) = %v, want %q", in, err, want)
		}
		if ValidAuthID(in) != (want == "") {
			t.Errorf("ValidAuthID(%q) = %v", in, !(want == ""))
		}
	}
}

// TestNames: realm, group, role and pool names (§1.2).
func TestNames(t *testing.T) {
	tests := []struct {
		in                       string
		realm, group, role, pool bool
	}{
		{"pve", true, true, true, true},
		{"ab", true, true, true, true},
		{"a", false, true, true, true},
		{"1ab", false, true, true, true},
		{"a.b-c_d", true, true, true, true},
		{"a/b", false, false, false, true},
		{"a/b/c", false, false, false, true},
		{"a/b/c/d", false, false, false, false}, // pools nest three levels deep
		{"a//b", false, false, false, false},
		{"a(b", false, false, false, false}, // PVE 9.0.5 fixed the group class
		{"a:b", false, false, false, false},
		{"", false, false, false, false},
		{"ä", false, false, false, false},
	}
	for _, tt := range tests {
		if got := ValidRealm(tt.in); got != tt.realm {
			t.Errorf("ValidRealm(%q) = %v", tt.in, got)
		}
		if got := ValidGroup(tt.in); got != tt.group {
			t.Errorf("ValidGroup(%q) = %v", tt.in, got)
		}
		if got := ValidRole(tt.in); got != tt.role {
			t.Errorf("ValidRole(%q) = %v", tt.in, got)
		}
		if got := ValidPool(tt.in); got != tt.pool {
			t.Errorf("ValidPool(%q) = %v", tt.in, got)
		}
	}
}
