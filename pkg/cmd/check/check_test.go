package check

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdCheck(t *testing.T) {
	for _, tc := range []struct {
		args    string
		want    CheckOptions
		wantErr string
	}{
		{args: "john@pbs /datastore/store1 Datastore.Backup", want: CheckOptions{AuthID: "john@pbs", Path: "/datastore/store1", Privileges: []string{"Datastore.Backup"}}},
		{args: "--any --now 5 john@pbs / Sys.Audit Sys.Modify", want: CheckOptions{AuthID: "john@pbs", Path: "/", Privileges: []string{"Sys.Audit", "Sys.Modify"}, Any: true, Now: 5}},
		{args: "john@pbs /", wantErr: "requires at least 3 arg(s)"},
		{args: "--now x a b c", wantErr: "invalid argument"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			f, _ := cmdutil.NewTestFactory(".")
			var got *CheckOptions
			cmd := NewCmdCheck(f, func(o *CheckOptions) error { got = o; return nil })
			err := cmdutil.ExecuteArgs(cmd, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.AuthID != tc.want.AuthID || got.Path != tc.want.Path || strings.Join(got.Privileges, ",") != strings.Join(tc.want.Privileges, ",") || got.Any != tc.want.Any || got.Now != tc.want.Now {
				t.Errorf("options %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestCheckRun(t *testing.T) {
	for _, tc := range []struct {
		name, dir, format string
		opts              CheckOptions
		wantOut, wantErr  string
		wantCode          int
	}{
		{"allowed", "pbs", "text", CheckOptions{AuthID: "john@pbs", Path: "/datastore/store1", Privileges: []string{"Datastore.Backup"}}, "allowed\n", "", 0},
		{"denied noaccess", "pbs", "text", CheckOptions{AuthID: "john@pbs", Path: "/datastore/store1/secret", Privileges: []string{"Datastore.Read"}}, "denied: ", "", 1},
		{"disabled", "pbs", "text", CheckOptions{AuthID: "former@pbs", Path: "/datastore/store1", Privileges: []string{"Datastore.Read"}}, "denied: user account or token disabled or expired.\n", "", 1},
		{"json", "pbs", "json", CheckOptions{AuthID: "admin@pbs", Path: "/", Privileges: []string{"Sys.Audit"}}, `"allowed":true`, "", 0},
		{"pve", "pve", "text", CheckOptions{AuthID: "alice@pve", Path: "/vms/100", Privileges: []string{"VM.PowerMgmt"}}, "allowed\n", "", 0},
		{"unknown privilege", "pbs", "text", CheckOptions{AuthID: "john@pbs", Path: "/", Privileges: []string{"Sys.Bogus"}}, "", "unknown privilege 'Sys.Bogus'", 2},
		{"bad path", "pbs", "text", CheckOptions{AuthID: "john@pbs", Path: "/datastore/a b", Privileges: []string{"Sys.Audit"}}, "", "", 2},
		{"bad auth id", "pbs", "text", CheckOptions{AuthID: "john", Path: "/", Privileges: []string{"Sys.Audit"}}, "", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory("../../../examples/" + tc.dir)
			f.Config.OutputFormat = tc.format
			opts := tc.opts
			opts.IO, opts.Config = f.IOStreams, f.Config
			err := checkRun(context.Background(), &opts)
			code := 0
			var ex *cmdutil.ExitError
			switch {
			case errors.As(err, &ex):
				code = ex.Code
			case err != nil:
				code = 2
			}
			if code != tc.wantCode {
				t.Fatalf("exit %d (err %v), want %d", code, err, tc.wantCode)
			}
			if tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
			if !strings.Contains(bufs.Out.String(), tc.wantOut) {
				t.Errorf("output %q, want %q", bufs.Out, tc.wantOut)
			}
		})
	}
}

// The denial text of `check` is PBS's check_privs error: every required
// privilege in PBS's privilege order, joined with '&' (all) or '|' (any),
// on the normalised path; an inactive account gets the authentication
// error instead. PVE names the first missing privilege in the order asked;
// with any, all of them joined by '|'. The native engine and OPA on the
// Rego answer the same. (Moved from tests/check_test.go.)
func TestCheckMessages(t *testing.T) {
	for _, c := range []struct {
		name, dir string
		opts      CheckOptions
		code      int
		out       string
	}{
		{"allowed", "pbs", CheckOptions{AuthID: "john@pbs", Path: "/datastore/store1", Privileges: []string{"Datastore.Read"}}, 0, "allowed\n"},
		{"all, canonical order", "pbs", CheckOptions{AuthID: "john@pbs", Path: "/datastore/store1", Privileges: []string{"Datastore.Read", "Datastore.Allocate"}}, 1,
			"denied: missing permissions 'Datastore.Allocate&Datastore.Read' on '/datastore/store1'\n"},
		{"any, canonical order", "pbs", CheckOptions{AuthID: "john@pbs", Path: "//datastore//store1/", Privileges: []string{"Datastore.Allocate", "Sys.Audit"}, Any: true}, 1,
			"denied: missing permissions 'Sys.Audit|Datastore.Allocate' on '/datastore/store1'\n"},
		{"expired token", "pbs", CheckOptions{AuthID: "john@pbs!old-laptop", Path: "/datastore/store1", Privileges: []string{"Datastore.Backup"}}, 1,
			"denied: user account or token disabled or expired.\n"},
		// an auth id without a user or token section is unknown, not inactive
		{"unknown user", "pbs", CheckOptions{AuthID: "nobody@pbs", Path: "/", Privileges: []string{"Sys.Audit"}}, 1,
			"denied: no such user 'nobody@pbs'\n"},
		{"unknown token", "pbs", CheckOptions{AuthID: "john@pbs!nope", Path: "/datastore/store1", Privileges: []string{"Datastore.Backup"}}, 1,
			"denied: no such token 'john@pbs!nope'\n"},
		{"pve unknown user", "pve", CheckOptions{AuthID: "nobody@pve", Path: "/", Privileges: []string{"Sys.Audit"}}, 1,
			"denied: no such user 'nobody@pve'\n"},
		{"pve disabled user", "pve", CheckOptions{AuthID: "temp@pve", Path: "/", Privileges: []string{"Sys.Audit"}}, 1,
			"denied: user account or token disabled or expired.\n"},
		{"pve all, first missing", "pve", CheckOptions{AuthID: "alice@pve", Path: "/vms/101", Privileges: []string{"VM.Audit", "VM.PowerMgmt"}}, 1,
			"denied: Permission check failed (/vms/101, VM.Audit)\n"},
		{"pve any", "pve", CheckOptions{AuthID: "alice@pve", Path: "/vms/101", Privileges: []string{"VM.PowerMgmt", "VM.Console"}, Any: true}, 1,
			"denied: Permission check failed (/vms/101, VM.PowerMgmt|VM.Console)\n"},
	} {
		for _, engine := range []string{"auto", "rego"} {
			t.Run(c.name+"/"+engine, func(t *testing.T) {
				f, bufs := cmdutil.NewTestFactory("../../../examples/" + c.dir)
				f.Config.Engine = engine
				opts := c.opts
				opts.IO, opts.Config = f.IOStreams, f.Config
				err := checkRun(context.Background(), &opts)
				if code := cmdutil.ExitCode(err); code != c.code || bufs.Out.String() != c.out {
					t.Fatalf("exit %d (%v), output %q; want exit %d and %q", code, err, bufs.Out, c.code, c.out)
				}
			})
		}
	}
}
