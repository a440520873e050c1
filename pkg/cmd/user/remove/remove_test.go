package remove

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdRemove(t *testing.T) {
	for _, tc := range []struct {
		args, id, digest, wantErr string
	}{
		{args: "former@pbs", id: "former@pbs"},
		{args: "former@pbs --digest abc", id: "former@pbs", digest: "abc"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "a@pbs b@pbs", wantErr: "accepts 1 arg(s)"},
		{args: "a@pbs --force", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdRemove, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.UserID != tc.id || got.Digest != tc.digest {
				t.Errorf("options %+v", *got)
			}
		})
	}
}

// Removing a PBS user removes its tokens and their ACL entries; the
// user's own entries stay (docs/semantics.md §4.5).
func TestRemoveRunPBS(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	f, bufs := cmdutil.NewTestFactory(dir)
	if err := removeRun(&RemoveOptions{IO: f.IOStreams, Config: f.Config, UserID: "john@pbs"}); err != nil {
		t.Fatal(err)
	}
	if bufs.Out.Len() != 0 {
		t.Errorf("output %q", bufs.Out)
	}
	users, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if strings.Contains(string(users), "john@pbs") {
		t.Errorf("user.cfg still has john@pbs:\n%s", users)
	}
	acl, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
	if strings.Contains(string(acl), "john@pbs!") {
		t.Errorf("acl.cfg still has john's tokens:\n%s", acl)
	}
	for _, line := range []string{"acl:1:/datastore/store1:john@pbs:DatastoreAdmin\n", "acl:1:/datastore/store1/secret:john@pbs:NoAccess\n",
		"acl:1:/datastore/store1:pve-backup-user@pbs!pve-node-01:DatastoreBackup\n"} {
		if !strings.Contains(string(acl), line) {
			t.Errorf("acl.cfg lacks %q:\n%s", line, acl)
		}
	}
}

// user remove drops the user's tfa.json entry and failure counters, and
// leaves the other users' alone.
func TestRemoveRunTFA(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	s := store.New(dir)
	for _, u := range []string{"john@pbs", "audit@pbs"} {
		if _, err := s.AddRecovery(u); err != nil {
			t.Fatal(err)
		}
		if res, err := s.VerifyTFA(u, "recovery:nope"); err != nil || res.OK {
			t.Fatal(res, err)
		}
	}
	counters := filepath.Join(dir, store.ChallengesSubdir, "john@pbs")
	if _, err := os.Stat(counters); err != nil {
		t.Fatal(err)
	}
	f, _ := cmdutil.NewTestFactory(dir)
	if err := removeRun(&RemoveOptions{IO: f.IOStreams, Config: f.Config, UserID: "john@pbs"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "tfa.json"))
	if strings.Contains(string(data), "john@pbs") || !strings.Contains(string(data), "audit@pbs") {
		t.Errorf("tfa.json after user remove: %s", data)
	}
	if _, err := os.Stat(counters); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failure counters kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, store.ChallengesSubdir, "audit@pbs")); err != nil {
		t.Errorf("another user's counters: %v", err)
	}
}

func TestRemoveRunRejected(t *testing.T) {
	stale := strings.Repeat("0", 64)
	for _, tc := range []struct {
		name, dir, id, digest, wantErr string
	}{
		{"root", "pbs", "root@pam", "", "root@pam cannot be removed"},
		{"unknown", "pbs", "nobody@pbs", "", "no such user 'nobody@pbs'"},
		{"stale digest", "pbs", "john@pbs", stale, "detected modified configuration"},
		{"bad id", "pbs", "john", "", "john"},
		{"pve unknown", "pve", "nobody@pve", "", "nobody@pve"},
		{"pve stale digest", "pve", "alice@pve", stale, "modified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmdtest.Rejected(t, tc.dir, tc.wantErr, func(f *cmdutil.Factory) error {
				return removeRun(&RemoveOptions{IO: f.IOStreams, Config: f.Config, UserID: tc.id, Digest: tc.digest})
			})
		})
	}
}

// pveum user delete: the user leaves user.cfg, its groups and its ACL
// entries; its tokens go with it.
func TestRemoveRunPVE(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	if err := removeRun(&RemoveOptions{IO: f.IOStreams, Config: f.Config, UserID: "deploy@pve"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	s := string(b)
	if strings.Contains(s, "user:deploy@pve") || strings.Contains(s, "token:deploy@pve!ci") || !strings.Contains(s, "group:operators:alice@pve:VM operators:\n") {
		t.Errorf("user.cfg:\n%s", s)
	}
}
