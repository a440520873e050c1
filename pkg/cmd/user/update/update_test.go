package update

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdUpdate(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		args, stdin, wantErr string
		email, groups        *string
		enable               *bool
		delete               []string
		append               bool
		password             *string
	}{
		{args: "john@pbs --email j@example.com --enable 0 --digest ab", email: str("j@example.com"), enable: new(bool)},
		{args: "john@pbs --delete comment,firstname --delete email", delete: []string{"comment", "firstname", "email"}},
		{args: "alice@pve --groups a,b --append", groups: str("a,b"), append: true},
		{args: "john@pbs --password-stdin", stdin: "s3cret-pass\r\n", password: str("s3cret-pass")},
		{args: "modify", wantErr: ""}, // the user id "modify"
		{args: "john@pbs --password x --password-stdin", wantErr: "exclude each other"},
		{args: "john@pbs --password-stdin", wantErr: "stdin is empty"},
		{args: "john@pbs --enable maybe", wantErr: "enable"},
		{args: "john@pbs --expire soon", wantErr: "invalid argument"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "a@pbs b@pbs", wantErr: "accepts 1 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory(".")
			bufs.In.WriteString(tc.stdin)
			var got *UpdateOptions
			var pw *string
			err := cmdutil.ExecuteArgs(NewCmdUpdate(f, func(o *UpdateOptions) error {
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
			if !reflect.DeepEqual(got.Fields.Email, tc.email) || !reflect.DeepEqual(got.Fields.Enable, tc.enable) ||
				!reflect.DeepEqual(got.Groups, tc.groups) || got.Append != tc.append || !reflect.DeepEqual(pw, tc.password) ||
				strings.Join(got.Delete, ",") != strings.Join(tc.delete, ",") {
				t.Errorf("options %+v, password %v", *got, pw)
			}
			if strings.Contains(tc.args, "--digest ab") && got.Digest != "ab" {
				t.Errorf("digest %q", got.Digest)
			}
		})
	}
}

func noPassword() (*string, error) { return nil, nil }

func TestUpdateRunPBS(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	f, _ := cmdutil.NewTestFactory(dir)
	email := "john.smith@example.com"
	disabled := false
	opts := &UpdateOptions{IO: f.IOStreams, Config: f.Config, UserID: "john@pbs", Delete: []string{"comment", "firstname"}, Password: noPassword}
	opts.Fields.Email, opts.Fields.Enable = &email, &disabled
	if err := updateRun(opts); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if want := "user: john@pbs\n\temail john.smith@example.com\n\tenable false\n\tlastname Smith\n\n"; !strings.Contains(string(b), want) {
		t.Errorf("user.cfg lacks %q:\n%s", want, b)
	}
	// a no-op update writes user.cfg back byte for byte (docs/semantics.md §5.1)
	dir2 := cmdtest.CopyExample(t, "pbs")
	before := cmdtest.ConfigFiles(t, dir2)
	f2, _ := cmdutil.NewTestFactory(dir2)
	comment, first := "An example user.", "John"
	opts = &UpdateOptions{IO: f2.IOStreams, Config: f2.Config, UserID: "john@pbs", Password: noPassword}
	opts.Fields.Comment, opts.Fields.Firstname = &comment, &first
	if err := updateRun(opts); err != nil {
		t.Fatal(err)
	}
	if after := cmdtest.ConfigFiles(t, dir2); !reflect.DeepEqual(before, after) {
		t.Errorf("a no-op update changed the files")
	}
}

func TestUpdateRunRejected(t *testing.T) {
	str := func(s string) *string { return &s }
	stale := strings.Repeat("0", 64)
	for _, tc := range []struct {
		name, dir string
		opts      UpdateOptions
		wantErr   string
	}{
		{"unknown user", "pbs", UpdateOptions{UserID: "nobody@pbs", Fields: fieldsComment("x")}, "no such user 'nobody@pbs'"},
		{"stale digest", "pbs", UpdateOptions{UserID: "john@pbs", Fields: fieldsComment("x"), Digest: stale}, "detected modified configuration"},
		{"bad delete", "pbs", UpdateOptions{UserID: "john@pbs", Delete: []string{"userid"}}, "parameter 'delete'"},
		{"pveum option on pbs", "pbs", UpdateOptions{UserID: "john@pbs", Groups: str("admins")}, "pveum options"},
		{"pve unknown user", "pve", UpdateOptions{UserID: "nobody@pve", Fields: fieldsComment("x")}, "nobody@pve"},
		{"pve unknown group", "pve", UpdateOptions{UserID: "alice@pve", Groups: str("nosuch")}, "nosuch"},
		{"pve --delete", "pve", UpdateOptions{UserID: "alice@pve", Delete: []string{"comment"}}, "--delete is a proxmox-backup-manager option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, tc.dir)
			before := cmdtest.ConfigFiles(t, dir)
			f, _ := cmdutil.NewTestFactory(dir)
			opts := tc.opts
			opts.IO, opts.Config, opts.Password = f.IOStreams, f.Config, noPassword
			err := updateRun(&opts)
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v (exit %d), want exit 2 and %q", err, cmdutil.ExitCode(err), tc.wantErr)
			}
			if after := cmdtest.ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("files changed")
			}
		})
	}
	// PVE keeps passwords in the realm: pxacl refuses to set one
	dir := cmdtest.CopyExample(t, "pve")
	f, _ := cmdutil.NewTestFactory(dir)
	err := updateRun(&UpdateOptions{IO: f.IOStreams, Config: f.Config, UserID: "alice@pve", Password: func() (*string, error) { return str("s3cret-pass"), nil }})
	if cmdutil.ExitCode(err) != 2 || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("pve password: %v", err)
	}
}

func fieldsComment(c string) (f store.UserFields) {
	f.Comment = &c
	return f
}

// pveum user modify: --groups replaces the user's groups, --append adds
// to them (docs/semantics.md pve §1.4 for the written lines).
func TestUpdateRunPVE(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name string
		opts UpdateOptions
		want []string
	}{
		{"replace groups", UpdateOptions{UserID: "alice@pve", Groups: str("auditors"), Fields: fieldsComment("new")},
			[]string{"user:alice@pve:1:0:Alice:Admin:alice@example.com:new::\n", "group:auditors:alice@pve,temp@pve::\n", "group:operators:deploy@pve:VM operators:\n"}},
		{"append groups", UpdateOptions{UserID: "deploy@pve", Groups: str("auditors"), Append: true},
			[]string{"group:auditors:alice@pve,deploy@pve,temp@pve::\n", "group:operators:alice@pve,deploy@pve:VM operators:\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, "pve")
			f, _ := cmdutil.NewTestFactory(dir)
			opts := tc.opts
			opts.IO, opts.Config, opts.Password = f.IOStreams, f.Config, noPassword
			if err := updateRun(&opts); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
			for _, w := range tc.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("user.cfg lacks %q:\n%s", w, b)
				}
			}
		})
	}
}
