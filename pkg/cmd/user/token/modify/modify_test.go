package modify

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
)

func TestNewCmdModify(t *testing.T) {
	str := func(s string) *string { return &s }
	i64 := func(i int64) *int64 { return &i }
	for _, tc := range []struct {
		args, wantErr string
		comment       *string
		expire        *int64
		privsep       *bool
	}{
		{args: "deploy@pve ci"},
		{args: "deploy@pve ci --privsep 0 --comment hi --expire 0", comment: str("hi"), expire: i64(0), privsep: new(bool)},
		{args: "deploy@pve ci --privsep 2", wantErr: "invalid boolean '2'"},
		{args: "deploy@pve", wantErr: "accepts 2 arg(s)"},
		{args: "deploy@pve ci --enable 0", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdModify, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.UserID != "deploy@pve" || got.TokenID != "ci" || !reflect.DeepEqual(got.Fields.Comment, tc.comment) ||
				!reflect.DeepEqual(got.Fields.Expire, tc.expire) || !reflect.DeepEqual(got.Fields.Privsep, tc.privsep) {
				t.Errorf("options %+v", *got)
			}
		})
	}
}

// The token line is tokenid:expire:privsep:comment (docs/semantics.md pve §1.3).
func TestModifyRun(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	comment, privsep, expire := "hi", false, int64(4102444800)
	opts := &ModifyOptions{IO: f.IOStreams, Config: f.Config, UserID: "deploy@pve", TokenID: "ci"}
	opts.Fields.Comment, opts.Fields.Privsep, opts.Fields.Expire = &comment, &privsep, &expire
	if err := modifyRun(opts); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if !strings.Contains(string(b), "\ntoken:deploy@pve!ci:4102444800:0:hi:\n") {
		t.Errorf("user.cfg:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "priv", "token.cfg")); err == nil {
		t.Errorf("modify wrote a secret")
	}
}

func TestModifyRunRejected(t *testing.T) {
	for _, tc := range []struct {
		name, dir, user, token, digest, wantErr string
	}{
		{"unknown token", "pve", "deploy@pve", "nosuch", "", "nosuch"},
		{"unknown user", "pve", "nobody@pve", "ci", "", "nobody@pve"},
		{"stale digest", "pve", "deploy@pve", "ci", strings.Repeat("0", 64), "modified"},
		{"pbs", "pbs", "john@pbs", "client1", "", "manages Proxmox VE configurations only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.dir)
			before := cmdtest.ConfigFiles(t, dir)
			f, _ := cmdutil.NewTestFactory(dir)
			comment := "x"
			opts := &ModifyOptions{IO: f.IOStreams, Config: f.Config, UserID: tc.user, TokenID: tc.token, Digest: tc.digest}
			opts.Fields.Comment = &comment
			err := modifyRun(opts)
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want exit 2 and %q", err, tc.wantErr)
			}
			if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("files changed")
			}
		})
	}
}
