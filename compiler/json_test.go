// Tests of the document's JSON: round trip, determinism, escaping.

package compiler

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// roundTrip checks that d.JSON() is valid, deterministic JSON that
// unmarshals back to the document's content.
func roundTrip(t *testing.T, d *Document) []byte {
	t.Helper()
	j, err := d.JSON()
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if !json.Valid(j) {
		t.Fatalf("JSON is not valid:\n%s", j)
	}
	j2, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(j, j2) {
		t.Errorf("JSON of one document differs between calls")
	}
	var back Document
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatalf("unmarshal: %v\n%s", err, j)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"acl", kindsOf(back.ACL), kindsOf(d.ACL)},
		{"group_acl", kindsOf(back.GroupACL), kindsOf(d.GroupACL)},
		{"users", back.Users, withoutSteadyLines(d.Users)},
		{"tokens", back.Tokens, withoutSteadyLines(d.Tokens)},
		{"privsets", back.PrivSets, d.PrivSets},
		{"privileges", back.Privileges, d.Privileges},
		{"roles", back.Roles, d.Roles},
		{"nodes", back.NodeIndex, d.NodeIndex},
		{"sources", back.Sources, d.Sources},
		{"meta", back.Meta, d.Meta},
		{"tfa", back.TFA, d.TFA},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s does not round-trip:\n got  %#v\n want %#v", c.name, c.got, c.want)
		}
	}
	// The hand-written encoder must say the same as encoding/json on the
	// same layout: entries as kind keys, the kinds' leaf sets in privsets.
	ref, err := json.Marshal(encodingJSONLayout(d))
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(j, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(ref, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("JSON() differs from encoding/json:\n JSON()        %s\n encoding/json %s", j, ref)
	}
	return j
}

func TestJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		userCfg string
		aclCfg  string
	}{
		{"empty", "", ""},
		{"users only", "user: a@pbs\n\tenable false\n\ntoken: a@pbs!t\n\texpire 5\n", ""},
		{"basic", "user: john@pbs\n", "acl:1:/datastore:john@pbs:DatastoreAdmin\nacl:0:/datastore/s1:john@pbs:NoAccess\n"},
		{"groups", "", "acl:1:/:@admins:Admin\nacl:0:/x:@ops,@dev:Audit\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roundTrip(t, compileStrings(t, tt.userCfg, tt.aclCfg))
		})
	}
	t.Run("testdata/basic", func(t *testing.T) {
		roundTrip(t, compileDir(t, "testdata/basic"))
	})
}

// TestJSONDeterministic: compiling the same configuration twice (fresh
// parses, so fresh map iteration orders) gives identical bytes.
func TestJSONDeterministic(t *testing.T) {
	first, err := compileDir(t, "testdata/basic").JSON()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		j, err := compileDir(t, "testdata/basic").JSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, j) {
			t.Fatalf("compile %d differs:\n%s\n%s", i, first, j)
		}
	}
	if !bytes.HasSuffix(first, []byte("}\n")) {
		t.Errorf("JSON does not end with a newline")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(first, &top); err != nil {
		t.Fatal(err)
	}
	want := []string{"acl", "group_acl", "inherits", "kinds", "levels", "lib", "meta", "privileges", "privsets", "roles", "sources", "tokens", "users"}
	for _, k := range want {
		if _, ok := top[k]; !ok {
			t.Errorf("top-level key %q missing", k)
		}
	}
	if len(top) != len(want) {
		t.Errorf("got %d top-level keys, want %d", len(top), len(want))
	}
	// data.pxacl.lib, where package pxacl.lib's rules sit, is an empty
	// object (Document.Lib)
	if string(top["lib"]) != "{}" {
		t.Errorf("lib is %s, want {}", top["lib"])
	}
}

