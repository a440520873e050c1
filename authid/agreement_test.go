package authid_test

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/policytest"
)

var idPieces = []string{
	"a", "Z", "0", "_", ".", "-", "@", "!", "/", ":", "%", " ", "\t", "\v",
	"\x00", "\x1b", "\x7f", "\xff", "\u00a0", "\u2003", "ä", "pbs", "pam", "john", "tok",
}

var idSeeds = []string{
	"john@pbs", "a@b.com@ldap", "x!y@pbs", "john@pbs!ci", "a@pbs!_t",
	strings.Repeat("ä", 29) + "@pbs", strings.Repeat("ä", 30) + "@pbs", "a\vb@pbs",
	strings.Repeat("a", 60) + "@pbs", "a@" + strings.Repeat("r", 33), "root@pam",
}

func randomIDs(r *rand.Rand, n int) []string {
	out := append([]string(nil), idSeeds...)
	for len(out) < n {
		if r.Intn(2) == 0 {
			var b strings.Builder
			for range 1 + r.Intn(12) {
				b.WriteString(idPieces[r.Intn(len(idPieces))])
			}
			out = append(out, b.String())
			continue
		}
		s := []byte(idSeeds[r.Intn(len(idSeeds))])
		for range 1 + r.Intn(3) {
			i := r.Intn(len(s) + 1)
			switch r.Intn(3) {
			case 0:
				s = append(s[:i], append([]byte(idPieces[r.Intn(len(idPieces))]), s[i:]...)...)
			case 1:
				if i < len(s) {
					s = append(s[:i], s[i+1:]...)
				}
			default:
				if i < len(s) {
					s[i] = byte(r.Intn(256))
				}
			}
		}
		out = append(out, string(s))
	}
	return out
}

// TestValidatorsAgree is the property that every component validating a
// PBS auth id answers as authid does, for random and bytewise-mutated ids:
// config/pbs accepts a user section exactly for an id ValidateSchema
// accepts as a user and a token section exactly for a token, and a `pxacl
// test` file (policytest.Parse) accepts exactly the ids authid.ParseAny
// does, which is also what the command line calls. Ids that cannot stand in
// a section header (whitespace, control characters, invalid UTF-8) are
// checked by policytest and authid only.
func TestValidatorsAgree(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	n := 3000
	if testing.Short() {
		n = 500
	}
	for _, id := range randomIDs(r, n) {
		a, err := authid.ParseAny(id)
		anyOK := err == nil
		_, userErr := authid.ValidateSchema(id, false)
		_, tokenErr := authid.ValidateSchema(id, true)
		if want := anyOK && !a.IsToken(); (userErr == nil) != want {
			t.Errorf("ValidateSchema(%q, false) = %v, ParseAny says user %v", id, userErr, want)
		}
		if want := anyOK && a.IsToken(); (tokenErr == nil) != want {
			t.Errorf("ValidateSchema(%q, true) = %v, ParseAny says token %v", id, tokenErr, want)
		}
		if utf8.ValidString(id) {
			q, _ := json.Marshal(id) // a YAML double-quoted scalar
			f := "tests:\n  - name: t\n    auth_id: " + string(q) + "\n    path: /\n    deny: [Sys.Audit]\n"
			_, err := policytest.Parse("t.yaml", []byte(f))
			bad := err != nil && strings.Contains(err.Error(), "invalid auth id")
			if err != nil && !bad && !strings.Contains(err.Error(), "invalid YAML") {
				t.Fatalf("policytest.Parse(%q): %v", id, err)
			}
			if (err == nil || bad) && bad == anyOK {
				t.Errorf("policytest accepts %q: %v, authid.ParseAny: %v", id, !bad, anyOK)
			}
		}
		if !utf8.ValidString(id) || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			continue
		}
		typ := "user"
		if strings.Contains(id, "!") && strings.LastIndexByte(id, '!') > strings.LastIndexByte(id, '@') {
			typ = "token"
		}
		_, err = pbs.ParseUserCfg("user.cfg", []byte(typ+": "+id+"\n"))
		want := userErr == nil
		if typ == "token" {
			want = tokenErr == nil
		}
		if (err == nil) != want {
			t.Errorf("config/pbs %s section %q: %v; authid: %v", typ, id, err, want)
		}
	}
}
