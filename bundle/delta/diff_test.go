package delta

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// applyOPA loads the document a as data.pxacl of a snapshot bundle into
// an OPA store, activates a delta bundle with ops the way a sidecar does
// (OPA's bundle.Activate) and returns data.pxacl.
func applyOPA(t testing.TB, a []byte, ops []Op) (any, error) {
	t.Helper()
	ctx := context.Background()
	var doc any
	if err := json.Unmarshal(a, &doc); err != nil {
		t.Fatal(err)
	}
	store := inmem.New()
	roots := []string{"pxacl"}
	activate := func(b *opabundle.Bundle) error {
		txn, err := store.NewTransaction(ctx, storage.WriteParams)
		if err != nil {
			return err
		}
		err = opabundle.Activate(&opabundle.ActivateOpts{
			Ctx: ctx, Store: store, Txn: txn, Compiler: ast.NewCompiler(), Metrics: metrics.New(),
			Bundles: map[string]*opabundle.Bundle{"pxacl": b},
		})
		if err != nil {
			store.Abort(ctx, txn)
			return err
		}
		return store.Commit(ctx, txn)
	}
	snap := &opabundle.Bundle{Manifest: opabundle.Manifest{Revision: "a", Roots: &roots}, Data: map[string]any{"pxacl": doc}}
	if err := activate(snap); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	patch := make([]opabundle.PatchOperation, len(ops))
	for i, o := range ops {
		// through JSON, as patch.json is read
		raw, _ := json.Marshal(o)
		if err := json.Unmarshal(raw, &patch[i]); err != nil {
			t.Fatal(err)
		}
	}
	d := &opabundle.Bundle{Manifest: opabundle.Manifest{Revision: "b", Roots: &roots}, Patch: opabundle.Patch{Data: patch}}
	if err := activate(d); err != nil {
		return nil, err
	}
	txn, _ := store.NewTransaction(ctx)
	defer store.Abort(ctx, txn)
	v, err := store.Read(ctx, txn, storage.Path{"pxacl"})
	if err != nil {
		return nil, err
	}
	raw, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(raw, &out)
	return out, nil
}

