package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/evaluator"
)

func strp(s string) *string { return &s }

func boolp(b bool) *bool { return &b }

// TestWriteExplanation renders hand-built explanations and checks the key
// lines. The wording cites the rules it explains: §3.2/§3.3 (propagation
// and replacement), §3.4 (superuser), §3.5 (groups), §4.1 (token clamp),
// §4.2 (active accounts).
func TestWriteExplanation(t *testing.T) {
	tests := []struct {
		name    string
		x       evaluator.Explanation
		want    []string
		notWant []string
	}{
		{
			name: "token clamp drops privileges",
			x: evaluator.Explanation{
				Allowed: false, InputOK: true,
				AuthID: "john@pbs!client1", Path: strp("/datastore/store1"),
				Requested: []string{"Datastore.Backup", "Datastore.Prune"},
				Token:     true, Owner: strp("john@pbs"),
				Active: evaluator.Activity{Active: true},
				ACL: evaluator.SubjectReport{
					Subject: "john@pbs!client1",
					Entries: []evaluator.EntryReport{{
						Path:   "/datastore/store1",
						Roles:  []evaluator.RoleReport{{Role: "DatastorePowerUser", Propagate: true, Line: "acl.cfg:5"}},
						Status: "decides",
					}},
					DecidedAt:  strp("/datastore/store1"),
					Privileges: map[string]bool{"Datastore.Backup": true, "Datastore.Prune": true},
				},
				OwnerACL: &evaluator.SubjectReport{
					Subject: "john@pbs",
					Entries: []evaluator.EntryReport{{
						Path:   "/datastore",
						Roles:  []evaluator.RoleReport{{Role: "DatastoreBackup", Propagate: true, Line: "acl.cfg:1"}},
						Status: "decides",
					}},
					DecidedAt:  strp("/datastore"),
					Privileges: map[string]bool{"Datastore.Backup": true},
				},
				Clamped:    []string{"Datastore.Prune"},
				Privileges: map[string]bool{"Datastore.Backup": true},
				Missing:    []string{"Datastore.Prune"},
			},
			want: []string{
				"DENIED: john@pbs!client1 on /datastore/store1, all of [Datastore.Backup, Datastore.Prune]\n",
				"\nAccount:\n  active (API token of john@pbs)\n",
				"The token's own ACL entries (a token does not inherit its owner's entries, docs/semantics.md §4.1):",
				"DatastorePowerUser (propagate 1)",
				"<- decides (deepest entry, replaces everything above, docs/semantics.md §3.3)",
				"from acl.cfg:5",
				"Owner john@pbs's ACL entries (the token is clamped to them at the same path, docs/semantics.md §4.1):",
				"<- decides (deepest propagating entry, docs/semantics.md §3.3)",
				"no entry of john@pbs on /datastore/store1 itself: it inherits from /datastore (docs/semantics.md §3.3)",
				"\nToken clamp: dropped Datastore.Prune (granted to the token but not held by its owner on /datastore/store1)\n",
				"\nEffective privileges on /datastore/store1: Datastore.Backup (*)\n",
				"Missing: Datastore.Prune\n",
			},
			notWant: []string{"NOT active", "superuser", "nothing dropped", "Note: group"},
		},
		{
			name: "token clamp drops nothing",
			x: evaluator.Explanation{
				Allowed: true, InputOK: true,
				AuthID: "john@pbs!client1", Path: strp("/datastore/s1"),
				Requested: []string{"Datastore.Backup"},
				Token:     true, Owner: strp("john@pbs"),
				Active:     evaluator.Activity{Active: true},
				ACL:        evaluator.SubjectReport{Subject: "john@pbs!client1"},
				OwnerACL:   &evaluator.SubjectReport{Subject: "john@pbs"},
				Privileges: map[string]bool{},
			},
			want: []string{
				"ALLOWED: john@pbs!client1 on /datastore/s1, all of [Datastore.Backup]\n",
				"\nToken clamp: nothing dropped\n",
				"  none on /datastore/s1 or above: no privileges\n",
				"Effective privileges on /datastore/s1: none\n",
			},
			notWant: []string{"Missing:", "dropped Datastore"},
		},
		{
			name: "token of the superuser keeps its own privileges",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "root@pam!tok", Path: strp("/"),
				Requested: []string{"Sys.Audit"},
				Token:     true, Owner: strp("root@pam"),
				Active:     evaluator.Activity{Active: true},
				ACL:        evaluator.SubjectReport{Subject: "root@pam!tok"},
				OwnerACL:   &evaluator.SubjectReport{Subject: "root@pam", Superuser: true},
				Privileges: map[string]bool{},
				Missing:    []string{"Sys.Audit"},
			},
			want: []string{
				"\nOwner root@pam is the superuser: the token keeps its own privileges\n",
				"active (API token of root@pam)",
				"Token clamp: nothing dropped",
			},
			// root@pam!tok is not the superuser (§3.4).
			notWant: []string{"root@pam is the superuser: every privilege", "Owner root@pam's ACL entries"},
		},
		{
			name: "inactive account lists its problems",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "jane@pbs!t", Path: strp("/datastore"),
				Requested: []string{"Datastore.Audit"},
				Token:     true, Owner: strp("jane@pbs"), Known: true,
				Active: evaluator.Activity{Active: false, Problems: []string{
					"user jane@pbs is disabled (user.cfg:7)",
					"token jane@pbs!t expired at 1700000000 (user.cfg:12)",
				}},
				ACL:        evaluator.SubjectReport{Subject: "jane@pbs!t"},
				Privileges: map[string]bool{"Datastore.Audit": false},
			},
			want: []string{
				"\nAccount:\n  NOT active (API token of jane@pbs): user account or token disabled or expired (docs/semantics.md §4.2)\n",
				"  - user jane@pbs is disabled (user.cfg:7)\n",
				"  - token jane@pbs!t expired at 1700000000 (user.cfg:12)\n",
				"Effective privileges on /datastore: Datastore.Audit\n",
			},
			// OwnerACL nil: no owner section, no clamp line.
			notWant: []string{"Token clamp", "Owner jane@pbs", "  active"},
		},
		{
			// docs/semantics.md pve §3.2: a privsep=1 token is its own ACL
			// limited to its owner's privileges
			name: "pve privilege-separated token",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "deploy@pve!ci", Path: strp("/vms/100"),
				Requested: []string{"VM.Audit"}, Flavor: "pve", Privsep: boolp(true),
				Token: true, Owner: strp("deploy@pve"),
				Active:     evaluator.Activity{Active: true},
				ACL:        evaluator.SubjectReport{Subject: "deploy@pve!ci", DecidedAt: strp("/vms")},
				OwnerACL:   &evaluator.SubjectReport{Subject: "deploy@pve", DecidedAt: strp("/")},
				Clamped:    []string{"VM.Console"},
				Privileges: map[string]bool{"VM.Audit": true},
			},
			want: []string{
				"privilege-separated token, privsep 1",
				"Owner deploy@pve's ACL entries (the token is limited to them, pools included, docs/semantics.md pve §3.2):",
				"it inherits from /vms (docs/semantics.md pve §3.1)",
				"\nPrivilege separation: dropped VM.Console (granted to the token but not held by its owner on /vms/100)\n",
			},
			notWant: []string{"§4.1", "Token clamp", "(docs/semantics.md §3.3)"},
		},
		{
			// docs/semantics.md pve §3.2: a privsep=0 token has exactly its
			// owner's privileges; its own ACL is ignored
			name: "pve token without privilege separation",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "deploy@pve!full", Path: strp("/vms/100"),
				Requested: []string{"VM.Audit"}, Flavor: "pve", Privsep: boolp(false),
				Token: true, Owner: strp("deploy@pve"),
				Active: evaluator.Activity{Active: true},
				ACL: evaluator.SubjectReport{Subject: "deploy@pve!full", Entries: []evaluator.EntryReport{{
					Path: "/vms", Via: "token", Status: "decides",
					Roles: []evaluator.RoleReport{{Role: "PVEVMAdmin", Propagate: true, Line: "user.cfg:9"}},
				}}},
				OwnerACL:   &evaluator.SubjectReport{Subject: "deploy@pve"},
				Privileges: map[string]bool{},
			},
			want: []string{
				"Token without privilege separation (privsep 0): it has exactly its owner's privileges; its own 1 ACL entry on the path is ignored (docs/semantics.md pve §3.2)",
				"Owner deploy@pve's ACL entries (the token's privileges, docs/semantics.md pve §3.2):",
			},
			notWant: []string{"PVEVMAdmin", "Token clamp", "Privilege separation:"},
		},
		{
			name: "pve token not in user.cfg",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "deploy@pve!nope", Path: strp("/"),
				Requested: []string{"VM.Audit"}, Flavor: "pve", Token: true, Owner: strp("deploy@pve"),
				OwnerACL:   &evaluator.SubjectReport{Subject: "deploy@pve"},
				Privileges: map[string]bool{},
			},
			want:    []string{"The token is not configured in user.cfg: it has no privileges (docs/semantics.md pve §3.2)"},
			notWant: []string{"Owner deploy@pve"},
		},
		{
			name: "inactive user without problems",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "ghost@pbs", Path: strp("/"),
				Requested: []string{"Sys.Audit"}, Known: true,
				Active: evaluator.Activity{Active: false},
				ACL:    evaluator.SubjectReport{Subject: "ghost@pbs"},
			},
			want: []string{
				"  NOT active: user account or token disabled or expired (docs/semantics.md §4.2)\n",
				"\nACL entries:\n",
			},
			notWant: []string{"API token of", "  - "},
		},
		{
			name: "superuser",
			x: evaluator.Explanation{
				Allowed: true, InputOK: true, AuthID: "root@pam", Path: strp("/tape"),
				Requested: []string{"Tape.Write", "Sys.Console"}, Partial: true,
				Superuser: true, Active: evaluator.Activity{Active: true},
				Privileges: map[string]bool{"Sys.Console": true, "Tape.Write": true},
			},
			want: []string{
				"ALLOWED: root@pam on /tape, any of [Tape.Write, Sys.Console]\n",
				"\nroot@pam is the superuser: every privilege on every path, whatever acl.cfg says (docs/semantics.md §3.4)\n",
				"Effective privileges on /tape: Sys.Console (*), Tape.Write (*)\n",
			},
			notWant: []string{"ACL entries", "Token clamp", "API token of"},
		},
		{
			name: "group entries grant nothing",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "john@pbs", Path: strp("/datastore/s1"),
				Requested: []string{"Datastore.Read"},
				Active:    evaluator.Activity{Active: true},
				ACL:       evaluator.SubjectReport{Subject: "john@pbs"},
				Groups: []evaluator.GroupEntry{
					{Path: "/", Group: "admins", Roles: []string{"Admin"}},
					{Path: "/datastore", Group: "ops", Roles: []string{"DatastoreAdmin", "Audit"}},
				},
				Missing: []string{"Datastore.Read"},
			},
			want: []string{
				"\nNote: group entry @admins on / (Admin) grants nothing: PBS has no user groups (docs/semantics.md §3.5)\n",
				"\nNote: group entry @ops on /datastore (DatastoreAdmin, Audit) grants nothing: PBS has no user groups (docs/semantics.md §3.5)\n",
				"\nACL entries:\n  none on /datastore/s1 or above: no privileges\n",
				"Missing: Datastore.Read\n",
			},
		},
		{
			name: "entry statuses",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "bob@pbs", Path: strp("/datastore/s1"),
				Requested: []string{"Datastore.Read"},
				Active:    evaluator.Activity{Active: true},
				ACL: evaluator.SubjectReport{
					Subject: "bob@pbs",
					Entries: []evaluator.EntryReport{
						{Path: "/", Roles: []evaluator.RoleReport{{Role: "Audit", Propagate: true, Line: "acl.cfg:1"}}, Status: "replaced"},
						{Path: "/datastore", Roles: []evaluator.RoleReport{{Role: "Admin", Propagate: false, Line: "acl.cfg:2"}}, Status: "not propagated"},
						{Path: "/datastore/s1", Roles: []evaluator.RoleReport{
							{Role: "DatastoreReader", Propagate: false, Line: "acl.cfg:3"},
							{Role: "DatastoreAudit", Propagate: true, Line: "acl.cfg:3"},
						}, Status: "decides"},
					},
					DecidedAt:  strp("/datastore/s1"),
					Privileges: map[string]bool{"Datastore.Audit": true, "Datastore.Read": false, "Datastore.Verify": false},
				},
				Allowed:    true,
				Privileges: map[string]bool{"Datastore.Audit": true, "Datastore.Read": false, "Datastore.Verify": false},
			},
			want: []string{
				"replaced by the deeper entry (docs/semantics.md §3.3)",
				"ignored: propagate 0 applies only to this exact path (docs/semantics.md §3.2)",
				"Admin (propagate 0)",
				"DatastoreReader (propagate 0), DatastoreAudit (propagate 1)",
				"<- decides (deepest entry, replaces everything above, docs/semantics.md §3.3)",
				// lines are de-duplicated
				"from acl.cfg:3\n",
				"  => Datastore.Audit (*), Datastore.Read, Datastore.Verify\n",
			},
			notWant: []string{"acl.cfg:3, acl.cfg:3", "inherits from", "Missing:"},
		},
		{
			name: "unknown status is printed as is",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "bob@pbs", Path: strp("/a"),
				Requested: []string{"Sys.Audit"},
				Active:    evaluator.Activity{Active: true},
				ACL: evaluator.SubjectReport{Subject: "bob@pbs", Entries: []evaluator.EntryReport{
					{Path: "/a", Roles: []evaluator.RoleReport{{Role: "Audit", Line: "acl.cfg:9"}}, Status: "weird"},
				}},
			},
			want: []string{" weird\n"},
		},
		{
			name: "unknown user",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "nobody@pbs", Path: strp("/"),
				Requested: []string{"Sys.Audit"},
				Active:    evaluator.Activity{Active: false, Problems: []string{"user nobody@pbs does not exist in user.cfg"}},
				ACL:       evaluator.SubjectReport{Subject: "nobody@pbs"},
			},
			want: []string{
				"\nAccount:\n  unknown: no such user 'nobody@pbs'; it is denied\n  - user nobody@pbs does not exist in user.cfg\n",
				"Effective privileges on /: none\n",
			},
			notWant: []string{"disabled or expired"},
		},
		{
			name: "unknown token, escaped",
			x: evaluator.Explanation{
				InputOK: true, AuthID: "jane@pbs!t\x1b[2J", Path: strp("/"),
				Requested: []string{"Sys.Audit"}, Token: true, Owner: strp("jane@pbs"),
				ACL: evaluator.SubjectReport{Subject: "jane@pbs!t"},
			},
			want:    []string{"  unknown (API token of jane@pbs): no such token 'jane@pbs!t\\x1b[2J'; it is denied\n"},
			notWant: []string{"disabled or expired", "NOT active"},
		},
		{
			name: "listing: every privilege with its sources",
			x: evaluator.Explanation{
				InputOK: false, Listing: true, Known: true, AuthID: "john@pbs!client1", Path: strp("/datastore/store1/ns1"),
				Requested: []string{}, Token: true, Owner: strp("john@pbs"),
				Active:     evaluator.Activity{Active: true},
				ACL:        evaluator.SubjectReport{Subject: "john@pbs!client1"},
				OwnerACL:   &evaluator.SubjectReport{Subject: "john@pbs"},
				Privileges: map[string]bool{"Datastore.Backup": true, "Datastore.Read": false},
				Grants: []evaluator.Grant{
					{Privilege: "Datastore.Backup", Propagate: true, Sources: []evaluator.GrantSource{
						{Subject: "john@pbs", Path: "/datastore/store1", Via: "user", Role: "DatastoreAdmin", Line: "acl.cfg:4"},
						{Subject: "john@pbs!client1", Path: "/datastore/store1/ns1", Via: "token", Role: "DatastoreBackup", Line: "acl.cfg:7"},
					}},
					{Privilege: "Datastore.Read", Sources: []evaluator.GrantSource{{Subject: "root@pam", Superuser: true}}},
				},
			},
			want: []string{
				"PRIVILEGES of john@pbs!client1 on /datastore/store1/ns1 (no privilege asked: every effective privilege and what grants it)\n",
				"\nEffective privileges on /datastore/store1/ns1 ((*) = propagates), each with the roles that grant it:\n",
				"  Datastore.Backup (*)         acl.cfg:4 DatastoreAdmin on /datastore/store1 [user, john@pbs]; acl.cfg:7 DatastoreBackup on /datastore/store1/ns1 [token, john@pbs!client1]\n",
				"  Datastore.Read               root@pam is the superuser\n",
			},
			notWant: []string{"DENIED", "malformed", "Missing:"},
		},
		{
			name: "listing: nothing held",
			x: evaluator.Explanation{
				Listing: true, Known: true, AuthID: "audit@pbs", Path: strp("/system"), Flavor: "pve",
				Active: evaluator.Activity{Active: true}, ACL: evaluator.SubjectReport{Subject: "audit@pbs"},
			},
			want:    []string{"PRIVILEGES of audit@pbs on /system", "\nEffective privileges on /system: none\n"},
			notWant: []string{"DENIED", "malformed"},
		},
		{
			name: "malformed query",
			x: evaluator.Explanation{
				InputOK: false, AuthID: 42, Path: nil,
				Active: evaluator.Activity{Active: false},
			},
			want: []string{
				"DENIED: 42 on ?, all of []\n",
				"  the query is malformed (auth id, path and at least one privilege are required); it is denied\n",
				"Effective privileges on ?: none\n",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteExplanation(&b, &tt.x); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output does not contain %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output contains %q:\n%s", w, out)
				}
			}
			if !strings.HasSuffix(out, "\n") {
				t.Errorf("output does not end with a newline")
			}
		})
	}
}

