package diff

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdDiff(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
		git           bool
		failOn        string
	}{
		{args: "a b"},
		{args: "--git --fail-on escalation HEAD~1 HEAD", git: true, failOn: "escalation"},
		{args: "--fail-on nope a b", wantErr: "invalid --fail-on 'nope'"},
		{args: "a", wantErr: "accepts 2 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdDiff, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.Git != tc.git || got.FailOn != tc.failOn {
				t.Fatalf("err %v, options %+v", err, got)
			}
		})
	}
}

func TestDiffRun(t *testing.T) {
	examples := "../../../examples/pbs"
	changed := t.TempDir()
	for _, f := range []string{"user.cfg", "acl.cfg"} {
		b, err := os.ReadFile(filepath.Join(examples, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "acl.cfg" {
			b = append(b, "acl:1:/datastore/store1:pve-backup-user@pbs!pve-node-01:DatastoreAdmin\n"...)
		}
		if err := os.WriteFile(filepath.Join(changed, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, old, new, failOn, format, want string
		code                                 int
	}{
		{"same", examples, examples, "any", "text", "No effective permission changes (11 identities, 8 paths).\n", 0},
		{"escalation", examples, changed, "escalation", "text", "3 changes: 3 privileges gained (3 escalations), 0 lost; 1 of 11 identities evaluated, 8 paths\n", 1},
		{"no fail-on", examples, changed, "", "text", "  + Datastore.Prune  ESCALATION\n", 0},
		{"json", examples, changed, "", "json", `"escalations":3`, 0},
		{"missing", examples, "nope", "", "text", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory(".")
			f.Config.OutputFormat = tc.format
			err := diffRun(context.Background(), &DiffOptions{IO: f.IOStreams, Config: f.Config, Old: tc.old, New: tc.new, FailOn: tc.failOn})
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if !strings.Contains(bufs.Out.String(), tc.want) {
				t.Errorf("output %q, want %q", bufs.Out, tc.want)
			}
		})
	}
}
