package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fixture(t *testing.T) *Store {
	t.Helper()
	dir := t.TempDir()
	raw, err := os.ReadFile("testdata/user.cfg")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "user.cfg"), raw, 0o640); err != nil {
		t.Fatal(err)
	}
	s, err := New(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// TestOperations: each operation's resulting user.cfg lines, or its
// error with user.cfg byte-identical.
func TestOperations(t *testing.T) {
	for _, tc := range []struct {
		name    string
		op      func(s *Store) error
		want    []string // lines that must be in user.cfg
		notWant []string
		wantErr string
	}{
		{"add user", func(s *Store) error {
			return s.AddUser("bob@pam", UserFields{Expire: ptr(int64(4102444800)), Comment: ptr("a:b%c"), Groups: ptr("auditors operators")}, "")
		}, []string{"user:bob@pam:1:4102444800::::a%3Ab%25c::\n", "group:auditors:alice@pve,bob@pam,temp@pve::\n"}, nil, ""},
		{"add user twice", func(s *Store) error { return s.AddUser("alice@pve", UserFields{}, "") }, nil, nil, "user 'alice@pve' already exists"},
		{"modify groups replaces", func(s *Store) error { return s.ModifyUser("alice@pve", UserFields{Groups: ptr("auditors")}, false, "") },
			[]string{"group:operators:deploy@pve:VM operators:\n", "group:auditors:alice@pve,temp@pve::\n"}, nil, ""},
		{"modify groups append", func(s *Store) error { return s.ModifyUser("deploy@pve", UserFields{Groups: ptr("auditors")}, true, "") },
			[]string{"group:auditors:alice@pve,deploy@pve,temp@pve::\n", "group:operators:alice@pve,deploy@pve:VM operators:\n"}, nil, ""},
		{"append needs groups", func(s *Store) error { return s.ModifyUser("deploy@pve", UserFields{}, true, "") }, nil, nil, "'append'"},
		{"delete user", func(s *Store) error { return s.DeleteUser("deploy@pve", "") },
			[]string{"acl:1:/pool/test:deploy@pve!ci:PVEVMAdmin:\n", "group:operators:alice@pve:VM operators:\n"}, []string{"user:deploy@pve", "token:deploy@pve!ci"}, ""},
		{"delete unknown user", func(s *Store) error { return s.DeleteUser("x@pve", "") }, nil, nil, "no such user 'x@pve'"},
		{"group add", func(s *Store) error { return s.AddGroup("admin", ptr("System Administrators"), "") }, []string{"group:admin::System Administrators:\n"}, nil, ""},
		{"group delete drops its ACLs", func(s *Store) error { return s.DeleteGroup("operators", "") }, nil, []string{"@operators", "group:operators"}, ""},
		{"role add", func(s *Store) error { return s.AddRole("Sys_Power-only", ptr("Sys.PowerMgmt Sys.Console"), "") }, []string{"role:Sys_Power-only:Sys.Console,Sys.PowerMgmt:\n"}, nil, ""},
		{"role add PVE prefix", func(s *Store) error { return s.AddRole("pve_x", ptr("VM.Audit"), "") }, nil, nil, "'PVE' namespace"},
		{"role add unknown privilege", func(s *Store) error { return s.AddRole("R", ptr("VM.Monitor"), "") }, nil, nil, "invalid privilege 'VM.Monitor'"},
		{"role modify append", func(s *Store) error { return s.ModifyRole("druva_backup_restore", ptr("VM.Console"), true, "") }, []string{",VM.Config.Options,VM.Console,VM.PowerMgmt,"}, nil, ""},
		{"role modify replace", func(s *Store) error { return s.ModifyRole("druva_backup_restore", ptr("VM.Console"), false, "") }, []string{"role:druva_backup_restore:VM.Console:\n"}, nil, ""},
		{"role modify built-in", func(s *Store) error { return s.ModifyRole("PVEAuditor", ptr("VM.Console"), false, "") }, nil, nil, "auto-generated role 'PVEAuditor' cannot be modified"},
		{"role delete keeps ACL lines", func(s *Store) error { return s.DeleteRole("druva_backup_restore", "") }, []string{"acl:1:/:druva@pam:druva_backup_restore:\n"}, []string{"role:druva_backup_restore"}, ""},
		{"pool nested", func(s *Store) error { return s.AddPool("prod/web", ptr("web"), "") }, []string{"pool:prod/web:web:::\n"}, nil, ""},
		{"pool nested no parent", func(s *Store) error { return s.AddPool("x/web", nil, "") }, nil, nil, "parent 'x' does not exist"},
		{"pool VM in another pool", func(s *Store) error { return s.ModifyPool("test", PoolFields{VMs: ptr("100")}, "") }, nil, nil, "VM 100 belongs already to pool 'prod'"},
		{"pool VM move", func(s *Store) error { return s.ModifyPool("test", PoolFields{VMs: ptr("100"), AllowMove: true}, "") },
			[]string{"pool:prod:production VMs:101:local,nfs:\n", "pool:test:test VMs:100,200::\n"}, nil, ""},
		{"pool storage in two pools", func(s *Store) error { return s.ModifyPool("test", PoolFields{Storage: ptr("local")}, "") }, []string{"pool:test:test VMs:200:local:\n"}, nil, ""},
		{"pool delete non-empty", func(s *Store) error { return s.DeletePool("prod", "") }, nil, nil, "is not empty"},
		{"acl modify", func(s *Store) error {
			return s.ChangeACL(ACLChange{Path: "//vms/100/", Users: "alice@pve", Groups: "auditors", Roles: "PVEVMUser,PVEAuditor", Propagate: true})
		}, []string{"acl:1:/vms/100:@auditors,alice@pve:PVEAuditor,PVEVMUser:\n"}, nil, ""},
		{"acl delete", func(s *Store) error {
			return s.ChangeACL(ACLChange{Path: "/pool/prod", Groups: "operators", Roles: "PVEVMUser", Delete: true})
		}, nil, []string{"/pool/prod"}, ""},
		{"acl path", func(s *Store) error {
			return s.ChangeACL(ACLChange{Path: "/vms/99", Users: "alice@pve", Roles: "PVEAuditor"})
		}, nil, nil, "invalid ACL path"},
		{"acl digest", func(s *Store) error {
			return s.ChangeACL(ACLChange{Path: "/", Users: "alice@pve", Roles: "PVEAuditor", Digest: strings.Repeat("a", 40)})
		}, nil, nil, "detected modified configuration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fixture(t)
			before, _ := os.ReadFile(s.path("user.cfg"))
			err := tc.op(s)
			after, _ := os.ReadFile(s.path("user.cfg"))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				if string(before) != string(after) {
					t.Errorf("user.cfg changed on error")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			for _, l := range tc.want {
				if !strings.Contains(string(after), l) {
					t.Errorf("user.cfg lacks %q:\n%s", l, after)
				}
			}
			for _, l := range tc.notWant {
				if strings.Contains(string(after), l) {
					t.Errorf("user.cfg still has %q:\n%s", l, after)
				}
			}
			if ents, _ := os.ReadDir(s.path(lockDir)); len(ents) != 0 {
				t.Errorf("lock left: %v", ents)
			}
		})
	}
}

func TestTokenSecret(t *testing.T) {
	s := fixture(t)
	tok, err := s.AddToken("alice@pve", "ci", TokenFields{Comment: ptr("c")}, "")
	if err != nil {
		t.Fatal(err)
	}
	ucfg, _ := os.ReadFile(s.path("user.cfg"))
	if strings.Contains(string(ucfg), tok.Value) || !strings.Contains(string(ucfg), "token:alice@pve!ci:0:1:c:\n") {
		t.Errorf("user.cfg:\n%s", ucfg)
	}
	st, err := os.Stat(s.path(TokenCfg))
	if err != nil || st.Mode().Perm() != TokenCfgMode {
		t.Fatalf("token.cfg: %v %v", st, err)
	}
	raw, _ := os.ReadFile(s.path(TokenCfg))
	if string(raw) != "alice@pve!ci "+tok.Value+"\n" {
		t.Errorf("token.cfg %q", raw)
	}
	if err := s.RemoveToken("alice@pve", "ci", ""); err != nil {
		t.Fatal(err)
	}
	if raw, _ := os.ReadFile(s.path(TokenCfg)); len(raw) != 0 {
		t.Errorf("token.cfg after remove %q", raw)
	}
}

func TestLockTimeoutAndStale(t *testing.T) {
	s := fixture(t)
	s.Timeout = 200 * time.Millisecond
	lock := s.path(lockDir + "/" + UserLockID)
	if err := os.MkdirAll(lock, 0o700); err != nil {
		t.Fatal(err)
	}
	err := s.AddGroup("g1", nil, "")
	if err == nil || !strings.Contains(err.Error(), "cfs-lock 'file-user_cfg' error: got lock request timeout") {
		t.Fatalf("held lock: %v", err)
	}
	old := time.Now().Add(-LockStale - time.Second)
	if err := os.Chtimes(lock, old, old); err != nil {
		t.Fatal(err)
	}
	if err := s.AddGroup("g1", nil, ""); err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	if _, err := os.Stat(lock); err == nil {
		t.Error("lock left")
	}
}

func TestUnchangedFileNotRewritten(t *testing.T) {
	s := fixture(t)
	before, _ := os.Stat(s.path("user.cfg"))
	time.Sleep(10 * time.Millisecond)
	// modifying a comment to its own value writes the same bytes
	if err := s.ModifyGroup("operators", ptr("VM operators"), ""); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(s.path("user.cfg"))
	if !before.ModTime().Equal(after.ModTime()) {
		t.Error("identical content was rewritten")
	}
}
