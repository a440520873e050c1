package lint

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// short renders a finding as "file:line severity code subject path".
func short(f Finding) string {
	return fmt.Sprintf("%s:%d %s %s %s %s", filepath.Base(f.File), f.Line, f.Severity, f.Code, f.Subject, f.Path)
}

func TestFindings(t *testing.T) {
	cases := map[string][]string{
		"clean": nil,
		"unknown": {
			"acl.cfg:2 error unknown-subject ghost@pbs /datastore/store1",
			"acl.cfg:2 error unknown-subject john@pbs!gone /datastore/store1",
		},
		"group": {
			"acl.cfg:3 warning group-acl @admins /datastore",
		},
		"noexpiry": {
			"user.cfg:3 info token-no-expiry john@pbs!forever ",
			"user.cfg:6 info token-no-expiry john@pbs!zero ",
		},
		"admin": { // root@pam (line 1) and Admin below / (line 3) are fine
			"acl.cfg:2 warning admin-on-root admin@pbs /",
			"acl.cfg:2 warning admin-on-root admin@pbs!ci /",
		},
		"backupdelete": { // node1 reported once although ns1 inherits; safe is clamped to Backup only
			"acl.cfg:2 warning backup-can-delete ops@pbs!node1 /datastore/prod",
			"acl.cfg:4 warning backup-can-delete ops@pbs!node2 /datastore/test",
		},
		"clamp": {
			"acl.cfg:3 info token-clamped pve@pbs!node /datastore/store1",
			"acl.cfg:4 info token-clamped pve@pbs!node /datastore/store2",
		},
		"push": {
			"acl.cfg:2 info needs-pbs-3.3 sync@pbs /remote/offsite",
			"acl.cfg:2 info needs-pbs-3.3 sync@pbs /remote/offsite",
		},
		"../../examples/pbs": {
			"acl.cfg:1 warning admin-on-root admin@pbs /",
			"acl.cfg:3 info token-clamped pve-backup-user@pbs!pve-node-01 /datastore/store1",
			"user.cfg:10 info token-no-expiry john@pbs!client1 ",
			"user.cfg:20 info token-no-expiry pve-backup-user@pbs!pve-node-01 ",
			"user.cfg:26 info token-no-expiry remote-pull-user@pbs!offsite-token ",
		},
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			res, err := Run(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, short(f))
				if f.Message == "" || f.Fix == "" || !strings.HasPrefix(f.File, dir) {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("findings:\n got %q\nwant %q", got, want)
			}
			if n := res.Errors + res.Warnings + res.Infos; n != len(res.Findings) {
				t.Errorf("counts %d != %d", n, len(res.Findings))
			}
		})
	}
}

func TestMessages(t *testing.T) {
	res, err := Run(context.Background(), "testdata/push")
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Findings[0].Message; !strings.Contains(m, "role RemoteDatastoreAdmin needs PBS ≥ 3.3") {
		t.Errorf("message %q", m)
	}
	res, err = Run(context.Background(), "testdata/clamp")
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Findings[0].Message; !strings.Contains(m, "asks for Datastore.Audit, Datastore.Read, Datastore.Verify on /datastore/store1 in vain: its owner pve@pbs lacks them") {
		t.Errorf("message %q", m)
	}
	if res.Max() != Info {
		t.Errorf("max %v", res.Max())
	}
	raw, err := json.Marshal(res.Findings[0])
	if err != nil || !strings.Contains(string(raw), `"severity":"info"`) || !strings.Contains(string(raw), `"line":3`) {
		t.Errorf("json %s %v", raw, err)
	}
}

func TestSeverity(t *testing.T) {
	for i, n := range []string{"info", "warning", "error"} {
		s, err := ParseSeverity(n)
		if err != nil || s != Severity(i) || s.String() != n {
			t.Errorf("%s: %v %v", n, s, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("fatal accepted")
	}
	if (&Result{}).Max() >= Info {
		t.Error("empty result has a severity")
	}
}

func TestBadInput(t *testing.T) {
	if _, err := Run(context.Background(), "testdata/nonexistent"); err == nil {
		t.Error("missing dir accepted")
	}
}
