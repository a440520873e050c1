package generatetoken

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

func TestNewCmdGenerateToken(t *testing.T) {
	str := func(s string) *string { return &s }
	i64 := func(i int64) *int64 { return &i }
	for _, tc := range []struct {
		args, wantErr string
		comment       *string
		enable        *bool
		expire        *int64
	}{
		{args: "john@pbs ci"},
		{args: "john@pbs ci --comment laptop --enable 0 --expire 4102444800 --digest ab", comment: str("laptop"), enable: new(bool), expire: i64(4102444800)},
		{args: "john@pbs ci --comment=", comment: str("")},
		{args: "john@pbs ci --enable maybe", wantErr: "invalid boolean 'maybe'"},
		{args: "john@pbs ci --expire tomorrow", wantErr: "invalid argument"},
		{args: "john@pbs", wantErr: "accepts 2 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdGenerateToken, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.UserID != "john@pbs" || got.TokenName != "ci" || !reflect.DeepEqual(got.Fields.Comment, tc.comment) ||
				!reflect.DeepEqual(got.Fields.Enable, tc.enable) || !reflect.DeepEqual(got.Fields.Expire, tc.expire) {
				t.Errorf("options %+v", *got)
			}
			if strings.Contains(tc.args, "--digest ab") != (got.Digest == "ab") {
				t.Errorf("digest %q", got.Digest)
			}
		})
	}
}

// The secret is printed once, as proxmox-backup-manager does ("Result: "
// and the pretty JSON in text mode), and only its hash is stored
// (docs/semantics.md §5.2).
func TestGenerateTokenRun(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, "pbs")
			f, bufs := cmdutil.NewTestFactory(dir)
			f.Config.OutputFormat = format
			comment := "second laptop"
			opts := &GenerateTokenOptions{IO: f.IOStreams, Config: f.Config, UserID: "john@pbs", TokenName: "client2"}
			opts.Fields.Comment = &comment
			if err := generateTokenRun(opts); err != nil {
				t.Fatal(err)
			}
			out := bufs.Out.String()
			if format == "text" {
				if !strings.HasPrefix(out, "Result: {\n  \"tokenid\": \"john@pbs!client2\",\n  \"value\": \"") {
					t.Errorf("output %q", out)
				}
				out = strings.TrimPrefix(out, "Result: ")
			}
			var sec struct{ Tokenid, Value string }
			if err := json.Unmarshal([]byte(out), &sec); err != nil || sec.Tokenid != "john@pbs!client2" ||
				!regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(sec.Value) {
				t.Fatalf("output %q: %v", out, err)
			}
			users, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
			if !strings.Contains(string(users), "token: john@pbs!client2\n\tcomment second laptop\n") {
				t.Errorf("user.cfg:\n%s", users)
			}
			shadow, err := os.ReadFile(filepath.Join(dir, "token.shadow"))
			if err != nil || !strings.Contains(string(shadow), `"john@pbs!client2":"$5$`) || strings.Contains(string(shadow), sec.Value) {
				t.Errorf("token.shadow %s: %v", shadow, err)
			}
		})
	}
}

func TestGenerateTokenRunRejected(t *testing.T) {
	stale := strings.Repeat("0", 64)
	for _, tc := range []struct {
		name, dir, user, token, digest, wantErr string
	}{
		{"unknown user", "pbs", "nobody@pbs", "t", "", "no such user 'nobody@pbs'"},
		{"exists", "pbs", "john@pbs", "client1", "", "token 'client1' for user 'john@pbs' already exists."},
		{"bad name", "pbs", "john@pbs", "bad!name", "", "invalid token name"},
		{"stale digest", "pbs", "john@pbs", "t2", stale, "detected modified configuration"},
		// pveum spells it 'user token add'; PBS files are never written into a PVE directory
		{"pve", "pve", "alice@pve", "t", "", "use 'pxacl user token add'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.dir)
			before := cmdtest.ConfigFiles(t, dir)
			f, bufs := cmdutil.NewTestFactory(dir)
			err := generateTokenRun(&GenerateTokenOptions{IO: f.IOStreams, Config: f.Config, UserID: tc.user, TokenName: tc.token, Digest: tc.digest})
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
