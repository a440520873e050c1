package add

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
)

func TestNewCmdAdd(t *testing.T) {
	str := func(s string) *string { return &s }
	i64 := func(i int64) *int64 { return &i }
	yes := true
	for _, tc := range []struct {
		args, wantErr string
		comment       *string
		expire        *int64
		privsep       *bool
	}{
		{args: "alice@pve backup"},
		{args: "alice@pve backup --privsep 0 --comment agent --expire 4102444800 --digest ab", comment: str("agent"), expire: i64(4102444800), privsep: new(bool)},
		{args: "alice@pve backup --privsep 1", privsep: &yes},
		{args: "alice@pve backup --privsep maybe", wantErr: "invalid boolean 'maybe'"},
		{args: "alice@pve backup --expire never", wantErr: "invalid argument"},
		{args: "alice@pve", wantErr: "accepts 2 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdAdd, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.UserID != "alice@pve" || got.TokenID != "backup" || !reflect.DeepEqual(got.Fields.Comment, tc.comment) ||
				!reflect.DeepEqual(got.Fields.Expire, tc.expire) || !reflect.DeepEqual(got.Fields.Privsep, tc.privsep) {
				t.Errorf("options %+v", *got)
			}
			if strings.Contains(tc.args, "--digest ab") != (got.Digest == "ab") {
				t.Errorf("digest %q", got.Digest)
			}
		})
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// pveum user token add: the token line in user.cfg (docs/semantics.md pve
// §1.3), the secret in priv/token.cfg, printed once.
func TestAddRun(t *testing.T) {
	t.Run("text", func(t *testing.T) {
		dir := cmdtest.CopyExample(t, "pve")
		f, bufs := cmdutil.NewTestFactory(dir)
		comment, privsep := "backup agent", false
		opts := &AddOptions{IO: f.IOStreams, Config: f.Config, UserID: "alice@pve", TokenID: "backup"}
		opts.Fields.Comment, opts.Fields.Privsep = &comment, &privsep
		if err := addRun(opts); err != nil {
			t.Fatal(err)
		}
		out := bufs.Out.String()
		m := regexp.MustCompile(`│ value        │ (\S+) +│`).FindStringSubmatch(out)
		if !strings.Contains(out, "│ full-tokenid │ alice@pve!backup ") || !strings.Contains(out, `│ info         │ {"comment":"backup agent","expire":0,"privsep":0} │`) ||
			m == nil || !uuidRE.MatchString(m[1]) {
			t.Fatalf("output:\n%s", out)
		}
		users, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
		if !strings.Contains(string(users), "user:alice@pve:1:0:Alice:Admin:alice@example.com:VM operator::\ntoken:alice@pve!backup:0:0:backup agent:\n") {
			t.Errorf("user.cfg:\n%s", users)
		}
		tok, _ := os.ReadFile(filepath.Join(dir, "priv", "token.cfg"))
		if string(tok) != "alice@pve!backup "+m[1]+"\n" {
			t.Errorf("token.cfg %q", tok)
		}
	})
	t.Run("json", func(t *testing.T) {
		dir := cmdtest.CopyExample(t, "pve")
		f, bufs := cmdutil.NewTestFactory(dir)
		f.Config.OutputFormat = "json"
		if err := addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, UserID: "alice@pve", TokenID: "b2"}); err != nil {
			t.Fatal(err)
		}
		var v struct {
			FullTokenID string         `json:"full-tokenid"`
			Info        map[string]any `json:"info"`
			Value       string         `json:"value"`
		}
		if err := json.Unmarshal(bufs.Out.Bytes(), &v); err != nil || v.FullTokenID != "alice@pve!b2" || v.Info["privsep"] != 1.0 || !uuidRE.MatchString(v.Value) {
			t.Errorf("output %s: %v", bufs.Out, err)
		}
	})
}

func TestAddRunRejected(t *testing.T) {
	for _, tc := range []struct {
		name, dir, user, token, digest, wantErr string
	}{
		{"unknown user", "pve", "nobody@pve", "t1", "", "nobody@pve"},
		{"exists", "pve", "druva@pam", "backup", "", "Token already exists."},
		// PVE's token id: a letter, then at least one more character
		{"bad token id", "pve", "alice@pve", "t", "", "invalid token ID 't'"},
		{"stale digest", "pve", "alice@pve", "t1", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "john@pbs", "t", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.dir)
			before := cmdtest.ConfigFiles(t, dir)
			f, bufs := cmdutil.NewTestFactory(dir)
			err := addRun(&AddOptions{IO: f.IOStreams, Config: f.Config, UserID: tc.user, TokenID: tc.token, Digest: tc.digest})
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want exit 2 and %q", err, tc.wantErr)
			}
			if bufs.Out.Len() != 0 {
				t.Errorf("output %q", bufs.Out)
			}
			if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("files changed")
			}
		})
	}
}
