// Package evaluator is pxacl's embedded decision engine: it loads a bundle
// (from a file, or compiled in memory from a configuration directory) into
// OPA and answers allow, permissions and explain with prepared queries.
// An Evaluator is safe for concurrent use.
package evaluator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
)

// Queries answered by the evaluator (the Rego API of DESIGN.md).
const (
	AllowQuery       = "data.pxacl.allow"
	PermissionsQuery = "data.pxacl.permissions"
	ExplainQuery     = "data.pxacl.explain"
	CheckExprQuery   = "data.pxacl.check_expr"
)

// Query is the input of a decision.
type Query struct {
	AuthID     string
	Path       string
	Privileges []string
	Partial    bool  // any of Privileges instead of all
	Now        int64 // epoch seconds for enable/expire checks; 0 = the clock
}

// Evaluator answers permission queries over one bundle.
type Evaluator struct {
	allow, permissions, explain rego.PreparedEvalQuery
	checkExpr                   rego.PreparedEvalQuery
	revision                    string
	nodes                       []string
	poolMembers                 []string
}

// PoolMembers are the /vms/<id> and /storage/<id> paths of pool members
// (PVE), sorted.
func (e *Evaluator) PoolMembers() []string { return e.poolMembers }

// FromConfigDir compiles the configuration in dir in memory.
func FromConfigDir(ctx context.Context, dir string) (*Evaluator, error) {
	return FromConfigDirFlavor(ctx, dir, "", "")
}

// FromConfigDirFlavor compiles the configuration in dir as flavor ("" =
// detect); pveVersion picks the PVE catalog ("", "9" or "8").
func FromConfigDirFlavor(ctx context.Context, dir, flavor, pveVersion string) (*Evaluator, error) {
	doc, err := compiler.CompileDirFlavor(dir, flavor, pveVersion)
	if err != nil {
		return nil, err
	}
	return FromDocument(ctx, doc)
}

// FromDocument loads a compiled document, for callers that also read the
// document itself (who-can, diff).
func FromDocument(ctx context.Context, doc *compiler.Document) (*Evaluator, error) {
	b, err := buildDocument(doc)
	if err != nil {
		return nil, err
	}
	raw, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	ob, err := bundle.Read(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return New(ctx, ob)
}

// BuildGCPercent is the GOGC setting `pxacl bundle build` uses: compiling
// is a one-shot batch job that allocates a lot and keeps most of it.
const BuildGCPercent = 400

// BuildDir compiles the configuration in dir into a bundle.
func BuildDir(dir string) (*bundle.Bundle, error) {
	return BuildDirFlavor(dir, "", "")
}

// BuildDirFlavor is BuildDir with an explicit flavor ("" = detect) and PVE
// catalog version ("", "9" or "8").
func BuildDirFlavor(dir, flavor, pveVersion string) (*bundle.Bundle, error) {
	doc, err := compiler.CompileDirFlavor(dir, flavor, pveVersion)
	if err != nil {
		return nil, err
	}
	return buildDocument(doc)
}

func buildDocument(doc *compiler.Document) (*bundle.Bundle, error) {
	data, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	return bundle.Build(data, bundle.Metadata{
		Flavor:         doc.Meta.Flavor,
		CatalogVersion: doc.Meta.CatalogVersion,
		Sources:        doc.Sources,
	})
}

// FromBundleFile loads a bundle file written by `pxacl bundle build`.
func FromBundleFile(ctx context.Context, path string) (*Evaluator, error) {
	b, err := bundle.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return New(ctx, b)
}

// New prepares the queries over a parsed bundle.
func New(ctx context.Context, b opabundle.Bundle) (*Evaluator, error) {
	store := inmem.NewFromObjectWithOpts(b.Data, inmem.OptRoundTripOnWrite(false))
	opts := []func(*rego.Rego){rego.Store(store)}
	for _, m := range b.Modules {
		opts = append(opts, rego.ParsedModule(m.Parsed))
	}
	prepare := func(q string) (rego.PreparedEvalQuery, error) {
		pq, err := rego.New(append([]func(*rego.Rego){rego.Query(q)}, opts...)...).PrepareForEval(ctx)
		if err != nil {
			return pq, fmt.Errorf("evaluator: preparing %s: %w", q, err)
		}
		return pq, nil
	}
	e := &Evaluator{revision: b.Manifest.Revision}
	var err error
	if e.allow, err = prepare(AllowQuery); err != nil {
		return nil, err
	}
	if e.permissions, err = prepare(PermissionsQuery); err != nil {
		return nil, err
	}
	if e.explain, err = prepare(ExplainQuery); err != nil {
		return nil, err
	}
	if e.checkExpr, err = prepare(CheckExprQuery); err != nil {
		return nil, err
	}
	if root, ok := b.Data[bundle.Root].(map[string]any); ok {
		if nodes, ok := root["nodes"].(map[string]any); ok {
			for n := range nodes {
				e.nodes = append(e.nodes, n)
			}
			sort.Strings(e.nodes)
		}
		if pools, ok := root["pool_of"].(map[string]any); ok {
			for p := range pools {
				e.poolMembers = append(e.poolMembers, p)
			}
			sort.Strings(e.poolMembers)
		}
	}
	return e, nil
}

// Revision is the bundle's revision (a content hash).
func (e *Evaluator) Revision() string { return e.revision }

// Nodes returns every ACL node path of the configuration, sorted.
func (e *Evaluator) Nodes() []string { return e.nodes }

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

func eval(ctx context.Context, pq rego.PreparedEvalQuery, in ast.Value) (any, error) {
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		return nil, fmt.Errorf("evaluator: %w", err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil
	}
	return rs[0].Expressions[0].Value, nil
}

// Allowed reports whether q.AuthID is active and holds q.Privileges on
// q.Path (data.pxacl.allow).
func (e *Evaluator) Allowed(ctx context.Context, q Query) (bool, error) {
	v, err := eval(ctx, e.allow, q.input())
	if err != nil {
		return false, err
	}
	b, _ := v.(bool)
	return b, nil
}

// Permissions returns {privilege: propagate} of authID on path
// (data.pxacl.permissions).
func (e *Evaluator) Permissions(ctx context.Context, authID, path string) (map[string]bool, error) {
	v, err := eval(ctx, e.permissions, Query{AuthID: authID, Path: path}.input())
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

// Explain returns the structured account of a decision (data.pxacl.explain).
func (e *Evaluator) Explain(ctx context.Context, q Query) (*Explanation, error) {
	v, err := eval(ctx, e.explain, q.input())
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
	return &x, nil
}

// CheckExpr evaluates a PVE permission-check expression (pve-semantics.md
// §4) for authID with the request parameters params; now is the epoch time
// for enable/expire (0 = the clock).
func (e *Evaluator) CheckExpr(ctx context.Context, authID string, expr any, params map[string]any, now int64) (bool, error) {
	in := map[string]any{"auth_id": authID, "expr": expr, "params": params}
	if now != 0 {
		in["now"] = now
	}
	v, err := ast.InterfaceToValue(in)
	if err != nil {
		return false, fmt.Errorf("evaluator: %w", err)
	}
	r, err := eval(ctx, e.checkExpr, v)
	if err != nil {
		return false, err
	}
	b, _ := r.(bool)
	return b, nil
}
