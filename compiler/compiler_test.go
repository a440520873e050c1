// Tests of compiling PBS configurations: entries, accounts, group ACLs,
// the node index, metadata, errors, and Compile on a directory.

package compiler

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config/pbs"
)

// compileStrings parses user.cfg and acl.cfg text with the config/pbs
// parsers and compiles them.
func compileStrings(t *testing.T, userCfg, aclCfg string) *Document {
	t.Helper()
	cat := catalog.MustLoad("pbs")
	users, err := pbs.ParseUserCfg("user.cfg", []byte(userCfg))
	if err != nil {
		t.Fatalf("ParseUserCfg: %v", err)
	}
	acl, err := pbs.ParseACLCfg("acl.cfg", []byte(aclCfg), cat.IsRole)
	if err != nil {
		t.Fatalf("ParseACLCfg: %v", err)
	}
	d, err := CompilePBS(&pbs.Config{Users: users, ACL: acl}, cat)
	if err != nil {
		t.Fatalf("CompilePBS: %v", err)
	}
	return d
}

// compileDir loads a testdata directory with pbs.Load and compiles it.
func compileDir(t *testing.T, dir string) *Document {
	t.Helper()
	cat := catalog.MustLoad("pbs")
	cfg, err := pbs.Load(dir, cat.IsRole)
	if err != nil {
		t.Fatalf("pbs.Load(%s): %v", dir, err)
	}
	d, err := CompilePBS(cfg, cat)
	if err != nil {
		t.Fatalf("CompilePBS: %v", err)
	}
	return d
}

// set returns the privilege set named by key, failing if it is missing.
func set(t *testing.T, d *Document, key string) map[string]bool {
	t.Helper()
	s, ok := d.PrivSets[key]
	if !ok {
		t.Fatalf("privilege set %q not in privsets", key)
	}
	return s
}

// entry returns d.ACL[path][id], failing if it is missing.
func entry(t *testing.T, d *Document, path, id string) *Entry {
	t.Helper()
	e := d.ACL[path][id]
	if e == nil {
		t.Fatalf("no ACL entry for %s at %s; acl[%s] = %v", id, path, path, d.ACL[path])
	}
	return e
}

func allTrue(privs ...string) map[string]bool {
	m := map[string]bool{}
	for _, p := range privs {
		m[p] = true
	}
	return m
}

