package pbs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

func TestParseUserCfgExample(t *testing.T) {
	data := readTestdata(t, "user.cfg")
	c, err := ParseUserCfg("user.cfg", data)
	if err != nil {
		t.Fatal(err)
	}
	// §2.1/§8: digest is hex SHA-256 of the raw bytes.
	sum := sha256.Sum256(data)
	if c.Digest != hex.EncodeToString(sum[:]) {
		t.Errorf("digest %s", c.Digest)
	}
	if len(c.Users) != 4 || len(c.Tokens) != 2 {
		t.Fatalf("users %d tokens %d", len(c.Users), len(c.Tokens))
	}
	john := c.User("john@pbs")
	if john == nil || john.Comment != "An example user." || john.Email != "john@example.com" ||
		john.Firstname != "John" || john.Lastname != "Smith" || john.Line != 4 {
		t.Fatalf("john = %+v", john)
	}
	if john.Enable == nil || *john.Enable || john.Expire == nil || *john.Expire != 1767225600 {
		t.Errorf("john enable/expire = %v/%v", john.Enable, john.Expire)
	}
	tok := c.Token("john@pbs!client1")
	if tok == nil || tok.Comment != "backup client" || tok.Enable == nil || !*tok.Enable || tok.Expire == nil || *tok.Expire != 0 {
		t.Fatalf("token = %+v", tok)
	}
	if c.User("jane@ldap1") == nil || c.User("jane@ldap1").Enable != nil {
		t.Error("jane: absent enable must be nil")
	}
	// §6: '@' inside the name, '!' in the name of a token's user.
	if c.User("a@b@pbs") == nil || c.Token("us!er@pbs!t-1") == nil {
		t.Error("a@b@pbs / us!er@pbs!t-1 missing")
	}
	if c.User("nobody@pbs") != nil || c.Token("john@pbs") != nil || c.User("john@pbs!client1") != nil {
		t.Error("lookup of missing id returned an entry")
	}
	// §5.1: a PBS-written file round-trips byte for byte.
	if got := string(c.Write()); got != string(data) {
		t.Errorf("write-back differs:\n%s\nwant:\n%s", got, data)
	}
}

