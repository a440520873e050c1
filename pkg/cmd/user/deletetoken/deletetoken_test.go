package deletetoken

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
)

func TestNewCmdDeleteToken(t *testing.T) {
	for _, tc := range []struct {
		args, digest, wantErr string
	}{
		{args: "john@pbs old-laptop"},
		{args: "john@pbs old-laptop --digest ab", digest: "ab"},
		{args: "john@pbs", wantErr: "accepts 2 arg(s)"},
		{args: "john@pbs a b", wantErr: "accepts 2 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdDeleteToken, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.UserID != "john@pbs" || got.TokenName != "old-laptop" || got.Digest != tc.digest {
				t.Errorf("options %+v", *got)
			}
		})
	}
}

// Deleting a token removes its ACL entries too (PBS 3.4+, docs/semantics.md §4.5).
func TestDeleteTokenRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	f, _ := cmdutil.NewTestFactory(dir)
	if err := deleteTokenRun(&DeleteTokenOptions{IO: f.IOStreams, Config: f.Config, UserID: "john@pbs", TokenName: "client1"}); err != nil {
		t.Fatal(err)
	}
	users, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if strings.Contains(string(users), "john@pbs!client1") || !strings.Contains(string(users), "token: john@pbs!old-laptop\n") {
		t.Errorf("user.cfg:\n%s", users)
	}
	acl, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
	if strings.Contains(string(acl), "client1") || !strings.Contains(string(acl), "acl:1:/datastore/store1:john@pbs!old-laptop,pve-backup-user@pbs!pve-node-01:DatastoreBackup\n") {
		t.Errorf("acl.cfg:\n%s", acl)
	}
}

func TestDeleteTokenRunRejected(t *testing.T) {
	for _, tc := range []struct {
		name, dir, user, token, digest, wantErr string
	}{
		{"unknown token", "pbs", "john@pbs", "nope", "", "no such token 'john@pbs!nope'"},
		{"stale digest", "pbs", "john@pbs", "client1", strings.Repeat("0", 64), "detected modified configuration"},
		{"pve", "pve", "druva@pam", "backup", "", "use 'pxacl user token remove'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return deleteTokenRun(&DeleteTokenOptions{IO: f.IOStreams, Config: f.Config, UserID: tc.user, TokenName: tc.token, Digest: tc.digest})
			})
		})
	}
}
