package catalog

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/config"
)

// pbsPrivileges is the "current" column of docs/semantics.md §1.1 (PBS ≥ 3.3,
// [RS] pbs-api-types/src/acl.rs), in PRIVILEGES order (bit 0 first).
var pbsPrivileges = []string{
	"Sys.Audit",
	"Sys.Modify",
	"Sys.PowerManagement",
	"Datastore.Audit",
	"Datastore.Allocate",
	"Datastore.Modify",
	"Datastore.Read",
	"Datastore.Verify",
	"Datastore.Backup",
	"Datastore.Prune",
	"Permissions.Modify",
	"Remote.Audit",
	"Remote.Modify",
	"Remote.Read",
	"Remote.DatastoreBackup",
	"Remote.DatastoreModify",
	"Remote.DatastorePrune",
	"Sys.Console",
	"Tape.Audit",
	"Tape.Modify",
	"Tape.Write",
	"Tape.Read",
	"Realm.Allocate",
}

// pbsRoles is the table of docs/semantics.md §1.2 (current roles). Admin is
// u64::MAX, i.e. every named privilege (§1.2, §12).
var pbsRoles = map[string][]string{
	"Admin":              pbsPrivileges,
	"Audit":              {"Sys.Audit", "Datastore.Audit"},
	"NoAccess":           {},
	"DatastoreAdmin":     {"Datastore.Audit", "Datastore.Modify", "Datastore.Read", "Datastore.Verify", "Datastore.Backup", "Datastore.Prune"},
	"DatastoreReader":    {"Datastore.Audit", "Datastore.Read", "Datastore.Verify"},
	"DatastoreBackup":    {"Datastore.Backup"},
	"DatastorePowerUser": {"Datastore.Backup", "Datastore.Prune"},
	"DatastoreAudit":     {"Datastore.Audit"},
	"RemoteAudit":        {"Remote.Audit"},
	"RemoteAdmin":        {"Remote.Audit", "Remote.Modify", "Remote.Read"},
	"RemoteSyncOperator": {"Remote.Audit", "Remote.Read"},
	// ≥ 3.3 (§1.2)
	"RemoteSyncPushOperator":   {"Remote.Audit", "Remote.DatastoreBackup"},
	"RemoteDatastorePowerUser": {"Remote.Audit", "Remote.DatastoreBackup", "Remote.DatastorePrune"},
	"RemoteDatastoreAdmin":     {"Remote.Audit", "Remote.DatastoreBackup", "Remote.DatastoreModify", "Remote.DatastorePrune"},
	"TapeAudit":                {"Tape.Audit"},
	"TapeAdmin":                {"Tape.Audit", "Tape.Modify", "Tape.Read", "Tape.Write"},
	"TapeOperator":             {"Tape.Audit", "Tape.Read", "Tape.Write"},
	"TapeReader":               {"Tape.Audit", "Tape.Read"},
}

func mustLoadPBS(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load("pbs")
	if err != nil {
		t.Fatalf("Load(pbs): %v", err)
	}
	return c
}

func TestLoadPBS(t *testing.T) {
	c := mustLoadPBS(t)
	if c.Flavor != "pbs" {
		t.Errorf("Flavor = %q, want pbs", c.Flavor)
	}
	if c.Version == "" {
		t.Error("Version is empty")
	}
	// MustLoad must agree with Load.
	if m := MustLoad("pbs"); !reflect.DeepEqual(m.Privileges, c.Privileges) {
		t.Errorf("MustLoad privileges differ from Load")
	}
}

// TestPrivilegeOrder checks the exact PRIVILEGES order of §1.1: it fixes the
// order of names in "missing permissions 'A&B'" messages.
func TestPrivilegeOrder(t *testing.T) {
	c := mustLoadPBS(t)
	if len(c.Privileges) != 23 {
		t.Fatalf("got %d privileges, want 23", len(c.Privileges))
	}
	if !slices.Equal(c.Privileges, pbsPrivileges) {
		t.Errorf("privileges:\n got  %v\n want %v", c.Privileges, pbsPrivileges)
	}
	for _, p := range pbsPrivileges {
		if !c.IsPrivilege(p) {
			t.Errorf("IsPrivilege(%q) = false", p)
		}
	}
	for _, p := range []string{"", "sys.audit", "Datastore", "Remote.Prune", "Admin"} {
		if c.IsPrivilege(p) {
			t.Errorf("IsPrivilege(%q) = true", p)
		}
	}
}

