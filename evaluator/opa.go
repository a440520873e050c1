// OPA: loading the bundle into OPA once, preparing the queries of the
// Rego API and evaluating them with an input and a clock.

package evaluator

import (
	"context"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// Queries of the Rego API (package policies).
const (
	AllowQuery       = "data.pxacl.allow"
	PermissionsQuery = "data.pxacl.permissions"
	ExplainQuery     = "data.pxacl.explain"
	CheckExprQuery   = "data.pxacl.check_expr"
)

// prepared are the OPA queries over the bundle.
type prepared struct {
	allow, permissions, explain, checkExpr rego.PreparedEvalQuery
	revision                               string
}

// prepared loads the bundle into OPA and prepares the queries, once.
func (e *Evaluator) prepared(ctx context.Context) (*prepared, error) {
	e.opaOnce.Do(func() {
		b, err := e.load()
		e.load = nil // let the compiled document go once OPA has the bundle
		if err != nil {
			e.opaError = err
			return
		}
		e.opa, e.opaError = prepare(ctx, b)
	})
	return e.opa, e.opaError
}

func prepare(ctx context.Context, b opabundle.Bundle) (*prepared, error) {
	store := inmem.NewFromObjectWithOpts(b.Data, inmem.OptRoundTripOnWrite(false))
	opts := []func(*rego.Rego){rego.Store(store)}
	for _, m := range b.Modules {
		opts = append(opts, rego.ParsedModule(m.Parsed))
	}
	one := func(q string) (rego.PreparedEvalQuery, error) {
		pq, err := rego.New(append([]func(*rego.Rego){rego.Query(q)}, opts...)...).PrepareForEval(ctx)
		if err != nil {
			return pq, fmt.Errorf("evaluator: preparing %s: %w", q, err)
		}
		return pq, nil
	}
	p := &prepared{revision: b.Manifest.Revision}
	var err error
	if p.allow, err = one(AllowQuery); err != nil {
		return nil, err
	}
	if p.permissions, err = one(PermissionsQuery); err != nil {
		return nil, err
	}
	if p.explain, err = one(ExplainQuery); err != nil {
		return nil, err
	}
	if p.checkExpr, err = one(CheckExprQuery); err != nil {
		return nil, err
	}
	return p, nil
}

func (q Query) input() ast.Value {
	privs := make([]*ast.Term, len(q.Privileges))
	for i, p := range q.Privileges {
		privs[i] = ast.StringTerm(p)
	}
	obj := ast.NewObject(
		ast.Item(ast.StringTerm("auth_id"), ast.StringTerm(q.AuthID)),
		ast.Item(ast.StringTerm("path"), ast.StringTerm(q.Path)),
		ast.Item(ast.StringTerm("privileges"), ast.ArrayTerm(privs...)),
	)
	if q.Partial {
		obj.Insert(ast.StringTerm("partial"), ast.BooleanTerm(true))
	}
	if q.Now != 0 {
		obj.Insert(ast.StringTerm("now"), ast.IntNumberTerm(int(q.Now)))
	}
	return obj
}

// at is the evaluation option that sets OPA's clock (time.now_ns) to clock
// epoch seconds; none for 0 (the real clock).
func at(clock int64) []rego.EvalOption {
	if clock == 0 {
		return nil
	}
	return []rego.EvalOption{rego.EvalTime(time.Unix(clock, 0))}
}

func eval(ctx context.Context, pq rego.PreparedEvalQuery, in ast.Value, opts ...rego.EvalOption) (any, error) {
	rs, err := pq.Eval(ctx, append([]rego.EvalOption{rego.EvalParsedInput(in)}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("evaluator: %w", err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil
	}
	return rs[0].Expressions[0].Value, nil
}