// TestCompileEntries checks the compiled entries of testdata/basic: role
// expansion (§1.2), the role map kept per ugid and node (§3.1), the leaf set
// (every role with its own flag, §3.2/§3.4) and the inherit set
// (propagating roles only, §3.3).
func TestCompileEntries(t *testing.T) {
	d := compileDir(t, "testdata/basic")
	datastoreAdmin := allTrue("Datastore.Audit", "Datastore.Modify", "Datastore.Read", "Datastore.Verify", "Datastore.Backup", "Datastore.Prune")
	tests := []struct {
		name        string
		path, id    string
		roles       map[string]bool
		lines       map[string]int
		leaf        map[string]bool
		inherit     map[string]bool // nil: no Inherit key expected
		wantInherit bool
	}{
		{
			name: "role expansion, propagate 1",
			path: "/datastore", id: "john@pbs",
			roles: map[string]bool{"DatastoreAdmin": true}, lines: map[string]int{"DatastoreAdmin": 1},
			leaf: datastoreAdmin, inherit: datastoreAdmin, wantInherit: true,
		},
		{
			// NoAccess in force yields the empty set, which still counts as a
			// non-empty role map (§3.2); propagate 1 -> an (empty) Inherit.
			name: "NoAccess propagate 1",
			path: "/datastore/store1", id: "jane@pbs",
			roles: map[string]bool{"NoAccess": true}, lines: map[string]int{"NoAccess": 2},
			leaf: map[string]bool{}, inherit: map[string]bool{}, wantInherit: true,
		},
		{
			// NoAccess with propagate=0 only affects the exact path (§3.3).
			name: "NoAccess propagate 0",
			path: "/datastore/store2", id: "jane@pbs",
			roles: map[string]bool{"NoAccess": false}, lines: map[string]int{"NoAccess": 3},
			leaf: map[string]bool{},
		},
		{
			// propagate=0 entries count only at the leaf (§3.3): no Inherit.
			name: "propagate 0 only",
			path: "/datastore/store1", id: "bob@pbs",
			roles: map[string]bool{"DatastoreReader": false}, lines: map[string]int{"DatastoreReader": 4},
			leaf: map[string]bool{"Datastore.Audit": false, "Datastore.Read": false, "Datastore.Verify": false},
		},
		{
			// Datastore.Backup is in a propagating and a non-propagating role
			// at one node: propagated = OR over roles flagged true (§3.4).
			name: "mixed flags at one node",
			path: "/datastore/store1", id: "john@pbs!client1",
			roles:   map[string]bool{"DatastoreBackup": true, "DatastorePowerUser": false},
			lines:   map[string]int{"DatastoreBackup": 5, "DatastorePowerUser": 6},
			leaf:    map[string]bool{"Datastore.Backup": true, "Datastore.Prune": false},
			inherit: map[string]bool{"Datastore.Backup": true}, wantInherit: true,
		},
		{
			name: "uglist with two users (1)",
			path: "/datastore/store1/ns1", id: "john@pbs",
			roles: map[string]bool{"DatastoreAdmin": true}, lines: map[string]int{"DatastoreAdmin": 7},
			leaf: datastoreAdmin, inherit: datastoreAdmin, wantInherit: true,
		},
		{
			name: "uglist with two users (2)",
			path: "/datastore/store1/ns1", id: "bob@pbs",
			roles: map[string]bool{"DatastoreAdmin": true}, lines: map[string]int{"DatastoreAdmin": 7},
			leaf: datastoreAdmin, inherit: datastoreAdmin, wantInherit: true,
		},
		{
			name: "two roles, union",
			path: "/remote", id: "john@pbs",
			roles: map[string]bool{"RemoteAdmin": true, "Audit": true}, lines: map[string]int{"RemoteAdmin": 9, "Audit": 9},
			leaf:    allTrue("Remote.Audit", "Remote.Modify", "Remote.Read", "Sys.Audit", "Datastore.Audit"),
			inherit: allTrue("Remote.Audit", "Remote.Modify", "Remote.Read", "Sys.Audit", "Datastore.Audit"), wantInherit: true,
		},
		{
			// "Admin,NoAccess" on one line gives {NoAccess} (§3.1).
			name: "Admin,NoAccess on one line",
			path: "/system", id: "bob@pbs",
			roles: map[string]bool{"NoAccess": true}, lines: map[string]int{"NoAccess": 10},
			leaf: map[string]bool{}, inherit: map[string]bool{}, wantInherit: true,
		},
		{
			name: "TapeAdmin propagate 0",
			path: "/tape", id: "john@pbs",
			roles: map[string]bool{"TapeAdmin": false}, lines: map[string]int{"TapeAdmin": 11},
			leaf: map[string]bool{"Tape.Audit": false, "Tape.Modify": false, "Tape.Read": false, "Tape.Write": false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := entry(t, d, tt.path, tt.id)
			if !maps.Equal(e.Roles, tt.roles) {
				t.Errorf("Roles = %v, want %v", e.Roles, tt.roles)
			}
			if !maps.Equal(e.Lines, tt.lines) {
				t.Errorf("Lines = %v, want %v", e.Lines, tt.lines)
			}
			if e.Leaf == "" {
				t.Fatalf("Leaf is empty")
			}
			if got := set(t, d, e.Leaf); !maps.Equal(got, tt.leaf) {
				t.Errorf("leaf set %s = %v, want %v", e.Leaf, got, tt.leaf)
			}
			if !tt.wantInherit {
				if e.Inherit != "" {
					t.Errorf("Inherit = %q (%v), want none", e.Inherit, d.PrivSets[e.Inherit])
				}
				return
			}
			if e.Inherit == "" {
				t.Fatalf("Inherit is empty, want %v", tt.inherit)
			}
			if got := set(t, d, e.Inherit); !maps.Equal(got, tt.inherit) {
				t.Errorf("inherit set %s = %v, want %v", e.Inherit, got, tt.inherit)
			}
		})
	}
	// Exactly the entries above, nothing else (the group entry on / lands
	// in group_acl, see TestGroupACL).
	n := 0
	for _, m := range d.ACL {
		n += len(m)
	}
	if n != len(tests) {
		t.Errorf("got %d ACL entries, want %d: %v", n, len(tests), d.ACL)
	}
}