// TestWriteExplanationTFA: the second factors (§9) are described when the
// user has any, with the locks, and a token is said to bypass them.
func TestWriteExplanationTFA(t *testing.T) {
	seven, until := 7, int64(4102444800)
	base := evaluator.Explanation{InputOK: true, AuthID: "john@pbs", Path: strp("/"), Requested: []string{"Sys.Audit"},
		Active: evaluator.Activity{Active: true}, ACL: evaluator.SubjectReport{Subject: "john@pbs"}}
	tests := []struct {
		tfa     *evaluator.TFAReport
		want    []string
		notWant []string
	}{
		{nil, nil, []string{"Second factors"}},
		{&evaluator.TFAReport{User: "john@pbs", Factors: []string{}}, nil, []string{"Second factors"}},
		{&evaluator.TFAReport{User: "john@pbs", Factors: []string{"recovery", "totp"}, RecoveryKeys: &seven},
			[]string{"\nSecond factors of john@pbs (tfa.json, docs/semantics.md §9): recovery, totp (7 unused recovery keys)\n"}, []string{"locked", "API token"}},
		{&evaluator.TFAReport{User: "john@pbs", Factors: []string{"totp"}, TOTPLocked: true, LockedUntil: &until, TokenBypasses: true},
			[]string{"  TOTP is locked (8 consecutive failures)", "  every second factor is locked until 2100-01-01T00:00:00Z", "  an API token authenticates without its owner's second factor"}, nil},
		{&evaluator.TFAReport{User: "john@pbs", Factors: []string{}, TOTPLocked: true},
			[]string{"Second factors of john@pbs (tfa.json, docs/semantics.md §9): none usable\n"}, nil},
	}
	for i, tt := range tests {
		x := base
		x.TFA = tt.tfa
		var b strings.Builder
		if err := WriteExplanation(&b, &x); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%d: missing %q in\n%s", i, w, b.String())
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(b.String(), w) {
				t.Errorf("%d: unexpected %q in\n%s", i, w, b.String())
			}
		}
	}
}
