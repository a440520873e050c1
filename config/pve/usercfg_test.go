package pve

import (
	"strings"
	"testing"

	"github.com/pxacl/pxacl/catalog"
)

var cat = catalog.MustLoad("pve")

// canonical is user.cfg as PVE's write_user_config writes it (§1.4):
// users with their tokens, groups, pools, custom roles, ACLs grouped by
// (propagate, role list), root@pam's ACL entries never written.
const canonical = `user:alice@pve:1:0:Al%3Ai%25ce:M%C3%BCller:alice@example.com:a comment::
token:alice@pve!ta:0:1:tok:
token:alice@pve!tb:1700000000:0::
user:bob@pve:0:1893456000:::::x:
user:root@pam:1:0:::root@example.com:::

group:admins:alice@pve,bob@pve,ghost@pve:Admins:
group:empty:::

pool:prod:Production:100,1000,101:local,nfs:
pool:test:::local:

role:Backup:Datastore.Audit,VM.Audit,VM.Backup:
role:Empty::

acl:1:/:@admins,alice@pve:PVEAuditor:
acl:0:/nodes/n1:@admins,alice@pve!ta,bob@pve:PVEAuditor,PVESysAdmin:
acl:1:/nodes/n1:alice@pve:Backup:
acl:1:/vms/100:bob@pve:NoAccess:
`

func TestRoundTripCanonical(t *testing.T) {
	c := Parse([]byte(canonical), UserCfg, cat)
	if got := string(c.Write()); got != canonical {
		t.Errorf("round trip differs:\n got:\n%s\nwant:\n%s", got, canonical)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0].String(), "user.cfg:7: ") || !strings.Contains(c.Warnings[0].Msg, "ghost@pve") {
		t.Errorf("warnings = %v, want one for the ghost member on line 7", c.Warnings)
	}
}

func TestParseEmpty(t *testing.T) {
	// §1.4: parse('') writes root@pam and four empty blocks
	if got := string(Parse(nil, UserCfg, cat).Write()); got != "user:root@pam:1:0::::::\n\n\n\n\n" {
		t.Errorf("got %q", got)
	}
}

func TestParseSemantics(t *testing.T) {
	src := strings.Join([]string{
		"# a comment is not a comment",                              // 1 warning
		"user:bare@pve",                                             // 2 disabled (§1.3)
		"token:late@pve!t:0:1::",                                    // 3 user not yet defined: ignored
		"user:late@pve:1:0::::::",                                   // 4
		"token:late@pve!t2:",                                        // 5 missing privsep = 0
		"user:bad user@pve:1:0::::::",                               // 6 invalid userid: warning
		"user:x@pve:1:soon::::::",                                   // 7 bad expire: ignored
		"group:g1:late@pve;ghost@pve bare@pve::",                    // 8 separators; ghost kept (warning)
		"role:Custom:VM.Audit,VM.Monitor,Sys.Audit:",                // 9 unknown privilege dropped
		"role:PVEAuditor:Sys.PowerMgmt:",                            // 10 built-in: ignored
		"acl:1:/vms:late@pve:Later:",                                // 11 role defined later: dropped
		"role:Later:VM.Audit:",                                      // 12
		"acl:yes://vms//100/:@g1,late@pve!t2,late@pve!nope:Custom:", // 13 unknown token dropped
		"pool:p1::100,abc:local:",                                   // 14 abc invalid
		"pool:p2::100,200:local:",                                   // 15 100 already in p1
		"pool:a/b/c::300::",                                         // 16 nested: parents created
		"acl:1:/bad path:late@pve:Custom:",                          // 17 invalid path
		"bogus:line",                                                // 18
	}, "\n")
	c := Parse([]byte(src), UserCfg, cat)
	if u := c.Users["bare@pve"]; u == nil || u.Enable {
		t.Errorf("bare user: %+v, want present and disabled", u)
	}
	if u := c.Users["late@pve"]; len(u.Tokens) != 1 || u.Tokens["t2"] == nil || u.Tokens["t2"].Privsep {
		t.Errorf("late@pve tokens: %+v", u.Tokens)
	}
	if c.Users["x@pve"] != nil {
		t.Error("user with bad expire kept")
	}
	if g := c.Groups["g1"]; !g.Members["ghost@pve"] || !g.Members["bare@pve"] || !g.Members["late@pve"] {
		t.Errorf("g1 members: %v", g.Members)
	}
	if r := c.Roles["Custom"]; len(r.Privs) != 2 || r.Privs["VM.Monitor"] {
		t.Errorf("Custom role: %v", r.Privs)
	}
	if c.Roles["PVEAuditor"] != nil {
		t.Error("built-in role redefined")
	}
	vms := c.ACL.Children["vms"]
	if vms == nil || len(vms.Users) != 0 {
		t.Errorf("acl with a later role kept: %+v", vms)
	}
	n := vms.Children["100"]
	if n == nil || !n.Groups["g1"]["Custom"].Propagate || n.Tokens["late@pve!t2"] == nil || len(n.Tokens) != 1 {
		t.Errorf("/vms/100: %+v", n)
	}
	if c.VMPool["100"] != "p1" || c.Pools["p2"].VMs["100"] || !c.Pools["p2"].VMs["200"] {
		t.Errorf("vm pools: %v", c.VMPool)
	}
	if c.Pools["a"] == nil || c.Pools["a/b"] == nil || !c.Pools["a/b/c"].VMs["300"] {
		t.Errorf("nested pools: %v", c.Pools)
	}
	if c.Users[Superuser] == nil || !c.Users[Superuser].Enable {
		t.Error("root@pam not added")
	}
	lines := map[int]bool{}
	for _, w := range c.Warnings {
		if w.File != UserCfg {
			t.Errorf("warning without file: %v", w)
		}
		lines[w.Line] = true
	}
	for _, l := range []int{1, 3, 6, 7, 8, 9, 10, 11, 13, 14, 15, 17, 18} {
		if !lines[l] {
			t.Errorf("no warning for line %d; warnings: %v", l, c.Warnings)
		}
	}
}