// tokens carry their owner; root@pam is injected (§5.1).
func TestAccounts(t *testing.T) {
	d := compileDir(t, "testdata/basic")
	users := []struct {
		id     string
		enable bool
		expire int64
		line   int
	}{
		{"root@pam", true, 0, 1},
		{"john@pbs", true, 0, 4},
		{"jane@pbs", false, 1767225600, 7},
		{"bob@pbs", true, 0, 11},
	}
	if len(d.Users) != len(users) {
		t.Errorf("got %d users, want %d: %v", len(d.Users), len(users), d.Users)
	}
	for _, u := range users {
		a, ok := d.Users[u.id]
		if !ok {
			t.Errorf("user %s missing", u.id)
			continue
		}
		want := Account{Enable: u.enable, Expire: u.expire, Line: u.line}
		if u.enable && u.expire == 0 {
			want.Steady = u.id // always active: the fast rules' index
		}
		if a != want {
			t.Errorf("user %s = %+v, want %+v", u.id, a, want)
		}
	}
	tokens := map[string]Account{
		"john@pbs!client1": {Enable: true, Expire: 0, Line: 13, Owner: "john@pbs", Steady: "john@pbs"},
		"john@pbs!off":     {Enable: false, Expire: 1700000000, Line: 16, Owner: "john@pbs"},
	}
	if !maps.Equal(d.Tokens, tokens) {
		t.Errorf("tokens = %+v, want %+v", d.Tokens, tokens)
	}

	// root@pam injected when user.cfg lacks it (§5.1).
	d = compileStrings(t, "user: a@pbs\n\ntoken: a@b@pbs!t1\n", "")
	if a, ok := d.Users["root@pam"]; !ok || !a.Enable || a.Expire != 0 || a.Owner != "" {
		t.Errorf("root@pam = %+v, %v; want injected, enabled, never expiring", a, ok)
	}
	// The owner of a token is the user part, split at the last '@' (§6).
	if got := d.Tokens["a@b@pbs!t1"].Owner; got != "a@b@pbs" {
		t.Errorf("owner of a@b@pbs!t1 = %q, want a@b@pbs", got)
	}
}

// TestGroupACL: @group entries land in group_acl keyed by the group name
// without '@', never in acl (§3.5).
func TestGroupACL(t *testing.T) {
	d := compileDir(t, "testdata/basic")
	if _, ok := d.ACL["/"]; ok {
		t.Errorf("acl has an entry on / : %v", d.ACL["/"])
	}
	g := d.GroupACL["/"]["admins"]
	if g == nil {
		t.Fatalf("group_acl = %v, want admins on /", d.GroupACL)
	}
	if !maps.Equal(g.Roles, map[string]bool{"Admin": true}) || g.Lines["Admin"] != 8 {
		t.Errorf("group entry = %+v", g)
	}
	if len(set(t, d, g.Leaf)) != 23 {
		t.Errorf("Admin group leaf = %v, want all 23 privileges", d.PrivSets[g.Leaf])
	}
	for path, m := range d.ACL {
		for id := range m {
			if strings.HasPrefix(id, "@") || id == "admins" {
				t.Errorf("group %q in acl at %s", id, path)
			}
		}
	}

	// A user and a group on the same node are kept apart.
	d = compileStrings(t, "user: u@pbs\n", "acl:1:/x:u@pbs,@u:DatastoreAudit\n")
	if d.ACL["/x"]["u@pbs"] == nil || d.GroupACL["/x"]["u"] == nil || len(d.ACL["/x"]) != 1 || len(d.GroupACL["/x"]) != 1 {
		t.Errorf("acl = %v, group_acl = %v", d.ACL, d.GroupACL)
	}
}

