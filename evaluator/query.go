// Queries: allow, permissions, check, explain and check_expr, decided
// natively when the engine allows it, else by OPA.

package evaluator

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/evaluator/native"
)

// Query is the input of a decision.
type Query struct {
	AuthID     string
	Path       string
	Privileges []string
	Partial    bool // any of Privileges instead of all
	// Now is input.now (epoch seconds; 0 = none). The bundle lets it move
	// the clock only forward, so it can never revive an expired account.
	Now int64
	// Clock is the time to evaluate at (epoch seconds; 0 = the real
	// clock), any date: the CLI's --now and tests. OPA evaluates with it as
	// time.now_ns (rego.EvalTime); it is not part of the input.
	Clock int64
}

// Allowed reports whether q.AuthID is active and holds q.Privileges on
// q.Path (data.pxacl.allow).
func (e *Evaluator) Allowed(ctx context.Context, q Query) (bool, error) {
	if e.native != nil {
		return e.native.Allowed(native.Query(q)), nil
	}
	p, err := e.prepared(ctx)
	if err != nil {
		return false, err
	}
	v, err := eval(ctx, p.allow, q.input(), at(q.Clock)...)
	if err != nil {
		return false, err
	}
	b, _ := v.(bool)
	return b, nil
}

// Permissions returns {privilege: propagate} of authID on path
// (data.pxacl.permissions).
func (e *Evaluator) Permissions(ctx context.Context, authID, path string) (map[string]bool, error) {
	if e.native != nil {
		return e.native.Permissions(authID, path), nil
	}
	p, err := e.prepared(ctx)
	if err != nil {
		return nil, err
	}
	v, err := eval(ctx, p.permissions, Query{AuthID: authID, Path: path}.input())
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	m, _ := v.(map[string]any)
	for k, x := range m {
		b, _ := x.(bool)
		out[k] = b
	}
	return out, nil
}

// Verdict is what `check` reports: the decision, whether the auth id is
// configured and active, the normalised path, and the requested privileges
// (sorted, no duplicates) with those that are missing.
type Verdict struct {
	Allowed bool
	Active  bool
	// Known: the auth id has a user or token section (explain's known);
	// an unknown one is denied as "no such user" or "no such token".
	Known bool
	// Token: the auth id is a token (explain's token), configured or not.
	Token     bool
	Path      string
	Requested []string
	Missing   []string
}

// Check decides q and says why: natively when it can, else from the Rego
// explanation (the same fields of data.pxacl.explain).
func (e *Evaluator) Check(ctx context.Context, q Query) (*Verdict, error) {
	if e.native == nil {
		x, err := e.Explain(ctx, q)
		if err != nil {
			return nil, err
		}
		v := &Verdict{Allowed: x.Allowed, Active: x.Active.Active, Known: x.Known, Token: x.Token, Requested: x.Requested, Missing: x.Missing}
		if x.Path != nil {
			v.Path = *x.Path
		}
		return v, nil
	}
	v := &Verdict{
		Allowed:   e.native.Allowed(native.Query(q)),
		Active:    e.native.Active(q.AuthID, e.native.When(q.Clock, q.Now)),
		Known:     e.native.Known(q.AuthID),
		Token:     e.native.IsToken(q.AuthID),
		Path:      native.Normalise(q.Path),
		Requested: slices.Compact(slices.Sorted(slices.Values(q.Privileges))),
		Missing:   []string{},
	}
	if aclpath.Dotted(q.Path) {
		v.Path = "" // explain's path is null: the target is undefined
	}
	held := e.native.Permissions(q.AuthID, q.Path)
	for _, p := range v.Requested {
		if _, ok := held[p]; !ok {
			v.Missing = append(v.Missing, p)
		}
	}
	return v, nil
}

// Explain returns the structured account of a decision (data.pxacl.explain).
func (e *Evaluator) Explain(ctx context.Context, q Query) (*Explanation, error) {
	p, err := e.prepared(ctx)
	if err != nil {
		return nil, err
	}
	v, err := eval(ctx, p.explain, q.input(), at(q.Clock)...)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var x Explanation
	if err := json.Unmarshal(raw, &x); err != nil {
		return nil, fmt.Errorf("evaluator: explain result: %w", err)
	}
	addLines(&x, e.doc)
	return &x, nil
}

// CheckExpr evaluates a PVE permission-check expression (docs/semantics.md pve
// §4) for authID with the request parameters params; clock is the epoch
// time for enable/expire (0 = the real clock), any date (time.now_ns).
func (e *Evaluator) CheckExpr(ctx context.Context, authID string, expr any, params map[string]any, clock int64) (bool, error) {
	in := map[string]any{"auth_id": authID, "expr": expr, "params": params}
	v, err := ast.InterfaceToValue(in)
	if err != nil {
		return false, fmt.Errorf("evaluator: %w", err)
	}
	p, err := e.prepared(ctx)
	if err != nil {
		return false, err
	}
	r, err := eval(ctx, p.checkExpr, v, at(clock)...)
	if err != nil {
		return false, err
	}
	b, _ := r.(bool)
	return b, nil
}
