package pbs

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"slices"
	"testing"
)

// roles returns ugid's role -> propagate map at path ("@g" for groups).
func roles(t *testing.T, tree *ACLTree, path, ugid string) map[string]bool {
	t.Helper()
	n := tree.Node(path)
	if n == nil {
		return nil
	}
	m := n.Users[ugid]
	if ugid != "" && ugid[0] == '@' {
		m = n.Groups[ugid[1:]]
	}
	if m == nil {
		return nil
	}
	out := map[string]bool{}
	for r, e := range m {
		out[r] = e.Propagate
	}
	return out
}

func TestParseACLCfg(t *testing.T) {
	tests := []struct {
		name, in, path, ugid string
		want                 map[string]bool
	}{
		{"basic", "acl:1:/datastore/s1:john@pbs:DatastoreBackup\n", "/datastore/s1", "john@pbs", map[string]bool{"DatastoreBackup": true}},
		// §3.1: NoAccess,Admin on one line gives {Admin}; Admin,NoAccess gives {NoAccess}.
		{"noaccess then admin", "acl:1:/:a@pbs:NoAccess,Admin\n", "/", "a@pbs", map[string]bool{"Admin": true}},
		{"admin then noaccess", "acl:1:/:a@pbs:Admin,NoAccess\n", "/", "a@pbs", map[string]bool{"NoAccess": true}},
		// §3.1: later lines override earlier ones the same way.
		{"later line noaccess", "acl:1:/:a@pbs:Admin,Audit\nacl:0:/:a@pbs:NoAccess\n", "/", "a@pbs", map[string]bool{"NoAccess": false}},
		{"later line role", "acl:1:/:a@pbs:NoAccess\nacl:0:/:a@pbs:Audit\n", "/", "a@pbs", map[string]bool{"Audit": false}},
		{"propagate overwritten", "acl:1:/:a@pbs:Audit\nacl:0:/:a@pbs:Audit\n", "/", "a@pbs", map[string]bool{"Audit": false}},
		// §2.1: empty components dropped: "//a///b/", "a/b", "/a/b" are one node.
		{"path normalised", "acl:1://a///b/:a@pbs:Audit\nacl:0:a/b:a@pbs:Admin\n", "/a/b", "a@pbs", map[string]bool{"Audit": true, "Admin": false}},
		{"empty path is root", "acl:1::a@pbs:Audit\n", "/", "a@pbs", map[string]bool{"Audit": true}},
		// §2.1: lines trimmed, blank lines skipped, items trimmed, CRLF.
		{"trim", "\r\n  \t\r\n  acl:1:/x: a@pbs , b@pbs : Audit , Admin  \r\n", "/x", "b@pbs", map[string]bool{"Audit": true, "Admin": true}},
		// §2.1: "@name" is a group.
		{"group", "acl:1:/:@admins:Admin\n", "/", "@admins", map[string]bool{"Admin": true}},
		{"empty group", "acl:1:/:@:Admin\n", "/", "@", map[string]bool{"Admin": true}},
		// §2.1/§6: tokens and users with '@'/'!' in the name; no length limit on load.
		{"token", "acl:1:/:john@pbs!client1:Audit\n", "/", "john@pbs!client1", map[string]bool{"Audit": true}},
		{"at in name", "acl:1:/:a@b@pbs:Audit\n", "/", "a@b@pbs", map[string]bool{"Audit": true}},
		{"bang in name", "acl:1:/:us!er@pbs:Audit\n", "/", "us!er@pbs", map[string]bool{"Audit": true}},
		{"long id", "acl:1:/:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@pbs:Audit\n", "/",
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@pbs", map[string]bool{"Audit": true}},
		// §2.1: paths are not validated on load.
		{"unvalidated path", "acl:1:/storage/st ore!:a@pbs:Audit\n", "/storage/st ore!", "a@pbs", map[string]bool{"Audit": true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree, err := ParseACLCfg("acl.cfg", []byte(tc.in), IsBuiltinRole)
			if err != nil {
				t.Fatal(err)
			}
			if got := roles(t, tree, tc.path, tc.ugid); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("roles = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseACLCfgLineAndDigest(t *testing.T) {
	data := []byte("\nacl:1:/:a@pbs:Audit\nacl:1:/:a@pbs:Admin\n")
	tree, err := ParseACLCfg("acl.cfg", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := tree.Root.Users["a@pbs"]
	if m["Audit"].Line != 2 || m["Admin"].Line != 3 {
		t.Errorf("lines = %+v", m)
	}
	sum := sha256.Sum256(data)
	if tree.Digest != hex.EncodeToString(sum[:]) {
		t.Error("digest")
	}
	// §2.1: missing file == empty file; digest of the empty string.
	empty, err := ParseACLCfg("acl.cfg", nil, nil)
	if err != nil || len(empty.Write()) != 0 || empty.Digest != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("empty tree: %v %q %s", err, empty.Write(), empty.Digest)
	}
}

func TestParseACLCfgErrors(t *testing.T) {
	tests := []struct {
		name, in, prefix string
		parts            []string
	}{
		// §1.2/§2.1: unknown role, incl. the empty role of a trailing comma; case-sensitive.
		{"unknown role", "\n\nacl:1:/:a@pbs:Foo\n", "acl.cfg:3:", []string{"unknown role 'Foo'"}},
		{"empty role", "acl:1:/:a@pbs:Admin,\n", "acl.cfg:1:", []string{"unknown role ''"}},
		{"role case", "acl:1:/:a@pbs:admin\n", "acl.cfg:1:", []string{"unknown role 'admin'"}},
		// §2.1: role is checked before the ugid in the ug × role loop.
		{"role before ugid", "acl:1:/:bad:Foo\n", "acl.cfg:1:", []string{"unknown role 'Foo'"}},
		// §2.1/§6: bad auth ids.
		{"bad authid", "acl:1:/:john:Admin\n", "acl.cfg:1:", []string{"'john'"}},
		{"empty ugid", "acl:1:/:a@pbs,:Admin\n", "acl.cfg:1:", []string{"''"}},
		{"trailing bang", "acl:1:/:a@pbs!:Admin\n", "acl.cfg:1:", []string{"'a@pbs!'"}},
		{"nbsp in name", "acl:1:/:a\u00a0b@pbs:Admin\n", "acl.cfg:1:", []string{`'a\u00a0b@pbs'`}}, // the no-break space escaped (safetext)
		{"short realm", "acl:1:/:a@p:Admin\n", "acl.cfg:1:", []string{"'a@p'"}},
		// §2.1: exactly 5 ':'-separated fields.
		{"4 fields", "acl:1:/x:john@pbs\n", "acl.cfg:1:", []string{"wrong number of items", "'acl:1:/x:john@pbs'"}},
		{"6 fields", "acl:1:/x:john@pbs:Admin:x\n", "acl.cfg:1:", []string{"wrong number of items", "'acl:1:/x:john@pbs:Admin:x'"}},
		// §2.1: no comment syntax.
		{"comment line", "# acl\n", "acl.cfg:1:", []string{"'# acl'"}},
		{"comment 5 fields", "#acl:1:/:a@pbs:Admin\n", "acl.cfg:1:", []string{"'#acl'"}},
		{"not acl", "ACL:1:/:a@pbs:Admin\n", "acl.cfg:1:", []string{"'ACL'"}},
		// §2.1: propagate is exactly "0" or "1".
		{"propagate 2", "acl:2:/:a@pbs:Admin\n", "acl.cfg:1:", []string{"'2'"}},
		{"propagate true", "acl:true:/:a@pbs:Admin\n", "acl.cfg:1:", []string{"'true'"}},
		{"propagate space", "acl: 1:/:a@pbs:Admin\n", "acl.cfg:1:", []string{"' 1'"}},
		{"invalid utf8", "acl:1:/\xff:a@pbs:Admin\n", "acl.cfg:1:", []string{"\\xff"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseACLCfg("acl.cfg", []byte(tc.in), IsBuiltinRole)
			checkErr(t, err, tc.prefix, tc.parts...)
		})
	}
}

func TestParseACLCfgCustomRoles(t *testing.T) {
	isRole := func(r string) bool { return r == "Custom" || r == NoAccess }
	if _, err := ParseACLCfg("acl.cfg", []byte("acl:1:/:a@pbs:Custom\n"), isRole); err != nil {
		t.Error(err)
	}
	if _, err := ParseACLCfg("acl.cfg", []byte("acl:1:/:a@pbs:Admin\n"), isRole); err == nil {
		t.Error("Admin accepted by custom isRole")
	}
}

func TestACLWriteGolden(t *testing.T) {
	// §2.2: upstream test_acl_line_compression, and a mixed file covering
	// ordering, root@pam skipping, groups, NoAccess and path normalisation.
	for _, name := range []string{"acl_compression", "acl_mixed"} {
		t.Run(name, func(t *testing.T) {
			tree, err := ParseACLCfg("acl.cfg", readTestdata(t, name+".cfg"), IsBuiltinRole)
			if err != nil {
				t.Fatal(err)
			}
			got := string(tree.Write())
			want := string(readTestdata(t, name+".golden"))
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			// the written form is a fixed point.
			again, err := ParseACLCfg("acl.cfg", []byte(got), IsBuiltinRole)
			if err != nil {
				t.Fatal(err)
			}
			if string(again.Write()) != got {
				t.Error("write is not a fixed point")
			}
		})
	}
}

func TestACLWriteNoAccessDefensive(t *testing.T) {
	// §2.2: a set containing NoAccess is written as NoAccess alone.
	tree := NewACLTree()
	tree.Root.Users = map[string]map[string]RoleEntry{"a@pbs": {"NoAccess": {Propagate: true}, "Admin": {Propagate: true}}}
	if got := string(tree.Write()); got != "acl:1:/:a@pbs:NoAccess\n" {
		t.Errorf("got %q", got)
	}
}

func TestACLTreeHelpers(t *testing.T) {
	tree := NewACLTree()
	// §3.1 insert semantics via InsertUserRole.
	tree.InsertUserRole("/datastore/s1", "a@pbs", "Admin", true, 0)
	tree.InsertUserRole("datastore//s1", "a@pbs", "Audit", false, 0)
	tree.InsertUserRole("/datastore/s1", "@g", "Audit", true, 0)
	tree.InsertUserRole("/b", "root@pam", "Admin", true, 0)
	tree.InsertUserRole("/b", "x@pbs", "Audit", true, 0)
	tree.InsertUserRole("/b", "x@pbs", "NoAccess", true, 0)
	if got := roles(t, tree, "/b", "x@pbs"); !reflect.DeepEqual(got, map[string]bool{"NoAccess": true}) {
		t.Errorf("x@pbs = %v", got)
	}
	if tree.Node("/nope") != nil || tree.Node("/datastore/s1/x") != nil || tree.Node("") != tree.Root || tree.Node("/") != tree.Root {
		t.Error("Node lookup")
	}
	// §2.2: pre-order, children byte-wise sorted, root "/".
	var paths []string
	tree.Walk(func(p string, _ *ACLNode) { paths = append(paths, p) })
	if want := []string{"/", "/b", "/datastore", "/datastore/s1"}; !slices.Equal(paths, want) {
		t.Errorf("walk = %v", paths)
	}
	// §2.2: root@pam (non-token) is not written.
	// a@pbs has Admin(1) and Audit(0); @g has Audit(1): the ugid sets differ per role.
	want := "acl:1:/b:x@pbs:NoAccess\nacl:0:/datastore/s1:a@pbs:Audit\nacl:1:/datastore/s1:@g:Audit\nacl:1:/datastore/s1:a@pbs:Admin\n"
	if got := string(tree.Write()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// §3.1: delete_user_role removes one role; no-op when missing.
	tree.DeleteUserRole("/datastore/s1", "a@pbs", "Admin")
	tree.DeleteUserRole("/datastore/s1", "a@pbs", "Nope")
	tree.DeleteUserRole("/missing", "a@pbs", "Admin")
	tree.DeleteUserRole("/datastore/s1", "@g", "Audit")
	if got := roles(t, tree, "/datastore/s1", "a@pbs"); !reflect.DeepEqual(got, map[string]bool{"Audit": false}) {
		t.Errorf("after delete = %v", got)
	}
	if roles(t, tree, "/datastore/s1", "@g") != nil {
		t.Error("group role not deleted")
	}
	// §3.1: delete_authid removes the ugid from every node.
	tree.InsertUserRole("/", "a@pbs", "Audit", true, 0)
	tree.DeleteAuthid("a@pbs")
	tree.Walk(func(p string, n *ACLNode) {
		if _, ok := n.Users["a@pbs"]; ok {
			t.Errorf("a@pbs still at %s", p)
		}
	})
	// §3.1: delete_node removes a subtree, never the root.
	if tree.DeleteNode("/") || !tree.DeleteNode("/datastore") || tree.Node("/datastore/s1") != nil {
		t.Error("DeleteNode")
	}
	if got := string(tree.Write()); got != "acl:1:/b:x@pbs:NoAccess\n" {
		t.Errorf("final write %q", got)
	}
}
