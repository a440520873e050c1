package lint

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
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
			"user.cfg:0 warning no-second-factor root@pam /",
		},
		"group": {
			"acl.cfg:3 warning group-acl @admins /datastore",
			"user.cfg:0 warning no-second-factor root@pam /",
		},
		"noexpiry": {
			"user.cfg:0 warning no-second-factor root@pam /", // no tfa.json: nobody has a second factor
			"user.cfg:3 info token-no-expiry john@pbs!forever ",
			"user.cfg:6 info token-no-expiry john@pbs!zero ",
		},
		"admin": { // root@pam (line 1) and Admin below / (line 3) are fine
			"acl.cfg:2 warning admin-on-root admin@pbs /",
			"acl.cfg:2 warning admin-on-root admin@pbs!ci /",
			"user.cfg:1 warning no-second-factor root@pam /",
			"user.cfg:3 warning no-second-factor admin@pbs /",
		},
		"backupdelete": { // node1 reported once although ns1 inherits; safe is clamped to Backup only
			"acl.cfg:2 warning backup-can-delete ops@pbs!node1 /datastore/prod",
			"acl.cfg:4 warning backup-can-delete ops@pbs!node2 /datastore/test",
			"user.cfg:0 warning no-second-factor root@pam /",
		},
		"clamp": {
			"acl.cfg:3 info token-clamped pve@pbs!node /datastore/store1",
			"acl.cfg:4 info token-clamped pve@pbs!node /datastore/store2",
		},
		"push": {
			"acl.cfg:2 info needs-pbs-3.3 sync@pbs /remote/offsite",
			"acl.cfg:2 info needs-pbs-3.3 sync@pbs /remote/offsite",
			"user.cfg:0 warning no-second-factor root@pam /",
		},
		"../../examples/pbs": {
			"acl.cfg:1 warning admin-on-root admin@pbs /",
			"acl.cfg:3 info token-clamped pve-backup-user@pbs!pve-node-01 /datastore/store1",
			"user.cfg:1 warning no-second-factor root@pam /",
			"user.cfg:10 info token-no-expiry john@pbs!client1 ",
			"user.cfg:20 info token-no-expiry pve-backup-user@pbs!pve-node-01 ",
			"user.cfg:26 info token-no-expiry remote-pull-user@pbs!offsite-token ",
			"user.cfg:29 warning no-second-factor admin@pbs /",
		},
		"tfa": { // §9: ops@pbs's only TOTP is disabled; sys@pbs's Admin is cancelled by NoAccess; former@pbs is disabled; key@pbs has WebAuthn
			"user.cfg:4 warning no-second-factor admin@pbs /system",
			"user.cfg:6 warning no-second-factor ops@pbs /datastore",
			"user.cfg:8 info totp-without-recovery john@pbs ",
			"user.cfg:15 info tfa-locked locked@pbs ",
			"user.cfg:15 info totp-without-recovery locked@pbs ",
		},
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			res, err := Run(context.Background(), dir, compiler.Options{Flavor: config.PBS})
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
	res, err := Run(context.Background(), "testdata/push", compiler.Options{Flavor: config.PBS})
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Findings[0].Message; !strings.Contains(m, "role RemoteDatastoreAdmin needs PBS ≥ 3.3") {
		t.Errorf("message %q", m)
	}
	res, err = Run(context.Background(), "testdata/clamp", compiler.Options{Flavor: config.PBS})
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
	if _, err := Run(context.Background(), "testdata/nonexistent", compiler.Options{Flavor: config.PBS}); err == nil {
		t.Error("missing dir accepted")
	}
}

// TestTFAMessages: the second-factor findings (§9) say where the power
// comes from, and whether tfa.json exists.
func TestTFAMessages(t *testing.T) {
	res, err := Run(context.Background(), "testdata/tfa", compiler.Options{Flavor: config.PBS})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"admin@pbs":  "admin@pbs holds Permissions.Modify, Sys.Modify, Datastore.Allocate on /system (acl.cfg:5) and has no second factor",
		"ops@pbs":    "has no usable second factor (every entry is disabled, or the recovery keys are used up)",
		"john@pbs":   "john@pbs has TOTP as its only second factor and no recovery keys: a lost phone, or 8 wrong codes",
		"locked@pbs": "locked@pbs: TOTP is locked (8 consecutive TOTP failures); every second factor is locked until 2100-01-01T00:00:00Z",
	}
	for _, f := range res.Findings {
		if w, ok := want[f.Subject]; ok && strings.Contains(f.Message, w) {
			delete(want, f.Subject)
		}
		if f.Code == CodeNoSecondFactor && !strings.Contains(f.Fix, "pxacl user tfa add-totp "+f.Subject) {
			t.Errorf("fix %q", f.Fix)
		}
	}
	if len(want) > 0 {
		t.Errorf("messages not found: %v", want)
	}
	res, err = Run(context.Background(), "testdata/noexpiry", compiler.Options{Flavor: config.PBS})
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Findings[0].Message; !strings.Contains(m, "root@pam holds every privilege (the superuser), not in user.cfg but added by PBS, and has no second factor (there is no tfa.json)") {
		t.Errorf("message %q", m)
	}
}