// TestNodeIndex: nodes lists the acl.cfg nodes with entries (pre-order,
// §2.2) and levels the depths at which there are some; intermediate nodes
// are left out.
func TestNodeIndex(t *testing.T) {
	tests := []struct {
		name, acl string
		nodes     []string
		levels    Levels
	}{
		{"basic", "", []string{"/", "/datastore", "/datastore/store1", "/datastore/store1/ns1", "/datastore/store2", "/remote", "/system", "/tape"}, Levels{true, true, true, true}},
		{"intermediate nodes left out", "acl:1:/a/b/c:u@pbs:Audit\nacl:1:/a/b/c/d:u@pbs:Audit\n", []string{"/a/b/c", "/a/b/c/d"}, Levels{false, false, false, true, true}},
		{"groups count", "acl:1:/a/b:@g:Audit\nacl:1:/x:u@pbs:Audit\n", []string{"/a/b", "/x"}, Levels{false, true, true}},
		{"empty", "", nil, Levels{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d *Document
			if tc.name == "basic" {
				d = compileDir(t, "testdata/basic")
			} else {
				d = compileStrings(t, "user: u@pbs\n", tc.acl)
			}
			if !reflect.DeepEqual(d.Nodes, tc.nodes) {
				t.Errorf("Nodes = %v, want %v", d.Nodes, tc.nodes)
			}
			if len(d.NodeIndex) != len(tc.nodes) {
				t.Errorf("NodeIndex has %d nodes, want %d", len(d.NodeIndex), len(tc.nodes))
			}
			for _, p := range tc.nodes {
				if _, ok := d.NodeIndex[p]; !ok {
					t.Errorf("NodeIndex lacks %s", p)
				}
			}
			if !reflect.DeepEqual(d.Levels, tc.levels) {
				t.Errorf("Levels = %v, want %v", d.Levels, tc.levels)
			}
		})
	}
}

func TestMetaAndSources(t *testing.T) {
	d := compileDir(t, "testdata/basic")
	cat := catalog.MustLoad("pbs")
	want := Meta{Flavor: "pbs", CatalogVersion: cat.Version, Superuser: "root@pam", ACLFile: "acl.cfg", UserFile: "user.cfg"}
	if d.Meta != want {
		t.Errorf("Meta = %+v, want %+v", d.Meta, want)
	}
	for _, f := range []string{"user.cfg", "acl.cfg", "domains.cfg"} {
		if len(d.Sources[f]) != 64 {
			t.Errorf("Sources[%s] = %q, want a sha256 hex digest", f, d.Sources[f])
		}
	}
	// domains.cfg is missing: the digest of the empty file.
	if got := d.Sources["domains.cfg"]; got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("Sources[domains.cfg] = %s", got)
	}
	if len(d.Privileges) != 23 || d.Privileges["Sys.Audit"] != 0 || d.Privileges["Realm.Allocate"] != 22 {
		t.Errorf("Privileges = %v", d.Privileges)
	}
	if len(d.Roles) != 18 || len(d.Roles["Admin"]) != 23 {
		t.Errorf("Roles = %v", d.Roles)
	}
}

// TestCompileMatchesCompilePBS: Compile is Load + CompilePBS +
// LoadTFA.
func TestCompileMatchesCompilePBS(t *testing.T) {
	a, err := Compile("testdata/basic", Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := compileDir(t, "testdata/basic")
	b.TFA = map[string]TFAUser{} // no tfa.json: nobody has a second factor
	ja, _ := a.JSON()
	jb, _ := b.JSON()
	if !bytes.Equal(ja, jb) {
		t.Errorf("Compile and CompilePBS differ")
	}
	if _, err := Compile("testdata/does-not-exist", Options{}); err == nil {
		t.Errorf("Compile on a missing dir: no error")
	}
}

// TestCompileErrors: a role unknown to the catalog is an error naming the
// acl.cfg line (§1.2: unknown roles are parse errors).
func TestCompileErrors(t *testing.T) {
	cat := catalog.MustLoad("pbs")
	acl, err := pbs.ParseACLCfg("acl.cfg", []byte("acl:1:/a:u@pbs:Audit\nacl:1:/a/b:u@pbs:Bogus\n"), func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	_, err = CompilePBS(&pbs.Config{ACL: acl}, cat)
	if err == nil || !strings.Contains(err.Error(), "acl.cfg:2") || !strings.Contains(err.Error(), "Bogus") || !strings.Contains(err.Error(), "/a/b") {
		t.Errorf("err = %v, want unknown role 'Bogus' at acl.cfg:2 on /a/b", err)
	}
	// Same for groups.
	acl, _ = pbs.ParseACLCfg("acl.cfg", []byte("acl:1:/a:@g:Nope\n"), func(string) bool { return true })
	if _, err := CompilePBS(&pbs.Config{ACL: acl}, cat); err == nil {
		t.Errorf("unknown group role: no error")
	}
	// Nil parts are fine: an empty document.
	d, err := CompilePBS(&pbs.Config{}, cat)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ACL) != 0 || len(d.Users) != 0 || len(d.Nodes) != 0 {
		t.Errorf("empty config compiled to %+v", d)
	}
	if j, err := d.JSON(); err != nil || !json.Valid(j) {
		t.Errorf("empty document JSON = %s, %v", j, err)
	}
}
