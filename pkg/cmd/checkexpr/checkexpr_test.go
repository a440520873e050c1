package checkexpr

import (
	"context"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdCheckExpr(t *testing.T) {
	f, _ := cmdutil.NewTestFactory(".")
	var got *CheckExprOptions
	cmd := NewCmdCheckExpr(f, func(o *CheckExprOptions) error { got = o; return nil })
	if err := cmdutil.ExecuteArgs(cmd, "alice@pve", `["perm","/",["Sys.Audit"]]`, "--param", "vmid=1", "--param", "node=a", "--now", "7"); err != nil {
		t.Fatal(err)
	}
	if got.AuthID != "alice@pve" || got.Expr != `["perm","/",["Sys.Audit"]]` || strings.Join(got.Params, ",") != "vmid=1,node=a" || got.Now != 7 {
		t.Errorf("options %+v", *got)
	}
	if err := cmdutil.ExecuteArgs(NewCmdCheckExpr(f, nil), "alice@pve"); err == nil {
		t.Error("one argument accepted")
	}
}

func TestCheckExprRun(t *testing.T) {
	for _, tc := range []struct {
		name, dir, id, expr string
		params              []string
		want                string
		code                int
	}{
		{"allowed", "pve", "alice@pve", `["perm","/vms/{vmid}",["VM.PowerMgmt"]]`, []string{"vmid=100"}, "allowed\n", 0},
		{"denied", "pve", "alice@pve", `["perm","/vms/{vmid}",["VM.PowerMgmt"]]`, []string{"vmid=101"}, "denied\n", 1},
		{"unfilled param", "pve", "root@pam", `["perm","/vms/{vmid}",["VM.Audit"]]`, nil, "", 2},
		{"unknown privilege", "pve", "root@pam", `["perm","/",["VM.Bogus"]]`, nil, "", 2},
		{"malformed", "pve", "root@pam", `["perm"`, nil, "", 2},
		{"bad param", "pve", "root@pam", `["perm","/",["Sys.Audit"]]`, []string{"novalue"}, "", 2},
		{"pbs", "pbs", "john@pbs", `["perm","/",["Sys.Audit"]]`, nil, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory("../../../examples/" + tc.dir)
			opts := &CheckExprOptions{IO: f.IOStreams, Config: f.Config, AuthID: tc.id, Expr: tc.expr, Params: tc.params}
			err := checkExprRun(context.Background(), opts)
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if bufs.Out.String() != tc.want {
				t.Errorf("output %q, want %q", bufs.Out, tc.want)
			}
		})
	}
}