// TestJSONEscaping: ids and paths that need JSON escaping round-trip. The
// user name grammar allows '"', '\\', non-ASCII and '@' (§6); acl.cfg paths
// are not validated on load (§2.1).
func TestJSONEscaping(t *testing.T) {
	ids := []string{
		`j"o@pbs`,
		`back\slash@pbs`,
		"jö@pbs",
		"日本@pbs",
		"a@b@pbs",
		"x<y&z>@pbs",
		"ö<&>@pbs",
		`q"ö\@pbs`,
	}
	var userCfg, aclCfg strings.Builder
	for _, id := range ids {
		userCfg.WriteString("user: " + id + "\n\n")
		userCfg.WriteString("token: " + id + "!tok\n\n")
		aclCfg.WriteString("acl:1:/datastore/störe:" + id + "," + id + "!tok:DatastoreReader\n")
	}
	aclCfg.WriteString("acl:1:/x\"y/z\\w:j\"o@pbs:Audit\n")
	aclCfg.WriteString("acl:1:/tab\there:j\"o@pbs:Audit\n")
	aclCfg.WriteString("acl:1:/g:@grö\"up:Audit\n")
	d := compileStrings(t, strings.TrimSuffix(userCfg.String(), "\n"), aclCfg.String())
	j := roundTrip(t, d)

	var back Document
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, ok := back.Users[id]; !ok {
			t.Errorf("user %q lost in JSON", id)
		}
		tok := back.Tokens[id+"!tok"]
		if tok.Owner != id {
			t.Errorf("token %q owner = %q, want %q", id+"!tok", tok.Owner, id)
		}
		if back.ACL["/datastore/störe"][id] == nil || back.ACL["/datastore/störe"][id+"!tok"] == nil {
			t.Errorf("acl entries of %q lost in JSON", id)
		}
	}
	for _, p := range []string{`/x"y/z\w`, "/tab\there"} {
		if back.ACL[p][`j"o@pbs`] == nil {
			t.Errorf("path %q lost in JSON", p)
		}
		if _, ok := back.NodeIndex[p]; !ok {
			t.Errorf("node %q lost in JSON", p)
		}
	}
	if back.GroupACL["/g"][`grö"up`] == nil {
		t.Errorf("group grö\"up lost in JSON: %v", back.GroupACL)
	}
}

// kindsOf is an ACL as its kinds: what the bundle keeps of each entry
// (no acl.cfg lines).
func kindsOf(acl map[string]map[string]*Entry) map[string]map[string]Kind {
	out := map[string]map[string]Kind{}
	for p, subjects := range acl {
		out[p] = map[string]Kind{}
		for s, e := range subjects {
			out[p][s] = kindOf(e)
		}
	}
	return out
}

// encodingJSONLayout is the document in the layout JSON writes, for
// encoding/json to write the same.
func encodingJSONLayout(d *Document) any {
	kinds := d.kinds()
	keys := func(acl map[string]map[string]*Entry) map[string]map[string]string {
		out := map[string]map[string]string{}
		for p, subjects := range acl {
			out[p] = map[string]string{}
			for s, e := range subjects {
				out[p][s] = kinds.key(e)
			}
		}
		return out
	}
	type layout struct {
		*documentJSON
		ACL      map[string]map[string]string `json:"acl"`
		GroupACL map[string]map[string]string `json:"group_acl"`
		Kinds    map[string]Kind              `json:"kinds"`
		PrivSets map[string]map[string]bool   `json:"privsets"`
		Inherits map[string]map[string]bool   `json:"inherits"`
		Users    map[string]map[string]any    `json:"users"`
		Tokens   map[string]map[string]any    `json:"tokens"`
	}
	// a steady account has no enable, expire and line
	accounts := func(m map[string]Account) map[string]map[string]any {
		out := map[string]map[string]any{}
		for id, a := range m {
			v := map[string]any{}
			if a.Steady == "" {
				v["enable"], v["expire"], v["line"] = a.Enable, a.Expire, a.Line
			} else {
				v[steadyKey(d.Meta.Flavor)] = a.Steady
			}
			if a.Owner != "" {
				v["owner"] = a.Owner
			}
			if a.Privsep != nil {
				v["privsep"] = *a.Privsep
			}
			if a.SoleGroup != nil {
				v["pve_group"] = *a.SoleGroup
			}
			out[id] = v
		}
		return out
	}
	return layout{(*documentJSON)(d), keys(d.ACL), keys(d.GroupACL), kinds.kinds, kinds.withLeafSets(d.PrivSets), kinds.inheritSets(d.PrivSets), accounts(d.Users), accounts(d.Tokens)}
}

// withoutSteadyLines is m as it reads back from JSON: a steady account's
// line is not written.
func withoutSteadyLines(m map[string]Account) map[string]Account {
	out := make(map[string]Account, len(m))
	for id, a := range m {
		if a.Steady != "" {
			a.Line = 0
		}
		out[id] = a
	}
	return out
}
