// Package evaluator answers pxacl's permission queries over one bundle,
// loaded from a file, parsed by OPA, or compiled in memory from a
// configuration directory. Allow and permissions (Allowed, Permissions,
// Check) are decided by the native engine (
//
// Files: evaluator.go loads an Evaluator; options.go holds its options;
// query.go answers queries (Allowed, Permissions, Check, Explain,
// CheckExpr); opa.go prepares and runs the OPA queries; explanation.go
// mirrors data.pxacl.explain.
package evaluator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/evaluator/native"
	"github.com/pxacl/pxacl/policies"
)

// Evaluator answers permission queries over one bundle. Allowed and
// Permissions are decided by the native engine when the bundle's policies
// are pxacl's own (and WithEngine(Rego) was not given); Explain, CheckExpr
// and everything else by OPA, whose queries are prepared on first use.
type Evaluator struct {
	native      *native.Engine     // nil: decide with OPA
	doc         *compiler.Document // the compiled configuration; nil for a bundle file
	nodes       []string
	poolMembers []string

	load     func() (opabundle.Bundle, error) // the bundle for OPA
	opaOnce  sync.Once
	opa      *prepared
	opaError error
}

// PoolMembers are the /vms/<id> and /storage/<id> paths of pool members
// (PVE), sorted.
func (e *Evaluator) PoolMembers() []string { return e.poolMembers }

// Native reports whether Allowed and Permissions are decided natively.
func (e *Evaluator) Native() bool { return e.native != nil }

// FromConfigDir compiles the configuration in dir in memory (flavor
// detected unless WithFlavor, PVE catalog chosen by WithPVEVersion).
func FromConfigDir(ctx context.Context, dir string, opts ...Option) (*Evaluator, error) {
	doc, err := compiler.Compile(dir, collect(opts).compile)
	if err != nil {
		return nil, err
	}
	return FromDocument(ctx, doc, opts...)
}

// FromDocument loads a compiled document, for callers that also read the
// document itself (who-can, diff). The document must not change afterwards.
func FromDocument(ctx context.Context, doc *compiler.Document, opts ...Option) (*Evaluator, error) {
	e := &Evaluator{nodes: slices.Clone(doc.Nodes), doc: doc}
	slices.Sort(e.nodes)
	for p := range doc.PoolOf {
		e.poolMembers = append(e.poolMembers, p)
	}
	slices.Sort(e.poolMembers)
	e.load = func() (opabundle.Bundle, error) {
		b, err := bundle.BuildDocument(doc)
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
	// the nodes with entries: the paths of acl and group_acl
	acl, _ := root["acl"].(map[string]any)
	groupACL, _ := root["group_acl"].(map[string]any)
	for n := range acl {
		e.nodes = append(e.nodes, n)
	}
	for n := range groupACL {
		if _, ok := acl[n]; !ok {
			e.nodes = append(e.nodes, n)
		}
	}
	slices.Sort(e.nodes)
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
// embedded policies for one flavor (policies.ForFlavor), so that the
// native engine decides as they would.
func ownPolicies(b opabundle.Bundle) bool {
	for _, flavor := range []string{"pbs", "pve"} {
		if sameModules(b, policies.ForFlavor(flavor)) {
			return true
		}
	}
	return false
}

// sameModules reports whether the bundle's modules are exactly own.
func sameModules(b opabundle.Bundle, own []policies.Module) bool {
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