func decode(t testing.TB, s []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(s, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEscapeSegment(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"john@pbs", "john@pbs"},
		{"/", "~1"},
		{"/datastore/store1", "~1datastore~1store1"},
		{"~", "~0"},
		{"~1", "~01"},
		{"a/~b", "a~1~0b"},
		{"100%", "100%25"},
		{"%7E", "%257E"},
		{"", ""},
	} {
		if got := EscapeSegment(tt.in); got != tt.want {
			t.Errorf("EscapeSegment(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     []Op // nil: only check that OPA's application gives new
	}{
		{"same up to whitespace", `{"a":1}`, `{ "a": 1 }`, []Op{}},
		{"identical", `{"a":{"b":1}}`, `{"a":{"b":1}}`, []Op{}},
		{"scalar change", `{"a":1,"b":2}`, `{"a":1,"b":3}`, []Op{{Op: "upsert", Path: "/pxacl/b", Value: json.RawMessage(`3`)}}},
		{"add key", `{"a":1}`, `{"a":1,"c":{"x":true}}`, []Op{{Op: "upsert", Path: "/pxacl/c", Value: json.RawMessage(`{"x":true}`)}}},
		{"remove key", `{"a":1,"b":2}`, `{"a":1}`, []Op{{Op: "remove", Path: "/pxacl/b"}}},
		{"nested change", `{"acl":{"/":{"john@pbs":{"leaf":"s1","roles":{"Audit":true}}}}}`,
			`{"acl":{"/":{"john@pbs":{"leaf":"s2","roles":{"Audit":true}}}}}`,
			[]Op{{Op: "upsert", Path: "/pxacl/acl/~1/john@pbs/leaf", Value: json.RawMessage(`"s2"`)}}},
		{"path with slashes", `{"acl":{"/datastore/s1":{"u":1},"/x":{"u":1}}}`, `{"acl":{"/datastore/s1":{"u":2},"/x":{"u":1}}}`,
			[]Op{{Op: "upsert", Path: "/pxacl/acl/~1datastore~1s1/u", Value: json.RawMessage(`2`)}}},
		{"path with tilde", `{"acl":{"/a~b/~1":{"u":1}}}`, `{"acl":{"/a~b/~1":{"u":2}}}`,
			[]Op{{Op: "upsert", Path: "/pxacl/acl/~1a~0b~1~01/u", Value: json.RawMessage(`2`)}}},
		{"path with percent", `{"acl":{"/a%2Fb":{"u":1}}}`, `{"acl":{"/a%2Fb":{"u":2},"%zz":{}}}`, nil},
		{"remove a path", `{"acl":{"/a/b":{"u":1},"/c":{"u":1}}}`, `{"acl":{"/c":{"u":1}}}`, []Op{{Op: "remove", Path: "/pxacl/acl/~1a~1b"}}},
		{"array replaced whole", `{"levels":[1,0,1]}`, `{"levels":[1,0,1,1]}`, []Op{{Op: "upsert", Path: "/pxacl/levels", Value: json.RawMessage(`[1,0,1,1]`)}}},
		{"type change", `{"a":{"b":1}}`, `{"a":[1]}`, []Op{{Op: "upsert", Path: "/pxacl/a", Value: json.RawMessage(`[1]`)}}},
		{"object to scalar", `{"a":"x"}`, `{"a":{"y":null}}`, []Op{{Op: "upsert", Path: "/pxacl/a", Value: json.RawMessage(`{"y":null}`)}}},
		{"null value", `{"a":1}`, `{"a":null}`, []Op{{Op: "upsert", Path: "/pxacl/a", Value: json.RawMessage(`null`)}}},
		{"whole member when smaller", `{"e":{"a":1,"b":2,"c":3}}`, `{"e":{"a":4,"b":5,"c":6}}`,
			[]Op{{Op: "upsert", Path: "/pxacl/e", Value: json.RawMessage(`{"a":4,"b":5,"c":6}`)}}},
		{"empty key", `{"o":{"":1,"a":1}}`, `{"o":{"":2,"a":1}}`, []Op{{Op: "upsert", Path: "/pxacl/o", Value: json.RawMessage(`{"":2,"a":1}`)}}},
		{"escaped keys", `{"k\"q":1,"\u00e9":1}`, `{"k\"q":2,"é":1}`, nil},
		{"empty objects", `{}`, `{"a":{}}`, []Op{{Op: "upsert", Path: "/pxacl/a", Value: json.RawMessage(`{}`)}}},
		{"to empty", `{"a":{"b":1}}`, `{"a":{}}`, []Op{{Op: "remove", Path: "/pxacl/a/b"}}},
		{"duplicate keys", `{"a":{"b":1,"b":2}}`, `{"a":{"b":2}}`, nil},
		{"deep", `{"a":{"b":{"c":{"d":[1]}}}}`, `{"a":{"b":{"c":{"d":[2],"e":1}}}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := Diff([]byte(tt.old), []byte(tt.new), Prefix)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != nil && !(len(ops) == 0 && len(tt.want) == 0) && !reflect.DeepEqual(ops, tt.want) {
				t.Errorf("ops = %s, want %s", show(ops), show(tt.want))
			}
			if len(ops) == 0 {
				return
			}
			got, err := applyOPA(t, []byte(tt.old), ops)
			if err != nil {
				t.Fatalf("OPA rejects %s: %v", show(ops), err)
			}
			if want := decode(t, []byte(tt.new)); !reflect.DeepEqual(got, want) {
				t.Errorf("OPA applied %s: got %v, want %v", show(ops), got, want)
			}
		})
	}
}

func show(ops []Op) string {
	raw, _ := EncodeOps(ops)
	return "[" + string(raw) + "]"
}

func TestDiffRejects(t *testing.T) {
	for _, c := range [][2]string{{`{`, `{}`}, {`{}`, `{"a":}`}, {`[1]`, `{}`}} {
		if _, err := Diff([]byte(c[0]), []byte(c[1]), ""); err == nil {
			t.Errorf("Diff(%s, %s) accepted", c[0], c[1])
		}
	}
}

// FuzzDiff: OPA applying Diff(a, b) to a gives b.
func FuzzDiff(f *testing.F) {
	f.Add([]byte(`{"acl":{"/":{"u":{"leaf":"s1"}}}}`), []byte(`{"acl":{"/a/b":{"u":{"leaf":"s1"}}}}`))
	f.Add([]byte(`{"a":{"~1":[1,2],"/":null}}`), []byte(`{"a":{"~1":[1],"%41":{"x":"y"}}}`))
	f.Add([]byte(`{"a":1}`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var va, vb any
		if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
			return
		}
		if _, ok := va.(map[string]any); !ok {
			return
		}
		if _, ok := vb.(map[string]any); !ok {
			return
		}
		ops, err := Diff(a, b, Prefix)
		if err != nil {
			return // an empty key or duplicates at the root: refused
		}
		if len(ops) == 0 {
			if !reflect.DeepEqual(va, vb) {
				t.Fatalf("no ops for different documents")
			}
			return
		}
		got, err := applyOPA(t, a, ops)
		if err != nil {
			t.Fatalf("OPA rejects %s: %v", show(ops), err)
		}
		// the comparison goes through OPA's JSON, as does got
		raw, _ := json.Marshal(vb)
		if want := decode(t, raw); !reflect.DeepEqual(got, want) {
			t.Fatalf("a=%s b=%s ops=%s: got %v", a, b, show(ops), got)
		}
	})
}
