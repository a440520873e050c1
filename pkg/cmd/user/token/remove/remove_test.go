package remove

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
)

func TestNewCmdRemove(t *testing.T) {
	for _, tc := range []struct {
		args, digest, wantErr string
	}{
		{args: "deploy@pve ci"},
		{args: "deploy@pve ci --digest ab", digest: "ab"},
		{args: "deploy@pve", wantErr: "accepts 2 arg(s)"},
		{args: "deploy@pve ci x", wantErr: "accepts 2 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdRemove, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.UserID != "deploy@pve" || got.TokenID != "ci" || got.Digest != tc.digest {
				t.Errorf("options %+v", *got)
			}
		})
	}
}

// pveum user token remove: the token line and its secret go; PVE keeps the
// token's ACL entries in the file (docs/semantics.md pve §1.4).
func TestRemoveRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	if err := os.MkdirAll(filepath.Join(dir, "priv"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "priv", "token.cfg"), []byte("deploy@pve!ci 11111111-2222-3333-4444-555555555555\ndruva@pam!backup 66666666-2222-3333-4444-555555555555\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _ := cmdutil.NewTestFactory(dir)
	if err := removeRun(&RemoveOptions{IO: f.IOStreams, Config: f.Config, UserID: "deploy@pve", TokenID: "ci"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if strings.Contains(string(b), "token:deploy@pve!ci") {
		t.Errorf("user.cfg:\n%s", b)
	}
	tok, _ := os.ReadFile(filepath.Join(dir, "priv", "token.cfg"))
	if string(tok) != "druva@pam!backup 66666666-2222-3333-4444-555555555555\n" {
		t.Errorf("token.cfg %q", tok)
	}
}

func TestRemoveRunRejected(t *testing.T) {
	for _, tc := range []struct {
		name, dir, user, token, digest, wantErr string
	}{
		{"unknown token", "pve", "alice@pve", "nosuch", "", "nosuch"},
		{"stale digest", "pve", "deploy@pve", "ci", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "john@pbs", "client1", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return removeRun(&RemoveOptions{IO: f.IOStreams, Config: f.Config, UserID: tc.user, TokenID: tc.token, Digest: tc.digest})
			})
		})
	}
}