func TestUserCfgNonCanonicalWrite(t *testing.T) {
	// §5.1: header/values trimmed, booleans written true/false, numbers in
	// decimal, keys alphabetical, root@pam injected at the end.
	c, err := ParseUserCfg("user.cfg", readTestdata(t, "user_noncanonical.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	want := string(readTestdata(t, "user_noncanonical.golden"))
	if got := string(c.Write()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestUserCfgRootInjection(t *testing.T) {
	// §5.1: config() injects root@pam (comment Superuser) when missing.
	for _, in := range []string{"", "user: john@pbs\n"} {
		c, err := ParseUserCfg("user.cfg", []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		root := c.Users[len(c.Users)-1]
		if root.Userid != "root@pam" || root.Comment != "Superuser" || root.Line != 0 || c.User("root@pam") != root {
			t.Errorf("%q: last user = %+v", in, root)
		}
		if !strings.HasSuffix(string(c.Write()), "user: root@pam\n\tcomment Superuser\n") {
			t.Errorf("%q: root@pam not written: %q", in, c.Write())
		}
	}
	// present root@pam is kept as is, not duplicated.
	c, err := ParseUserCfg("user.cfg", []byte("user: root@pam\n\temail r@x.y\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Users) != 1 || c.Users[0].Comment != "" {
		t.Errorf("users = %+v", c.Users)
	}
}

func TestUserCfgValues(t *testing.T) {
	// §5.1: booleans 1/0/on/off/yes/no/true/false, case-insensitive.
	for in, want := range map[string]bool{"1": true, "0": false, "on": true, "OFF": false, "Yes": true, "no": false, "TRUE": true, "False": false} {
		c, err := ParseUserCfg("user.cfg", []byte("user: a@pbs\n\tenable "+in+"\n"))
		if err != nil {
			t.Fatalf("enable %s: %v", in, err)
		}
		if e := c.User("a@pbs").Enable; e == nil || *e != want {
			t.Errorf("enable %s = %v", in, e)
		}
	}
	// §5.1: comment up to 128 Unicode chars; names 2..64 chars.
	ok := []string{
		"\tcomment " + strings.Repeat("ü", 128),
		"\tfirstname " + strings.Repeat("ü", 64),
		"\tlastname ab",
		"\temail ab",
		"\texpire 9223372036854775807",
		"\tcomment ",
		"\tuserid a@pbs", // §5.1: the id property is a known key, replaced by the header id
	}
	for _, line := range ok {
		if _, err := ParseUserCfg("user.cfg", []byte("user: a@pbs\n"+line+"\n")); err != nil {
			t.Errorf("%q: %v", line, err)
		}
	}
}

func TestUserCfgErrors(t *testing.T) {
	long := strings.Repeat("c", 129)
	tests := []struct {
		name, in, prefix string
		parts            []string
	}{
		// §5.1: unknown key.
		{"unknown key", "user: a@pbs\n\tpassword x\n", "user.cfg:2:", []string{"'password'"}},
		{"token has no email", "token: a@pbs!t\n\temail ab\n", "user.cfg:2:", []string{"'email'"}},
		// §5.1: duplicate key.
		{"duplicate key", "user: a@pbs\n\tcomment x\n\tcomment y\n", "user.cfg:3:", []string{"'comment'"}},
		// §5.1: comment is at most 128 chars.
		{"comment 129", "user: a@pbs\n\tcomment " + long + "\n", "user.cfg:2:", []string{"'" + long[:64] + "... (129 bytes)'"}}, // cut by safetext
		{"firstname 1", "user: a@pbs\n\tfirstname J\n", "user.cfg:2:", []string{"'J'"}},
		{"email 65", "user: a@pbs\n\temail " + strings.Repeat("e", 65) + "\n", "user.cfg:2:", []string{strings.Repeat("e", 64) + "... (65 bytes)"}},
		{"bad bool", "user: a@pbs\n\tenable maybe\n", "user.cfg:2:", []string{"'maybe'"}},
		{"empty bool", "user: a@pbs\n\tenable \n", "user.cfg:2:", []string{"''"}},
		{"negative expire", "user: a@pbs\n\texpire -1\n", "user.cfg:2:", []string{"'-1'"}},
		{"bad expire", "user: a@pbs\n\texpire 1e3\n", "user.cfg:2:", []string{"'1e3'"}},
		// §5.1: '#' is not a comment.
		{"comment line", "# users\nuser: a@pbs\n", "user.cfg:1:", []string{"'# users'"}},
		// §5.1: unknown section type.
		{"unknown type", "group: admins\n", "user.cfg:1:", []string{"'group'"}},
		// §5.1/§6: section ids use the Userid / token id schemas.
		{"bad user id", "user: john\n", "user.cfg:1:", []string{"'john'"}},
		{"token id as user", "user: a@pbs!t\n", "user.cfg:1:", []string{"'a@pbs!t'"}},
		{"user id as token", "token: a@pbs\n", "user.cfg:1:", []string{"'a@pbs'"}},
		{"user id 65 chars", "user: " + strings.Repeat("a", 61) + "@pbs\n", "user.cfg:1:", []string{strings.Repeat("a", 61) + "@pb... (65 bytes)"}},
		{"nbsp in user id", "user: a\u00a0b@pbs\n", "user.cfg:1:", []string{`'a\u00a0b@pbs'`}}, // the no-break space escaped (safetext)
		{"bad userid property", "user: a@pbs\n\tuserid x\n", "user.cfg:2:", []string{"'x'"}},
		{"missing value", "user: a@pbs\n\tcomment\n", "user.cfg:2:", []string{"'comment'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseUserCfg("user.cfg", []byte(tc.in))
			checkErr(t, err, tc.prefix, tc.parts...)
		})
	}
}

func TestUserCfgMutationAndLookup(t *testing.T) {
	c, err := ParseUserCfg("user.cfg", []byte("user: a@pbs\n\ntoken: a@pbs!t\n"))
	if err != nil {
		t.Fatal(err)
	}
	_ = c.User("a@pbs")
	c.Users = append(c.Users, &User{Userid: "new@pbs"})
	if c.User("new@pbs") == nil {
		t.Error("appended user not found")
	}
	c.Users[0].Userid = "renamed@pbs"
	if c.User("renamed@pbs") != nil && c.User("a@pbs") != nil {
		t.Error("stale index after rename")
	}
	c.Reindex()
	if c.User("renamed@pbs") == nil || c.User("a@pbs") != nil {
		t.Error("Reindex did not pick up rename")
	}
	// §5.1: new sections are appended after the ones in parse order.
	want := "token: a@pbs!t\n\nuser: root@pam\n\tcomment Superuser\n\nuser: renamed@pbs\n\nuser: new@pbs\n"
	if got := string(c.Write()); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func BenchmarkUserLookup(b *testing.B) {
	const n = 1_000_000
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "user: u%d@pbs\n\tenable 1\n\ntoken: u%d@pbs!t\n\n", i, i)
	}
	c, err := ParseUserCfg("user.cfg", []byte(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 1024)
	for i := range ids {
		ids[i] = fmt.Sprintf("u%d@pbs", (i*977)%n)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if c.User(ids[i%len(ids)]) == nil {
			b.Fatal("missing")
		}
	}
}

func BenchmarkParseUserCfg(b *testing.B) {
	var sb strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&sb, "user: u%d@pbs\n\tcomment user %d\n\tenable 1\n\ntoken: u%d@pbs!t\n\n", i, i, i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseUserCfg("user.cfg", data); err != nil {
			b.Fatal(err)
		}
	}
}
