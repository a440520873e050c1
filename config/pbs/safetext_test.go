package pbs

import (
	"strings"
	"testing"
)

// Values read from the configuration are shown escaped and cut (package
// internal/safetext): an error never carries a 5 MB value (serve copies
// errors into /health, a metrics label and a log line), and invisible or
// control characters are visible as escapes.
func TestErrorsShowValuesSafely(t *testing.T) {
	huge := strings.Repeat("x", 5<<20)
	isRole := func(r string) bool { return r == "Admin" }
	cases := []struct {
		name string
		err  func() error
		want []string
	}{
		{"5 MB property value", func() error {
			_, err := ParseUserCfg("user.cfg", []byte("user: a@pbs\n\tenable "+huge+"\n"))
			return err
		}, []string{"user.cfg:2:", "(5242880 bytes)"}},
		{"5 MB comment", func() error {
			_, err := ParseUserCfg("user.cfg", []byte("user: a@pbs\n\tcomment "+huge+"\n"))
			return err
		}, []string{"user.cfg:2:", "(5242880 bytes)"}},
		{"5 MB acl.cfg line", func() error {
			_, err := ParseACLCfg("acl.cfg", []byte("acl:1:/:a@pbs:"+huge+"\n"), isRole)
			return err
		}, []string{"acl.cfg:1:", "(5242880 bytes)"}},
		{"5 MB section id", func() error {
			_, err := ParseUserCfg("user.cfg", []byte("user: "+huge+"@pbs\n"))
			return err
		}, []string{"user.cfg:1:", "(5242884 bytes)"}},
		{"5 MB realm property", func() error {
			_, err := ParseDomainsCfg("domains.cfg", []byte("openid: r1\n\tissuer-url "+huge+"\n"))
			return err
		}, []string{"domains.cfg:"}},
		// a UTF-8 BOM (an editor's) showed as "got 'acl'"
		{"BOM before acl", func() error {
			_, err := ParseACLCfg("acl.cfg", []byte("\ufeffacl:1:/:a@pbs:Admin\n"), isRole)
			return err
		}, []string{`acl.cfg:1:`, `got '\ufeffacl'`}},
		{"ESC in a role", func() error {
			_, err := ParseACLCfg("acl.cfg", []byte("acl:1:/:a@pbs:\x1b[2JAdmin\n"), isRole)
			return err
		}, []string{`unknown role '\x1b[2JAdmin'`}},
		{"invalid UTF-8 line", func() error {
			_, err := ParseACLCfg("acl.cfg", []byte("acl:1:/:a@pbs:Adm\xffin\n"), isRole)
			return err
		}, []string{`\xff`}},
		{"newline-free control char in a property", func() error {
			_, err := ParseUserCfg("user.cfg", []byte("user: a@pbs\n\tcomment a\x07b\n"))
			return err
		}, []string{`'a\x07b'`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if len(msg) > 300 {
				t.Errorf("%d-byte error: %.300q", len(msg), msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.ContainsAny(msg, "\x1b\x07\ufeff") || !isValidText(msg) {
				t.Errorf("raw control or invisible character in %q", msg)
			}
		})
	}
}

func isValidText(s string) bool { return strings.ToValidUTF8(s, "?") == s }
