package whocan

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdWhoCan(t *testing.T) {
	f, _ := cmdutil.NewTestFactory(".")
	var got *WhoCanOptions
	cmd := NewCmdWhoCan(f, func(o *WhoCanOptions) error { got = o; return nil })
	if err := cmdutil.ExecuteArgs(cmd, "--now 9 Sys.Audit /"); err != nil {
		t.Fatal(err)
	}
	if got.Privilege != "Sys.Audit" || got.Path != "/" || got.Now != 9 {
		t.Errorf("options %+v", *got)
	}
	if err := cmdutil.ExecuteArgs(NewCmdWhoCan(f, nil), "Sys.Audit"); err == nil {
		t.Error("one argument accepted")
	}
}

func TestWhoCanRun(t *testing.T) {
	for _, tc := range []struct {
		name, dir, format, priv, path, want string
		code                                int
	}{
		{"pbs", "pbs", "text", "Datastore.Prune", "/datastore/store1", "Datastore.Prune on /datastore/store1: 4 holders (11 of 11 identities evaluated; (*) = propagates)\n  admin@pbs (*)\n      /: Admin (acl.cfg:1)\n", 0},
		{"pve", "pve", "text", "VM.PowerMgmt", "/vms/100", "5 holders (7 of 8 identities evaluated", 0},
		{"two holders", "pbs", "text", "Sys.Modify", "/", "2 holders (3 of 11 identities", 0},
		{"json", "pbs", "json", "Sys.Audit", "/", `"holders":[`, 0},
		{"unknown privilege", "pbs", "text", "VM.Audit", "/", "", 2},
		{"bad path", "pbs", "text", "Sys.Audit", "relative", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory("../../../examples/" + tc.dir)
			f.Config.OutputFormat = tc.format
			err := whoCanRun(context.Background(), &WhoCanOptions{IO: f.IOStreams, Config: f.Config, Privilege: tc.priv, Path: tc.path})
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if !strings.Contains(bufs.Out.String(), tc.want) {
				t.Errorf("output %q, want %q", bufs.Out, tc.want)
			}
		})
	}
}

// Moved from tests/whocan_diff_test.go (TestWhoCanCLI).
func TestWhoCanHolders(t *testing.T) {
	f, bufs := cmdutil.NewTestFactory("../../../examples/pbs")
	f.Config.OutputFormat = "json"
	if err := whoCanRun(context.Background(), &WhoCanOptions{IO: f.IOStreams, Config: f.Config, Privilege: "Datastore.Prune", Path: "/datastore/store1"}); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Holders []struct {
			AuthID string `json:"auth_id"`
		} `json:"holders"`
	}
	if err := json.Unmarshal(bufs.Out.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range out.Holders {
		ids = append(ids, h.AuthID)
	}
	if strings.Join(ids, " ") != "admin@pbs john@pbs pve-backup-user@pbs root@pam" {
		t.Errorf("holders %v", ids)
	}
	f, bufs = cmdutil.NewTestFactory("../../../examples/pbs")
	if err := whoCanRun(context.Background(), &WhoCanOptions{IO: f.IOStreams, Config: f.Config, Privilege: "Datastore.Backup", Path: "/datastore/store1/ns1"}); err != nil ||
		!strings.Contains(bufs.Out.String(), "john@pbs!client1 (*)\n      /datastore/store1/ns1: DatastoreBackup (acl.cfg:7)") {
		t.Errorf("text: %v %s", err, bufs.Out)
	}
	if err := whoCanRun(context.Background(), &WhoCanOptions{IO: f.IOStreams, Config: f.Config, Privilege: "Datastore.Nope", Path: "/"}); cmdutil.ExitCode(err) != 2 {
		t.Errorf("unknown privilege: %v", err)
	}
}
