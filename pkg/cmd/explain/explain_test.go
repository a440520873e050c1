package explain

import (
	"context"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdExplain(t *testing.T) {
	for _, tc := range []struct {
		args, want, wantErr string
	}{
		{args: "john@pbs /datastore/store1 Datastore.Read", want: "john@pbs /datastore/store1 [Datastore.Read] false"},
		{args: "john@pbs /datastore/store1", want: "john@pbs /datastore/store1 [] false"},
		{args: "--any john@pbs / Sys.Audit Sys.Modify", want: "john@pbs / [Sys.Audit Sys.Modify] true"},
		{args: "john@pbs", wantErr: "requires at least 2 arg(s)"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			f, _ := cmdutil.NewTestFactory(".")
			var got string
			cmd := NewCmdExplain(f, func(o *ExplainOptions) error {
				got = strings.Join([]string{o.AuthID, o.Path, "[" + strings.Join(o.Privileges, " ") + "]", map[bool]string{true: "true", false: "false"}[o.Any]}, " ")
				return nil
			})
			err := cmdutil.ExecuteArgs(cmd, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("err %v, options %q, want %q", err, got, tc.want)
			}
		})
	}
}

func TestExplainRun(t *testing.T) {
	for _, tc := range []struct {
		name, dir, format string
		opts              ExplainOptions
		want              string
		code              int
	}{
		{"noaccess", "pbs", "text", ExplainOptions{AuthID: "john@pbs", Path: "/datastore/store1/secret", Privileges: []string{"Datastore.Read"}}, "NoAccess", 0},
		{"no privilege", "pbs", "text", ExplainOptions{AuthID: "john@pbs", Path: "/datastore/store1"}, "acl.cfg:4", 0},
		{"json", "pve", "json", ExplainOptions{AuthID: "alice@pve", Path: "/vms/101", Privileges: []string{"VM.Console"}}, `"allowed":false`, 0},
		{"unknown privilege", "pbs", "text", ExplainOptions{AuthID: "john@pbs", Path: "/", Privileges: []string{"Nope"}}, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory("../../../examples/" + tc.dir)
			f.Config.OutputFormat = tc.format
			opts := tc.opts
			opts.IO, opts.Config = f.IOStreams, f.Config
			err := explainRun(context.Background(), &opts)
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if !strings.Contains(bufs.Out.String(), tc.want) {
				t.Errorf("output %q, want %q", bufs.Out, tc.want)
			}
		})
	}
}