func TestTextEncoding(t *testing.T) {
	for in, want := range map[string]string{"a:b%c": "a%3Ab%25c", "ü": "%C3%BC", "x\ny": "x%0Ay", "plain text!": "plain text!"} {
		if got := EncodeText(in); got != want {
			t.Errorf("EncodeText(%q) = %q, want %q", in, got, want)
		}
		if got := DecodeText(want); got != in {
			t.Errorf("DecodeText(%q) = %q, want %q", want, got, in)
		}
	}
}

// TestRepeatedLines: as parse_user_config does (§1.3), a repeated user line
// replaces the user (its tokens are lost), repeated group, role and pool
// lines add to them, a repeated token line updates it; falsy ("0") text
// fields are not stored.
func TestRepeatedLines(t *testing.T) {
	c := Parse([]byte(strings.Join([]string{
		"user:a@pve:1:0::::::",
		"token:a@pve!tk:0:1:first:",
		"user:b@pve:1:0::::0::",
		"token:b@pve!tk:0:1:first:",
		"token:b@pve!tk:5:0::",
		"user:a@pve:1:0::::::",
		"group:g:a@pve:c1:",
		"group:g:b@pve::",
		"role:R:VM.Audit:",
		"role:R:Sys.Audit:",
		"pool:p:c:100::",
		"pool:p::101:local:",
		"acl:1:/x:nope:R:",
	}, "\n")), UserCfg, cat)
	if len(c.Users["a@pve"].Tokens) != 0 {
		t.Errorf("a@pve kept its tokens: %v", c.Users["a@pve"].Tokens)
	}
	if tok := c.Users["b@pve"].Tokens["tk"]; tok.Comment != "first" || tok.Privsep || tok.Expire != 5 {
		t.Errorf("b@pve!tk = %+v", tok)
	}
	if c.Users["b@pve"].Comment != "" {
		t.Errorf("comment %q stored", c.Users["b@pve"].Comment)
	}
	if g := c.Groups["g"]; len(g.Members) != 2 || g.Comment != "c1" {
		t.Errorf("group g = %+v", g)
	}
	if len(c.Roles["R"].Privs) != 2 {
		t.Errorf("role R = %v", c.Roles["R"].Privs)
	}
	if p := c.Pools["p"]; len(p.VMs) != 2 || p.Comment != "c" || !p.Storages["local"] {
		t.Errorf("pool p = %+v", p)
	}
	if len(c.ACL.Children) != 0 {
		t.Errorf("an ACL line without a valid member created a node: %v", c.ACL.Children)
	}
}

// TestWriterPerlQuirks: what PVE's own parse and write do with values the
// API never produces. write_user_config writes a text field only when it
// is Perl-true (§1.4: `$d->{firstname} ? encode_text(...) : ""`), so a
// decoded "0" is dropped; split_list and the userid grammar use Perl's \s,
// which includes \v (§1.1, §1.2).
func TestWriterPerlQuirks(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"firstname %30 decodes to 0 and is not written", "user:a@pve:1:0:%30:%30::%30::\n",
			"user:a@pve:1:0::::::\n"},
		{"token, group and pool comments", "user:a@pve:1:0::::::\ntoken:a@pve!tk:0:1:%30:\ngroup:g:a@pve:%30:\npool:p:%30:::\n",
			"token:a@pve!tk:0:1::\nuser:root@pam:1:0::::::\n\ngroup:g:a@pve::\n\npool:p::::\n"},
		{"\\v separates group members", "user:a@pve:1:0::::::\nuser:b@pve:1:0::::::\ngroup:g:a@pve\vb@pve::\n",
			"group:g:a@pve,b@pve::\n"},
		{"\\v is not allowed in a userid", "user:x\vy@pve:1:0::::::\n", "user:root@pam:1:0::::::\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(Parse([]byte(tc.in), UserCfg, cat).Write())
			if !strings.Contains(got, tc.want) {
				t.Errorf("write of %q:\n%s\nwant it to contain %q", tc.in, got, tc.want)
			}
		})
	}
}

// Warnings show config values escaped and cut (internal/safetext): an ESC
// sequence in user.cfg must not reach the terminal, nor a 5 MB id a log.
func TestWarningsShowValuesSafely(t *testing.T) {
	in := "user:\x1b[2Jevil:1:0::::::\n" + // invalid user name
		"bogus\x1b]0;title\x07:line\n" + // unknown line type
		"role:R\ufeff1:VM.Audit:\n" + // invalid role name (BOM)
		"group:" + strings.Repeat("g", 5<<20) + "!:\n" // 5 MB invalid group name
	c := Parse([]byte(in), UserCfg, cat)
	if len(c.Warnings) != 4 {
		t.Fatalf("warnings: %v", c.Warnings)
	}
	for i, want := range []string{`'\x1b[2Jevil'`, `bogus\x1b]0;title\x07:line`, `'R\ufeff1'`, "(5242881 bytes)"} {
		msg := c.Warnings[i].String()
		if !strings.Contains(msg, want) || strings.ContainsAny(msg, "\x1b\x07\ufeff") || len(msg) > 300 {
			t.Errorf("warning %d: %.300q, want it to contain %q, escaped and short", i, msg, want)
		}
	}
}
