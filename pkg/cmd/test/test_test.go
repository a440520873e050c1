package test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdTest(t *testing.T) {
	for _, tc := range []struct {
		args, format, wantErr string
		global                string
	}{
		{args: "a b", format: "text", global: "text"},
		{args: "--format json a", format: "json", global: "text"},
		{args: "a", format: "json-pretty", global: "json-pretty"},
		{args: "--format xml a", wantErr: "invalid output format 'xml'", global: "text"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			f, _ := cmdutil.NewTestFactory(".")
			f.Config.OutputFormat = tc.global
			var got *TestOptions
			err := cmdutil.ExecuteArgs(NewCmdTest(f, func(o *TestOptions) error { got = o; return nil }), tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.Format != tc.format {
				t.Fatalf("err %v, options %+v", err, got)
			}
		})
	}
}

func TestTestRun(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs("../../../examples/pbs")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pass := write("pass.yaml", "config: "+abs+"\ntests:\n  - name: john backs up\n    auth_id: john@pbs\n    path: /datastore/store1\n    allow: [Datastore.Backup]\n")
	fail := write("fail.yaml", "config: "+abs+"\ntests:\n  - name: audit prunes\n    auth_id: audit@pbs\n    path: /datastore/store1\n    allow: [Datastore.Prune]\n")
	bad := write("bad.yaml", "config: "+abs+"\ntests:\n  - name: typo\n    allwo: []\n")
	for _, tc := range []struct {
		name  string
		paths []string
		want  string
		code  int
	}{
		{"pass", []string{pass}, "1 test, 1 passed, 0 failed\n", 0},
		{"fail", []string{pass, fail}, "2 tests, 1 passed, 1 failed\n", 1},
		{"bad file", []string{bad}, "", 2},
		{"examples", []string{"../../../tests/examples"}, "passed, 0 failed\n", 0},
		{"no files", []string{t.TempDir()}, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory(abs)
			err := testRun(context.Background(), &TestOptions{IO: f.IOStreams, Config: f.Config, Paths: tc.paths, Format: "text"})
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if !strings.HasSuffix(bufs.Out.String(), tc.want) {
				t.Errorf("output %q, want suffix %q", bufs.Out, tc.want)
			}
		})
	}
}
