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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/evaluator/native"
	"github.com/pxacl/pxacl/policies"
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
	Partial    bool // any of Privileges instead of all
	// Now is input.now (epoch seconds; 0 = none). The bundle lets it move
	// the clock only forward, so it can never revive an expired account.
	Now int64
	// Clock is the time to evaluate at (epoch seconds; 0 = the real
	// clock), any date: the CLI's --now and tests. OPA evaluates with it as
	// time.now_ns (rego.EvalTime); it is not part of the input.
	Clock int64
}

// Engine selects how Allowed and Permissions are decided.
type Engine int

const (
	// Auto decides natively (package evaluator/native) when the bundle's
	// policies are pxacl's own, else with OPA. The default.
	Auto Engine = iota
	// Rego always evaluates the Rego policies with OPA.
	Rego
)

// ParseEngine parses "auto" or "rego".
func ParseEngine(s string) (Engine, error) {
	switch s {
	case "", "auto":
		return Auto, nil
	case "rego":
		return Rego, nil
	}
	return Auto, fmt.Errorf("unknown engine %q (want auto or rego)", s)
}

// Option configures an Evaluator.
type Option func(*options)

type options struct{ engine Engine }

// WithEngine selects the engine for Allowed and Permissions.
func WithEngine(e Engine) Option { return func(o *options) { o.engine = e } }

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Evaluator answers permission queries over one bundle. Allowed and
// Permissions are decided by the native engine when the bundle's policies
// are pxacl's own (and WithEngine(Rego) was not given); Explain, CheckExpr
// and everything else by OPA, whose queries are prepared on first use.
type Evaluator struct {
	native      *native.Engine // nil: decide with OPA
	nodes       []string
	poolMembers []string

	load     func() (opabundle.Bundle, error) // the bundle for OPA
	opaOnce  sync.Once
	opa      *prepared
	opaError error
}

// prepared are the OPA queries over the bundle.
type prepared struct {
	allow, permissions, explain, checkExpr rego.PreparedEvalQuery
	revision                               string
}

// PoolMembers are the /vms/<id> and /storage/<id> paths of pool members
// (PVE), sorted.
func (e *Evaluator) PoolMembers() []string { return e.poolMembers }

// Native reports whether Allowed and Permissions are decided natively.
func (e *Evaluator) Native() bool { return e.native != nil }

// FromConfigDir compiles the configuration in dir in memory.
func FromConfigDir(ctx context.Context, dir string, opts ...Option) (*Evaluator, error) {
	return FromConfigDirFlavor(ctx, dir, "", "", opts...)
}

// FromConfigDirFlavor compiles the configuration in dir as flavor ("" =
// detect); pveVersion picks the PVE catalog ("", "9" or "8").
func FromConfigDirFlavor(ctx context.Context, dir, flavor, pveVersion string, opts ...Option) (*Evaluator, error) {
	doc, err := compiler.CompileDirFlavor(dir, flavor, pveVersion)
	if err != nil {
		return nil, err
	}
	return FromDocument(ctx, doc, opts...)
}

// FromDocument loads a compiled document, for callers that also read the
// document itself (who-can, diff). The document must not change afterwards.
func FromDocument(ctx context.Context, doc *compiler.Document, opts ...Option) (*Evaluator, error) {
	e := &Evaluator{nodes: slices.Clone(doc.Nodes)}
	slices.Sort(e.nodes)
	for p := range doc.PoolOf {
		e.poolMembers = append(e.poolMembers, p)
	}
	slices.Sort(e.poolMembers)
	e.load = func() (opabundle.Bundle, error) {
		b, err := BuildDocument(doc)
		if err != nil {
			return opabundle.Bundle{}, err
		}
		raw, err := b.Bytes()
		if err != nil {
			return opabundle.Bundle{}, err
		}
		return bundle.Read(bytes.NewReader(raw))
	}
	if collect(opts).engine == Rego {
		if _, err := e.prepared(ctx); err != nil {
			return nil, err
		}
		return e, nil
	}
	e.native = native.New(doc)
	return e, nil
}

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
	return BuildDocument(doc)
}

// BuildDocument writes a compiled document and the policies into a bundle.
func BuildDocument(doc *compiler.Document) (*bundle.Bundle, error) {
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
func FromBundleFile(ctx context.Context, path string, opts ...Option) (*Evaluator, error) {
	b, err := bundle.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return New(ctx, b, opts...)
}

// New prepares the queries over a parsed bundle. Its data is also decided
// natively if its policies are exactly pxacl's own.
func New(ctx context.Context, b opabundle.Bundle, opts ...Option) (*Evaluator, error) {
	e := &Evaluator{load: func() (opabundle.Bundle, error) { return b, nil }}
	if _, err := e.prepared(ctx); err != nil {
		return nil, err
	}
	root, _ := b.Data[bundle.Root].(map[string]any)
	if nodes, ok := root["nodes"].(map[string]any); ok {
		for n := range nodes {
			e.nodes = append(e.nodes, n)
		}
		slices.Sort(e.nodes)
	}
	if pools, ok := root["pool_of"].(map[string]any); ok {
		for p := range pools {
			e.poolMembers = append(e.poolMembers, p)
		}
		slices.Sort(e.poolMembers)
	}
	if collect(opts).engine == Rego || !ownPolicies(b) {
		return e, nil
	}
	doc, err := documentOf(root)
	if err != nil {
		return nil, err
	}
	e.native = native.New(doc)
	return e, nil
}

// ownPolicies reports whether the bundle's modules are exactly pxacl's
// embedded policies, so that the native engine decides as they would.
func ownPolicies(b opabundle.Bundle) bool {
	own := policies.Modules()
	if len(b.Modules) != len(own) {
		return false
	}
	want := make(map[string][]byte, len(own))
	for _, m := range own {
		want[bundle.Root+"/"+m.Name] = m.Src
	}
	for _, m := range b.Modules {
		src, ok := want[strings.TrimPrefix(m.Path, "/")]
		if !ok || !bytes.Equal(src, m.Raw) {
			return false
		}
	}
	return true
}

// documentOf decodes a bundle's data.pxacl into a compiler.Document.
func documentOf(root map[string]any) (*compiler.Document, error) {
	raw, err := json.Marshal(root)
	if err != nil {
		return nil, fmt.Errorf("evaluator: bundle data: %w", err)
	}
	var doc compiler.Document
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("evaluator: bundle data: %w", err)
	}
	return &doc, nil
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

// Revision is the bundle's revision (a content hash); "" if the bundle
// cannot be built.
func (e *Evaluator) Revision() string {
	p, err := e.prepared(context.Background())
	if err != nil {
		return ""
	}
	return p.revision
}

// Nodes returns the paths of the ACL nodes that carry entries, sorted
// byte-wise. The other nodes of the tree are in Intermediate.
func (e *Evaluator) Nodes() []string { return e.nodes }

// Intermediate returns the ACL tree's nodes without entries, in groups
// that decide alike (compiler.NodeGroup).
func (e *Evaluator) Intermediate() []compiler.NodeGroup { return compiler.NodeGroups(e.nodes) }

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
	return &x, nil
}

// CheckExpr evaluates a PVE permission-check expression (pve-semantics.md
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
