package pveid_test

import (
	"context"
	"math/rand"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/pxacl/pxacl/policies"
	"github.com/pxacl/pxacl/pveid"
)

// TestRegoUseridAgrees holds the Rego copy of verify_username
// (pve_valid_userid in policies/pve.rego, used by check-expr's
// userid-param) to this package, on random and bytewise-mutated ids
// (docs/semantics.md pve §1.2).
func TestRegoUseridAgrees(t *testing.T) {
	opts := []func(*rego.Rego){rego.Query("data.pxacl.lib.pve_valid_userid(input.id)")}
	for _, m := range policies.Modules() {
		opts = append(opts, rego.Module(m.Name, string(m.Src)))
	}
	pq, err := rego.New(opts...).PrepareForEval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := append(randomIDs(rand.New(rand.NewSource(7)), 1500),
		"alice@pve", "a\vb@pve", "a b@pve", string(make([]byte, 70))+"@pve",
		"ääääääääääääääääääääääääääääää@pve", "äääääääääääääääääääääääääääääää@pve")
	for _, id := range ids {
		rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(ast.NewObject(ast.Item(ast.StringTerm("id"), ast.StringTerm(id)))))
		if err != nil {
			t.Fatal(err)
		}
		got := len(rs) > 0 && rs[0].Expressions[0].Value == true
		if want := pveid.ValidUserid(id); got != want {
			t.Errorf("%q: Rego %v, pveid %v", id, got, want)
		}
	}
}
