package create

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdCreate(t *testing.T) {
	for _, tc := range []struct {
		args, stdin, wantErr string
		password             string // "" = none
	}{
		{args: "bob@pbs --email b@example.com --enable 0"},
		{args: "bob@pbs --password-stdin", stdin: "s3cret-pass\n", password: "s3cret-pass"},
		{args: "bob@pbs --password x --password-stdin", wantErr: "exclude each other"},
		{args: "bob@pbs --enable maybe", wantErr: "enable"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory(".")
			bufs.In.WriteString(tc.stdin)
			var pw *string
			err := cmdutil.ExecuteArgs(NewCmdCreate(f, func(o *CreateOptions) error {
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
			if (pw == nil) != (tc.password == "") || (pw != nil && *pw != tc.password) {
				t.Errorf("password %v, want %q", pw, tc.password)
			}
		})
	}
}

func TestCreateRun(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("cp", "-r", "../../../../examples/pbs/.", dir).CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	f, _ := cmdutil.NewTestFactory(dir)
	email := "bob@example.com"
	opts := &CreateOptions{IO: f.IOStreams, Config: f.Config, UserID: "bob@pbs", Password: func() (*string, error) { return nil, nil }}
	opts.Fields.Email = &email
	if err := createRun(opts); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(dir + "/user.cfg")
	if !strings.Contains(string(b), "user: bob@pbs\n\temail bob@example.com") {
		t.Errorf("user.cfg:\n%s", b)
	}
	if err := createRun(opts); cmdutil.ExitCode(err) != 2 {
		t.Errorf("second create: %v", err)
	}
}
