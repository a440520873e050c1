package pveid_test

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/evaluator/native"
	"github.com/pxacl/pxacl/pveid"
)

// idPieces are the parts random ids are made of: the grammar's delimiters,
// Perl's and Go's whitespace (which differ by \v), multi-byte characters and
// an invalid byte.
var idPieces = []string{
	"a", "Z", "0", "9", ".", "-", "_", "@", "!", "/", ":", ",", ";", "%",
	" ", "\t", "\v", "\f", "\r", "\x00", "\x1b", "\x7f", "\xff", "\u00a0",
	"ä", "€", "pve", "pam", "ldap", "john", "root", "tok",
}

// idSeeds are ids on both sides of the grammar's edges, mutated bytewise.
var idSeeds = []string{
	"john@pve", "a@b.com@ldap", "x!y@pve", "john@pve!ci", "a@b.com@ldap!t1",
	strings.Repeat("ä", 31) + "@pve", strings.Repeat("ä", 30) + "@pve", "a\vb@pve",
	strings.Repeat("a", 60) + "@pve", strings.Repeat("a", 61) + "@pve", "root@pam",
}

// randomIDs returns n ids: random concatenations of idPieces, and bytewise
// mutations (replace, insert, delete) of idSeeds.
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
			c := idPieces[r.Intn(len(idPieces))]
			switch r.Intn(3) {
			case 0:
				s = append(s[:i], append([]byte(c), s[i:]...)...)
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
// PVE id answers as pveid does, for random and bytewise-mutated ids:
//   - config/pve keeps a user: line (and its acl: entry) exactly for a valid
//     user id, and a token: line exactly for a valid token id;
//   - the native engine grants the acl: entry's privileges exactly to a
//     valid user id, and nothing to an id it was not given;
//   - the command line (pveid.CheckAuthID, what `pxacl check` and friends
//     call on PVE) accepts exactly the valid user and token ids.
//
// Ids that cannot stand in a user.cfg field (':', a line break, Perl
// whitespace at either end, which the parser trims; ',', ';' or inner
// whitespace or a NUL, which split an acl: list) are checked by the grammar and the
// command line only.
func TestValidatorsAgree(t *testing.T) {
	cat := catalog.MustFor(config.PVE, "")
	r := rand.New(rand.NewSource(12))
	n := 4000
	if testing.Short() {
		n = 500
	}
	var inFile int
	for _, id := range randomIDs(r, n) {
		user := pveid.ValidUserid(id)
		_, _, token := pveid.SplitTokenID(id)
		if (pveid.CheckAuthID(id) == nil) != (user || token) {
			t.Errorf("CheckAuthID(%q) disagrees with ValidUserid %v / SplitTokenID %v", id, user, token)
		}
		if user && token {
			t.Errorf("%q is both a user id and a token id", id)
		}
		if strings.ContainsAny(id, ":\n,;\x00") || strings.Trim(id, pveid.PerlSpace) != id || strings.ContainsAny(id, pveid.PerlSpace) {
			continue
		}
		inFile++
		// the user, an acl: entry for it, and a token of its owner part
		owner := id
		if i := strings.LastIndexByte(id, '!'); i >= 0 {
			owner = id[:i]
		}
		raw := "user:" + id + ":1:0::::::\n" +
			"user:" + owner + ":1:0::::::\n" +
			"token:" + id + ":0:1::\n" +
			"acl:1:/vms:" + owner + "," + id + ":PVEAuditor:\n"
		cfg := pve.Parse([]byte(raw), pve.UserCfg, cat)
		if got := cfg.Users[id] != nil; got != user {
			t.Errorf("config/pve keeps user %q: %v, pveid.ValidUserid: %v", id, got, user)
		}
		if got := cfg.HasToken(id); got != (token && pveid.ValidUserid(owner)) {
			t.Errorf("config/pve keeps token %q: %v, pveid.SplitTokenID: %v", id, got, token)
		}
		doc, err := compiler.CompilePVE(cfg, cat)
		if err != nil {
			t.Fatal(err)
		}
		eng := native.New(doc)
		perms := eng.Permissions(id, "/vms/100")
		if got := perms["VM.Audit"]; got != (user || token && pveid.ValidUserid(owner)) && id != pve.Superuser {
			t.Errorf("native: VM.Audit of %q on /vms/100: %v; user %v, token %v\n%s", id, got, user, token, raw)
		}
		// an id the configuration does not name gets nothing, valid or not
		other := native.New(mustCompile(t, pve.Parse([]byte("acl:1:/:@g:PVEAuditor:\n"), pve.UserCfg, cat), cat))
		if got := other.Permissions(id, "/"); len(got) != 0 && id != pve.Superuser {
			t.Errorf("native: %q unconfigured has %v", id, got)
		}
	}
	if inFile < n/10 {
		t.Errorf("only %d of %d ids reached the parser and the engine", inFile, n)
	}
}

func mustCompile(t *testing.T, cfg *pve.Config, cat *catalog.Catalog) *compiler.Document {
	t.Helper()
	doc, err := compiler.CompilePVE(cfg, cat)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