// TestRoles checks every built-in role's privilege set (§1.2).
func TestRoles(t *testing.T) {
	c := mustLoadPBS(t)
	if len(c.Roles) != 18 {
		t.Errorf("got %d roles, want 18", len(c.Roles))
	}
	for _, r := range c.Roles {
		if _, ok := pbsRoles[r.Name]; !ok {
			t.Errorf("unexpected role %q", r.Name)
		}
	}
	for name, want := range pbsRoles {
		t.Run(name, func(t *testing.T) {
			if !c.IsRole(name) {
				t.Fatalf("IsRole(%q) = false", name)
			}
			got := c.RolePrivileges(name)
			gs := append([]string(nil), got...)
			ws := append([]string(nil), want...)
			slices.Sort(gs)
			slices.Sort(ws)
			if !slices.Equal(gs, ws) {
				t.Errorf("privileges of %s:\n got  %v\n want %v", name, got, want)
			}
			r, ok := c.Role(name)
			if !ok || r.Name != name {
				t.Errorf("Role(%q) = %+v, %v", name, r, ok)
			}
			if r.Description == "" {
				t.Errorf("role %s has no description", name)
			}
		})
	}
}

// TestAdminIsAll: Admin is u64::MAX, every named privilege in canonical
// order (§1.2, §12).
func TestAdminIsAll(t *testing.T) {
	c := mustLoadPBS(t)
	if got := c.RolePrivileges("Admin"); !slices.Equal(got, pbsPrivileges) {
		t.Errorf("Admin privileges = %v", got)
	}
	// The expanded list must be a copy, not an alias of c.Privileges.
	c.RolePrivileges("Admin")[0] = "X"
	if c.Privileges[0] != "Sys.Audit" {
		t.Errorf("Admin's privilege slice aliases Catalog.Privileges")
	}
}

