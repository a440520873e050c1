package add

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
)

func TestNewCmdAdd(t *testing.T) {
	for _, tc := range []struct {
		args, stdin, wantErr string
		typ                  string
		set                  map[string]string
		password             *string
	}{
		{args: "corp --type ldap --server1 ldap.example.com --base-dn dc=x --user-attr uid", typ: "ldap",
			set: map[string]string{"server1": "ldap.example.com", "base-dn": "dc=x", "user-attr": "uid"}},
		// PVE's underscore names are accepted
		{args: "corp --type ldap --base_dn dc=x --bind_dn cn=svc", typ: "ldap", set: map[string]string{"base-dn": "dc=x", "bind-dn": "cn=svc"}},
		{args: "create --type openid --issuer-url https://sso --client-id pbs", typ: "openid", set: map[string]string{"issuer-url": "https://sso", "client-id": "pbs"}},
		{args: "corp --type ad --password-stdin", stdin: "Bind-S3cret!\n", typ: "ad", set: map[string]string{}, password: new(string)},
		{args: "corp", wantErr: `required flag(s) "type" not set`},
		{args: "--type ldap", wantErr: "accepts 1 arg(s)"},
		{args: "corp --type ldap --nosuch x", wantErr: "unknown flag"},
		{args: "corp --type ad --password x --password-stdin", wantErr: "exclude each other"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory(".")
			bufs.In.WriteString(tc.stdin)
			var got *AddOptions
			var pw *string
			err := cmdutil.ExecuteArgs(NewCmdAdd(f, func(o *AddOptions) error {
				got = o
				var err error
				pw, err = o.Password()
				return err
			}), tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Type != tc.typ || !reflect.DeepEqual(got.Set, tc.set) || (pw == nil) != (tc.password == nil) {
				t.Errorf("options %+v, password %v", *got, pw)
			}
			if pw != nil && *pw != "Bind-S3cret!" {
				t.Errorf("password %q", *pw)
			}
		})
	}
}

// The bind password is stored where the product keeps it, mode 0600,
// never in domains.cfg (docs/semantics.md §5.4).
func TestAddRun(t *testing.T) {
	const secret = "Bind-S3cret!"
	for _, tc := range []struct {
		flavor, pwFile, want string
	}{
		{"pbs", "ldap_passwords.json", "ldap: corp2\n\tbase-dn dc=example,dc=com\n\tcomment Corp\n\tserver1 ldap.example.com\n\tuser-attr uid\n"},
		{"pve", "priv/realm/corp2.pw", "ldap: corp2\n"},
	} {
		t.Run(tc.flavor, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.flavor)
			f, bufs := cmdutil.NewTestFactory(dir)
			pw := secret
			err := addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, Realm: "corp2", Type: "ldap",
				Set:      map[string]string{"comment": "Corp", "server1": "ldap.example.com", "base-dn": "dc=example,dc=com", "user-attr": "uid"},
				Password: func() (*string, error) { return &pw, nil }})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(bufs.Out.String()+bufs.ErrOut.String(), secret) {
				t.Errorf("secret printed")
			}
			cfg, _ := os.ReadFile(filepath.Join(dir, "domains.cfg"))
			if strings.Contains(string(cfg), secret) || !strings.Contains(string(cfg), tc.want) {
				t.Errorf("domains.cfg:\n%s", cfg)
			}
			b, err := os.ReadFile(filepath.Join(dir, tc.pwFile))
			if err != nil || !strings.Contains(string(b), secret) {
				t.Errorf("%s: %q %v", tc.pwFile, b, err)
			}
			if st, _ := os.Stat(filepath.Join(dir, tc.pwFile)); st == nil || st.Mode().Perm() != 0o600 {
				t.Errorf("%s mode: %v", tc.pwFile, st)
			}
		})
	}
}

func TestAddRunRejected(t *testing.T) {
	for _, flavor := range []string{"pbs", "pve"} {
		for _, tc := range []struct {
			name, realm, typ string
			set              map[string]string
			password         bool
		}{
			{"exists", "pam", "ldap", map[string]string{"server1": "x", "base-dn": "d", "user-attr": "uid"}, false},
			{"missing properties", "z9", "ldap", map[string]string{"server1": "x"}, false},
			{"unknown type", "z9", "nope", nil, false},
			{"openid with a bind password", "sso2", "openid", map[string]string{"issuer-url": "https://x", "client-id": "c"}, true},
		} {
			t.Run(flavor+"/"+tc.name, func(t *testing.T) {
				dir := cmdtest.CopyExample(t, flavor)
				before := cmdtest.ConfigFiles(t, dir)
				f, _ := cmdutil.NewTestFactory(dir)
				pw := "pw-secret"
				err := addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, Realm: tc.realm, Type: tc.typ, Set: tc.set,
					Password: func() (*string, error) {
						if tc.password {
							return &pw, nil
						}
						return nil, nil
					}})
				if cmdutil.ExitCode(err) != 2 || strings.Contains(err.Error(), pw) {
					t.Fatalf("error %v, want exit 2", err)
				}
				if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
					t.Errorf("files changed")
				}
			})
		}
	}
}
