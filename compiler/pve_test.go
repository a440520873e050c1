// Tests of compiling PVE configurations and of the PVE catalogs.

package compiler

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/pxacl/pxacl/configgen"
)

func TestCompilePVEExample(t *testing.T) {
	d, err := Compile("../examples/pve", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Meta.Flavor != "pve" || d.Meta.Superuser != "root@pam" || d.Meta.CatalogVersion != "9.1" {
		t.Errorf("meta = %+v", d.Meta)
	}
	if !reflect.DeepEqual(d.UserGroups["alice@pve"], map[string]bool{"auditors": true, "operators": true}) {
		t.Errorf("user_groups[alice@pve] = %v", d.UserGroups["alice@pve"])
	}
	if !reflect.DeepEqual(d.PoolOf["/vms/100"], []string{"prod"}) || !reflect.DeepEqual(d.PoolOf["/storage/local"], []string{"prod"}) {
		t.Errorf("pool_of = %v", d.PoolOf)
	}
	tok := d.Tokens["druva@pam!backup"]
	if tok.Owner != "druva@pam" || tok.Privsep == nil || !*tok.Privsep {
		t.Errorf("token = %+v", tok)
	}
	if full := d.Tokens["druva@pam!full"]; full.Privsep == nil || *full.Privsep {
		t.Errorf("full token = %+v", full)
	}
	if len(d.Roles["druva_backup_restore"]) != 17 {
		t.Errorf("custom role = %v", d.Roles["druva_backup_restore"])
	}
	e := d.GroupACL["/vms/101"]["operators"]
	if e == nil || !e.NoAccess || !e.NoAccessInherit {
		t.Errorf("group NoAccess entry = %+v", e)
	}
	if d.ACL["/"]["druva@pam!backup"] == nil || d.ACL["/storage/local"]["alice@pve"].Inherit != "" {
		t.Errorf("acl = %v", d.ACL)
	}
	if _, ok := d.NodeIndex["/vms/101"]; !ok || !reflect.DeepEqual(d.Levels, Levels{true, false, true}) {
		t.Errorf("nodes = %v, levels = %v", d.NodeIndex, d.Levels)
	}
	raw, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"pool_of", "user_groups", "group_acl", "acl", "kinds", "tokens", "users", "levels"} {
		if doc[k] == nil {
			t.Errorf("JSON lacks %s", k)
		}
	}
}

// The same PVE configuration always compiles to the same bytes: subjects
// are visited in sorted order, so privilege-set keys are numbered the same
// way every time (Go randomises map iteration; many distinct sets make a
// difference visible).
func TestPVEDeterministic(t *testing.T) {
	dir := t.TempDir()
	cfg := configgen.GeneratePVE(configgen.PVESpec{Entries: 3000, GroupMembers: 20, Pools: 50, VMs: 500, Seed: 4})
	if err := cfg.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	var first []byte
	for i := range 5 {
		d, err := Compile(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.PrivSets) < 10 {
			t.Fatalf("only %d privilege sets: the test cannot see an ordering difference", len(d.PrivSets))
		}
		raw, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = raw
		} else if !bytes.Equal(raw, first) {
			t.Fatalf("compile %d differs from the first", i+1)
		}
	}
}