// TestIsRoleCaseSensitive: role names are case-sensitive (§1.2).
func TestIsRoleCaseSensitive(t *testing.T) {
	c := mustLoadPBS(t)
	tests := []struct {
		name string
		want bool
	}{
		{"Admin", true},
		{"admin", false},
		{"ADMIN", false},
		{"NoAccess", true},
		{"noaccess", false},
		{"Noaccess", false},
		{"DatastoreAdmin", true},
		{"datastoreadmin", false},
		{"", false},
		{" Admin", false},
		{"Admin ", false},
		{"Sys.Audit", false}, // a privilege, not a role
		{"PVEAdmin", false},
	}
	for _, tt := range tests {
		if got := c.IsRole(tt.name); got != tt.want {
			t.Errorf("IsRole(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if p := c.RolePrivileges("admin"); p != nil {
		t.Errorf("RolePrivileges(admin) = %v, want nil", p)
	}
	if _, ok := c.Role("admin"); ok {
		t.Errorf("Role(admin) found")
	}
}

// TestSortPrivileges: canonical PRIVILEGES order (§1.1); unknown names go
// last, sorted byte-wise.
func TestSortPrivileges(t *testing.T) {
	c := mustLoadPBS(t)
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"empty", []string{}, []string{}},
		{"single", []string{"Tape.Read"}, []string{"Tape.Read"}},
		{
			"canonical not alphabetical",
			[]string{"Datastore.Backup", "Datastore.Audit"},
			[]string{"Datastore.Audit", "Datastore.Backup"},
		},
		{
			"tape write before read",
			[]string{"Tape.Read", "Tape.Write", "Tape.Audit", "Tape.Modify"},
			[]string{"Tape.Audit", "Tape.Modify", "Tape.Write", "Tape.Read"},
		},
		{
			"sys console after remote",
			[]string{"Sys.Console", "Remote.DatastorePrune", "Sys.Audit", "Realm.Allocate"},
			[]string{"Sys.Audit", "Remote.DatastorePrune", "Sys.Console", "Realm.Allocate"},
		},
		{
			"unknown last, byte-wise",
			[]string{"Zzz", "Datastore.Read", "Aaa", "Sys.Audit"},
			[]string{"Sys.Audit", "Datastore.Read", "Aaa", "Zzz"},
		},
		{
			"reverse of all",
			reversed(pbsPrivileges),
			pbsPrivileges,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := append([]string{}, tt.in...)
			c.SortPrivileges(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SortPrivileges(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func reversed(s []string) []string {
	out := append([]string(nil), s...)
	slices.Reverse(out)
	return out
}

func TestLoadUnknownFlavor(t *testing.T) {
	for _, flavor := range []string{"nope", "", "PBS", "../catalog", "pbs.json"} {
		c, err := Load(flavor)
		if err == nil {
			t.Errorf("Load(%q) = %v, want an error", flavor, c)
			continue
		}
		if !strings.Contains(err.Error(), "no privilege catalog") {
			t.Errorf("Load(%q) error = %v", flavor, err)
		}
	}
}

func TestMustLoadPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustLoad(nope) did not panic")
		}
	}()
	MustLoad("nope")
}

// TestPBS32 checks the PBS ≤ 3.2 catalog (docs/semantics.md §1.1 column
// "PBS 2.x … 3.2", §1.2): the current one without the Remote.Datastore*
// privileges and the three push-sync roles.
func TestPBS32(t *testing.T) {
	old, err := Load("pbs-3.2")
	if err != nil {
		t.Fatal(err)
	}
	if old.Flavor != "pbs" || old.Version != "3.2" {
		t.Errorf("flavor %q version %q", old.Flavor, old.Version)
	}
	var want []string
	for _, p := range pbsPrivileges {
		if !strings.HasPrefix(p, "Remote.Datastore") {
			want = append(want, p)
		}
	}
	if !reflect.DeepEqual(old.Privileges, want) {
		t.Errorf("privileges %v", old.Privileges)
	}
	push := []string{"RemoteSyncPushOperator", "RemoteDatastorePowerUser", "RemoteDatastoreAdmin"}
	for name, privs := range pbsRoles {
		if slices.Contains(push, name) {
			if old.IsRole(name) {
				t.Errorf("%s exists in 3.2", name)
			}
			continue
		}
		if name == "Admin" {
			privs = want
		}
		if got := old.RolePrivileges(name); !reflect.DeepEqual(got, privs) && !(len(got) == 0 && len(privs) == 0) {
			t.Errorf("%s: %v, want %v", name, got, privs)
		}
	}
}

// TestFor is the one table of which catalog a flavor and PVE version read
// with.
func TestFor(t *testing.T) {
	tests := []struct {
		flavor      config.Flavor
		pveVersion  string
		wantFlavor  config.Flavor
		wantVersion string // prefix
		wantErr     string
	}{
		{config.PBS, "", config.PBS, "4", ""},
		{config.PBS, "8", config.PBS, "4", ""}, // the PVE version is ignored
		{"", "", config.PBS, "4", ""},
		{config.PVE, "", config.PVE, "9", ""},
		{config.PVE, "9", config.PVE, "9", ""},
		{config.PVE, "8", config.PVE, "8", ""},
		{config.PVE, "7", "", "", "unknown PVE version '7' (want 8 or 9)"},
		{config.PVE, "pve8", "", "", "unknown PVE version"},
		{"pmg", "", "", "", "no privilege catalog for flavor 'pmg'"},
		{"PVE", "", "", "", "no privilege catalog"},
	}
	for _, tt := range tests {
		c, err := For(tt.flavor, tt.pveVersion)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("For(%q, %q) error = %v, want %q", tt.flavor, tt.pveVersion, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("For(%q, %q): %v", tt.flavor, tt.pveVersion, err)
			continue
		}
		if c.Flavor != tt.wantFlavor || !strings.HasPrefix(c.Version, tt.wantVersion) {
			t.Errorf("For(%q, %q) = %s %s, want %s %s*", tt.flavor, tt.pveVersion, c.Flavor, c.Version, tt.wantFlavor, tt.wantVersion)
		}
		if m := MustFor(tt.flavor, tt.pveVersion); m.Version != c.Version {
			t.Errorf("MustFor(%q, %q) = %s, For = %s", tt.flavor, tt.pveVersion, m.Version, c.Version)
		}
	}
}

// TestForPVEVersions: the PVE catalogs For selects (docs/semantics.md pve §2).
func TestForPVEVersions(t *testing.T) {
	for v, want := range map[string][2]int{"": {47, 17}, "9": {47, 17}, "8": {42, 17}} {
		c, err := For(config.PVE, v)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Privileges) != want[0] || len(c.Roles) != want[1] {
			t.Errorf("PVE %q: %d privileges, %d roles; want %v", v, len(c.Privileges), len(c.Roles), want)
		}
	}
	c8, _ := For(config.PVE, "8")
	if !c8.IsPrivilege("VM.Monitor") || c8.IsPrivilege("VM.Replicate") || len(c8.RolePrivileges("PVEVMAdmin")) != 18 {
		t.Error("PVE 8 catalog differs from §2")
	}
	c9, _ := For(config.PVE, "9")
	for role, n := range map[string]int{"Administrator": 47, "PVEAdmin": 40, "PVEAuditor": 7, "PVEVMAdmin": 23, "PVEVMUser": 10, "NoAccess": 0} {
		if got := len(c9.RolePrivileges(role)); got != n {
			t.Errorf("PVE 9 %s: %d privileges, want %d", role, got, n)
		}
	}
	if _, err := For(config.PVE, "7"); err == nil {
		t.Error("PVE 7 accepted")
	}
}
